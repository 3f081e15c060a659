"""Network boundary: Yahoo Finance through yfinance, and FRED (keyless CSV or fredapi).

Only :func:`yahoo_download`, :func:`fred_http_get` and :func:`fred_api_series` touch the
network; tests replace them with frames and text in the layouts the services return.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aipolicy.marketdata.frames import Record, record_from_frame
from aipolicy.marketdata.provenance import OHLCV

if TYPE_CHECKING:
    import pandas as pd

FRED_CSV_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
#: fredapi's API root; tests point it at a local server
FRED_API_ROOT = "https://api.stlouisfed.org/fred"
CONNECT_TIMEOUT_S = 5.0
TIMEOUT_S = 20.0
MAX_RETRIES = 3  # after the first attempt
BACKOFF_S = 2.0  # first wait; doubles each retry
_sleep = time.sleep  # tests replace this


class RateLimited(Exception):
    """A service answered 'too many requests' for every remaining retry."""


def yfinance_version() -> str:
    """Installed yfinance version string."""
    try:
        from importlib.metadata import version

        return version("yfinance")
    except Exception:  # pragma: no cover
        return "unknown"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def yfinance_cache_dir() -> Path:
    """yfinance's own caches (time zones, cookie, ISIN) inside the project cache folder."""
    from aipolicy import config

    return config.cache_dir() / "yfinance"


def use_project_yfinance_cache() -> Path:
    """Point yfinance's caches at :func:`yfinance_cache_dir` (created if missing).

    A cookie left without an expiry in the user-wide yfinance cache made yfinance 1.7 fail with
    "'>' not supported between 'NoneType' and 'float'"; keeping its caches in the project's
    cache folder isolates aipolicy from other yfinance users (and ``aipolicy fetch`` from a
    stale user-wide cookie).
    """
    import yfinance.cache as yf_cache

    folder = yfinance_cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    yf_cache.set_cache_location(str(folder))
    return folder


def yahoo_download(tickers: list[str], start: str, end: str | None, interval: str) -> pd.DataFrame:
    """Network boundary: ``yf.download`` with adjusted prices (``auto_adjust=True``).

    Returns yfinance 1.x's layout: columns MultiIndex ``(Price, Ticker)``, index ``Date``,
    failed tickers as all-NaN columns. Raises ``YFRateLimitError`` when yfinance logged a
    rate-limit failure (it does not raise one itself from ``download``).
    """
    import yfinance as yf
    from yfinance.exceptions import YFRateLimitError

    use_project_yfinance_cache()
    handler = _Collect()
    logger = logging.getLogger("yfinance")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module="yfinance")  # its own pandas deprecations
            data = yf.download(
                tickers, start=start, end=end, interval=interval, auto_adjust=True, actions=False,
                progress=False, threads=True, group_by="column", multi_level_index=True,
                timeout=TIMEOUT_S,
            )  # fmt: skip
    finally:
        logger.removeHandler(handler)
    text = " ".join(handler.messages)
    if "Rate limited" in text or "Too Many Requests" in text:
        raise YFRateLimitError()
    if data is not None:
        data.attrs["yf_errors"] = handler.messages
    return data


def _retrying(call: Any, is_rate_limit: Any, what: str) -> Any:
    """Run ``call()``; on a rate-limit error wait (2, 4, 8 s) and retry, MAX_RETRIES times."""
    delay = BACKOFF_S
    for attempt in range(MAX_RETRIES + 1):
        try:
            return call()
        except Exception as exc:
            if not is_rate_limit(exc):
                raise
            if attempt == MAX_RETRIES:
                raise RateLimited(f"{what}: rate limited after {MAX_RETRIES + 1} attempts") from exc
            _sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")  # pragma: no cover


def _is_yf_rate_limit(exc: BaseException) -> bool:
    return type(exc).__name__ == "YFRateLimitError"


