"""AI-infrastructure IPOs: the curated table shipped in the package, plus yfinance's calendar.

The curated table is ``ipos.csv`` next to this module (versioned with the package). Its rows
come from public filings and press reports; each keeps its ``source``
and ``as_of`` (the date of the event the source reports; no retrieval date is recorded).
``verified`` means a primary document (the prospectus or another SEC filing) confirms the
deal terms; a row whose source names none (:func:`is_primary_source`) cannot say True, however
many secondary reports agree.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from aipolicy.errors import DataUnavailableError, MalformedDataError
from aipolicy.marketdata.provenance import Provenance, check_source

if TYPE_CHECKING:
    import pandas as pd

IPO_TABLE_PATH = Path(__file__).resolve().parent / "ipos.csv"
#: Version of the curated table; bump when a row changes.
IPO_TABLE_VERSION = "2026-12-05.2"
#: A source naming a primary document: the prospectus (424B4), a registration statement
#: (S-1, F-1), a periodic filing (10-Q, 10-K), SEC EDGAR, or a row marked ``[primary]``.
PRIMARY_SOURCE = re.compile(
    r"\bprospectus\b|\b424B\d?\b|\b[SF]-1\b|\b10-[QK]\b|sec\.gov|\[primary\]", re.IGNORECASE)


def is_primary_source(source: str) -> bool:
    """True when ``source`` names a primary document (:data:`PRIMARY_SOURCE`)."""
    return bool(PRIMARY_SOURCE.search(str(source or "")))

IPO_COLUMNS: tuple[str, ...] = (
    "ticker", "company", "exchange", "pricing_date", "first_trade_date", "offer_price",
    "range_low", "range_high", "shares", "proceeds_usd", "first_day_close", "source",
    "as_of", "verified", "notes",
)  # fmt: skip


def read_ipo_table(path: Path | None = None) -> pd.DataFrame:
    """Read the curated IPO table.

    Returns
    -------
    pandas.DataFrame
        One row per IPO, columns :data:`IPO_COLUMNS` plus ``origin`` ("curated"): dates as
        ``datetime64``, ``offer_price``/``range_*``/``first_day_close`` in USD per share,
        ``shares`` in shares, ``proceeds_usd`` in USD, ``verified`` bool (True only where
        the source names a primary document).

    Raises
    ------
    MalformedDataError
        A missing column, a bad date or number, or ``verified`` True on a row whose source
        names no primary document (the file and line named).
    """
    import pandas as pd

    path = Path(path) if path is not None else IPO_TABLE_PATH
    try:
        df = pd.read_csv(path, dtype={"ticker": str, "verified": str})
    except (OSError, ValueError) as exc:
        raise MalformedDataError(f"{path}: cannot read the IPO table: {exc}") from exc
    missing = [c for c in IPO_COLUMNS if c not in df.columns]
    if missing:
        raise MalformedDataError(
            f"{path}: line 1: columns {missing} are missing; expected {list(IPO_COLUMNS)}"
        )
    for col in ("pricing_date", "first_trade_date", "as_of"):
        try:
            df[col] = pd.to_datetime(df[col], format="%Y-%m-%d").astype("datetime64[ns]")
        except ValueError as exc:
            raise MalformedDataError(
                f"{path}: column {col!r} must hold YYYY-MM-DD dates: {exc}"
            ) from exc
    for col in (
        "offer_price",
        "range_low",
        "range_high",
        "shares",
        "proceeds_usd",
        "first_day_close",
    ):
        df[col] = pd.to_numeric(df[col], errors="raise").astype("float64")
    bad = ~df["verified"].isin(["True", "False"])
    if bad.any():
        line = int(bad.to_numpy().nonzero()[0][0]) + 2
        raise MalformedDataError(f"{path}: line {line}: 'verified' must be True or False")
    df["verified"] = df["verified"] == "True"
    unbacked = df["verified"] & ~df["source"].map(is_primary_source)
    if unbacked.any():
        line = int(unbacked.to_numpy().nonzero()[0][0]) + 2
        raise MalformedDataError(
            f"{path}: line {line}: 'verified' is True but the source "
            f"{df['source'][unbacked].iloc[0]!r} names no primary document (prospectus, 424B4, "
            "S-1, 10-Q/10-K, sec.gov); cite the filing or set verified to False")
    df["origin"] = "curated"
    return df[[*IPO_COLUMNS, "origin"]]


@lru_cache(maxsize=1)
def _curated_rows() -> tuple[dict[str, str], ...]:
    """The curated table's rows as text, read once per process without pandas."""
    import csv

    with IPO_TABLE_PATH.open(newline="") as fh:
        return tuple(csv.DictReader(fh))


