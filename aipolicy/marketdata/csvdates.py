"""Dates in user CSV files: one unambiguous form per file, or an error naming the line.

Accepted: ISO ``YYYY-MM-DD`` (optionally with a time and UTC offset, as yfinance writes them;
the date part is the trading day), year-first ``YYYY/M/D`` and Yahoo's ``Jan 2, 2024``.
``DD/MM/YYYY``, ``MM/DD/YYYY``, ``DD.MM.YYYY``, mixed forms, dates pandas cannot hold and
repeated dates are refused (see :mod:`aipolicy.marketdata.csvfiles`).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from aipolicy.errors import MalformedDataError

if TYPE_CHECKING:
    import pandas as pd

#: ISO date, optionally with a time and a UTC offset (yfinance: ``2024-01-02 00:00:00-05:00``).
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)
#: Year-first with slashes (``2025/5/12``): unambiguous, as no convention puts the day second.
_YMD_SLASH = re.compile(r"\d{4}/\d{1,2}/\d{1,2}")
#: Yahoo's history table as copied from the website: ``Jan 2, 2024``.
_MONTH_NAME = re.compile(r"[A-Za-z]{3,9} \d{1,2}, \d{4}")
_NUMERIC = re.compile(r"(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})\b.*")
_EXPECTED_DATES = (
    "expected YYYY-MM-DD (as Yahoo and yfinance write it, optionally with a time and UTC "
    "offset), YYYY/M/D or Yahoo's 'Jan 2, 2024'"
)
#: Dates pandas can hold in the nanosecond index the loaders return.
_MIN_DATE, _MAX_DATE = date(1678, 1, 1), date(2261, 12, 31)


def _numeric_date_kind(text: str) -> str | None:
    """Describe a numeric date that is not ISO (``13/01/2024`` -> day-first), else None."""
    m = _NUMERIC.fullmatch(text)
    if m is None:
        return None
    a, sep, b, c = m.group(1), m.group(2), m.group(3), m.group(4)
    layout = sep.join(("DD", "MM", "YYYY")) if len(c) == 4 else None
    if len(a) == 4 or layout is None:  # YYYY.MM.DD, 2-digit years: not a day/month question
        return None
    if int(a) > 12:
        return f"day-first ({layout})"
    if int(b) > 12:
        return f"month-first ({sep.join(('MM', 'DD', 'YYYY'))})"
    return f"ambiguous: day-first ({layout}) or month-first ({sep.join(('MM', 'DD', 'YYYY'))})"


def _calendar_day(text: str) -> date:
    """The calendar date of a non-ISO form (``2025/5/12``, ``Jan 2, 2024``), or ValueError."""
    from datetime import datetime

    for fmt in ("%Y/%m/%d", "%b %d, %Y", "%B %d, %Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _date_form(path: Path, raw: pd.Series, values: pd.Series, line0: int,
               expect: tuple[str, int, str] | None = None) -> str:
    """The one date form of a column: ``"iso"``, ``"ymd"`` (``2025/5/12``) or ``"named"``.

    Parameters
    ----------
    path : Path
        The file (for the message).
    raw, values : Series
        The column's stripped text and its values as read (shape (n,)).
    line0 : int
        The file's line number of the first value.
    expect : (form, line, value), optional
        The form of an earlier block of the same file, and its first line and value.

    Returns
    -------
    str
        The form of the first value (or ``expect``'s), which every value shares.

    Raises
    ------
    MalformedDataError
        Naming the first line not in a form aipolicy reads (day-first, month-first...) or
        written differently from the first line.
    """
    forms = {  # name -> rows in that form
        "iso": raw.str.fullmatch(_ISO.pattern).to_numpy(dtype=bool),
        "ymd": raw.str.fullmatch(_YMD_SLASH.pattern).to_numpy(dtype=bool),
        "named": raw.str.fullmatch(_MONTH_NAME.pattern).to_numpy(dtype=bool),
    }
    known = forms["iso"] | forms["ymd"] | forms["named"]
    if not known.all():
        i = int((~known).nonzero()[0][0])
        what = _numeric_date_kind(raw.iloc[i])
        if what is not None:
            raise MalformedDataError(
                f"{path}: line {line0 + i}: date {values.iloc[i]!r} is {what}; aipolicy reads no "
                f"day-first or month-first dates rather than guess; {_EXPECTED_DATES}: convert "
                "the date column to YYYY-MM-DD"
            )
        raise MalformedDataError(
            f"{path}: line {line0 + i}: {values.iloc[i]!r} is not a date in a form aipolicy "
            f"reads; {_EXPECTED_DATES}"
        )
    form, first_line, first = expect or (next(n for n, rows in forms.items() if rows[0]), line0,
                                         values.iloc[0])
    if not forms[form].all():
        i = int((~forms[form]).nonzero()[0][0])
        raise MalformedDataError(
            f"{path}: line {line0 + i}: date {values.iloc[i]!r} is written differently from line "
            f"{first_line} ({first!r}); use one date form throughout the file; {_EXPECTED_DATES}"
        )
    return form


def _parse_form(raw: pd.Series, form: str) -> tuple[pd.Series, pd.Series]:
    """The text parsed and its dates, in one form throughout (see :func:`_date_form`).

    Parameters
    ----------
    raw : Series
        The column's stripped text, shape (n,).
    form : str
        ``"iso"`` (the date part, its first 10 characters, is parsed), ``"ymd"`` or ``"named"``
        (short or full month names).

    Returns
    -------
    (Series, Series)
        The text parsed and its datetimes, NaT where pandas could not parse or hold it.
    """
    import pandas as pd

    text = raw.str.slice(0, 10) if form == "iso" else raw
    if form == "iso":
        dates = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    elif form == "ymd":
        dates = pd.to_datetime(text, format="%Y/%m/%d", errors="coerce")
    else:
        dates = pd.to_datetime(text, format="%b %d, %Y", errors="coerce")
        if dates.isna().any():  # full month names: "January 2, 2024"
            full = pd.to_datetime(text, format="%B %d, %Y", errors="coerce")
            dates = dates.where(dates.notna(), full)
    return text, dates


def _check_range(path: Path, values: pd.Series, text: pd.Series, dates: pd.Series, form: str,
                 line0: int) -> None:
    """Refuse a value that is no date, or a date outside what pandas holds, naming its line.

    Parameters
    ----------
    path : Path
        The file (for the message).
    values, text, dates : Series
        The column's values as read, the text parsed and its dates (NaT: not parsed), (n,).
    form : str
        The column's form (see :func:`_date_form`).
    line0 : int
        The file's line number of the first value.

    Raises
    ------
    MalformedDataError
        On the first such line.
    """
    import numpy as np

    for i in np.flatnonzero(dates.isna().to_numpy()):
        t = text.iloc[i]
        try:  # a real calendar date that pandas cannot hold?
            day = date.fromisoformat(t) if form == "iso" else _calendar_day(t)
        except (ValueError, OverflowError):
            raise MalformedDataError(
                f"{path}: line {line0 + i}: {values.iloc[i]!r} is not a date; {_EXPECTED_DATES}"
            ) from None
        raise MalformedDataError(f"{path}: line {line0 + i}: date {day.isoformat()} is outside "
                                 f"{_MIN_DATE} to {_MAX_DATE}; check the date column")  # fmt: skip
    days = dates.dt.date.to_numpy()
    out_of_range = (days < _MIN_DATE) | (days > _MAX_DATE)
    if out_of_range.any():
        i = int(out_of_range.nonzero()[0][0])
        raise MalformedDataError(f"{path}: line {line0 + i}: date {days[i].isoformat()} is outside "
                                 f"{_MIN_DATE} to {_MAX_DATE}; check the date column")  # fmt: skip


def to_dates(path: Path, values: pd.Series, line0: int,
             expect: tuple[str, int, str] | None = None) -> pd.DatetimeIndex:
    """Parse a date column that uses one unambiguous form throughout; else name the first bad line.

    Forms: ISO (with or without time and UTC offset; the date part is kept, since yfinance
    writes the exchange's local midnight, so the date part is the trading day), year-first
    with slashes (``2025/5/12``: no convention puts the day second) and Yahoo's ``Jan 2,
    2024``. Nothing is parsed row by row with a guessed format. A file read in blocks passes
    ``expect`` (:func:`date_form` of its first block) with each later block.
    """
    import pandas as pd

    raw = values.astype(str).str.strip()
    form = _date_form(path, raw, values, line0, expect)
    text, dates = _parse_form(raw, form)
    _check_range(path, values, text, dates, form, line0)
    index = pd.DatetimeIndex(dates.astype("datetime64[ns]"), name="Date")
    check_repeats(path, index, line0)
    return index


def check_repeats(path: Path, index: pd.DatetimeIndex, line0: int) -> None:
    """Refuse a date that appears twice in ``index`` (file lines from ``line0``), naming both
    lines."""
    dup = index.duplicated(keep="first")
    if dup.any():
        i = int(dup.nonzero()[0][0])
        j = int((index == index[i]).nonzero()[0][0])
        raise MalformedDataError(
            f"{path}: line {line0 + i}: date {index[i]:%Y-%m-%d} appears again (first on line "
            f"{line0 + j}); each date must appear once: remove the duplicate row"
        )


def date_form(values: pd.Series, line0: int) -> tuple[str, int, str]:
    """``(form, line0, first value)`` of a date column :func:`to_dates` has read: what a later
    block of the same file must match."""
    raw = str(values.iloc[0]).strip()
    form = next(name for name, rx in (("iso", _ISO), ("ymd", _YMD_SLASH), ("named", _MONTH_NAME))
                if rx.fullmatch(raw))
    return form, line0, values.iloc[0]
