"""Is the last bar a close? Detect a partial (intraday) final bar and leave it out.

A daily file saved while the market is open ends with a bar that is not a close: its "close" is
the last trade so far and its volume the shares traded so far. Treated as a close, it moves every
return, record and rally that ends on it. :func:`partial_final_bar` judges the last date of a
set of price records by two rules, in this order:

1. **Fetch time** (live and cached downloads): when every download was made before that
   session's close (16:00 New York time, :data:`CLOSE_NY`), the bar of that date is intraday.
2. **Volumes** (files): a completed US session's consolidated volume is reported in whole
   round lots of :data:`ROUND_LOT` shares, and an intraday snapshot is both odd-lot and thin.
   A file *flags* its last bar when

   - at least :data:`ROUND_LOT_SHARE` of its previous :data:`LOOKBACK` bars have a volume that
     is a multiple of 100 while the last bar's is not (the *round-lot* test), or
   - the last bar's volume is below :data:`THIN_RATIO` of the median volume of its previous
     :data:`THIN_LOOKBACK` bars (the *thin-volume* test).

   Files without volumes (indices published with zero volume, CPI) are not judged. The date is
   partial when at least :data:`MAJORITY` of the judged files ending on it flag it, so one
   stock's quiet day or odd print does not drop a session, and an index file (whose volume
   passes both tests) follows the folder. A CSV folder is judged as a whole
   (:func:`folder_partial_bar`), whichever of its tickers a load asks for.

The bar is then removed from every record that ends on that date (:func:`drop_date`): the
data's as-of becomes the last complete session. ``attrs['partial_bar']`` of the loaded frame
says what was left out and why.

Example: the one-year folder of real prices this project is tried on ends 2026-05-11 with
volumes that are not whole lots in 35 of its 39 files with volumes (and the S&P 500's 3.4
billion shares against a 5.3 billion median), a snapshot taken during that session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aipolicy.marketdata.frames import Record

#: US consolidated volumes of a completed session are whole lots of this many shares.
ROUND_LOT = 100
#: Share of the earlier bars that must be whole lots for the round-lot test to apply.
ROUND_LOT_SHARE = 0.9
#: Earlier bars the round-lot test looks at.
LOOKBACK = 60
#: A last volume below this share of the recent median is thin.
THIN_RATIO = 0.5
#: Earlier bars whose median volume the thin-volume test compares with.
THIN_LOOKBACK = 20
#: Share of the judged files that must flag a date for it to be partial.
MAJORITY = 0.5
#: The close of a US session, New York time (hour, minute).
CLOSE_NY = (16, 0)


@dataclass(frozen=True)
class PartialBar:
    """A final bar judged partial.

    Attributes
    ----------
    date : str
        The bar's date (``YYYY-MM-DD``).
    rule : str
        ``"fetch time"`` or ``"volumes"``.
    judged : int
        Files whose volumes could be judged (0 for the fetch-time rule).
    flagged : tuple of str
        Symbols whose last bar failed a test (volume rule).
    evidence : str
        What was seen, for people.
    """

    date: str
    rule: str
    judged: int = 0
    flagged: tuple[str, ...] = ()
    evidence: str = ""

    def describe(self, kept_until: str | None = None) -> str:
        """One sentence: which bar, why, and the last complete session kept."""
        tail = (
            f"; left out, so the data end on {kept_until}, the last complete session"
            if kept_until
            else "; left out"
        )
        return f"the bar of {self.date} looks intraday, not a close ({self.evidence}){tail}"


def _flag(volume) -> str | None:
    """Why one file's last bar looks partial (``"odd lot"``, ``"thin"``), ``""`` when it looks
    complete, or None when its volumes cannot be judged.

    Parameters
    ----------
    volume : ndarray
        The file's volumes, oldest first (shares; NaN where missing).
    """
    import numpy as np

    v = np.asarray(volume, dtype=float)
    if len(v) < THIN_LOOKBACK + 1 or not np.isfinite(v[-1]):
        return None
    earlier = v[:-1][-LOOKBACK:]
    earlier = earlier[np.isfinite(earlier)]
    recent = earlier[-THIN_LOOKBACK:]
    if len(recent) < THIN_LOOKBACK or not (recent > 0).all():
        return None  # an index published with zero volume, or too little history
    lots = np.mod(earlier, ROUND_LOT) == 0
    if lots.mean() >= ROUND_LOT_SHARE and v[-1] % ROUND_LOT != 0:
        return "odd lot"
    if v[-1] < THIN_RATIO * float(np.median(recent)):
        return "thin"
    return ""


def _closed_before(fetched_at: str, date: str) -> bool:
    """True when ``fetched_at`` (ISO, UTC when no offset) is before ``date``'s close in New
    York."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    when = datetime.fromisoformat(fetched_at)
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    day = datetime.fromisoformat(date)
    close = day.replace(hour=CLOSE_NY[0], minute=CLOSE_NY[1], tzinfo=ZoneInfo("America/New_York"))
    return when < close


