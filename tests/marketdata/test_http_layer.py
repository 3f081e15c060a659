"""The live paths through the real HTTP layer (issue 16): yfinance's and requests' own code runs
against responses in today's layouts (``tests/marketdata/http_bodies.py``), served by the
``responses`` library; fredapi's ``urlopen`` talks to an HTTP server on 127.0.0.1.

yfinance prefers curl_cffi, which ``responses`` cannot intercept; with ``YF_DISABLE_CURL_CFFI=1``
(set by this folder's conftest before yfinance is imported) it uses ``requests``. Its caches
(cookie, time zones) live in the test's own cache folder (``use_project_yfinance_cache``).
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
import requests
import responses

from aipolicy.errors import DataUnavailableError
from aipolicy.marketdata import cache, live, load_fred, load_prices, reach

from . import http_bodies as B
from .conftest import REAL_HTTP_PROBE

DAYS = ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08"]
NVDA_CLOSE = [481.68, 475.69, 479.98, 490.97, 522.53]
NVDA_ADJ = [481.2, 475.21, 479.5, 490.48, 522.01]  # dividend-adjusted: auto_adjust scales OHLC
AMD_CLOSE = [138.58, 135.32, 136.01, 138.58, 146.18]
CHART = "https://query2.finance.yahoo.com/v8/finance/chart/"


@pytest.fixture
def yf_http(monkeypatch, isolated_cache):
    """yfinance on ``requests``, a fresh YfData (no cookie or crumb from another test), the
    real reachability probe; yields a RequestsMock with Yahoo's cookie and crumb registered."""
    import yfinance._http as yf_http_mod
    import yfinance.base as yf_base
    import yfinance.cache as yf_cache
    from yfinance.data import SingletonMeta, YfData

    if yf_http_mod.HAS_CURL_CFFI:  # yfinance was imported before the variable was set
        monkeypatch.setattr(yf_http_mod, "HAS_CURL_CFFI", False)
        monkeypatch.setattr(yf_http_mod, "_backend", requests)
    monkeypatch.setattr(yf_base, "_tz_info_fetch_ctr", 0)
    locations = (yf_cache._TzDBManager.get_location(), yf_cache._CookieDBManager.get_location(),
                 yf_cache._ISINDBManager.get_location())  # fmt: skip
    saved = SingletonMeta._instances.pop(YfData, None)
    YfData.cache_get.cache_clear()
    monkeypatch.setattr(reach, "http_probe", REAL_HTTP_PROBE)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.HEAD, reach.YAHOO_PROBE_URL, status=404)
        rsps.add(responses.HEAD, "https://fred.stlouisfed.org/", status=200)
        rsps.add(responses.GET, "https://fc.yahoo.com/", status=404, body="",
                 headers={"Set-Cookie": B.A3_COOKIE})  # fmt: skip
        rsps.add(responses.GET, re.compile(r"https://query[12]\.finance\.yahoo\.com/v1/test/getcrumb"),
                 body=B.CRUMB, content_type="text/plain")  # fmt: skip
        yield rsps
    SingletonMeta._instances.pop(YfData, None)
    if saved is not None:
        SingletonMeta._instances[YfData] = saved
    YfData.cache_get.cache_clear()
    yf_cache._TzDBManager.set_location(locations[0])
    yf_cache._CookieDBManager.set_location(locations[1])
    yf_cache._ISINDBManager.set_location(locations[2])
    yf_cache._TzCacheManager._tz_cache = None
    yf_cache._CookieCacheManager._Cookie_cache = None
    yf_cache._ISINCacheManager._isin_cache = None


def _chart(rsps, symbol, body, status=200):
    rsps.add(responses.GET, re.compile(re.escape(CHART + symbol) + r"\?"), json=body, status=status)


def _calls(rsps, fragment):
    return [c for c in rsps.calls if fragment in c.request.url]


# --------------------------------------------------------------------------- Yahoo
def test_yahoo_chart_parsed_by_yfinance(yf_http, isolated_cache):
    _chart(yf_http, "NVDA", B.chart("NVDA", DAYS, NVDA_CLOSE, NVDA_ADJ))
    _chart(yf_http, "AMD", B.chart("AMD", DAYS, AMD_CLOSE))
    df = load_prices(["NVDA", "AMD"], "2024-01-01", source="live", fields="ohlcv")
    assert list(df.index.strftime("%Y-%m-%d")) == DAYS
    nvda = df.xs("NVDA", axis=1, level="Ticker")
    assert nvda["Close"].round(2).tolist() == NVDA_ADJ  # auto_adjust applied by yfinance
    ratio = NVDA_ADJ[0] / NVDA_CLOSE[0]
    assert nvda["Open"].iloc[0] == pytest.approx(NVDA_CLOSE[0] * 0.99 * ratio)
    assert df.xs("AMD", axis=1, level="Ticker")["Volume"].iloc[0] == 40_000_000
    assert df.attrs["source"] == "live" and cache.cache_path("yahoo", "AMD", "1d", "adj").is_file()
    # the session went through Yahoo's cookie and crumb, and sent both on the chart requests
    assert len(_calls(yf_http, "fc.yahoo.com")) == 1
    crumb_calls = _calls(yf_http, "getcrumb")
    assert crumb_calls and "A3=" in crumb_calls[0].request.headers.get("Cookie", "")
    charts = _calls(yf_http, "/v8/finance/chart/")
    assert charts and all(f"crumb={B.CRUMB}" in c.request.url for c in charts)
    # yfinance's own caches are in the project's cache folder
    assert (isolated_cache / "yfinance").is_dir()
    assert any((isolated_cache / "yfinance").iterdir())