def split_download(
    data: pd.DataFrame | None, tickers: list[str]
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Split yfinance's ``(Price, Ticker)`` frame into one OHLCV frame per ticker.

    A ticker whose Close column is absent or all NaN counts as failed (yfinance does not raise).
    """
    import pandas as pd

    got: dict[str, pd.DataFrame] = {}
    failed: list[str] = []
    if data is None or data.empty:
        return {}, list(tickers)
    cols = data.columns
    for t in tickers:
        if isinstance(cols, pd.MultiIndex):
            lvl_t = cols.names.index("Ticker") if "Ticker" in cols.names else 1
            sub = data.xs(t, axis=1, level=lvl_t) if t in cols.get_level_values(lvl_t) else None
        else:  # single ticker, multi_level_index=False
            sub = data if len(tickers) == 1 else None
        if sub is None or "Close" not in sub.columns or not sub["Close"].notna().any():
            failed.append(t)
            continue
        frame = pd.DataFrame({c: pd.to_numeric(sub[c], errors="coerce") if c in sub.columns else float("nan")
                              for c in OHLCV}, index=sub.index)  # fmt: skip
        frame = frame[frame["Close"].notna()]
        idx = frame.index
        if getattr(idx, "tz", None) is not None:
            idx = idx.tz_localize(None)
        frame.index = pd.DatetimeIndex(idx, name="Date").astype("datetime64[ns]")
        got[t] = frame.astype("float64")
    return got, failed


def download_prices(tickers: list[str], start: str, end: str | None, interval: str
                    ) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:  # fmt: skip
    """Download adjusted OHLCV for ``tickers``; retry on rate limits.

    Returns
    -------
    (dict, dict)
        ticker -> OHLCV frame (DatetimeIndex ``Date``, float64, USD and shares), and
        ticker -> reason for each ticker that failed.
    """
    try:
        data = _retrying(lambda: yahoo_download(tickers, start, end, interval), _is_yf_rate_limit,
                         "Yahoo Finance")  # fmt: skip
    except RateLimited as exc:
        return {}, {t: str(exc) for t in tickers}
    except Exception as exc:  # network down, DNS, TLS, yfinance internals
        return {}, {t: f"Yahoo Finance unreachable ({type(exc).__name__}: {exc})" for t in tickers}
    got, failed = split_download(data, tickers)
    errors = " ".join((getattr(data, "attrs", None) or {}).get("yf_errors", []))
    reason = "no data returned by Yahoo Finance"
    if errors:
        reason += f" ({errors[:200]})"
    return got, {t: reason for t in failed}


def fred_http_get(series_id: str) -> str:
    """Network boundary: the text of ``fredgraph.csv?id=SERIES_ID`` (keyless)."""
    import requests

    resp = requests.get(FRED_CSV_URL, params={"id": series_id},
                        timeout=(CONNECT_TIMEOUT_S, TIMEOUT_S))
    resp.raise_for_status()
    return resp.text


def fred_api_series(series_id: str, api_key: str) -> pd.Series:
    """Network boundary: ``fredapi.Fred(api_key).get_series`` (used when FRED_API_KEY is set).

    fredapi calls ``urlopen`` without a timeout, so a stalled network hung forever: its
    ``urlopen`` is wrapped with :data:`TIMEOUT_S` for the duration of the call.
    """
    import functools

    import fredapi.fred as fred_module
    from fredapi import Fred

    original = fred_module.urlopen
    fred_module.urlopen = functools.partial(original, timeout=TIMEOUT_S)
    try:
        client = Fred(api_key=api_key)
        client.root_url = FRED_API_ROOT
        return client.get_series(series_id)
    finally:
        fred_module.urlopen = original


def _is_http_429(exc: BaseException) -> bool:
    resp = getattr(exc, "response", None)
    return getattr(resp, "status_code", None) == 429 or "429" in str(exc)[:40]


def download_fred(series_id: str) -> Record:
    """Download one FRED series (fredapi with ``FRED_API_KEY``, else the keyless CSV).

    Returns a record with column ``"value"``. Raises on network errors, HTTP errors (after
    retrying HTTP 429), and MalformedDataError when the text is not FRED's layout. The API key
    is never printed or put in messages.
    """
    import pandas as pd

    from aipolicy.marketdata.csvfiles import read_fred_text

    key = os.environ.get("FRED_API_KEY")
    if key:
        try:
            s = _retrying(lambda: fred_api_series(series_id, key), _is_http_429, "FRED")
        except Exception as exc:
            msg = str(exc).replace(key, "***")
            raise type(exc)(msg) if isinstance(exc, RateLimited) else RuntimeError(
                f"FRED API request for {series_id} failed: {msg}") from None  # fmt: skip
        s = pd.to_numeric(pd.Series(s), errors="coerce")
        frame = pd.DataFrame({"value": s.to_numpy(dtype="float64")},
                             index=pd.DatetimeIndex(s.index, name="Date"))  # fmt: skip
        return record_from_frame(frame, ["value"])
    text = _retrying(lambda: fred_http_get(series_id), _is_http_429, "FRED")
    return read_fred_text(text, series_id, f"{FRED_CSV_URL}?id={series_id}")
