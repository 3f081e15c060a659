"""Issue 16: ambiguous CSV and cache input is refused, not guessed; each fault says what it is.

Cases 4-8 and 14 (the CSV part) of issue 16; every failing input file is written in tmp_path.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import requests

from aipolicy.errors import (
    CacheColumnsError,
    CacheMismatchError,
    DataPermissionError,
    DataUnavailableError,
    InvalidInputError,
    MalformedDataError,
)
from aipolicy.marketdata import cache, live, load_fred, load_prices

from .conftest import yf_frame


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "csv"
    d.mkdir()
    return d


def _write(folder: Path, name: str, text: str) -> Path:
    p = folder / name
    p.write_text(text)
    return p


def _one_line(exc: pytest.ExceptionInfo) -> str:
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


# --------------------------------------------------------------------------- 4. dates
@pytest.mark.parametrize(
    ("rows", "line", "match"),
    [
        # the file: day-first, read month-first where it could be
        (["02/01/2024,100", "03/01/2024,101", "13/01/2024,102"], 2,
         r"'02/01/2024' is ambiguous: day-first \(DD/MM/YYYY\) or month-first"),
        (["13/01/2024,100", "14/01/2024,101"], 2, r"'13/01/2024' is day-first \(DD/MM/YYYY\)"),
        (["13.01.2024,100", "14.01.2024,101"], 2, r"'13.01.2024' is day-first \(DD.MM.YYYY\)"),
        (["01/13/2024,100"], 2, r"'01/13/2024' is month-first \(MM/DD/YYYY\)"),
        # a file mixing forms: ISO first, then slashes or Yahoo's website form
        (["2024-01-02,100", "2024-01-03,101", "01/04/2024,102"], 4, r"'01/04/2024' is ambiguous"),
        (["2024-01-02,100", "Jan 3, 2024,101"], 3, r"written differently from line 2"),
    ],
)  # fmt: skip
def test_ambiguous_or_mixed_dates_are_refused_with_file_and_line(folder, rows, line, match):
    text = "Date,Close\n" + "\n".join(r.replace("Jan 3, 2024", '"Jan 3, 2024"') for r in rows)
    _write(folder, "NVDA.csv", text + "\n")
    with pytest.raises(MalformedDataError, match=match) as exc:
        load_prices("NVDA", source="csv", data_dir=folder)
    msg = _one_line(exc)
    assert f"NVDA.csv: line {line}:" in msg and "expected YYYY-MM-DD" in msg


def test_day_first_file_is_not_read_month_first(folder):
    """The issue's numbers: a DD/MM file read month-first where it could be gave vol 2.43."""
    days = pd.bdate_range("2024-01-02", periods=60)
    close = 100 * np.exp(np.cumsum(np.random.default_rng(0).normal(0, 0.02, len(days))))
    rows = [f"{d:%d/%m/%Y},{c:.4f}" for d, c in zip(days, close, strict=True)]
    _write(folder, "NVDA.csv", "Date,Close\n" + "\n".join(rows) + "\n")
    with pytest.raises(MalformedDataError, match=r"NVDA.csv: line 2: date '02/01/2024'"):
        load_prices("NVDA", source="csv", data_dir=folder)


@pytest.mark.parametrize(
    "dates",
    [
        ["2024-01-02", "2024-01-03"],
        ["2024-01-02 00:00:00-05:00", "2024-01-03 00:00:00-05:00"],  # yfinance history to_csv
        ["2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z"],
        ['"Jan 2, 2024"', '"Jan 3, 2024"'],  # Yahoo's website table
        ["2024/1/2", "2024/1/3"],  # year-first: no convention puts the day second
    ],
)
def test_unambiguous_date_forms_are_read(folder, dates):
    rows = (f"{d},{i + 1}" for i, d in enumerate(dates))  # closes above 0
    _write(folder, "NVDA.csv", "Date,Close\n" + "\n".join(rows))
    df = load_prices("NVDA", source="csv", data_dir=folder)
    assert list(df.index) == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-03")]
    assert df["NVDA"].tolist() == [1.0, 2.0]


def test_out_of_range_date_is_a_one_line_error(folder):
    _write(folder, "NVDA.csv", "Date,Close\n2024-01-02,1.0\n9999-12-31,2.0\n")
    with pytest.raises(MalformedDataError) as exc:
        load_prices("NVDA", source="csv", data_dir=folder)
    msg = _one_line(exc)
    assert "NVDA.csv: line 3: date 9999-12-31 is outside 1678-01-01 to 2261-12-31" in msg


