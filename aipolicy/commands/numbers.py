"""Numbers for people in the command line's text output: readable at any magnitude.

A table cell has a fixed width and always begins with a space, so neighbouring columns never
run together: a number too long for its cell in the usual form (``1,317,227,829,887``) is
written with three significant digits in scientific form (``1.32e+12``), and a non-zero
number too small for the cell's decimals (``0.00004``) the same way (``4e-05``) instead of
printing as zero. :func:`amount` writes a number in running text with as many digits as it
needs (``40,000``, ``2.5``, ``0.001``).
"""

from __future__ import annotations

import math

__all__ = ["amount", "cell"]


def amount(value: float) -> str:
    """A number in running text: thousands separated, no needless decimals, never rounded
    to a misleading ``0``: 40,000; 1,500.5 -> 1,500; 2.5; 0.001; 1e-09; 3.2e+13."""
    v = float(value)
    if not math.isfinite(v):
        return "n/a"
    if v == 0:
        return "0"
    if abs(v) >= 1e13 or abs(v) < 1e-4:
        return f"{v:.3g}"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:,.4g}"


def cell(value: float | None, width: int, decimals: int = 0) -> str:
    """``value`` right-aligned in ``width`` characters, the first always a space.

    ``decimals`` digits after the point in the usual form; scientific form (3 significant
    digits) when that does not fit or would show a non-zero value as zero; ``n/a`` for None
    or NaN.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        text = "n/a"
    else:
        v = float(value)
        text = f"{v:,.{decimals}f}"
        shows_zero = v != 0 and float(text.replace(",", "")) == 0
        if len(text) > width - 1 or shows_zero or not math.isfinite(v):
            text = f"{v:.3g}"
    return " " + text.rjust(width - 1)
