"""Is Yahoo Finance / FRED reachable, and a deadline over a whole fetch.

Offline is detected once, before any per-ticker request: :func:`require` sends one ``HEAD``
to each service's host (connect and read timeouts) and, when the one needed cannot be reached,
raises :class:`ServiceUnreachableError` with a single line naming every unreachable service::

    cannot reach Yahoo Finance / FRED: name lookup failed (no network or no DNS); use --source cache|sample|csv

Any HTTP answer (even 404 or 429) counts as reachable: the probe asks only whether the host
answers. Verdicts are kept :data:`VERDICT_TTL_S` seconds, so the loaders of one notebook probe
once. :class:`Deadline` bounds a whole fetch: :func:`bounded` runs one network call in a daemon
thread and gives up on it when the deadline passes (the call's own timeouts bound each request;
the deadline bounds their sum, retries and backoff included).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aipolicy.errors import AipolicyError

T = TypeVar("T")

YAHOO = "Yahoo Finance"
FRED = "FRED"
SERVICES = (YAHOO, FRED)
#: yfinance's chart API host (``v8/finance/chart``); the probe asks only for an HTTP answer
YAHOO_PROBE_URL = "https://query2.finance.yahoo.com/"
PROBE_READ_TIMEOUT_S = 5.0
VERDICT_TTL_S = 60.0
#: Default bound on one ``aipolicy fetch`` and on one live loader call, in seconds.
DEADLINE_S = 300.0
WHAT_TO_DO = "use --source cache|sample|csv"

_verdicts: dict[str, tuple[float, str | None]] = {}
_lock = threading.Lock()


class ServiceUnreachableError(AipolicyError, ConnectionError):
    """Yahoo Finance or FRED cannot be reached at all (offline, DNS, proxy, firewall).

    Not a :class:`~aipolicy.errors.DataUnavailableError`: callers that turn "no data for these
    tickers" into a message about their parameters let this one through unchanged, so an
    offline run says the same line everywhere. ``services`` names the unreachable services.
    """

    def __init__(self, message: str, services: Iterable[str] = (), reason: str = "") -> None:
        super().__init__(message)
        self.services = tuple(services)
        self.reason = reason


class DeadlineExceeded(AipolicyError, TimeoutError):
    """A fetch ran past its deadline; the call still running was abandoned."""


def unreachable_message(services: Iterable[str], reason: str) -> str:
    """``cannot reach Yahoo Finance / FRED: <reason>; use --source cache|sample|csv``."""
    return f"cannot reach {' / '.join(services)}: {reason}; {WHAT_TO_DO}"


def describe_failure(exc: BaseException, read_timeout: float | None = None) -> str:
    """A short reason without host names, so every service and notebook words it alike."""
    import requests

    read_timeout = PROBE_READ_TIMEOUT_S if read_timeout is None else read_timeout

    text = " ".join(str(e) for e in _chain(exc))
    low = text.lower()
    if isinstance(exc, requests.exceptions.ProxyError) or "proxyerror" in low:
        return "the proxy could not be reached or refused the connection"
    if any(s in low for s in ("name or service not known", "failed to resolve",
                              "temporary failure in name resolution", "nodename nor servname",
                              "getaddrinfo failed", "no address associated")):  # fmt: skip
        return "name lookup failed (no network or no DNS)"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        from aipolicy.marketdata import live

        return f"no connection within {live.CONNECT_TIMEOUT_S:g} s"
    if isinstance(exc, requests.exceptions.ReadTimeout | TimeoutError) or "timed out" in low:
        return f"connected, but no answer within {read_timeout:g} s"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS handshake failed (a proxy or firewall in the way?)"
    if "refused" in low:
        return "connection refused"
    if "network is unreachable" in low or "no route to host" in low:
        return "network is unreachable"
    return f"{type(exc).__name__}: {str(exc)[:120]}"


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and seen not in out and len(out) < 8:
        out.append(seen)
        seen = seen.__cause__ or seen.__context__
    return out


def probe_url(service: str) -> str:
    """The URL probed for ``service``: its host's root (FRED's follows FRED_API_KEY)."""
    import os

    from aipolicy.marketdata import live

    if service == YAHOO:
        return YAHOO_PROBE_URL
    base = live.FRED_API_ROOT if os.environ.get("FRED_API_KEY") else live.FRED_CSV_URL
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}/"


def http_probe(url: str) -> str | None:
    """Network boundary: ``HEAD url``; None when any HTTP answer came, else the reason."""
    import requests

    from aipolicy.marketdata import live

    try:
        requests.head(url, timeout=(live.CONNECT_TIMEOUT_S, PROBE_READ_TIMEOUT_S),
                      allow_redirects=False)  # fmt: skip
    except requests.RequestException as exc:
        return describe_failure(exc)
    return None


def reason_unreachable(service: str) -> str | None:
    """Why ``service`` cannot be reached (None when it answers); remembered a minute."""
    now = time.monotonic()
    url = probe_url(service)
    with _lock:
        hit = _verdicts.get(url)
    if hit is not None and now - hit[0] < VERDICT_TTL_S:
        return hit[1]
    reason = http_probe(url)
    with _lock:
        _verdicts[url] = (time.monotonic(), reason)
    return reason


def forget() -> None:
    """Drop the remembered verdicts (tests; a long-lived process that came back online)."""
    with _lock:
        _verdicts.clear()


def require(*needed: str) -> None:
    """Raise :class:`ServiceUnreachableError` when any ``needed`` service cannot be reached.

    The message names every unreachable service of :data:`SERVICES` (the others are probed
    only then), so an offline machine gets the same line whichever loader asked first.
    """
    failing = {s: r for s in needed if (r := reason_unreachable(s)) is not None}
    if not failing:
        return
    for other in SERVICES:
        if other not in failing and other not in needed:
            r = reason_unreachable(other)
            if r is not None:
                failing[other] = r
    names = [s for s in SERVICES if s in failing]
    first = next(iter(failing.values()))
    raise ServiceUnreachableError(unreachable_message(names, first), names, first)


class Deadline:
    """A point in time (monotonic) after which no network call is started or waited for."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = float(DEADLINE_S if seconds is None else seconds)
        self.ends = time.monotonic() + self.seconds

    def remaining(self) -> float:
        return self.ends - time.monotonic()

    def passed(self) -> bool:
        return self.remaining() <= 0

    def message(self, what: str) -> str:
        return f"{what}: not finished within the {self.seconds:g} s deadline"


def bounded(call: Callable[[], T], deadline: Deadline | None, what: str) -> T:
    """``call()`` in a daemon thread, waited for until ``deadline``; None means no deadline.

    Raises :class:`DeadlineExceeded` when the deadline has passed or passes while waiting
    (the thread is abandoned: it ends with its own request timeouts, or with the process).
    """
    if deadline is None:
        return call()
    if deadline.passed():
        raise DeadlineExceeded(deadline.message(what))
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the waiting thread
            box["error"] = exc

    worker = threading.Thread(target=target, name=f"aipolicy-fetch-{what}", daemon=True)
    worker.start()
    worker.join(max(deadline.remaining(), 0.0))
    if worker.is_alive():
        raise DeadlineExceeded(deadline.message(what))
    if "error" in box:
        raise box["error"]
    return box["value"]
