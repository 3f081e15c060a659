"""Cells of the tables people read: one formatted string per value, chosen by a column spec.

:class:`Col` says how a column is shown (its kind, decimals, unit, missing text);
:func:`format_column` and :func:`format_value` write the strings; :func:`format_by_unit`
writes a value by the unit word of an assumptions row. The kinds are listed in
:mod:`aipolicy.nb.tables`, which lays the strings out as a table.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aipolicy.nb.format import SCALES as _SCALE_WORDS
from aipolicy.nb.format import fmt_number, fmt_scaled

#: Every column kind :class:`Col` accepts.
KINDS: tuple[str, ...] = ("usd", "usd_per_mtok", "int", "count", "pct", "pp", "number",
                          "tokens_per_day", "months", "date", "text", "source", "bool")

#: Scale name -> divisor, for ``usd``, ``number`` and ``tokens_per_day`` columns (the one
#: spelling of :mod:`aipolicy.nb.format`); ``auto`` gives each value its own scale.
SCALES: dict[str, float] = {**_SCALE_WORDS, "auto": 1.0}


_NUMERIC = {"usd", "usd_per_mtok", "int", "count", "pct", "pp", "number", "tokens_per_day"}
_RIGHT = _NUMERIC | {"months"}
_MISSING_TEXT = {"", "nan", "none", "nat", "<na>", "null", "—", "-", "–"}
_DEFAULT_UNITS = {"usd": "USD", "usd_per_mtok": "USD per 1M tokens", "pct": "%", "pp": "pp"}


@dataclass(frozen=True)
class Col:
    """How one column is shown to people.

    Parameters
    ----------
    kind : str
        One of :data:`KINDS`.
    header : str, optional
        Column header; default the column's name. The unit is appended in parentheses.
    decimals : int, optional
        Decimal places; default per kind (``usd`` 0, ``pct`` 1, ``pp`` 2, ``tokens_per_day`` 1,
        ``usd_per_mtok`` and ``number``: as many as the column's values need, see the module
        docstring).
    missing : str, optional
        Text for a missing value; default ``"never"`` for ``months``, ``"—"`` otherwise.
    unit : str, optional
        Unit appended to the header as ``"header (unit)"``; default per kind (``USD``,
        ``USD per 1M tokens``, ``%``, ``pp``, ``M tokens/day``); ``""`` for none.
    signed : bool
        Put ``+`` before positive numbers (``pct``, ``pp``, ``number``, ``usd``).
    scale : str, optional
        ``k``, ``M``, ``bn`` or ``tn``: divide by 1e3 ... 1e12 and (``usd``, ``number``) add the
        scale to the cell, e.g. ``$5.6 bn``; ``tokens_per_day`` defaults to ``M``. ``auto``:
        each value with its own scale word (:func:`aipolicy.nb.format.fmt_scaled`, e.g.
        ``4.4 bn`` ... ``105.9 tn``; ``decimals`` None: one below 10, none from 10).
    fmt : str, optional
        strftime pattern of a ``date`` column (default ``%Y-%m-%d``).
    align : str, optional
        ``"left"`` or ``"right"``; default right for numbers and months, left otherwise.
    """

    kind: str = "text"
    header: str | None = None
    decimals: int | None = None
    missing: str | None = None
    unit: str | None = None
    signed: bool = False
    scale: str | None = None
    fmt: str | None = None
    align: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; known: {', '.join(KINDS)}")
        if self.scale is not None and self.scale not in SCALES:
            raise ValueError(f"unknown scale {self.scale!r}; known: {', '.join(SCALES)}")
        if self.align not in (None, "left", "right"):
            raise ValueError(f"align must be 'left' or 'right', not {self.align!r}")
        if self.decimals is not None and self.decimals < 0:
            raise ValueError("decimals must be >= 0")

    @property
    def missing_text(self) -> str:
        """The text shown for a missing value."""
        if self.missing is not None:
            return self.missing
        return "never" if self.kind == "months" else "—"

    @property
    def alignment(self) -> str:
        """``"left"`` or ``"right"``."""
        if self.align is not None:
            return self.align
        return "right" if self.kind in _RIGHT else "left"

    @property
    def wraps(self) -> bool:
        """Whether the column's cells may wrap (text and sources); numbers never do."""
        return self.kind in ("text", "source")

    def _scale(self) -> str | None:
        if self.scale is None and self.kind == "tokens_per_day":
            return "M"
        return self.scale

    def unit_text(self) -> str:
        """The unit shown in the header (may be empty)."""
        if self.unit is not None:
            return self.unit
        if self.kind == "tokens_per_day":
            scale = self._scale()
            return "tokens/day" if scale == "auto" else f"{scale} tokens/day"
        if self.kind == "usd" and self.scale and self.scale != "auto":
            return f"USD {self.scale}"
        return _DEFAULT_UNITS.get(self.kind, "")

    def header_text(self, name: Any) -> str:
        """``header`` (or ``name``) with the unit in parentheses, unless it already ends so."""
        base = str(name) if self.header is None else self.header
        unit = self.unit_text()
        if unit and not base.endswith(f"({unit})"):
            return f"{base} ({unit})"
        return base