def test_yfinance_caches_follow_the_project_cache_folder(yf_http, isolated_cache, monkeypatch,
                                                        tmp_path):  # fmt: skip
    # before: yfinance kept the databases it opened first, so a second cache folder in the same
    # process still read (and wrote) the first one's time zones and cookie
    import sqlite3

    def zones(folder):
        with sqlite3.connect(folder / "yfinance" / "tkr-tz.db") as db:
            return dict(db.execute("select key, value from _tz_kv").fetchall())

    _chart(yf_http, "NVDA", B.chart("NVDA", DAYS, NVDA_CLOSE))
    _chart(yf_http, "AMD", B.chart("AMD", DAYS, AMD_CLOSE))
    load_prices("NVDA", "2024-01-01", source="live")
    assert zones(isolated_cache) == {"NVDA": "America/New_York"}
    other = tmp_path / "other"
    monkeypatch.setenv("AIPOLICY_CACHE_DIR", str(other))
    load_prices("AMD", "2024-01-01", source="live")
    assert zones(other) == {"AMD": "America/New_York"}
    assert zones(isolated_cache) == {"NVDA": "America/New_York"}  # the first folder untouched


def _point_yfinance_at(folder):
    import yfinance.cache as yf_cache

    yf_cache.set_cache_location(str(folder))
    yf_cache._TzCacheManager._tz_cache = None
    yf_cache._CookieCacheManager._Cookie_cache = None
    yf_cache._ISINCacheManager._isin_cache = None


def test_a_stale_user_wide_cookie_is_never_read(yf_http, tmp_path):
    """yfinance 1.7 fails on a cached cookie without an expiry ("'>' not supported between
    'NoneType' and 'float'"); aipolicy reads only the cookie cache in its own cache folder."""
    import http.cookiejar

    import yfinance.cache as yf_cache
    from yfinance.data import SingletonMeta, YfData

    user_wide = tmp_path / "user-wide-yfinance"
    user_wide.mkdir()
    _point_yfinance_at(user_wide)  # as if another program had used yfinance in this process
    stale = http.cookiejar.Cookie(0, "A3", "d=stale", None, False, ".yahoo.com", True, True, "/",
                                  True, True, None, False, None, None, {})  # fmt: skip
    yf_cache.get_cookie_cache().store("curlCffi", {".yahoo.com": {"/": {"A3": stale}}})
    with pytest.raises(TypeError, match="'>' not supported"):  # the fault, read directly
        YfData()._load_cookie_curlCffi()
    SingletonMeta._instances.pop(YfData, None)
    _chart(yf_http, "NVDA", B.chart("NVDA", DAYS, NVDA_CLOSE))
    df = load_prices("NVDA", "2024-01-01", source="live")
    assert df["NVDA"].tolist() == NVDA_CLOSE
    assert len(_calls(yf_http, "fc.yahoo.com")) == 1  # a fresh cookie, in the project's cache


def test_yahoo_429_becomes_the_backoff_path(yf_http):
    # first attempt: the time-zone chart request answers 429 twice (yfinance retries once with
    # its other cookie strategy, then raises YFRateLimitError inside download, which only logs
    # it); aipolicy waits 2 s (recorded) and the second attempt gets the data
    tz = re.compile(re.escape(CHART + "NVDA") + r"\?range=1d")
    yf_http.add(responses.GET, tz, status=429, body="Too Many Requests\r\n")
    yf_http.add(responses.GET, tz, status=429, body="Too Many Requests\r\n")
    yf_http.add(responses.GET, tz, json=B.chart("NVDA", DAYS[-1:], NVDA_CLOSE[-1:]))
    _chart(yf_http, "NVDA", B.chart("NVDA", DAYS, NVDA_CLOSE))
    df = load_prices("NVDA", "2024-01-01", source="live")
    assert df["NVDA"].tolist() == NVDA_CLOSE
    assert live._sleep.__self__ == [2.0]


