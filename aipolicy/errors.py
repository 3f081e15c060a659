"""Named exceptions. Every message says which input was wrong and what would be right."""

from __future__ import annotations


class AipolicyError(Exception):
    """Base class of every error aipolicy raises on purpose."""


class InvalidInputError(AipolicyError, ValueError):
    """A parameter, flag or argument has a value outside what it accepts."""


class CatalogError(AipolicyError, ValueError):
    """A catalog row is malformed (negative price, unknown unit, bad date), or a name is unknown."""


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
