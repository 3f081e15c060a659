"""Network boundary: Yahoo Finance through yfinance, and FRED (keyless CSV or fredapi).

Only :func:`yahoo_download`, :func:`fred_http_get` and :func:`fred_api_series` touch the
network (and :func:`aipolicy.marketdata.reach.http_probe`, which asks first whether the
services answer at all); most tests replace them with frames and text in the layouts the
services return, and ``tests/marketdata/test_http_layer.py`` drives them through the real HTTP
layer (``responses`` for yfinance and ``fredgraph.csv``, a server on 127.0.0.1 for fredapi).
"""

from __future__ import annotations

import logging
import os
import re
import threading
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
_FREDAPI_LOCK = threading.Lock()


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
    managers = (yf_cache._TzDBManager, yf_cache._CookieDBManager, yf_cache._ISINDBManager)
    if any(m.get_location() != str(folder) for m in managers):
        yf_cache.set_cache_location(str(folder))
        # yfinance's cache objects keep the database they opened first (set_cache_location
        # alone changes nothing once a download ran): drop them, the next use opens ``folder``
        for holder, attr in ((yf_cache._TzCacheManager, "_tz_cache"),
                             (yf_cache._CookieCacheManager, "_Cookie_cache"),
                             (yf_cache._ISINCacheManager, "_isin_cache")):  # fmt: skip
            if hasattr(holder, attr):
                setattr(holder, attr, None)
    # open the databases here, in one thread: yf.download's threads opening a new one at once
    # raced ("database is locked") and lost that ticker
    for cache_of in (yf_cache.get_tz_cache, yf_cache.get_cookie_cache):
        try:
            cache_of().lookup("aipolicy-warm-up")
        except Exception:  # yfinance then runs without that cache, as it does itself
            pass
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
    messages = (getattr(data, "attrs", None) or {}).get("yf_errors", [])
    own = failed_reasons(messages)
    errors = " ".join(m.strip() for m in messages)
    reasons = {}
    for t in failed:
        why = own.get(t) or errors[:200]
        reasons[t] = "no data returned by Yahoo Finance" + (f" ({why})" if why else "")
    return got, reasons


_FAILED_LINE = re.compile(r"^\[(?P<syms>[^\]]*)\]: (?P<why>.+)$", re.S)
_WRAPPED = re.compile(r"^\w+\((?P<q>['\"])(?P<text>.*)(?P=q)\)$", re.S)


def failed_reasons(messages: list[str]) -> dict[str, str]:
    """Ticker -> yfinance's own reason, from its ``['ZZZZ', 'QQQQ']: reason`` log lines.

    yfinance logs one line per distinct reason after "N Failed downloads:"; each ticker gets
    its own reason rather than every reason of the batch, cut at 200 characters.
    """
    out: dict[str, str] = {}
    for message in messages:
        m = _FAILED_LINE.match(message.strip())
        if not m:
            continue
        why = m["why"].strip()
        wrapped = _WRAPPED.match(why)  # YFTzMissingError('$ZZZZ: possibly delisted; ...')
        if wrapped:
            why = wrapped["text"]
        for sym in (s.strip().strip("'\"") for s in m["syms"].split(",")):
            if sym:
                text = re.sub(r"^\$[^:\s]+: ", "", why).replace("\\n", "\n")
                out[sym] = text.split("\n")[0].strip()[:160]
    return out


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
    ``urlopen`` is wrapped with :data:`TIMEOUT_S` for the duration of the call (one call at a
    time, so a call abandoned at a fetch's deadline cannot leave the wrapper in place).
    """
    import functools

    import fredapi.fred as fred_module
    from fredapi import Fred

    with _FREDAPI_LOCK:
        original = fred_module.urlopen
        fred_module.urlopen = functools.partial(original, timeout=TIMEOUT_S)
        try:
            client = Fred(api_key=api_key)
            client.root_url = FRED_API_ROOT
            return client.get_series(series_id)
        finally:
            fred_module.urlopen = original


def _is_http_429(exc: BaseException) -> bool:
    """HTTP 429 from requests (keyless CSV) or from fredapi, which turns FRED's XML error
    (``<error code="429" message="Too Many Requests. ..."/>``) into a ValueError."""
    resp = getattr(exc, "response", None)
    if getattr(resp, "status_code", None) == 429 or getattr(exc, "code", None) == 429:
        return True
    text = str(exc)[:80].lower()
    return "429" in text[:40] or "too many requests" in text


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