def test_yahoo_429_every_time_is_bounded(yf_http):
    _chart(yf_http, "NVDA", {}, status=429)
    with pytest.raises(DataUnavailableError, match="rate limited after 4 attempts"):
        load_prices("NVDA", source="live")
    assert live._sleep.__self__ == [2.0, 4.0, 8.0]
    assert not cache.cache_path("yahoo", "NVDA", "1d", "adj").exists()


def test_yahoo_empty_chart(yf_http):
    yf_http.add(responses.GET, re.compile(re.escape(CHART + "NVDA") + r"\?range=1d"),
                json=B.chart("NVDA", DAYS[-1:], NVDA_CLOSE[-1:]))  # fmt: skip
    _chart(yf_http, "NVDA", B.chart("NVDA", [], []))  # a window without a single bar
    with pytest.raises(DataUnavailableError) as err:
        load_prices("NVDA", "2024-01-01", source="live")
    assert "no data returned by Yahoo Finance" in str(err.value)
    assert "no price data found" in str(err.value)  # yfinance's own words, kept
    assert not cache.cache_path("yahoo", "NVDA", "1d", "adj").exists()


def test_yahoo_delisted_symbol_left_out_with_its_reason(yf_http):
    _chart(yf_http, "NVDA", B.chart("NVDA", DAYS, NVDA_CLOSE))
    _chart(yf_http, "ZZZZ", B.chart_not_found(), status=404)
    yf_http.add(responses.GET, re.compile(r"https://query2\.finance\.yahoo\.com/v10/finance/quoteSummary/ZZZZ"),
                json=B.quote_summary_not_found("ZZZZ"), status=404)  # fmt: skip
    yf_http.add(responses.GET, re.compile(r"https://query1\.finance\.yahoo\.com/v7/finance/quote"),
                json=B.QUOTE_EMPTY)  # fmt: skip
    yf_http.add(responses.GET, re.compile(r"https://query[12]\.finance\.yahoo\.com/ws/fundamentals-timeseries/"),
                json=B.timeseries_empty("ZZZZ"))  # fmt: skip
    with pytest.warns(UserWarning) as rec:
        df = load_prices(["NVDA", "ZZZZ"], "2024-01-01", source="live")
    # yfinance's own reason for this ticker (before: every logged line of the batch, cut at 200
    # characters, here the quoteSummary URL of its fallback)
    # (UserWarning only: on Python 3.13 sqlite3 also warns about yfinance's per-thread cache
    # connections, which it never closes)
    assert [str(w.message) for w in rec if w.category is UserWarning] == [
        "Yahoo Finance: could not load ZZZZ; left out. ZZZZ: no data returned by Yahoo Finance "
        "(possibly delisted; no timezone found)"
    ]
    assert list(df.columns) == ["NVDA"] and df.attrs["missing"] == ["ZZZZ"]
    assert not cache.cache_path("yahoo", "ZZZZ", "1d", "adj").exists()


def test_offline_through_the_http_layer_probes_once_and_downloads_nothing(yf_http):
    yf_http.replace(responses.HEAD, reach.YAHOO_PROBE_URL,
                    body=requests.ConnectionError("[Errno -3] Temporary failure in name resolution"))
    yf_http.replace(responses.HEAD, "https://fred.stlouisfed.org/",
                    body=requests.ConnectionError("[Errno -3] Temporary failure in name resolution"))
    with pytest.raises(reach.ServiceUnreachableError) as err:
        load_prices(["NVDA", "AMD"], source="live")
    assert str(err.value) == (
        "cannot reach Yahoo Finance / FRED: name lookup failed (no network or no DNS); "
        "use --source cache|sample|csv"
    )
    assert [c.request.method for c in yf_http.calls] == ["HEAD", "HEAD"]


# --------------------------------------------------------------------------- FRED keyless
FRED_CSV = re.compile(r"https://fred\.stlouisfed\.org/graph/fredgraph\.csv\?id=(\w+)$")
CPI_ROWS = [("2024-01-01", "308.417"), ("2024-02-01", "310.326"), ("2024-03-01", ".")]


@pytest.fixture
def fred_http(monkeypatch):
    monkeypatch.setattr(reach, "http_probe", REAL_HTTP_PROBE)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.HEAD, "https://fred.stlouisfed.org/", status=200)
        rsps.add(responses.HEAD, reach.YAHOO_PROBE_URL, status=404)
        yield rsps


