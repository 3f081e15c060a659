"""Formatting for readers: one home for USD, percent, large numbers and table rounding in
every notebook.

Plain-text outputs must be stable (nbval compares them), so every helper rounds explicitly and
turns ``-0.0`` into ``0.0``; missing values read ``n/a``, never ``NaN``.

Large numbers have one spelling, ``k``, ``M``, ``bn``, ``tn`` after a space (``190.1 M
tokens/day``, ``$5.6 bn``): :func:`fmt_scaled` writes them. It is defined in
:mod:`aipolicy.record`, because the report index (which may not import this layer) writes the
recorded figures with it too; table columns take the same words (:data:`SCALES`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from aipolicy.record import SCALES as _SCALES
from aipolicy.record import fmt_scaled, scale_of, share_text

__all__ = ["SCALES", "fmt_number", "fmt_pct", "fmt_scaled", "fmt_usd", "fmt_usd_scaled",
           "percent_table", "rounded", "scale_of", "share_text"]

#: Scale word -> divisor: ``k`` 1e3, ``M`` 1e6, ``bn`` 1e9, ``tn`` 1e12 (table columns'
#: ``scale``).
SCALES: dict[str, float] = dict(reversed(_SCALES))


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return True


def fmt_usd(x: float | None, decimals: int = 0) -> str:
    """``-4572.3`` -> ``'-$4,572'`` (``decimals`` places); None, NaN or infinity -> ``'n/a'``."""
    if _missing(x):
        return "n/a"
    places = decimals
    value = float(x)  # type: ignore[arg-type]
    sign = "-" if value < 0 and round(abs(value), places) > 0 else ""
    return f"{sign}${abs(value):,.{places}f}"


def fmt_usd_scaled(x: float | None, decimals: int | None = None) -> str:
    """``5.55e9`` -> ``'$5.55 bn'`` (:func:`fmt_scaled` with a dollar sign); None -> ``'n/a'``."""
    return fmt_scaled(x, decimals, prefix="$", missing="n/a")


def fmt_number(x: float | None, decimals: int = 0, *, signed: bool = False,
               missing: str = "n/a") -> str:
    """``5.6e9`` -> ``'5,600,000,000'``: thousands separators, fixed ``decimals``, never
    scientific notation; a value that rounds to zero has no sign (``-0.0`` -> ``'0'``).

    ``signed`` puts ``+`` before a positive value; None, NaN or infinity -> ``missing``.
    """
    if _missing(x):
        return missing
    text = f"{float(x):,.{decimals}f}"  # type: ignore[arg-type]
    nonzero = any(c in "123456789" for c in text)
    if text.startswith("-") and not nonzero:
        text = text[1:]
    if signed and nonzero and not text.startswith("-"):
        text = "+" + text
    return text


def fmt_pct(x: float | None, decimals: int = 1, signed: bool = True) -> str:
    """``0.1234`` -> ``'+12.3%'`` (a fraction shown in percent); None/NaN -> ``'n/a'``."""
    if _missing(x):
        return "n/a"
    return f"{float(x) * 100:{'+' if signed else ''}.{decimals}f}%"  # type: ignore[arg-type]


def rounded(frame: pd.DataFrame, digits: int | Mapping[str, int] = 0) -> pd.DataFrame:
    """Copy of ``frame`` with float columns rounded (stable plain-text output).

    ``digits`` is one number of decimals for every float column or a mapping column -> decimals
    (columns not named get 0). ``-0.0`` becomes ``0.0`` so a sign never flickers between runs.
    """
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            d = digits.get(col, 0) if isinstance(digits, Mapping) else digits
            out[col] = out[col].round(d) + 0.0
    return out


def percent_table(
    table: pd.DataFrame, columns: Sequence[str], *, decimals: int = 1, other_decimals: int = 2
) -> pd.DataFrame:
    """Copy of ``table`` with ``columns`` (fractions) shown in percent, renamed ``"<col> (%)"``.

    Other float columns are rounded to ``other_decimals``, so the plain-text repr is stable.
    """
    out = table.copy()
    for c in out.columns:
        if c in columns:
            out[c] = (out[c].astype(float) * 100.0).round(decimals) + 0.0
        elif pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(other_decimals) + 0.0
    return out.rename(columns={c: f"{c} (%)" for c in columns if c in out.columns})