def _curated_column(column: str) -> dict[str, str]:
    """Ticker -> the text of ``column`` in the curated table."""
    return {row["ticker"]: row[column] for row in _curated_rows()}


def first_trade_dates() -> dict[str, str]:
    """Ticker -> first trade date (ISO string) from the curated table, without pandas."""
    return _curated_column("first_trade_date")


def offer_prices() -> dict[str, float]:
    """Ticker -> offer price in USD from the curated table, without pandas."""
    return {t: float(v) for t, v in _curated_column("offer_price").items()}


def _calendar_to_rows(cal: pd.DataFrame) -> pd.DataFrame:
    """Map yfinance's IPO calendar (index ``Symbol``) onto :data:`IPO_COLUMNS`."""
    import pandas as pd

    cal = cal.reset_index()
    today = datetime.now(UTC).strftime("%Y-%m-%d")

    def col(name: str) -> pd.Series:
        return cal[name] if name in cal.columns else pd.Series([None] * len(cal), index=cal.index)

    out = pd.DataFrame(
        {
            "ticker": col("Symbol").astype(str),
            "company": col("Company"),
            "exchange": col("Exchange"),
            "pricing_date": pd.NaT,
            "first_trade_date": pd.to_datetime(col("Date"), errors="coerce"),
            "offer_price": pd.to_numeric(col("Price"), errors="coerce"),
            "range_low": pd.to_numeric(col("Price From"), errors="coerce"),
            "range_high": pd.to_numeric(col("Price To"), errors="coerce"),
            "shares": pd.to_numeric(col("Shares"), errors="coerce"),
            "proceeds_usd": float("nan"),
            "first_day_close": float("nan"),
            "source": "Yahoo Finance IPO calendar via yfinance",
            "as_of": pd.Timestamp(today),
            "verified": False,
            "notes": col("Deal Type").astype(str).radd("deal type: "),
        }
    )
    for c in ("pricing_date", "first_trade_date", "as_of"):
        out[c] = (
            pd.to_datetime(out[c]).dt.tz_localize(None).astype("datetime64[ns]")
            if len(out)
            else out[c].astype("datetime64[ns]")
        )
    out["origin"] = "yfinance calendar"
    return out


