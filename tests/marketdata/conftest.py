"""Fixtures: an isolated cache folder, and fakes in the exact layouts Yahoo/FRED return today."""

from __future__ import annotations

import os

# yfinance picks its HTTP backend when imported: plain requests (which ``responses`` intercepts
# in test_http_layer.py) rather than curl_cffi. No test here reaches the network either way.
os.environ.setdefault("YF_DISABLE_CURL_CFFI", "1")

import numpy as np  # noqa: E402
import pandas as pd
import pytest

from aipolicy.marketdata import live, reach

#: the real reachability probe (an HTTP HEAD); tests that drive the HTTP layer put it back
REAL_HTTP_PROBE = reach.http_probe


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch):
    """Every test gets its own cache folder; backoff sleeps are recorded, not slept; the
    services count as reachable (no probe leaves the machine) unless a test says otherwise."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("AIPOLICY_CACHE_DIR", str(cache))
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    sleeps: list[float] = []
    monkeypatch.setattr(live, "_sleep", sleeps.append)
    monkeypatch.setattr(reach, "http_probe", lambda url: None)
    reach.forget()
    yield cache
    reach.forget()


@pytest.fixture
def offline(monkeypatch):
    """No network: every probe fails the way a machine without DNS does; returns the URLs
    probed."""
    probed: list[str] = []

    def no_dns(url):
        probed.append(url)
        return "name lookup failed (no network or no DNS)"

    monkeypatch.setattr(reach, "http_probe", no_dns)
    reach.forget()
    return probed


@pytest.fixture
def silent_fred(monkeypatch):
    """FRED's API root on a 127.0.0.1 server that accepts and never answers, with a key set."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)
    monkeypatch.setattr(live, "FRED_API_ROOT", f"http://127.0.0.1:{silent.getsockname()[1]}/fred")
    monkeypatch.setenv("FRED_API_KEY", "SECRETKEY123")
    yield silent
    silent.close()


def _history(dates: pd.DatetimeIndex, seed: int) -> pd.DataFrame:
    """One ticker as ``Ticker.history(auto_adjust=True)`` returns it: Open High Low Close Volume."""
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, len(dates))))
    df = pd.DataFrame(
        {"Open": close * 0.99, "High": close * 1.01, "Low": close * 0.98, "Close": close,
         "Volume": rng.integers(1_000_000, 5_000_000, len(dates))},
        index=pd.DatetimeIndex(dates, name="Date"),
    )  # fmt: skip
    return df


def yf_frame(
    tickers: list[str], failed: tuple[str, ...] = (), start: str = "2024-01-02", periods: int = 60
) -> pd.DataFrame:
    """Build ``yf.download(..., auto_adjust=True)`` output as yfinance 1.7 assembles it.

    Good tickers come from ``history``; failed ones are yfinance's ``utils.empty_df()`` (which
    includes an ``Adj Close`` column) reindexed to the union of dates, then concatenated with
    keys, names ``['Ticker', 'Price']``, level-swapped and sorted, as in ``multi.py``.
    """
    from yfinance import utils

    dates = pd.bdate_range(start, periods=periods)
    dfs = {
        t: (utils.empty_df() if t in failed else _history(dates, i))
        for i, t in enumerate(sorted(set(tickers)))
    }
    idx = None
    for df in dfs.values():
        if not df.empty:
            idx = df.index if idx is None else idx.union(df.index)
    idx = pd.DatetimeIndex([]) if idx is None else idx
    dfs = {k: v.reindex(idx) for k, v in dfs.items()}
    data = pd.concat(dfs.values(), axis=1, sort=True, keys=dfs.keys(), names=["Ticker", "Price"])
    data.columns = data.columns.swaplevel(0, 1)
    return data.sort_index(level=0, axis=1)


FRED_TEXT = {
    "CPIAUCSL": "observation_date,CPIAUCSL\n2024-01-01,308.417\n2024-02-01,310.326\n2024-03-01,312.332\n",
    "DGS10": "observation_date,DGS10\n2024-01-01,.\n2024-01-02,3.95\n2024-01-03,3.91\n",
    "UNRATE": "DATE,UNRATE\n2024-01-01,3.7\n2024-02-01,3.9\n",  # the layout before about Dec 2024
}
