"""live and auto: the network boundary replaced by frames/text in the services' layouts."""

from __future__ import annotations

import argparse

import pandas as pd
import pytest
import requests
from yfinance.exceptions import YFRateLimitError

from aipolicy.commands import fetch as cli
from aipolicy.errors import DataUnavailableError
from aipolicy.marketdata import cache, live, load_fred, load_ipos, load_prices

from .conftest import FRED_TEXT, yf_frame


def _fake_yahoo(monkeypatch, failed=(), calls=None, raise_first=0, exc=None):
    state = {"n": 0}

    def fake(tickers, start, end, interval):
        state["n"] += 1
        if calls is not None:
            calls.append((tuple(tickers), start, end, interval))
        if exc is not None:
            raise exc
        if state["n"] <= raise_first:
            raise YFRateLimitError()
        return yf_frame(tickers, failed=failed)

    monkeypatch.setattr(live, "yahoo_download", fake)
    return state


def test_yf_fixture_matches_yfinance_layout():
    df = yf_frame(["NVDA", "AMD"], failed=("AMD",))
    assert df.columns.names == ["Price", "Ticker"]
    assert df["Adj Close"].isna().all().all()  # comes from empty_df of the failed ticker
    assert df[("Close", "AMD")].isna().all() and df[("Close", "NVDA")].notna().all()


def test_live_success_writes_cache(monkeypatch):
    calls = []
    _fake_yahoo(monkeypatch, calls=calls)
    df = load_prices(["NVDA", "^GSPC"], source="live")
    assert list(df.columns) == ["NVDA", "^GSPC"] and df.attrs["source"] == "live"
    assert df.attrs["fetched_at"] and df.attrs["provenance"].startswith(
        "Yahoo Finance via yfinance"
    )
    assert calls[0][1] == "2016-01-01" and calls[0][3] == "1d"
    assert cache.cache_path("yahoo", "^GSPC", "1d", "adj").is_file()
    again = load_prices(["NVDA", "^GSPC"], source="cache")
    pd.testing.assert_frame_equal(again, df, check_freq=False)


def test_live_one_of_n_fails(monkeypatch):
    _fake_yahoo(monkeypatch, failed=("BADX",))
    with pytest.warns(UserWarning, match="BADX"):
        df = load_prices(["NVDA", "BADX", "AMD"], source="live", fields="ohlcv")
    assert list(df.columns.get_level_values("Ticker").unique()) == ["NVDA", "AMD"]
    assert df.attrs["missing"] == ["BADX"]
    assert not cache.cache_path("yahoo", "BADX", "1d", "adj").exists()


def test_rate_limit_backs_off_and_retries(monkeypatch):
    state = _fake_yahoo(monkeypatch, raise_first=2)
    df = load_prices("NVDA", source="live")
    assert state["n"] == 3 and len(df) == 60
    assert live._sleep.__self__ == [2.0, 4.0]  # recorded by the fixture


def test_rate_limit_bounded(monkeypatch):
    state = _fake_yahoo(monkeypatch, raise_first=99)
    with pytest.raises(DataUnavailableError, match="rate limited"):
        load_prices("NVDA", source="live")
    assert state["n"] == live.MAX_RETRIES + 1


def test_empty_download(monkeypatch):
    monkeypatch.setattr(live, "yahoo_download", lambda *a: pd.DataFrame())
    with pytest.raises(DataUnavailableError, match="source 'live'.*no data returned"):
        load_prices("NVDA", source="live")
    assert not cache.cache_path("yahoo", "NVDA", "1d", "adj").exists()


def test_all_tickers_nan_is_a_failure(monkeypatch):
    _fake_yahoo(monkeypatch, failed=("NVDA", "AMD"))
    with pytest.raises(DataUnavailableError, match="NVDA, AMD"):
        load_prices(["NVDA", "AMD"], source="live")


def test_network_down_live_raises(monkeypatch):
    _fake_yahoo(monkeypatch, exc=requests.ConnectionError("Could not resolve host"))
    with pytest.raises(DataUnavailableError, match="check the network"):
        load_prices("NVDA", source="live")


def test_network_down_auto_falls_back_to_cache_with_warning(monkeypatch):
    _fake_yahoo(monkeypatch)
    first = load_prices(["NVDA", "AMD"], source="live")
    _fake_yahoo(monkeypatch, exc=requests.ConnectionError("Could not resolve host"))
    with pytest.warns(UserWarning, match="using the local cache"):
        df = load_prices(["NVDA", "AMD"], source="auto")
    pd.testing.assert_frame_equal(df, first, check_freq=False)
    # every row came from the cache (issue 16, item 7): labelled "cache", not "live+cache"
    assert df.attrs["source"] == "cache" and df.attrs["fetched_at"] == first.attrs["fetched_at"]


