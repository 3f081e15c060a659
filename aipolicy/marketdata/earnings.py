"""Earnings dates of the baskets' members and the index leaders: the curated ``earnings.csv``.

An event window that holds a company's quarterly results measures the results, not the event.
The event study of API price cuts (:mod:`aipolicy.signals.price_cuts`) screens each window
against this table: one row per report, with its date, ``timing`` (``bmo``: before the US
market opens, so the price reacts that session; ``amc``: after the close, so it reacts the next
session) and its public source (the company's investor-relations results page, or a news page
that dates it).

The table is not a full calendar. It is complete only inside :data:`SCREENED`, the spans around
the curated model events (``aipolicy/catalogs/model_events.csv``, from five calendar days
before an announcement to ten after its last one), for the tickers each span names: every
report of those tickers inside a span is listed. A window outside every span, or one whose span
leaves out some tickers, is "not screened" unless a listed report already confounds it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from aipolicy.errors import MalformedDataError
from aipolicy.marketdata.universe import (
    CHIP_TICKERS,
    HARDWARE_TICKERS,
    INDEX_LEADERS,
    PLATFORM_TICKERS,
)

if TYPE_CHECKING:
    import pandas as pd

EARNINGS_PATH = Path(__file__).resolve().parent / "earnings.csv"
#: Tickers whose reports the table lists: the baskets' members and the index leaders.
SCREENED_TICKERS: tuple[str, ...] = tuple(
    dict.fromkeys(CHIP_TICKERS + HARDWARE_TICKERS + PLATFORM_TICKERS + INDEX_LEADERS)
)
_BIG_FOUR = ("MSFT", "GOOGL", "META", "AMZN")
#: (first day, last day, tickers complete inside; None = all of :data:`SCREENED_TICKERS`).
SCREENED: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("2023-11-01", "2023-11-16", None),
    ("2024-01-20", "2024-02-04", None),
    ("2024-02-28", "2024-03-14", None),
    ("2024-05-08", "2024-05-23", None),
    ("2024-06-15", "2024-06-30", None),
    ("2024-07-13", "2024-07-28", None),
    ("2024-08-01", "2024-08-16", None),
    ("2024-09-12", "2024-10-04", None),
    ("2024-12-21", "2025-01-05", None),
    ("2025-01-15", "2025-02-15", None),
    ("2025-04-09", "2025-04-26", None),
    ("2025-05-02", "2025-05-17", None),
    ("2025-06-05", "2025-06-20", None),
    ("2025-08-02", "2025-08-17", None),
    ("2025-09-14", "2025-10-09", None),
    ("2025-10-10", "2025-10-25", None),
    ("2025-11-19", "2025-12-27", None),
    ("2026-04-19", "2026-05-10", _BIG_FOUR),
)
TIMINGS = ("bmo", "amc")
COLUMNS = ("ticker", "report_date", "timing", "source", "as_of", "note")


def load_earnings(path: Path | None = None) -> pd.DataFrame:
    """The curated earnings dates.

    Returns
    -------
    DataFrame
        One row per report: ``ticker``, ``report_date`` (Timestamp), ``timing`` (``bmo`` or
        ``amc``), ``source`` (public page), ``as_of``, ``note``; sorted by date.

    Raises
    ------
    MalformedDataError
        A missing column, a bad date or timing, a ticker outside :data:`SCREENED_TICKERS` or a
        row without a source, naming the file and line.
    """
    import pandas as pd

    path = Path(path) if path is not None else EARNINGS_PATH
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise MalformedDataError(
            f"{path}: line 1: columns {missing} are missing; expected {list(COLUMNS)}"
        )
    for i, r in df.iterrows():
        where = f"{path}: line {int(i) + 2}"
        if r["timing"] not in TIMINGS:
            raise MalformedDataError(f"{where}: timing {r['timing']!r} is not bmo or amc")
        if r["ticker"] not in SCREENED_TICKERS:
            raise MalformedDataError(
                f"{where}: ticker {r['ticker']!r} is not a basket member "
                "or index leader (aipolicy.marketdata.universe)"
            )
        if "https://" not in r["source"]:
            raise MalformedDataError(f"{where}: the source needs a public https:// address")
    try:
        df["report_date"] = pd.to_datetime(df["report_date"], format="%Y-%m-%d")
    except ValueError as exc:
        raise MalformedDataError(f"{path}: report_date must be YYYY-MM-DD: {exc}") from exc
    return df.sort_values(["report_date", "ticker"]).reset_index(drop=True)


def screened_spans() -> pd.DataFrame:
    """:data:`SCREENED` as a frame: ``start``, ``end`` (Timestamps), ``tickers`` (tuple)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "start": pd.Timestamp(a),
                "end": pd.Timestamp(b),
                "tickers": tuple(t) if t is not None else SCREENED_TICKERS,
            }
            for a, b, t in SCREENED
        ]
    )