# --------------------------------------------------------------------------- values
def _is_missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, str):
        return v.strip().lower() in _MISSING_TEXT
    if isinstance(v, (float, np.floating)):
        return not math.isfinite(float(v))
    if isinstance(v, (np.datetime64, np.timedelta64)):
        return bool(np.isnat(v))
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _as_number(v: Any) -> float | str | None:
    """A finite float, the text to show as it is (a non-numeric string), or None (missing)."""
    if _is_missing(v):
        return None
    if isinstance(v, (bool, np.bool_)):
        return float(v)
    if isinstance(v, str):
        text = v.strip()
        cleaned = text.replace(",", "").replace("$", "").replace(" ", "")
        try:
            x = float(cleaned)
        except ValueError:
            return text
        return x if math.isfinite(x) else None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    return x if math.isfinite(x) else None


def _exact_decimals(values: Iterable[float], low: int, high: int, fallback: int) -> int:
    """The fewest decimals in ``low..high`` that show every value exactly, else ``fallback``."""
    vals = [v for v in values if math.isfinite(v)]
    for d in range(low, high + 1):
        if all(abs(round(v, d) - v) <= 1e-9 * max(1.0, abs(v)) for v in vals):
            return d
    return fallback


def _signif(x: float, digits: int = 4) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def _scaled_suffix(scale: str | None) -> str:
    return f" {scale}" if scale else ""


def _format_number(x: float, col: Col, decimals: int) -> str:
    """One finite number of a numeric column (``decimals`` already resolved)."""
    kind = col.kind
    scale = col._scale()
    if kind in ("int", "count"):
        return fmt_number(x, 0, signed=col.signed)
    if kind == "pct":
        return fmt_number(x * 100.0, decimals, signed=col.signed) + " %"
    if kind == "pp":
        return fmt_number(x * 100.0, decimals, signed=col.signed) + " pp"
    value = x / SCALES[scale] if scale else x
    if kind in ("usd", "usd_per_mtok"):
        text = fmt_number(abs(value), decimals)
        negative = value < 0 and any(c in "123456789" for c in text)
        sign = "-" if negative else ("+" if col.signed and text.strip("0.,") else "")
        return f"{sign}${text}{_scaled_suffix(scale)}"
    if kind == "tokens_per_day":
        return fmt_number(value, decimals, signed=col.signed)
    return fmt_number(value, decimals, signed=col.signed) + _scaled_suffix(scale)


def _resolve_decimals(col: Col, numbers: Sequence[float]) -> int:
    if col.decimals is not None:
        return col.decimals
    kind = col.kind
    scale = col._scale()
    scaled = [v / SCALES[scale] for v in numbers] if scale else list(numbers)
    if kind == "usd":
        return 0 if not scale else _exact_decimals(scaled, 0, 2, 2)
    if kind == "usd_per_mtok":
        return _exact_decimals(scaled, 2, 4, 3)
    if kind == "pct":
        return 1
    if kind == "pp":
        return 2
    if kind == "tokens_per_day":
        return 1
    if kind == "number":
        return _exact_decimals(scaled, 0, 2, 2)
    return 0


def _format_date(v: Any, col: Col) -> str:
    pattern = col.fmt or "%Y-%m-%d"
    if _is_missing(v) or (isinstance(v, str) and v.strip().lower() == "undated"):
        return col.missing_text
    if isinstance(v, (pd.Timestamp, _dt.datetime, _dt.date, np.datetime64)):
        return pd.Timestamp(v).strftime(pattern)
    if isinstance(v, pd.Period):
        return v.to_timestamp().strftime(pattern)
    text = str(v).strip()
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        return text  # a year or a month is as precise as the source is
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?", text):
        return pd.Timestamp(text).strftime(pattern)
    return text


def _plain_text(v: Any, missing: str) -> str:
    if _is_missing(v):
        return missing
    if isinstance(v, (pd.Timestamp, _dt.datetime, _dt.date)):
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return fmt_number(float(v), 0)
    if isinstance(v, (float, np.floating)):
        x = _signif(float(v), 6)
        return fmt_number(x, _exact_decimals([x], 0, 6, 6))
    return str(v).replace("\r\n", "\n").strip()


def _format_bool(v: Any, col: Col) -> str:
    if _is_missing(v):
        return col.missing_text
    if isinstance(v, str):
        low = v.strip().lower()
        if low in ("true", "yes", "1"):
            return "yes"
        if low in ("false", "no", "0"):
            return "no"
        return v.strip()
    try:
        return "yes" if bool(v) else "no"
    except (TypeError, ValueError):
        return str(v)