def test_network_down_auto_without_cache(monkeypatch):
    _fake_yahoo(monkeypatch, exc=requests.ConnectionError("down"))
    with pytest.raises(DataUnavailableError) as exc:
        load_prices("NVDA")
    assert "source 'auto'" in str(exc.value) and "aipolicy fetch" in str(exc.value)
    assert "source='sample'" in str(exc.value)


def test_auto_partial_failure_uses_cache_for_the_failed_ticker(monkeypatch):
    _fake_yahoo(monkeypatch)
    load_prices(["AMD"], source="live")
    _fake_yahoo(monkeypatch, failed=("AMD", "ZZZ"))
    with pytest.warns(UserWarning) as rec:
        df = load_prices(["NVDA", "AMD", "ZZZ"], source="auto")
    texts = [str(w.message) for w in rec]
    assert any("AMD" in t and "local cache" in t for t in texts) and any("ZZZ" in t for t in texts)
    assert list(df.columns) == ["NVDA", "AMD"] and df.attrs["missing"] == ["ZZZ"]


def test_corrupt_cache_during_auto_fallback(monkeypatch):
    _fake_yahoo(monkeypatch)
    load_prices(["NVDA"], source="live")
    cache.cache_path("yahoo", "NVDA", "1d", "adj").write_bytes(b"garbage")
    _fake_yahoo(monkeypatch, exc=requests.Timeout("slow"))
    with pytest.warns(UserWarning, match="moved aside"), pytest.raises(DataUnavailableError):
        load_prices("NVDA", source="auto")


# --------------------------------------------------------------------------- FRED
def _fake_fred(monkeypatch, texts=FRED_TEXT, fail=(), status=None):
    calls = []

    def fake(series_id):
        calls.append(series_id)
        if status is not None and len(calls) <= status[1]:
            resp = requests.Response()
            resp.status_code = status[0]
            raise requests.HTTPError(f"{status[0]} Client Error", response=resp)
        if series_id in fail:
            raise requests.ConnectionError("Failed to establish a new connection")
        return texts[series_id]

    monkeypatch.setattr(live, "fred_http_get", fake)
    return calls


def test_fred_keyless_parses_both_headers_and_dots(monkeypatch):
    _fake_fred(monkeypatch)
    df = load_fred(["CPIAUCSL", "DGS10", "UNRATE"], source="live")
    assert df.loc["2024-03-01", "CPIAUCSL"] == 312.332 and pd.isna(df.loc["2024-01-01", "DGS10"])
    assert df.loc["2024-02-01", "UNRATE"] == 3.9
    assert df.attrs["provenance"] == "FRED fredgraph.csv (keyless)"
    assert cache.cache_path("fred", "DGS10", "native", "na").is_file()


def test_fred_429_retried(monkeypatch):
    calls = _fake_fred(monkeypatch, status=(429, 1))
    assert load_fred("CPIAUCSL", source="live")["CPIAUCSL"].iloc[0] == 308.417
    assert len(calls) == 2


def test_fred_one_fails_and_network_down(monkeypatch):
    _fake_fred(monkeypatch, fail=("DGS10",))
    with pytest.warns(UserWarning, match="DGS10"):
        df = load_fred(["CPIAUCSL", "DGS10"], source="live")
    assert df.attrs["missing"] == ["DGS10"]
    _fake_fred(monkeypatch, fail=("CPIAUCSL", "DGS10"))
    with pytest.warns(UserWarning, match="using the local cache"):
        df = load_fred(["CPIAUCSL"], source="auto")
    assert df.attrs["source"] == "cache"  # all of it from the cache (issue 16, item 7)


def test_fred_malformed_text(monkeypatch):
    _fake_fred(monkeypatch, texts={"CPIAUCSL": "<html>Service unavailable</html>\n"})
    with pytest.raises(DataUnavailableError, match="fredgraph.csv"):
        load_fred("CPIAUCSL", source="live")


def test_fred_api_key_uses_fredapi_and_is_never_shown(monkeypatch):
    secret = "abcdef0123456789abcdef0123456789"
    monkeypatch.setenv("FRED_API_KEY", secret)
    seen = {}

    def fake_api(series_id, api_key):
        seen["key"] = api_key
        if series_id == "BAD":
            raise ValueError(
                f"Bad Request. The value for variable api_key={api_key} is not registered"
            )
        return pd.Series([308.417, 310.326], index=pd.to_datetime(["2024-01-01", "2024-02-01"]))

    monkeypatch.setattr(live, "fred_api_series", fake_api)
    monkeypatch.setattr(live, "fred_http_get", lambda s: pytest.fail("keyless path used"))
    df = load_fred("CPIAUCSL", source="live")
    assert seen["key"] == secret and df.attrs["provenance"] == "FRED via fredapi"
    with pytest.raises(DataUnavailableError) as exc:
        load_fred("BAD", source="live")
    assert secret not in str(exc.value) and "***" in str(exc.value)


