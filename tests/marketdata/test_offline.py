"""Offline is detected once and said first; a whole fetch has a deadline; an empty --tickers is
an input error (issue 16: network bounds, item 13's wrong reasons).

Before: offline, every ticker failed on its own (yfinance's per-ticker curl errors, cut at 200
characters), the notebooks said "parameter 'benchmark' / tickers", ``fetch --tickers ""`` said
"check the network connection", and nothing bounded a fetch as a whole.
"""

from __future__ import annotations

import argparse
import socket
import threading
import time

import pandas as pd
import pytest
import requests

from aipolicy.commands import fetch as cli
from aipolicy.commands import main
from aipolicy.errors import DataUnavailableError, InvalidInputError
from aipolicy.marketdata import cache, live, load_fred, load_ipos, load_prices, reach

from .conftest import FRED_TEXT, yf_frame

OFFLINE = (
    "cannot reach Yahoo Finance / FRED: name lookup failed (no network or no DNS); "
    "use --source cache|sample|csv"
)


def _no_download(monkeypatch):
    """Fail the test if any per-symbol request is made."""

    def boom(*args, **kwargs):
        pytest.fail("a download was attempted although the service was unreachable")

    monkeypatch.setattr(live, "yahoo_download", boom)
    monkeypatch.setattr(live, "fred_http_get", boom)
    monkeypatch.setattr(live, "fred_api_series", boom)
    from aipolicy.marketdata import ipos

    monkeypatch.setattr(ipos, "fetch_ipo_calendar", boom)


def _args(**kw):
    ns = argparse.Namespace(tickers=None, series=None, start="2016-01-01", no_ipos=True,
                            deadline=reach.DEADLINE_S)  # fmt: skip
    ns.__dict__.update(kw)
    return ns


# --------------------------------------------------------------------------- loaders
def test_live_prices_offline_one_line_before_any_request(offline, monkeypatch):
    _no_download(monkeypatch)
    with pytest.raises(reach.ServiceUnreachableError) as err:
        load_prices(["NVDA", "AMD", "MU"], source="live")
    assert str(err.value) == OFFLINE
    assert err.value.services == ("Yahoo Finance", "FRED")
    assert "NVDA" not in str(err.value)  # not one failure per ticker
    assert offline == ["https://query2.finance.yahoo.com/", "https://fred.stlouisfed.org/"]


def test_every_live_loader_says_the_same_line(offline, monkeypatch):
    _no_download(monkeypatch)
    for load in (lambda: load_prices("NVDA", source="live"),
                 lambda: load_fred(["CPIAUCSL", "DGS10"], source="live"),
                 lambda: load_ipos(source="live")):  # fmt: skip
        with pytest.raises(reach.ServiceUnreachableError) as err:
            load()
        assert str(err.value) == OFFLINE
    assert len(offline) == 2  # each service probed once; the verdict is remembered


def test_market_notebooks_fail_with_the_offline_line_not_a_parameter_error(offline, monkeypatch):
    # the notebooks' loaders turn "no data" into "parameter 'benchmark' / tickers ..." (before,
    # offline said that); unreachable passes through unchanged, so every market notebook of an
    # offline `aipolicy report --source live` fails with the same line
    from aipolicy.nb import market as vm

    _no_download(monkeypatch)
    p = vm.validate_market_params(data_source="live", infra_tickers=["NVDA"],
                                  platform_tickers=["MSFT"])  # fmt: skip
    with pytest.raises(reach.ServiceUnreachableError, match="^cannot reach") as err:
        vm.load_market_prices(p)
    assert str(err.value) == OFFLINE and "parameter" not in str(err.value)
    with pytest.raises(reach.ServiceUnreachableError) as err:
        vm.load_market_fred(p, ["CPIAUCSL"])  # before: an empty frame, "not available"
    assert str(err.value) == OFFLINE


def test_only_the_unreachable_service_is_named(monkeypatch):
    monkeypatch.setattr(reach, "http_probe",
                        lambda url: "connection refused" if "yahoo" in url else None)  # fmt: skip
    with pytest.raises(reach.ServiceUnreachableError) as err:
        load_prices("NVDA", source="live")
    assert str(err.value) == (
        "cannot reach Yahoo Finance: connection refused; use --source cache|sample|csv"
    )
    monkeypatch.setattr(live, "fred_http_get", lambda s: FRED_TEXT[s])
    assert load_fred("CPIAUCSL", source="live").attrs["source"] == "live"