def format_column(values: Iterable[Any], col: Col | str) -> list[str]:
    """Format a column's values as the strings a reader sees.

    Parameters
    ----------
    values : iterable
        The raw values (numbers in their base unit: USD, fractions for ``pct``, tokens/day).
    col : Col or str
        The column spec, or a kind name.

    Returns
    -------
    list of str
        One string per value. Column-wide choices (the default decimals of ``number`` and
        ``usd_per_mtok``) look at every value, so a column is formatted consistently.
    """
    col = Col(col) if isinstance(col, str) else col
    vals = list(values)
    kind = col.kind
    if kind == "date":
        return [_format_date(v, col) for v in vals]
    if kind == "bool":
        return [_format_bool(v, col) for v in vals]
    if kind in ("text", "source"):
        return [_plain_text(v, col.missing_text) for v in vals]
    parsed = [_as_number(v) for v in vals]
    if kind == "months":
        return [col.missing_text if p is None else p if isinstance(p, str)
                else f"month {fmt_number(p, 0)}" for p in parsed]
    if col._scale() == "auto" and kind in ("usd", "number", "tokens_per_day"):
        prefix = "$" if kind == "usd" else ""
        return [col.missing_text if p is None else p if isinstance(p, str)
                else fmt_scaled(p, col.decimals, prefix=prefix, signed=col.signed)
                for p in parsed]
    numbers = [p for p in parsed if isinstance(p, float)]
    decimals = _resolve_decimals(col, numbers)
    return [col.missing_text if p is None else p if isinstance(p, str)
            else _format_number(p, col, decimals) for p in parsed]


def format_value(value: Any, col: Col | str) -> str:
    """Format one value as a one-row column of ``col`` (see :func:`format_column`)."""
    return format_column([value], col)[0]


# --------------------------------------------------------------------------- values by unit
def _fraction_unit(unit: str) -> str | None:
    """The display unit when ``unit`` names a fraction (``share of X`` -> ``% of X``)."""
    u = unit.strip()
    if u.startswith("share of "):
        return "% of " + u[len("share of "):]
    if u.startswith("ratio of "):
        return "% of " + u[len("ratio of "):]
    if u in ("ratio/year", "ratio per year", "fraction/year"):
        return "% per year"
    if u in ("share", "fraction"):
        return "%"
    return None


def display_unit(unit: Any) -> str:
    """The unit a reader sees next to a value formatted by :func:`format_by_unit`.

    Fractions become percent (``share of input tokens`` -> ``% of input tokens``,
    ``ratio/year`` -> ``% per year``); every other unit is unchanged.
    """
    if _is_missing(unit):
        return ""
    text = str(unit)
    return _fraction_unit(text) or text


def format_by_unit(value: Any, unit: Any, *, missing: str = "n/a", signed: bool = False) -> str:
    """Format one value according to its unit (for tables whose rows have different units).

    Parameters
    ----------
    value : Any
        The value in ``unit``; a string (a name) is shown as it is.
    unit : str
        ``USD ...`` -> ``$18,000`` (whole dollars from $100, else 2+ decimals, 4 significant
        digits; ``USD per 1M tokens`` as in ``usd_per_mtok``); a fraction (``share of ...``,
        ``ratio of ...``, ``ratio/year``) -> ``20 %`` (4 significant digits); anything else
        (counts, FTE, W, months, plain ratios such as PUE) -> a number with thousands
        separators, whole from 1,000, else up to 4 significant digits.
    missing : str
        Text for None/NaN/infinity.
    signed : bool
        ``+`` before positive values.

    Returns
    -------
    str
    """
    parsed = _as_number(value)
    if parsed is None:
        return missing
    if isinstance(parsed, str):
        return parsed
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    x = parsed
    u = "" if _is_missing(unit) else str(unit).strip()
    if u.startswith("USD per 1M tokens"):
        return _format_number(x, Col("usd_per_mtok", signed=signed),
                              _exact_decimals([x], 2, 4, 3))
    if u.startswith("USD"):
        if abs(x) >= 100:
            return _format_number(x, Col("usd", signed=signed), 0)
        x = _signif(x)
        return _format_number(x, Col("usd", signed=signed), _exact_decimals([x], 2, 4, 4))
    if _fraction_unit(u) is not None:
        pct = _signif(x * 100.0)
        return fmt_number(pct, _exact_decimals([pct], 0, 2, 2), signed=signed) + " %"
    if abs(x) >= 1000:
        return fmt_number(x, 0, signed=signed)
    x = _signif(x)
    return fmt_number(x, _exact_decimals([x], 0, 4, 4), signed=signed)