# --------------------------------------------------------------------------- IPOs
def _calendar() -> pd.DataFrame:
    """``Calendars.get_ipo_info_calendar()`` after yfinance's cleanup (index ``Symbol``)."""
    df = pd.DataFrame(
        {"Symbol": ["NEWAI", "ARM"], "Company": ["New AI Corp", "Arm Holdings"], "Exchange": ["NMS", "NMS"],
         "Filing Date": pd.to_datetime(["2026-10-01", "2023-08-21"]),
         "Date": pd.to_datetime(["2026-11-05", "2023-09-14"]),
         "Amended Date": pd.to_datetime([None, None]), "Price From": [18.0, 47.0], "Price To": [20.0, 51.0],
         "Price": [float("nan"), 51.0], "Currency": ["USD", "USD"], "Shares": [1.0e7, 9.55e7],
         "Deal Type": ["EXPECTED", "PRICED"]}
    )  # fmt: skip
    return df.set_index("Symbol")


def test_ipos_curated_table():
    df = load_ipos()
    assert list(df["ticker"]) == ["ARM", "ALAB", "CRWV", "CBRS"]
    alab = df.set_index("ticker").loc["ALAB"]
    assert alab["offer_price"] == 36.0 and not alab["verified"] and "unverified" in alab["source"]
    assert df["source"].notna().all() and df["as_of"].notna().all()
    assert df.attrs["source"] == "sample" and df.attrs["synthetic"] is False


def test_ipos_live_merges_calendar_and_caches(monkeypatch):
    from aipolicy.marketdata import ipos

    monkeypatch.setattr(ipos, "fetch_ipo_calendar", lambda *a, **k: _calendar())
    df = load_ipos(source="live")
    assert list(df["ticker"]) == ["ARM", "ALAB", "CRWV", "CBRS", "NEWAI"]
    new = df.set_index("ticker").loc["NEWAI"]
    assert (
        new["origin"] == "yfinance calendar" and not new["verified"] and new["range_high"] == 20.0
    )
    assert df.attrs["source"] == "live"

    def down(*a, **k):
        raise requests.ConnectionError("down")

    monkeypatch.setattr(ipos, "fetch_ipo_calendar", down)
    with pytest.warns(UserWarning, match="unreachable"):
        df2 = load_ipos(source="auto")
    assert "NEWAI" in set(df2["ticker"]) and df2.attrs["source"] == "cache"
    with pytest.raises(DataUnavailableError):
        load_ipos(source="live")


# --------------------------------------------------------------------------- fetch CLI
def _args(**kw):
    ns = argparse.Namespace(tickers=None, series=None, start="2016-01-01", no_ipos=True)
    ns.__dict__.update(kw)
    return ns


def test_fetch_offline_exits_nonzero(monkeypatch, capsys):
    _fake_yahoo(monkeypatch, exc=requests.ConnectionError("down"))
    _fake_fred(monkeypatch, fail=("CPIAUCSL",))
    assert cli.run(_args(tickers="NVDA,AMD", series="CPIAUCSL")) == 1
    assert "nothing could be downloaded" in capsys.readouterr().err


def test_fetch_fills_cache(monkeypatch, capsys):
    _fake_yahoo(monkeypatch, failed=("BADX",))
    _fake_fred(monkeypatch)
    assert cli.run(_args(tickers="NVDA,^GSPC,BADX", series="CPIAUCSL,DGS10")) == 0
    out = capsys.readouterr()
    assert "fetched 4 of 5" in out.out and "BADX" in out.err
    assert cache.cached_symbols("yahoo", "1d", "adj") == ["NVDA", "^GSPC"]
    assert load_fred(["CPIAUCSL", "DGS10"], source="cache").attrs["missing"] == []


def test_fetch_fails_naming_the_path_when_the_cache_cannot_be_written(monkeypatch, capsys):
    # before: "fetched 3 of 3" and exit 0 while nothing was stored
    _fake_yahoo(monkeypatch)
    _fake_fred(monkeypatch)

    def readonly(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cache.tempfile, "mkstemp", readonly)
    assert cli.run(_args(tickers="NVDA,AMD", series="CPIAUCSL")) == 1
    err = capsys.readouterr().err
    assert "cannot write the cache (3 of 3 downloads not stored)" in err
    assert ".parquet: Permission denied" in err and "AIPOLICY_CACHE_DIR" in err


def test_fetch_default_universe_parser():
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    args = parser.parse_args([])
    assert args.tickers is None and args.start == "2016-01-01"


def test_fetch_accepts_tickers_space_or_comma_separated():
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    args = parser.parse_args(["--tickers", "nvda", "AMD,mu", "--series", "CPIAUCSL,DGS10"])
    assert cli._split(args.tickers, ()) == ["NVDA", "AMD", "MU"]
    assert cli._split(args.series, ()) == ["CPIAUCSL", "DGS10"]
    assert cli._split(None, ("X",)) == ["X"]