def partial_final_bar(
    records: Mapping[str, Record], fetched_at: list[str] | tuple[str, ...] = ()
) -> PartialBar | None:
    """Judge the last date of ``records`` (see the module docstring for the rules).

    Parameters
    ----------
    records : mapping of str to Record
        Symbol -> ``(dates, columns)``; ``columns`` may hold ``"Volume"`` (shares).
    fetched_at : sequence of str
        When the records were downloaded (ISO UTC), empty for files.

    Returns
    -------
    PartialBar or None
        The partial bar, or None when the last date looks like a close or cannot be judged.
    """
    import numpy as np

    ends = [r[0][-1] for r in records.values() if len(r[0])]
    if not ends:
        return None
    last = max(ends)
    date = str(np.datetime_as_string(last, unit="D"))
    if fetched_at and all(_closed_before(f, date) for f in fetched_at):
        return PartialBar(
            date,
            "fetch time",
            evidence=f"every download was made before the "
            f"close of {date} (latest {max(fetched_at)})",
        )
    flags = {}
    for sym, (dates, cols) in records.items():
        if len(dates) and dates[-1] == last and "Volume" in cols:
            why = _flag(cols["Volume"])
            if why is not None:
                flags[sym] = why
    flagged = tuple(s for s, why in flags.items() if why)
    if not flags or len(flagged) < MAJORITY * len(flags):
        return None
    odd = sum(1 for w in flags.values() if w == "odd lot")
    thin = len(flagged) - odd
    how = (
        [
            f"{odd} with a volume that is not a whole number of {ROUND_LOT}-share lots where "
            "their earlier bars were"
        ]
        if odd
        else []
    )
    how += (
        [
            f"{thin} with a volume under {THIN_RATIO:.0%} of the median of the "
            f"{THIN_LOOKBACK} sessions before"
        ]
        if thin
        else []
    )
    return PartialBar(
        date,
        "volumes",
        judged=len(flags),
        flagged=flagged,
        evidence=f"{len(flagged)} of the {len(flags)} files with volumes flag it: {', '.join(how)}",
    )


def folder_partial_bar(folder: str | Path) -> PartialBar | None:
    """:func:`partial_final_bar` of every price file in a CSV folder (remembered per folder
    until a file changes), so that each load from the folder, whatever tickers it asks for,
    meets the same judgment. Files that cannot be read are left out of it."""
    folder = Path(folder)
    key = tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.csv"))
    )
    return _judge_folder(str(folder.resolve()), key)


@lru_cache(maxsize=8)
def _judge_folder(folder: str, key: tuple) -> PartialBar | None:
    from aipolicy.errors import AipolicyError
    from aipolicy.marketdata import csvfiles, csvprices

    records = {}
    for sym in csvfiles.list_symbols(Path(folder)):
        path = csvfiles.price_file(Path(folder), sym)
        try:
            records[sym] = csvprices.read_price_csv(path, sym)
        except (AipolicyError, OSError):
            continue
    return partial_final_bar(records)


def drop_date(records: Mapping[str, Record], date: str) -> dict[str, Record]:
    """``records`` without the bar of ``date`` in the records whose last bar it is."""
    import numpy as np

    day = np.datetime64(date, "ns")
    out = {}
    for sym, (dates, cols) in records.items():
        if len(dates) and dates[-1] == day:
            out[sym] = (dates[:-1], {k: v[:-1] for k, v in cols.items()})
        else:
            out[sym] = (dates, cols)
    return out