def test_auto_offline_uses_the_cache_with_one_warning(monkeypatch):
    monkeypatch.setattr(live, "yahoo_download", lambda t, s, e, i: yf_frame(t))
    first = load_prices(["NVDA", "AMD"], source="live")
    monkeypatch.setattr(reach, "http_probe", lambda url: "name lookup failed (no network or no DNS)")
    reach.forget()
    _no_download(monkeypatch)
    with pytest.warns(UserWarning) as rec:
        df = load_prices(["NVDA", "AMD"], source="auto")
    texts = [str(w.message) for w in rec if w.category is UserWarning]
    assert len(texts) == 1 and texts[0].startswith(
        "cannot reach Yahoo Finance: name lookup failed (no network or no DNS); using the local "
        "cache instead for NVDA, AMD"
    )
    pd.testing.assert_frame_equal(df, first, check_freq=False)
    assert df.attrs["source"] == "cache"


def test_auto_offline_without_cache_leads_with_the_network(offline, monkeypatch):
    _no_download(monkeypatch)
    with pytest.raises(DataUnavailableError) as err:
        load_prices(["NVDA"], source="auto")
    assert str(err.value).startswith(
        "source 'auto': cannot reach Yahoo Finance (name lookup failed (no network or no DNS))"
    )
    assert "aipolicy fetch" in str(err.value) and "source='sample'" in str(err.value)


def test_probe_reasons_from_real_sockets(monkeypatch):
    """The probe itself on loopback: a closed port is refused, a silent server times out."""
    from .conftest import REAL_HTTP_PROBE

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    assert REAL_HTTP_PROBE(f"http://127.0.0.1:{port}/") == "connection refused"
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)
    monkeypatch.setattr(reach, "PROBE_READ_TIMEOUT_S", 0.5)
    try:
        t0 = time.monotonic()
        reason = REAL_HTTP_PROBE(f"http://127.0.0.1:{silent.getsockname()[1]}/")
        assert time.monotonic() - t0 < 5
    finally:
        silent.close()
    assert reason == "connected, but no answer within 0.5 s"


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (requests.ConnectionError("HTTPSConnectionPool(host='query2.finance.yahoo.com', port=443):"
                                  " Max retries exceeded (Caused by NameResolutionError(\"Failed to "
                                  "resolve 'query2.finance.yahoo.com' ([Errno -2] Name or service "
                                  "not known)\"))"), "name lookup failed (no network or no DNS)"),
        (requests.exceptions.ProxyError("Unable to connect to proxy"),
         "the proxy could not be reached or refused the connection"),
        (requests.exceptions.ConnectTimeout("timed out"), "no connection within 5 s"),
        (requests.exceptions.SSLError("certificate verify failed"),
         "TLS handshake failed (a proxy or firewall in the way?)"),
        (requests.ConnectionError("[Errno 101] Network is unreachable"), "network is unreachable"),
    ],
)  # fmt: skip
def test_reasons_name_no_host(exc, reason):
    assert reach.describe_failure(exc) == reason


# --------------------------------------------------------------------------- fetch CLI
def test_fetch_offline_says_one_line_first_and_exits_1(offline, monkeypatch, capsys):
    _no_download(monkeypatch)
    assert cli.run(_args(tickers="NVDA,AMD", series="CPIAUCSL", no_ipos=False)) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"aipolicy fetch: {OFFLINE} with `aipolicy report` (nothing was downloaded)"
    ]


def test_fetch_half_offline_says_it_first_and_fetches_the_rest(monkeypatch, capsys):
    monkeypatch.setattr(reach, "http_probe", lambda url: "connection refused" if "yahoo" in url
                        else None)  # fmt: skip
    monkeypatch.setattr(live, "yahoo_download", lambda *a: pytest.fail("Yahoo was tried"))
    monkeypatch.setattr(live, "fred_http_get", lambda s: FRED_TEXT[s])
    assert cli.run(_args(tickers="NVDA", series="CPIAUCSL")) == 0
    out = capsys.readouterr()
    assert out.err.startswith("aipolicy fetch: cannot reach Yahoo Finance: connection refused; ")
    assert "fetched 1 of 2: CPIAUCSL" in out.out and "e.g. cannot reach Yahoo Finance" in out.err


