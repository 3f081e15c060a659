"""Named exceptions. Every message says which input was wrong and what would be right.

An error about one input carries it: ``exc.field`` is the name of the scenario field, notebook
parameter or catalog column it is about (None when it is about no single input) and
``exc.value`` the offending value, so a command line or a notebook can point at its own flag
or parameter without parsing the message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_UNSET: Any = object()


def in_user_terms(message: str, names: Mapping[str, str]) -> str:
    """``message`` with every field name in it replaced by the user's name for that input.

    The package words its errors in scenario fields and grid keys (``planning_utilization``);
    a front-end passes its own names (``{"planning_utilization": "--utilization"}``). Only
    whole names are replaced (not ``input_tokens`` inside ``axes.input_tokens``).

    Examples
    --------
    >>> in_user_terms("keep planning_utilization >= 0.4", {"planning_utilization": "--utilization"})
    'keep --utilization >= 0.4'
    """
    if not names:
        return message
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.sub(rf"(?<![\w.-])({alternatives})(?![\w-])", lambda m: names[m.group(1)],
                  message)


class AipolicyError(Exception):
    """Base class of every error aipolicy raises on purpose.

    Parameters
    ----------
    message : str
        What was wrong and what would be right.
    field : str, optional
        The input the error is about (a scenario field, parameter or catalog column).
    value : optional
        The offending value (absent when not given).
    """

    def __init__(self, *args: Any, field: str | None = None, value: Any = _UNSET) -> None:
        super().__init__(*args)
        self.field = field
        self.has_value = value is not _UNSET
        self.value = None if value is _UNSET else value


class InvalidInputError(AipolicyError, ValueError):
    """A parameter, flag or argument has a value outside what it accepts."""


class CatalogError(AipolicyError, ValueError):
    """A catalog row is malformed (negative price, unknown unit, bad date), or a name is unknown.

    ``field`` names the argument (``api_model``, ``gpu``...) or catalog column at fault.
    """


class UnknownTickerError(AipolicyError, KeyError):
    """A ticker or series id is not available from the chosen source."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class MalformedDataError(AipolicyError, ValueError):
    """A data file (CSV, parquet, downloaded text) cannot be parsed; names the file and line."""


class DataUnavailableError(AipolicyError, RuntimeError):
    """Nothing could be loaded from the source(s) tried; says which and what to do."""


class CacheCorruptError(AipolicyError, RuntimeError):
    """A cache file could not be read; it has been moved aside."""


class ReportError(AipolicyError, RuntimeError):
    """The report runner could not run (bad params file, unknown notebook, ...)."""


class CacheMismatchError(CacheCorruptError):
    """A cache file holds another symbol's (or source's, interval's, adjustment's) data.

    Its recorded metadata names what it holds; it has been moved aside like a corrupt file,
    so the entry reads as absent until ``aipolicy fetch`` refills it.
    """


class DataPermissionError(AipolicyError, PermissionError):
    """A data file (user CSV or cache parquet) exists but may not be read; it is left in place."""


class CacheColumnsError(AipolicyError, LookupError):
    """A readable cache file lacks the columns asked for (e.g. OHLC); it is left in place."""