def test_fredgraph_csv_through_requests(fred_http):
    fred_http.add(responses.GET, FRED_CSV, body=B.fredgraph_csv("CPIAUCSL", CPI_ROWS),
                  content_type="text/csv")  # fmt: skip
    df = load_fred("CPIAUCSL", source="live")
    assert df["CPIAUCSL"].iloc[:2].tolist() == [308.417, 310.326]
    assert pd.isna(df.loc["2024-03-01", "CPIAUCSL"])
    get = [c for c in fred_http.calls if c.request.method == "GET"]
    assert len(get) == 1 and get[0].request.url.endswith("fredgraph.csv?id=CPIAUCSL")


def test_fredgraph_429_retried(fred_http):
    fred_http.add(responses.GET, FRED_CSV, status=429, body="Too Many Requests")
    fred_http.add(responses.GET, FRED_CSV, body=B.fredgraph_csv("CPIAUCSL", CPI_ROWS))
    assert load_fred("CPIAUCSL", source="live")["CPIAUCSL"].iloc[0] == 308.417
    assert live._sleep.__self__ == [2.0]


@pytest.mark.parametrize(("status", "body", "says"), [
    (503, "<html><body>Service Unavailable</body></html>", "503 Server Error"),
    (200, "<!DOCTYPE html><html><head><title>FRED</title></head></html>", "fredgraph.csv"),
    (200, B.fredgraph_csv("CPILFESL", CPI_ROWS), "CPILFESL"),  # another series' file
])  # fmt: skip
def test_fredgraph_failures_say_what_came(fred_http, status, body, says):
    fred_http.add(responses.GET, FRED_CSV, status=status, body=body)
    with pytest.raises(DataUnavailableError, match=re.escape(says)):
        load_fred("CPIAUCSL", source="live")
    assert not cache.cache_path("fred", "CPIAUCSL", "native", "na").exists()


# --------------------------------------------------------------------------- FRED API (fredapi)
class _FredApi(BaseHTTPRequestHandler):
    """``/fred/series/observations``: answers from ``server.plan`` (a list of (status, body))."""

    def do_GET(self):  # noqa: N802 - http.server's name
        self.server.seen.append(self.path)
        status, body = self.server.plan.pop(0) if len(self.server.plan) > 1 else self.server.plan[0]
        self.send_response(status)
        self.send_header("Content-Type", "text/xml; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fred_api(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FredApi)
    server.seen, server.plan = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(live, "FRED_API_ROOT", f"http://127.0.0.1:{server.server_port}/fred")
    monkeypatch.setattr(reach, "http_probe", REAL_HTTP_PROBE)  # HEAD to the server: 501, reachable
    monkeypatch.setenv("FRED_API_KEY", "abcdef0123456789abcdef0123456789")
    yield server
    server.shutdown()
    server.server_close()


def test_fredapi_observations_from_a_local_server(fred_api):
    fred_api.plan.append((200, B.fred_observations_xml(CPI_ROWS)))
    df = load_fred("CPIAUCSL", source="live")
    assert df["CPIAUCSL"].iloc[:2].tolist() == [308.417, 310.326]
    assert pd.isna(df.loc["2024-03-01", "CPIAUCSL"])
    assert df.attrs["provenance"] == "FRED via fredapi"
    query = parse_qs(urlsplit(fred_api.seen[0]).query)
    assert fred_api.seen[0].startswith("/fred/series/observations?")
    assert query["series_id"] == ["CPIAUCSL"] and query["api_key"] == [
        "abcdef0123456789abcdef0123456789"
    ]


def test_fredapi_429_is_retried(fred_api):
    # fredapi turns FRED's XML error into ValueError("Too Many Requests. ..."): before, no
    # "429" in that text, so it was not retried
    fred_api.plan += [(429, B.fred_error_xml(429, "Too Many Requests.  Exceeded Rate Limit")),
                      (200, B.fred_observations_xml(CPI_ROWS))]  # fmt: skip
    assert load_fred("CPIAUCSL", source="live")["CPIAUCSL"].iloc[0] == 308.417
    assert live._sleep.__self__ == [2.0] and len(fred_api.seen) == 2


def test_fredapi_bad_key_names_the_reason_never_the_key(fred_api):
    fred_api.plan.append((400, B.fred_error_xml(
        400, "Bad Request.  The value for variable api_key is not registered.")))  # fmt: skip
    with pytest.raises(DataUnavailableError) as err:
        load_fred("CPIAUCSL", source="live")
    assert "api_key is not registered" in str(err.value)
    assert "abcdef0123456789abcdef0123456789" not in str(err.value)
    assert len(fred_api.seen) == 1  # not retried


def test_fredapi_server_that_never_answers(monkeypatch, silent_fred):
    import time

    monkeypatch.setattr(live, "TIMEOUT_S", 0.5)
    t0 = time.monotonic()
    with pytest.raises(DataUnavailableError, match="(?i)timed out") as err:
        load_fred("CPIAUCSL", source="live")
    assert time.monotonic() - t0 < 10
    assert "SECRETKEY123" not in str(err.value)