@pytest.mark.parametrize(("flag", "value", "example"), [
    ("--tickers", "", "--tickers NVDA AMD ^GSPC"), ("--tickers", " , ", "--tickers NVDA"),
    ("--series", "", "--series CPIAUCSL DGS10"),
])  # fmt: skip
def test_fetch_empty_list_is_an_input_error(flag, value, example, offline, monkeypatch, capsys):
    # before: `fetch --tickers ""` fetched nothing and said "check the network connection"
    _no_download(monkeypatch)
    assert main(["fetch", flag, value, "--no-ipos"]) == 2
    err = capsys.readouterr().err
    assert f"aipolicy fetch: error: {flag}: the " in err and "list is empty" in err
    assert example in err and "network" not in err
    assert offline == []  # refused before any probe
    with pytest.raises(InvalidInputError) as exc:
        cli._split([value], (), flag.lstrip("-"))
    assert exc.value.field == flag.lstrip("-")


def test_fetch_deadline_bad_values_refused(capsys):
    for bad in ("0", "-5", "nan", "inf", "soon"):
        with pytest.raises(SystemExit):
            main(["fetch", "--deadline", bad])
        assert "positive number of seconds" in capsys.readouterr().err


@pytest.fixture
def stalled(monkeypatch):
    """Yahoo downloads that hang until the test ends (a stalled network under yfinance)."""
    release = threading.Event()
    calls = []

    def hang(tickers, start, end, interval):
        calls.append(tuple(tickers))
        release.wait(30)
        return yf_frame(tickers)

    monkeypatch.setattr(live, "yahoo_download", hang)
    yield calls
    release.set()


def test_fetch_stops_at_its_deadline(stalled, monkeypatch, capsys):
    monkeypatch.setattr(live, "fred_http_get", lambda s: pytest.fail("tried after the deadline"))
    t0 = time.monotonic()
    rc = cli.run(_args(tickers="NVDA,AMD", series="CPIAUCSL,DGS10", deadline=0.5))
    assert time.monotonic() - t0 < 5 and rc == 1
    err = capsys.readouterr().err
    assert "stopped at the 0.5 s deadline (--deadline); 4 of 4 not fetched (2 not tried)" in err
    assert stalled == [("NVDA", "AMD")]
    assert not cache.cache_path("yahoo", "NVDA", "1d", "adj").exists()


def test_live_loader_has_a_deadline_too(stalled, monkeypatch):
    monkeypatch.setattr(reach, "DEADLINE_S", 0.5)
    t0 = time.monotonic()
    with pytest.raises(DataUnavailableError, match="not finished within the 0.5 s deadline"):
        load_prices("NVDA", source="live")
    assert time.monotonic() - t0 < 5


def test_fredapi_key_path_is_under_the_fetch_deadline(monkeypatch, capsys, silent_fred):
    """fredapi against a server on 127.0.0.1 that accepts and never answers, with a per-request
    timeout far longer than the fetch's deadline: the deadline wins."""
    monkeypatch.setattr(live, "TIMEOUT_S", 60.0)
    monkeypatch.setattr(live, "yahoo_download", lambda t, s, e, i: yf_frame(t))
    t0 = time.monotonic()
    rc = cli.run(_args(tickers="NVDA", series="CPIAUCSL,DGS10", deadline=1.0))
    took = time.monotonic() - t0
    assert rc == 1 and took < 8  # before: no deadline; each request alone waited TIMEOUT_S
    out = capsys.readouterr()
    assert "fetched 1 of 3: NVDA" in out.out
    assert "2 of 3 not fetched (1 not tried)" in out.err and "SECRETKEY123" not in out.err


def test_each_failed_ticker_gets_its_own_yfinance_reason():
    # yfinance logs one line per distinct reason; before, every ticker got all of them, cut
    messages = [
        "\n2 Failed downloads:",
        "['ZZZZ']: possibly delisted; no timezone found",
        "['QQQQ', 'XXXX']: YFPricesMissingError('$%ticker%: possibly delisted; no price data "
        "found  (1d 2016-01-01 -> 2026-11-30)')",
        "404 Client Error: Not Found for url: https://query2.finance.yahoo.com/v10/finance/...",
    ]
    assert live.failed_reasons(messages) == {
        "ZZZZ": "possibly delisted; no timezone found",
        "QQQQ": "possibly delisted; no price data found  (1d 2016-01-01 -> 2026-11-30)",
        "XXXX": "possibly delisted; no price data found  (1d 2016-01-01 -> 2026-11-30)",
    }
    assert live.failed_reasons(["['A']: " + "x" * 500])["A"] == "x" * 160