# --------------------------------------------------------------------------- 5. multi-ticker
def test_multi_ticker_file_is_read_by_its_ticker_row(folder):
    data = yf_frame(["AMD", "NVDA"])
    data.to_csv(folder / "NVDA.csv")  # yf.download(['AMD', 'NVDA']).to_csv('NVDA.csv')
    assert (folder / "NVDA.csv").read_text().splitlines()[1].startswith("Ticker,AMD,NVDA")
    df = load_prices("NVDA", source="csv", data_dir=folder, fields="ohlcv")
    np.testing.assert_allclose(df[("Close", "NVDA")], data[("Close", "NVDA")])
    np.testing.assert_allclose(df[("Open", "NVDA")], data[("Open", "NVDA")])
    assert not np.allclose(df[("Close", "NVDA")], data[("Close", "AMD")])


def test_multi_ticker_file_grouped_by_ticker(folder):
    data = yf_frame(["AMD", "NVDA"]).swaplevel(0, 1, axis=1).sort_index(axis=1)  # group_by='ticker'
    data.to_csv(folder / "NVDA.csv")
    assert (folder / "NVDA.csv").read_text().startswith("Ticker,AMD")
    df = load_prices("NVDA", source="csv", data_dir=folder)
    np.testing.assert_allclose(df["NVDA"], data[("NVDA", "Close")])


def test_multi_ticker_file_without_the_ticker_is_refused(folder):
    yf_frame(["AMD", "NVDA"]).to_csv(folder / "INTC.csv")
    with pytest.raises(MalformedDataError) as exc:
        load_prices("INTC", source="csv", data_dir=folder)
    msg = _one_line(exc)
    assert "INTC.csv: line 2: the Ticker row holds AMD, NVDA, not INTC" in msg


# --------------------------------------------------------------------------- 6. cache label
def _ohlcv(n: int = 30, seed: int = 0) -> pd.DataFrame:
    c = 100 + np.random.default_rng(seed).normal(0, 1, n).cumsum()
    idx = pd.DatetimeIndex(pd.bdate_range("2024-01-02", periods=n), name="Date")
    return pd.DataFrame(
        {"Open": c, "High": c + 1, "Low": c - 1, "Close": c, "Volume": 1e6}, index=idx
    )


def test_cache_file_of_another_ticker_is_refused_and_moved_aside():
    cache.write_frame("yahoo", "INTC", "1d", "adj", _ohlcv(seed=1))
    mu = cache.cache_path("yahoo", "MU", "1d", "adj")
    shutil.copy(cache.cache_path("yahoo", "INTC", "1d", "adj"), mu)  # cp INTC.parquet MU.parquet
    with pytest.warns(
        UserWarning, match=r"holds INTC \(source yahoo, interval 1d, adjustment adj\), not MU"
    ):
        with pytest.raises(DataUnavailableError, match="holds INTC"):
            load_prices("MU", source="cache")
    assert not mu.exists() and len(list(mu.parent.glob("MU.parquet.mismatch-*"))) == 1
    assert load_prices("INTC", source="cache")["INTC"].iloc[0] == _ohlcv(seed=1)["Close"].iloc[0]


def test_cache_file_of_another_interval_is_refused():
    cache.write_frame("yahoo", "NVDA", "1wk", "adj", _ohlcv())
    daily = cache.cache_path("yahoo", "NVDA", "1d", "adj")
    daily.parent.mkdir(parents=True)
    shutil.copy(cache.cache_path("yahoo", "NVDA", "1wk", "adj"), daily)
    with pytest.raises(CacheMismatchError, match="interval 1wk"):
        cache.read_table("yahoo", "NVDA", "1d", "adj")


def test_cache_file_without_metadata_still_loads():
    """Files written before the label was recorded are trusted as their path says."""
    path = cache.cache_path("yahoo", "NVDA", "1d", "adj")
    path.parent.mkdir(parents=True)
    table = pa.Table.from_pandas(_ohlcv().reset_index(), preserve_index=False)
    pq.write_table(table.replace_schema_metadata({}), path)
    df = load_prices("NVDA", source="cache")
    assert len(df) == 30 and df.attrs["source"] == "cache" and df.attrs["fetched_at"] is None


