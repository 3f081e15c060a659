"""The csv source: both Yahoo layouts, FRED layouts, malformed files, unknown tickers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from aipolicy.errors import InvalidInputError, MalformedDataError, UnknownTickerError
from aipolicy.marketdata import available_tickers, load_fred, load_prices

REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"

YF_SINGLE = """Date,Close,High,Low,Open,Volume
2025-05-12,122.97,122.97,120.25,121.94,225023300
2025-05-13,129.9,131.19,124.44,124.95,330430100
2025-05-14,135.31,135.41,131.65,133.17,281180800
"""
YAHOO_SITE = """Date,Open,High,Low,Close,Adj Close,Volume
2024-01-02,100.0,110.0,90.0,100.0,50.0,1000
2024-01-03,100.0,104.0,99.0,102.0,51.0,null
"""
YF_MULTI = """Price,Close,High,Low,Open,Volume
Ticker,AMD,AMD,AMD,AMD,AMD
Date,,,,,
2025-05-12,110.5,111.0,108.1,109.0,4000000
2025-05-13,112.0,113.0,110.0,110.5,4100000
"""


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "csv"
    d.mkdir()
    (d / "NVDA.csv").write_text(YF_SINGLE)
    (d / "OLD.csv").write_text(YAHOO_SITE)
    (d / "AMD.csv").write_text(YF_MULTI)
    (d / "GSPC.csv").write_text(YF_SINGLE.replace("122.97", "5844.19"))
    (d / "CPIAUCSL.csv").write_text("observation_date,CPIAUCSL\n2024-01-01,308.417\n2024-02-01,.\n")
    (d / "UNRATE.csv").write_text("DATE,UNRATE\n2024-01-01,3.7\n")
    return d


def test_yfinance_single_level_layout(folder):
    df = load_prices(["NVDA"], source="csv", data_dir=folder, fields="ohlcv")
    assert df.loc["2025-05-13", ("Close", "NVDA")] == 129.9
    assert df.loc["2025-05-13", ("Open", "NVDA")] == 124.95
    assert df.attrs["source"] == "csv" and df.attrs["data_dir"] == str(folder)
    assert df.attrs["synthetic"] is False and df.attrs["as_of"] == "2025-05-14"


def test_yahoo_website_layout_uses_adj_close_and_adjusts_ohlc(folder):
    df = load_prices("OLD", source="csv", data_dir=folder, fields="ohlcv")
    assert df.loc["2024-01-02", ("Close", "OLD")] == 50.0
    assert df.loc["2024-01-02", ("High", "OLD")] == pytest.approx(55.0)
    assert pd.isna(df.loc["2024-01-03", ("Volume", "OLD")])  # Yahoo writes 'null'


def test_yfinance_multilevel_layout(folder):
    assert load_prices("AMD", source="csv", data_dir=folder)["AMD"].tolist() == [110.5, 112.0]


def test_caret_dropped_from_file_name(folder):
    df = load_prices(["^GSPC", "NVDA"], source="csv", data_dir=folder)
    assert list(df.columns) == ["^GSPC", "NVDA"] and df["^GSPC"].iloc[0] == 5844.19
    assert "^GSPC" in available_tickers("csv", folder)
    assert "CPIAUCSL" not in available_tickers("csv", folder)


def test_unknown_ticker_lists_available(folder):
    with pytest.raises(UnknownTickerError) as exc:
        load_prices(["NVDA", "MSFT"], source="csv", data_dir=folder)
    assert (
        "MSFT.csv" in str(exc.value) and "NVDA" in str(exc.value) and str(folder) in str(exc.value)
    )
    df = load_prices(["NVDA", "MSFT"], source="csv", data_dir=folder, missing="drop")
    assert df.attrs["missing"] == ["MSFT"]


def test_data_dir_required():
    with pytest.raises(InvalidInputError, match="data_dir"):
        load_prices("NVDA", source="csv")
    with pytest.raises(InvalidInputError, match="not a folder"):
        load_prices("NVDA", source="csv", data_dir="/no/such/folder")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("Date,Close\n2024-01-02,1.0\n2024-01-03,abc\n", r"line 3: column 'Close' holds 'abc'"),
        ("Date,Close\n2024-01-02,1.0\n2024-13-45,2.0\n", r"line 3: '2024-13-45' is not a date"),
        ("When,Price\n2024-01-02,1.0\n", r"line 1: header"),
        ("", r"line 1: the file is empty"),
        ("Date,Close\n", r"line 2: the file has a header but no rows"),
        ("Date,Close\n2024-01-02,1.0\n2024-01-03,2.0,7,8\n", r"line 3"),
    ],
)
def test_malformed_csv_names_file_and_line(folder, text, match):
    (folder / "BAD.csv").write_text(text)
    with pytest.raises(MalformedDataError, match=match) as exc:
        load_prices("BAD", source="csv", data_dir=folder)
    assert "BAD.csv" in str(exc.value)


def test_fred_csv_both_headers_and_dots(folder):
    df = load_fred(["CPIAUCSL", "UNRATE"], source="csv", data_dir=folder)
    assert df.loc["2024-01-01", "CPIAUCSL"] == 308.417 and pd.isna(df.loc["2024-02-01", "CPIAUCSL"])
    assert df.loc["2024-01-01", "UNRATE"] == 3.7


def test_fred_malformed(folder):
    (folder / "PAYEMS.csv").write_text(
        "observation_date,PAYEMS\n2024-01-01,158000\n2024-02-01,lots\n"
    )
    with pytest.raises(MalformedDataError, match=r"PAYEMS.csv: line 3"):
        load_fred("PAYEMS", source="csv", data_dir=folder)


@pytest.mark.realdata
def test_real_public_data_folder_loads():
    df = load_prices(["NVDA", "^GSPC", "^SOX"], source="csv", data_dir=REALDATA)
    # 251 sessions; the last (2026-05-11) is an intraday snapshot and is left out
    assert len(df) == 250 and df.notna().all().all()
    assert df.attrs["as_of"] == "2026-05-08" and "2026-05-11" in df.attrs["partial_bar"]
    kept = load_prices(["NVDA"], source="csv", data_dir=REALDATA, partial_bar="keep")
    assert len(kept) == 251 and kept.attrs["partial_bar"] is None
    cpi = load_fred("CPIAUCSL", source="csv", data_dir=REALDATA)["CPIAUCSL"]
    assert cpi.index[0] == pd.Timestamp("1980-01-01") and cpi.notna().all()
