"""The committed synthetic sample: shapes, attrs, errors, determinism, import cost."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from aipolicy import config
from aipolicy.errors import DataUnavailableError, InvalidInputError, UnknownTickerError
from aipolicy.marketdata import available_tickers, load_fred, load_ipos, load_prices, universe
from aipolicy.nb import banner_text

ATTR_KEYS = {
    "source",
    "as_of",
    "fetched_at",
    "missing",
    "requested",
    "synthetic",
    "data_dir",
    "provenance",
    "partial_bar",
}


def test_close_frame_shape_order_and_attrs():
    df = load_prices(["MSFT", "NVDA", "^GSPC"], source="sample")
    assert list(df.columns) == ["MSFT", "NVDA", "^GSPC"]
    assert df.index.name == "Date" and df.index.tz is None and df.index.is_monotonic_increasing
    assert df.index.dtype == "datetime64[ns]"
    assert all(df.dtypes == "float64")
    assert df.index[0] == pd.Timestamp("2016-01-04") and df.index[-1] == pd.Timestamp("2026-10-30")
    assert set(df.attrs) == ATTR_KEYS
    assert df.attrs["synthetic"] is True and df.attrs["source"] == "sample"
    assert df.attrs["as_of"] == "2026-10-30" and df.attrs["missing"] == []
    assert df.attrs["provenance"].startswith("aipolicy synthetic sample (seed ")
    assert banner_text(df.attrs).startswith("SAMPLE DATA — synthetic")


def test_universe_is_covered():
    have = set(available_tickers())
    assert set(universe.DEFAULT_UNIVERSE) <= have and len(have) == 30
    assert len(universe.DEFAULT_UNIVERSE) == len(set(universe.DEFAULT_UNIVERSE))
    assert all(t in universe.NAMES and t in universe.DESCRIPTIONS for t in universe.SAMPLE_TICKERS)


def test_ohlcv_multiindex_and_bar_consistency():
    df = load_prices("NVDA, AMD", "2025-01-01", "2025-03-31", source="sample", fields="ohlcv")
    assert df.columns.names == ["Field", "Ticker"]
    assert list(df.columns.get_level_values(0).unique()) == [
        "Open",
        "High",
        "Low",
        "Close",
        "Volume",
    ]
    assert df.index.min() >= pd.Timestamp("2025-01-01") and df.index.max() <= pd.Timestamp(
        "2025-03-31"
    )
    for t in ("NVDA", "AMD"):
        hi, lo = df[("High", t)], df[("Low", t)]
        assert (hi >= df[("Open", t)]).all() and (hi >= df[("Close", t)]).all()
        assert (lo <= df[("Open", t)]).all() and (lo <= df[("Close", t)]).all()
        assert (df[("Volume", t)] > 0).all()


def test_ipo_names_start_on_first_trade_date_at_offer_price():
    ipos = load_ipos().set_index("ticker")
    df = load_prices(list(universe.IPO_TICKERS), source="sample", fields="ohlcv")
    for t in universe.IPO_TICKERS:
        first = df[("Close", t)].first_valid_index()
        assert first == ipos.loc[t, "first_trade_date"]
        assert df.loc[first, ("Open", t)] == pytest.approx(ipos.loc[t, "offer_price"])
    assert df.loc["2026-05-14", ("Close", "CBRS")] == pytest.approx(311.07)


def test_fred_sample_frequencies_and_missing_values():
    df = load_fred(list(universe.FRED_SERIES), source="sample")
    assert list(df.columns) == list(universe.FRED_SERIES)
    cpi = df["CPIAUCSL"].dropna()
    assert (cpi.index.day == 1).all() and cpi.index[0] == pd.Timestamp("2016-01-01")
    assert len(cpi) == 129  # 2016-01 .. 2026-09
    dgs = load_fred("DGS10", source="sample")["DGS10"]
    assert dgs.isna().sum() > 0  # FRED's '.' on holidays
    assert dgs.loc["2024-12-25":"2024-12-25"].isna().all()
    assert df.attrs["synthetic"] and df.attrs["as_of"] == "2026-10-30"


def test_unknown_ticker_raises_listing_available():
    with pytest.raises(UnknownTickerError) as exc:
        load_prices(["NVDAA", "NVDA"], source="sample")
    msg = str(exc.value)
    assert "'NVDAA' is not in the sample data" in msg and "AMD" in msg and "missing='drop'" in msg


def test_unknown_ticker_dropped_and_reported():
    df = load_prices(["NVDAA", "NVDA"], source="sample", missing="drop")
    assert list(df.columns) == ["NVDA"] and df.attrs["missing"] == ["NVDAA"]
    assert df.attrs["requested"] == ["NVDAA", "NVDA"]
    with pytest.raises(DataUnavailableError, match="source 'sample'"):
        load_prices(["NOPE"], source="sample", missing="drop")


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"source": "yahoo"}, "source"), ({"fields": "adj"}, "fields"), ({"interval": "5m"}, "interval"),
     ({"missing": "ignore"}, "missing")],
)  # fmt: skip
def test_invalid_parameters_name_parameter_and_choices(kwargs, name):
    with pytest.raises(InvalidInputError, match=f"parameter '{name}'"):
        load_prices("NVDA", **kwargs)


def test_bad_dates_and_empty_lists():
    with pytest.raises(InvalidInputError, match="'start'"):
        load_prices("NVDA", "2024-02-01", "2024-01-01", source="sample")
    with pytest.raises(InvalidInputError, match="not a date"):
        load_prices("NVDA", "yesterday-ish", source="sample")
    with pytest.raises(InvalidInputError, match="no symbols"):
        load_prices([], source="sample")
    with pytest.raises(DataUnavailableError, match="no prices"):
        load_prices("CBRS", end="2020-01-01", source="sample")


def test_ticker_without_data_in_range_is_left_out_with_warning():
    with pytest.warns(UserWarning, match="CBRS"):
        df = load_prices(["NVDA", "CBRS"], end="2025-01-01", source="sample")
    assert list(df.columns) == ["NVDA"] and df.attrs["missing"] == ["CBRS"]


def test_weekly_and_monthly_resampling():
    d = load_prices("NVDA", source="sample")["NVDA"]
    m = load_prices("NVDA", source="sample", interval="1mo")["NVDA"]
    assert m.index[-1] == pd.Timestamp("2026-10-30") and m.iloc[-1] == d.iloc[-1]
    assert len(m) == 130
    w = load_prices("NVDA", source="sample", interval="1wk", fields="ohlcv")
    assert w[("High", "NVDA")].max() == pytest.approx(
        load_prices("NVDA", source="sample", fields="ohlcv")[("High", "NVDA")].max()
    )


def test_alternative_sample_folder_and_missing_folder(tmp_path):
    with pytest.raises(DataUnavailableError, match="aipolicy sample"):
        load_prices("NVDA", source="sample", data_dir=tmp_path)


def test_regeneration_is_byte_identical(tmp_path):
    from aipolicy.marketdata.synthetic import generate

    written = generate(tmp_path)
    committed = config.sample_dir()
    for path in written:
        rel = path.relative_to(tmp_path)
        assert (committed / rel).read_bytes() == path.read_bytes(), (
            f"{rel} differs from the committed sample"
        )
    assert len(written) == 30 + 6 + 1


def test_sample_readme_says_synthetic():
    text = (config.sample_dir() / "README.md").read_text()
    assert "synthetic" in text.lower() and "seed" in text and "GSPC.parquet" in text


def test_import_aipolicy_is_light():
    code = ("import sys, aipolicy, aipolicy.marketdata; "
            "print(int('pandas' in sys.modules), int('yfinance' in sys.modules))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "0"]


def test_returned_frames_are_independent():
    a = load_prices("NVDA", source="sample")
    a.iloc[0, 0] = -1.0
    b = load_prices("NVDA", source="sample")
    assert b.iloc[0, 0] > 0 and not np.isnan(b.iloc[0, 0])