def test_cache_records_the_label_in_parquet_metadata():
    cache.write_frame("yahoo", "^GSPC", "1d", "adj", _ohlcv())
    meta = pq.read_metadata(cache.cache_path("yahoo", "^GSPC", "1d", "adj")).metadata
    label = json.loads(meta[cache.META_KEY])
    assert {k: label[k] for k in ("symbol", "source", "interval", "adjustment")} == {
        "symbol": "^GSPC", "source": "yahoo", "interval": "1d", "adjustment": "adj"
    }  # fmt: skip


# --------------------------------------------------------------------------- 7. duplicates, FRED id, cache
def test_duplicate_dates_are_an_error_naming_file_and_date(folder):
    _write(folder, "NVDA.csv", "Date,Close\n2024-01-02,1.0\n2024-01-03,2.0\n2024-01-03,3.0\n")
    with pytest.raises(MalformedDataError) as exc:
        load_prices("NVDA", source="csv", data_dir=folder)
    assert "NVDA.csv: line 4: date 2024-01-03 appears again (first on line 3)" in _one_line(exc)


def test_duplicate_dates_in_fred_file(folder):
    _write(folder, "DGS10.csv", "observation_date,DGS10\n2024-01-02,3.9\n2024-01-02,4.0\n")
    with pytest.raises(
        MalformedDataError, match=r"DGS10.csv: line 3: date 2024-01-02 appears again"
    ):
        load_fred("DGS10", source="csv", data_dir=folder)


def test_fred_file_naming_another_series_is_refused(folder):
    _write(folder, "CPIAUCSL.csv", "observation_date,DGS10\n2024-01-02,3.95\n")
    with pytest.raises(MalformedDataError) as exc:
        load_fred("CPIAUCSL", source="csv", data_dir=folder)
    msg = _one_line(exc)
    assert "CPIAUCSL.csv: line 1: the header names series 'DGS10', not 'CPIAUCSL'" in msg


def test_cache_source_warns_about_missing_tickers():
    cache.write_frame("yahoo", "NVDA", "1d", "adj", _ohlcv())
    with pytest.warns(
        UserWarning, match=r"local cache: could not load AMD; left out.*no cached copy of AMD"
    ):
        df = load_prices(["NVDA", "AMD"], source="cache")
    assert list(df.columns) == ["NVDA"] and df.attrs["missing"] == ["AMD"]


def _yahoo(monkeypatch, failed=(), exc=None):
    def fake(tickers, start, end, interval):
        if exc is not None:
            raise exc
        return yf_frame(tickers, failed=failed)

    monkeypatch.setattr(live, "yahoo_download", fake)


def test_result_served_entirely_from_cache_is_labelled_cache(monkeypatch):
    _yahoo(monkeypatch)
    load_prices(["NVDA", "AMD"], source="live")
    _yahoo(monkeypatch, exc=requests.ConnectionError("down"))
    with pytest.warns(UserWarning, match="using the local cache"):
        df = load_prices(["NVDA", "AMD"], source="auto")
    assert df.attrs["source"] == "cache"
    assert df.attrs["provenance"].startswith("local cache of Yahoo Finance downloads")
    # a mix keeps the mixed label
    _yahoo(monkeypatch, failed=("AMD",))
    with pytest.warns(UserWarning, match="using the local cache"):
        mixed = load_prices(["NVDA", "AMD"], source="auto")
    assert mixed.attrs["source"] == "live+cache"


# --------------------------------------------------------------------------- 8. permission vs columns
def _deny(monkeypatch, target: Path, method: str = "open") -> None:
    """Tests run as root, where chmod 000 does not block reads: raise as the OS would."""
    real = getattr(Path, method)

    def guarded(self, *a, **k):
        if Path(self) == target:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *a, **k)

    monkeypatch.setattr(Path, method, guarded)


def test_unreadable_cache_file_is_a_permission_error_and_stays(monkeypatch):
    cache.write_frame("yahoo", "NVDA", "1d", "adj", _ohlcv())
    path = cache.cache_path("yahoo", "NVDA", "1d", "adj")
    with monkeypatch.context() as m:
        _deny(m, path)
        with pytest.raises(DataPermissionError) as exc:
            cache.read_table("yahoo", "NVDA", "1d", "adj")
        assert f"cache file {path} cannot be read: permission denied" in _one_line(exc)
        with pytest.warns(UserWarning, match="permission denied"):
            with pytest.raises(DataUnavailableError, match="permission denied"):
                load_prices("NVDA", source="cache")
    assert path.is_file() and not list(path.parent.glob("*.corrupt-*"))
    assert len(load_prices("NVDA", source="cache")) == 30  # still there, still good