def fetch_ipo_calendar(start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """Network boundary: yfinance's IPO calendar as returned by ``Calendars.get_ipo_info_calendar``."""
    import yfinance as yf

    from aipolicy.marketdata.live import use_project_yfinance_cache

    use_project_yfinance_cache()  # its cookie cache too: not the user-wide one
    return yf.Calendars(start=start, end=end).get_ipo_info_calendar(limit=100)


def _live_calendar(source: str) -> tuple[pd.DataFrame | None, str | None, bool]:
    """Download yfinance's IPO calendar and write it to the cache.

    Parameters
    ----------
    source : {"live", "auto"}
        ``"live"`` raises on any failure; ``"auto"`` warns (pointing at the caller of
        :func:`load_ipos`) and goes on.

    Returns
    -------
    (DataFrame or None, str or None, bool)
        The calendar as :data:`IPO_COLUMNS` rows plus ``origin`` (None when nothing came), the
        cache write's fetch time (ISO, UTC) and whether both the download and the write
        succeeded. A calendar whose cache write failed under ``"auto"`` is still returned.
    """
    from aipolicy.marketdata import cache, reach

    cal = None
    try:
        reach.require(reach.YAHOO)  # offline: one line, before any request
        raw = reach.bounded(fetch_ipo_calendar, reach.Deadline(), "IPO calendar")
        if raw is not None and len(raw):
            cal = _calendar_to_rows(raw)
            fetched_at = cache.write_frame(
                "yahoo", "IPO_CALENDAR", "na", "na", cal.set_index("first_trade_date")
            )
            return cal, fetched_at, True
    except Exception as exc:  # network, yfinance or parsing failure
        if source == "live" and isinstance(exc, reach.ServiceUnreachableError):
            raise
        if source == "live":
            raise DataUnavailableError(
                f"source 'live': the yfinance IPO calendar could not be downloaded ({exc}); "
                "use source='sample' for the curated table alone"
            ) from exc
        offline = isinstance(exc, reach.ServiceUnreachableError)
        why = exc.reason if offline else type(exc).__name__
        warnings.warn(
            f"IPO calendar: Yahoo Finance unreachable ({why}); "
            "using the cached calendar if there is one",
            UserWarning,
            stacklevel=3,  # load_ipos's caller, as when load_ipos warned itself
        )
    return cal, None, False


def _cached_calendar() -> tuple[pd.DataFrame | None, str | None]:
    """The IPO calendar from the local cache; an unreadable entry warns and counts as none.

    Returns
    -------
    (DataFrame or None, str or None)
        The calendar as :data:`IPO_COLUMNS` rows plus ``origin`` (None when the cache has
        none) and when it was fetched (ISO, UTC).
    """
    from aipolicy.marketdata import cache

    fetched_at = None
    try:
        cached, fetched_at = cache.read_frame("yahoo", "IPO_CALENDAR", "na", "na")
    except Exception as exc:  # CacheCorruptError included: report and go on
        warnings.warn(f"IPO calendar: {exc}", UserWarning, stacklevel=3)  # load_ipos's caller
        cached = None
    if cached is None:
        return None, fetched_at
    return cached.reset_index().rename(columns={"Date": "first_trade_date"}), fetched_at


def _append_calendar(table: pd.DataFrame, cal: pd.DataFrame) -> pd.DataFrame:
    """The curated ``table`` with the calendar's rows for tickers it does not hold appended.

    Parameters
    ----------
    table, cal : DataFrame
        The curated table and the calendar, both :data:`IPO_COLUMNS` plus ``origin``.

    Returns
    -------
    DataFrame
        ``table``'s columns, curated rows first.
    """
    import pandas as pd

    extra = cal[~cal["ticker"].isin(table["ticker"])]
    if len(extra):
        table = pd.concat([table, extra[table.columns]], ignore_index=True)
    return table


def load_ipos(*, source: str = "sample") -> pd.DataFrame:
    """AI-infrastructure IPOs: the curated table, optionally merged with yfinance's calendar.

    Parameters
    ----------
    source : {"sample", "csv", "live", "cache", "auto"}
        ``"sample"`` and ``"csv"`` return the curated table only. ``"live"`` also downloads
        yfinance's IPO calendar (upcoming and recent IPOs; the rows the curated table does not
        hold are appended, ``verified=False``) and caches it; ``"cache"`` appends the cached
        calendar; ``"auto"`` tries live, then the cache, with a warning.

    Returns
    -------
    pandas.DataFrame
        One row per IPO, columns :data:`IPO_COLUMNS` plus ``origin``; ``attrs`` carry
        provenance like the price loaders.
    """
    check_source(source)
    table = read_ipo_table()
    fetched_at = None
    used = "sample" if source in ("sample", "csv") else source
    provenance = f"aipolicy curated IPO table v{IPO_TABLE_VERSION} (filings and press reports)"
    missing: list[str] = []
    cal = None
    if source in ("live", "auto"):
        cal, fetched_at, came_live = _live_calendar(source)
        if came_live:
            used = "live"
    if cal is None and source in ("cache", "auto"):
        cal, fetched_at = _cached_calendar()
        if cal is not None:
            used = "cache"
        else:
            missing.append("IPO_CALENDAR")
    if cal is not None and len(cal):
        table = _append_calendar(table, cal)
        provenance += " + Yahoo Finance IPO calendar via yfinance"
    Provenance(
        source=used,
        provenance=provenance,
        as_of=table["as_of"].max().strftime("%Y-%m-%d"),
        fetched_at=fetched_at,
        missing=missing,
        requested=["IPO_TABLE"] + (["IPO_CALENDAR"] if source not in ("sample", "csv") else []),
        synthetic=False,
        data_dir=None,
    ).attach(table)
    return table
