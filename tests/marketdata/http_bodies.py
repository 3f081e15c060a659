"""Response bodies in the services' current layouts, built here (no third-party fixture copied).

Yahoo: ``fc.yahoo.com`` answers 404 with an ``A3`` cookie for ``.yahoo.com``;
``v1/test/getcrumb`` answers the crumb as plain text; ``v8/finance/chart/{symbol}`` answers
``{"chart": {"result": [{"meta", "timestamp", "events", "indicators"}], "error": null}}`` (a
delisted symbol: HTTP 404 with ``result: null`` and an ``error``); ``v10/finance/quoteSummary``
and ``v7/finance/quote`` answer an unknown symbol with a 404 error and an empty result.
FRED: ``fredgraph.csv`` is ``observation_date,SERIES`` then one ``YYYY-MM-DD,value`` line a
date (``.`` when missing); the API's ``series/observations`` is XML with one ``observation``
element per date, and errors are ``<error code=".." message=".."/>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

A3_COOKIE = (
    "A3=d=AQABBGyUaWkCEJ0ZaW5pdGlhbC1mYWtlLWNvb2tpZQ&S=AQAAAt3st; Expires=Sun, 31 Dec 2028 "
    "23:59:59 GMT; Max-Age=31557600; Domain=.yahoo.com; Path=/; Secure; HttpOnly; SameSite=None"
)
CRUMB = "aBcDeFgH1jK"


def _ts(day: str) -> int:
    """A regular session's first bar: 09:30 New York (14:30 UTC in winter)."""
    d = dt.date.fromisoformat(day)
    return int(dt.datetime(d.year, d.month, d.day, 14, 30, tzinfo=dt.UTC).timestamp())


def chart(symbol: str, days: Sequence[str], close: Sequence[float],
          adjclose: Sequence[float] | None = None, volume: Sequence[int] | None = None) -> dict:
    """A ``v8/finance/chart`` daily answer: raw OHLC plus ``adjclose`` (dividend-adjusted)."""
    n = len(days)
    adjclose = list(adjclose if adjclose is not None else close)
    volume = list(volume if volume is not None else [40_000_000 + 1000 * i for i in range(n)])
    stamps = [_ts(d) for d in days]
    last = stamps[-1] if stamps else _ts("2024-01-02")
    period = {"timezone": "EST", "gmtoffset": -18000}
    return {"chart": {"result": [{
        "meta": {
            "currency": "USD", "symbol": symbol, "exchangeName": "NMS",
            "fullExchangeName": "NasdaqGS", "instrumentType": "EQUITY",
            "firstTradeDate": 917015400, "regularMarketTime": last, "hasPrePostMarketData": True,
            "gmtoffset": -18000, "timezone": "EST", "exchangeTimezoneName": "America/New_York",
            "regularMarketPrice": close[-1] if n else 100.0,
            "fiftyTwoWeekHigh": max(close) if n else 100.0,
            "fiftyTwoWeekLow": min(close) if n else 100.0,
            "regularMarketDayHigh": close[-1] if n else 100.0,
            "regularMarketDayLow": close[-1] if n else 100.0,
            "regularMarketVolume": volume[-1] if n else 0,
            "longName": f"{symbol} Corporation", "shortName": f"{symbol} Corp",
            "chartPreviousClose": close[0] if n else 100.0, "priceHint": 2,
            "currentTradingPeriod": {
                "pre": {**period, "start": last - 19800, "end": last},
                "regular": {**period, "start": last, "end": last + 23400},
                "post": {**period, "start": last + 23400, "end": last + 37800},
            },
            "dataGranularity": "1d", "range": "",
            "validRanges": ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd",
                            "max"],
        },
        **({"timestamp": stamps} if n else {}),
        "indicators": {
            "quote": [{
                "close": list(close), "open": [c * 0.99 for c in close],
                "low": [c * 0.98 for c in close], "high": [c * 1.01 for c in close],
                "volume": volume,
            } if n else {}],
            "adjclose": [{"adjclose": adjclose} if n else {}],
        },
    }], "error": None}}  # fmt: skip


def chart_not_found() -> dict:
    """What ``v8/finance/chart/{symbol}`` answers (HTTP 404) for a delisted symbol."""
    return {"chart": {"result": None, "error": {
        "code": "Not Found", "description": "No data found, symbol may be delisted"}}}  # fmt: skip


def quote_summary_not_found(symbol: str) -> dict:
    return {"quoteSummary": {"result": None, "error": {
        "code": "Not Found", "description": f"Quote not found for symbol: {symbol}"}}}  # fmt: skip


QUOTE_EMPTY = {"quoteResponse": {"result": [], "error": None}}


def timeseries_empty(symbol: str) -> dict:
    """``ws/fundamentals-timeseries`` for a symbol Yahoo does not know: meta only, no values."""
    return {"timeseries": {"result": [{"meta": {"symbol": [symbol], "type": ["trailingPegRatio"]},
                                       "timestamp": None}], "error": None}}  # fmt: skip


def fredgraph_csv(series_id: str, rows: Sequence[tuple[str, str]]) -> str:
    """``fredgraph.csv?id=SERIES_ID`` as FRED serves it today."""
    return f"observation_date,{series_id}\n" + "".join(f"{d},{v}\n" for d, v in rows)


def fred_observations_xml(rows: Sequence[tuple[str, str]], today: str = "2026-11-30") -> bytes:
    """``fred/series/observations`` (XML, the fredapi default)."""
    obs = "".join(
        f'  <observation realtime_start="{today}" realtime_end="{today}" date="{d}" value="{v}"/>\n'
        for d, v in rows
    )
    head = (
        f'<observations realtime_start="{today}" realtime_end="{today}" '
        'observation_start="1600-01-01" observation_end="9999-12-31" units="lin" '
        'output_type="1" file_type="xml" order_by="observation_date" sort_order="asc" '
        f'count="{len(rows)}" offset="0" limit="100000">\n'
    )
    return ('<?xml version="1.0" encoding="utf-8" ?>\n' + head + obs + "</observations>").encode()


def fred_error_xml(code: int, message: str) -> bytes:
    return f'<?xml version="1.0" encoding="utf-8" ?>\n<error code="{code}" message="{message}"/>'.encode()