def test_cache_file_lacking_ohlc_names_the_columns_and_stays():
    cache.write_frame("yahoo", "NVDA", "1d", "adj", _ohlcv()[["Close"]])
    path = cache.cache_path("yahoo", "NVDA", "1d", "adj")
    with pytest.raises(CacheColumnsError) as exc:
        cache.read_table("yahoo", "NVDA", "1d", "adj", ["Open", "High", "Low", "Close", "Volume"])
    assert "not Open, High, Low, Volume" in _one_line(exc) and "fields='close'" in str(exc.value)
    with pytest.warns(UserWarning, match="not Open, High, Low, Volume"):
        with pytest.raises(DataUnavailableError):
            load_prices("NVDA", source="cache", fields="ohlcv")
    assert path.is_file() and not list(path.parent.glob("*.corrupt-*"))
    assert len(load_prices("NVDA", source="cache")) == 30


def test_corrupt_cache_file_is_still_moved_aside():
    cache.write_frame("yahoo", "NVDA", "1d", "adj", _ohlcv())
    path = cache.cache_path("yahoo", "NVDA", "1d", "adj")
    path.write_bytes(b"PAR1 not parquet")
    with pytest.warns(UserWarning, match="moved aside"), pytest.raises(DataUnavailableError):
        load_prices("NVDA", source="cache")
    assert not path.exists() and len(list(path.parent.glob("NVDA.parquet.corrupt-*"))) == 1


def test_unreadable_csv_is_a_permission_error(folder, monkeypatch):
    p = _write(folder, "NVDA.csv", "Date,Close\n2024-01-02,1.0\n")
    _deny(monkeypatch, p)  # the file is opened to read its header, then streamed
    with pytest.raises(DataPermissionError) as exc:
        load_prices("NVDA", source="csv", data_dir=folder)
    assert f"{p}: cannot read the file: permission denied" in _one_line(exc)


# --------------------------------------------------------------------------- 14. paths
@pytest.mark.parametrize("ticker", ["../x/y", "x/y", "ABS"])
def test_csv_ticker_cannot_leave_data_dir(folder, tmp_path, ticker):
    # tickers are upper-cased, so the files that old code would have read are X/Y.csv
    (tmp_path / "X").mkdir()
    outside = _write(tmp_path / "X", "Y.csv", "Date,Close\n2024-01-02,1.0\n")
    (folder / "X").mkdir()
    _write(folder / "X", "Y.csv", "Date,Close\n2024-01-02,1.0\n")
    if ticker == "ABS":
        ticker = str(outside.with_suffix(""))
    with pytest.raises(InvalidInputError) as exc:
        load_prices(ticker, source="csv", data_dir=folder)
    assert f"outside data_dir {folder}" in _one_line(exc) and exc.value.field == "tickers"
    with pytest.raises(InvalidInputError, match="outside data_dir") as exc:
        load_fred(ticker, source="csv", data_dir=folder)
    assert exc.value.field == "series_ids"


# --------------------------------------------------------------------------- other wrong reasons
def test_semicolon_csv_says_so(folder):
    _write(
        folder,
        "NVDA.csv",
        "Date;Open;High;Low;Close;Adj Close;Volume\n02.01.2024;1,5;2;1;1,5;1,5;10\n",
    )
    with pytest.raises(MalformedDataError) as exc:
        load_prices("NVDA", source="csv", data_dir=folder)
    msg = _one_line(exc)
    assert "NVDA.csv: line 1: looks semicolon-separated; aipolicy reads comma-separated CSV" in msg
    assert "missing" not in msg and "lacks" not in msg


def test_all_nan_close_says_the_column_is_empty(folder):
    _write(folder, "NVDA.csv", "Date,Close\n2024-01-02,null\n2024-01-03,\n")
    with pytest.raises(MalformedDataError) as exc:
        load_prices("NVDA", source="csv", data_dir=folder)
    msg = _one_line(exc)
    assert "NVDA.csv: column 'Close' is empty" in msg and "widen" not in msg


def test_all_missing_fred_column_says_the_column_is_empty(folder):
    _write(folder, "DGS10.csv", "observation_date,DGS10\n2024-01-02,.\n2024-01-03,.\n")
    with pytest.raises(MalformedDataError, match=r"DGS10.csv: column 'DGS10' is empty"):
        load_fred("DGS10", source="csv", data_dir=folder)
