"""The ``--as-of`` flag every pricing command shares (see :mod:`aipolicy.valuation`)."""

from __future__ import annotations

import argparse

from aipolicy import valuation
from aipolicy.errors import InvalidInputError

#: Help text of the flag, completed by each command with its default.
AS_OF_HELP = "valuation date YYYY-MM-DD (or 'today'): prices in force on it"


def as_of_flag(text: str) -> str:
    """argparse type of ``--as-of``: the date as ``YYYY-MM-DD`` (``today`` resolved now)."""
    try:
        return valuation.parse(text).isoformat()
    except InvalidInputError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; give YYYY-MM-DD (e.g. 2025-06-10) or 'today'") from None
