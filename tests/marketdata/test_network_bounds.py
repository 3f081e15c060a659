"""Network calls are bounded: the fredapi key path and the keyless CSV give up on a server that
accepts the connection and never answers (issue 16 item 9), and the key is never printed."""

from __future__ import annotations

import socket
import time

import pytest

from aipolicy.marketdata import live


@pytest.fixture
def silent_server():
    """A TCP server on 127.0.0.1 that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def test_fredapi_key_path_times_out_instead_of_hanging(silent_server, monkeypatch):
    monkeypatch.setattr(live, "FRED_API_ROOT", silent_server + "/fred")
    monkeypatch.setattr(live, "TIMEOUT_S", 1.0)
    monkeypatch.setattr(live, "_sleep", lambda s: None)
    monkeypatch.setenv("FRED_API_KEY", "SECRETKEY123")
    t0 = time.monotonic()
    with pytest.raises(Exception) as err:
        live.download_fred("CPIAUCSL")
    assert time.monotonic() - t0 < 15  # before: urlopen without a timeout waited forever
    assert "timed out" in str(err.value).lower()
    assert "SECRETKEY123" not in str(err.value)


def test_keyless_csv_times_out(silent_server, monkeypatch):
    monkeypatch.setattr(live, "FRED_CSV_URL", silent_server + "/fredgraph.csv")
    monkeypatch.setattr(live, "TIMEOUT_S", 1.0)
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    t0 = time.monotonic()
    with pytest.raises(Exception, match="(?i)timed out"):
        live.download_fred("CPIAUCSL")
    assert time.monotonic() - t0 < 15


def test_fredapi_urlopen_is_restored_after_the_call(silent_server, monkeypatch):
    import fredapi.fred as fred_module

    before = fred_module.urlopen
    monkeypatch.setattr(live, "FRED_API_ROOT", silent_server + "/fred")
    monkeypatch.setattr(live, "TIMEOUT_S", 0.5)
    with pytest.raises(OSError, match="(?i)timed out"):
        live.fred_api_series("CPIAUCSL", "k")
    assert fred_module.urlopen is before


def test_yfinance_caches_live_in_the_project_cache(tmp_path, monkeypatch):
    # a stale cookie in the user-wide yfinance cache broke yfinance 1.7 ('>' between None and
    # float); aipolicy keeps yfinance's caches in its own cache folder
    import yfinance.cache as yf_cache

    monkeypatch.setenv("AIPOLICY_CACHE_DIR", str(tmp_path / "cache"))
    before = (yf_cache._TzDBManager.get_location(), yf_cache._CookieDBManager.get_location())
    try:
        folder = live.use_project_yfinance_cache()
        assert folder == tmp_path / "cache" / "yfinance" and folder.is_dir()
        assert yf_cache._CookieDBManager.get_location() == str(folder)
        assert yf_cache._TzDBManager.get_location() == str(folder)
    finally:
        yf_cache._TzDBManager.set_location(before[0])
        yf_cache._CookieDBManager.set_location(before[1])
