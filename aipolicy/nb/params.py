"""Notebook parameter checks shared by every notebook.

Papermill passes dates as strings and lists as YAML lists (or comma-separated strings);
these helpers normalise them and raise :class:`~aipolicy.errors.InvalidInputError` naming
the parameter (``exc.field``) and what it accepts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aipolicy.errors import InvalidInputError


def as_date(name: str, value: Any) -> Any:
    """Parse a date parameter (``"2024-01-31"``, a date or a Timestamp) to a ``pd.Timestamp``.

    The same rule the market-data loaders apply to ``start``/``end``: None or ``""`` stay None,
    times are dropped, a zoned time is converted to UTC, and a non-date is an error naming
    ``name``.
    """
    from aipolicy.marketdata.provenance import as_timestamp

    return as_timestamp(name, value)


def as_ticker_list(name: str, value: Any) -> list[str]:
    """Normalise a ticker-list parameter (list, tuple or ``"NVDA, AMD"``) to upper-case strings.

    The same rule the market-data loaders apply to their ``tickers`` argument: order kept,
    duplicates dropped; an empty list or a non-string item is an error naming ``name``.
    """
    from aipolicy.marketdata.provenance import symbol_list

    return symbol_list(name, value)


def as_choice(name: str, value: Any, choices: Iterable[str]) -> str:
    """Check that ``value`` is one of ``choices``."""
    options = list(choices)
    if value not in options:
        raise InvalidInputError(
            f"parameter {name!r}: {value!r} is not one of {options}", field=name, value=value
        )
    return str(value)


def as_number(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    integer: bool = False,
) -> float | int:
    """Parse a numeric parameter and check it lies in [low, high] (or (low, high] if not inclusive)."""
    try:
        num = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(
            f"parameter {name!r}: {value!r} is not a number", field=name, value=value
        ) from exc
    if num != num:
        raise InvalidInputError(f"parameter {name!r}: NaN is not allowed", field=name, value=value)
    if low is not None and (num < low or (num == low and not low_inclusive)):
        bound = "at least" if low_inclusive else "greater than"
        raise InvalidInputError(
            f"parameter {name!r}: {value!r} must be {bound} {low}", field=name, value=value
        )
    if high is not None and num > high:
        raise InvalidInputError(
            f"parameter {name!r}: {value!r} must be at most {high}", field=name, value=value
        )
    if integer:
        if num != int(num):
            raise InvalidInputError(
                f"parameter {name!r}: {value!r} must be a whole number", field=name, value=value
            )
        return int(num)
    return num


@dataclass(frozen=True)
class Valuation:
    """A notebook's valuation date and why it is that day.

    ``basis`` is ``sample`` (the embedded sample's own date, the default on the sample data),
    ``today`` (the default on live, cached and CSV data) or ``given`` (any other date).
    """

    day: dt.date
    basis: str

    @property
    def line(self) -> str:
        """One line for the page: the date, why, and what it decides."""
        why = {"given": "given for this run",
               "sample": "the sample data's own date, the same on any day the page is run",
               "today": "the day of the run"}[self.basis]
        return f"Valuation date: {self.day} ({why})"


def valuation(value: Any, data_source: str | None = None) -> Valuation:
    """The notebook's ``as_of`` parameter as its valuation date, pinned for this kernel.

    ``None`` (or ``""``/``"None"`` from papermill) is the sample's own date when
    ``data_source`` is ``"sample"`` or None (the cost notebooks, which price from the installed
    catalogs), and today otherwise; ``"today"`` and ``YYYY-MM-DD`` are taken as given. Every
    price looked up afterwards in this kernel is the one in force on that day
    (:mod:`aipolicy.valuation`).

    Raises
    ------
    InvalidInputError
        Naming the parameter ``as_of`` and the accepted forms.
    """
    from aipolicy import valuation as valuation_date
    from aipolicy.marketdata.provenance import SAMPLE_AS_OF, resolve_as_of

    try:
        day = resolve_as_of(value, data_source)
    except InvalidInputError:
        raise InvalidInputError(
            f"parameter 'as_of': {value!r} is not a date; give YYYY-MM-DD (e.g. 2026-10-30), "
            "'today', or None for the data's default", field="as_of", value=value) from None
    valuation_date.pin(day)
    # say what the day is, whether it was given (a report passes its date) or defaulted
    on_sample = data_source in (None, "sample")
    if on_sample and day == SAMPLE_AS_OF:
        return Valuation(day, "sample")
    if not on_sample and day == valuation_date.today():
        return Valuation(day, "today")
    return Valuation(day, "given")
