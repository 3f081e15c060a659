"""The valuation date: the one day a run prices everything at.

A result must not change with the calendar day it is computed on. Every price in force, the
newest-price label of the price data, retirement warnings and every "today" in a text derive
from one valuation date per run:

- a command takes it from ``--as-of`` (``aipolicy breakeven``, ``catalog``, ``sweep``,
  ``report``), a notebook from its ``as_of`` parameter, a sweep from its grid;
- the command or notebook **pins** it for the process (:func:`pin`, :func:`pinned`); every
  price lookup not given a date of its own then uses :func:`current`;
- left unpinned, :func:`current` is :func:`today`, the wall clock's UTC date: the only place
  aipolicy reads the calendar for a result (file names and fetch times of live data are
  records of when, not inputs of what).

The default of runs on the embedded sample data is the sample's own date
(:data:`aipolicy.marketdata.sources.SAMPLE_AS_OF`), so their outputs are the same on any day;
live and CSV runs default to today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aipolicy.errors import InvalidInputError

__all__ = ["TODAY", "current", "parse", "pin", "pinned", "today", "unpin"]

#: The word a user gives for "the wall clock's date" (``--as-of today``, ``as_of: today``).
TODAY = "today"

_PINNED: list[dt.date] = []


def today() -> dt.date:
    """The wall clock's date in UTC (the one read of the calendar for a result)."""
    return dt.datetime.now(dt.UTC).date()


def parse(value: Any, field: str = "as_of") -> dt.date:
    """A valuation date from a date, a datetime, ``YYYY-MM-DD`` text or ``"today"``.

    Raises
    ------
    InvalidInputError
        Anything else; one line naming ``field`` and the accepted forms.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.lower() == TODAY:
            return today()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise InvalidInputError(
        f"{field}: {value!r} is not a date; give YYYY-MM-DD (e.g. 2025-06-10) or 'today'",
        field=field, value=value)


def current() -> dt.date:
    """The process's valuation date: the pinned one, else :func:`today`."""
    return _PINNED[-1] if _PINNED else today()


def pin(value: Any, field: str = "as_of") -> dt.date:
    """Make ``value`` (see :func:`parse`) the process's valuation date; returns it.

    A notebook or a command pins once at its start; :func:`pinned` is the scoped form.
    """
    day = parse(value, field)
    _PINNED[:] = [day]
    return day


def unpin() -> None:
    """Forget the pinned date (:func:`current` is today again)."""
    _PINNED.clear()


@contextmanager
def pinned(value: Any, field: str = "as_of") -> Iterator[dt.date]:
    """Within the block, :func:`current` is ``value``; the previous state comes back after."""
    day = parse(value, field)
    saved = list(_PINNED)
    _PINNED.append(day)
    try:
        yield day
    finally:
        _PINNED[:] = saved
