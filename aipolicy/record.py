"""Record key figures from a notebook so the report runner and the tests can read them.

In the manner of scrapbook's ``glue``: :func:`record` emits a display output whose data is a
JSON document under a dedicated MIME type, so the figure travels inside the executed
notebook; :func:`read_records` collects them back. When the environment variable
``AIPOLICY_RECORD_PATH`` names a file, each record is also merged into that JSON sidecar.

The MIME type is not compared by nbval (see the project's ``conftest.py``): values are
asserted by the papermill tests, not by text comparison.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MIME_TYPE = "application/vnd.aipolicy.record+json"
SIDECAR_ENV = "AIPOLICY_RECORD_PATH"

#: How a recorded figure is written for people (the report index uses these, never guesses):
#: ``usd`` ($10,290), ``usd_per_mtok`` ($2.50), ``pct`` (a fraction, 418.9 %), ``count``
#: (1,234), ``number`` (3 significant digits, thousands separators), ``tokens_per_day``
#: (76.5 M tokens/day), ``requests_per_day`` (100,058 requests/day), ``months`` (2 months;
#: None reads "never"), ``years``, ``date`` (text as given), ``text``.
FORMATS: tuple[str, ...] = (
    "usd", "usd_per_mtok", "pct", "count", "number", "tokens_per_day", "requests_per_day",
    "months", "years", "date", "text",
)


def to_jsonable(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to plain JSON types.

    NaN and infinities become ``None`` (JSON has no NaN); timestamps become ISO strings.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist") and not isinstance(value, (int, float)):
        return to_jsonable(value.tolist())
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return None if not math.isfinite(value) else float(value)
    return str(value)


def count_word(n: float, one: str, many: str | None = None) -> str:
    """``1 run``, ``2 runs``, ``1,200 notebooks``: a count with its noun in the right number
    (``many`` defaults to ``one`` + s)."""
    return f"{n:,.0f} {one if round(n) == 1 else (many or one + 's')}"


def share_text(p: float) -> str:
    """A share (0-1) in percent, the one spelling of shares in text, tables and charts.

    Whole percent between 1 % and 99 %; one decimal near 0 and 100 % so 0.1 % never reads
    0 % and 99.7 % never reads 100 %; exactly 0 and 1 read ``0%`` and ``100%``; a share that
    would still round to them reads ``< 0.1%`` or ``> 99.9%``.

    Examples
    --------
    >>> [share_text(p) for p in (0.0, 0.0003, 0.001, 0.27, 0.997, 0.99996, 1.0)]
    ['0%', '< 0.1%', '0.1%', '27%', '99.7%', '> 99.9%', '100%']
    """
    if p <= 0.0 or p >= 1.0:
        return "0%" if p <= 0.0 else "100%"
    if p < 0.0005:
        return "< 0.1%"
    if p >= 0.9995:
        return "> 99.9%"
    return f"{p:.0%}" if 0.01 <= p <= 0.99 else f"{p:.1%}"


def format_figure(value: Any, fmt: str | None = None, unit: str | None = None) -> str:
    """Text of a recorded figure for people, e.g. ``format_figure(4.189, "pct") == "418.9 %"``.

    Parameters
    ----------
    value : Any
        The recorded (JSON) value; None reads ``"—"`` (``"never"`` for ``months``).
    fmt : str, optional
        One of :data:`FORMATS`; None writes numbers with 4 significant digits.
    unit : str, optional
        Appended after the number for ``count``/``number`` (e.g. ``"replicas"``).
    """
    if value is None:
        return "never" if fmt == "months" else "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, int | float) or fmt in ("text", "date"):
        text = str(value)
        return f"{text} {unit}" if unit and fmt not in ("text", "date") else text
    x = float(value)
    suffix = f" {unit}" if unit else ""
    if fmt == "usd":
        sign = "-" if x < 0 and round(abs(x)) > 0 else ""
        return f"{sign}${abs(x):,.0f}{suffix}"
    if fmt == "usd_per_mtok":
        return f"${x:,.2f} per 1M tokens"
    if fmt == "pct":
        return f"{x * 100:,.1f} %"
    if fmt == "count":
        return f"{x:,.0f}{suffix}"
    if fmt == "tokens_per_day":
        return fmt_scaled(x, 1) + " tokens/day"
    if fmt == "requests_per_day":
        return f"{x:,.0f} requests/day"
    if fmt == "months":
        return count_word(x, "month", "months")
    if fmt == "years":
        return count_word(x, "year", "years")
    return fmt_scaled(x, 1) + suffix if abs(x) >= 1e6 else f"{x:,.4g}{suffix}"


#: The words of large numbers, largest first: ``k`` (thousand), ``M`` (million), ``bn``
#: (billion), ``tn`` (trillion). The one spelling of every page and the report index (the
#: notebook layer's ``aipolicy.nb.format.fmt_scaled`` is :func:`fmt_scaled`).
SCALES: tuple[tuple[str, float], ...] = (("tn", 1e12), ("bn", 1e9), ("M", 1e6), ("k", 1e3))


def _places(v: float, decimals: int | None) -> int:
    return decimals if decimals is not None else (1 if v < 10 else 0)


def scale_of(x: float, decimals: int | None = None) -> tuple[str, float]:
    """The scale word and divisor :func:`fmt_scaled` writes ``x`` with (``("", 1.0)`` below
    a thousand)."""
    a = abs(float(x))
    for word, size in SCALES:
        if round(a / size, _places(a / size, decimals)) >= 1:
            return word, size
    return "", 1.0


def fmt_scaled(x: Any, decimals: int | None = None, *, prefix: str = "",
               signed: bool = False, missing: str = "—") -> str:
    """A large number with its scale word, one spelling everywhere: ``190.1 M``, ``10 bn``.

    Parameters
    ----------
    x : float
        The number (tokens a day, USD, shares ...); None, NaN or infinity -> ``missing``.
    decimals : int, optional
        Decimal places of the scaled number; None: one below 10, none from 10 (``3.2 M``,
        ``141 M``, ``1 M``: a trailing ``.0`` dropped).
    prefix : str
        Written between the sign and the number, e.g. ``"$"`` -> ``-$5.6 bn``.
    signed : bool
        ``+`` before a positive number.
    missing : str
        Text for a missing value.

    Examples
    --------
    >>> fmt_scaled(1.901e8, 1), fmt_scaled(1e10), fmt_scaled(3.16e5), fmt_scaled(999.96)
    ('190.1 M', '10 bn', '316 k', '1 k')
    >>> fmt_scaled(-5.55e9, 2, prefix="$"), fmt_scaled(86_000, signed=True), fmt_scaled(500)
    ('-$5.55 bn', '+86 k', '500')
    """
    try:
        v = float(x)
    except (TypeError, ValueError):
        return missing
    if not math.isfinite(v):
        return missing
    word, size = scale_of(v, decimals)
    body = f"{abs(v) / size:,.{_places(abs(v) / size, decimals)}f}"
    if decimals is None and "." in body:
        body = body.rstrip("0").rstrip(".")
    nonzero = any(c in "123456789" for c in body)
    sign = "-" if v < 0 and nonzero else ("+" if signed and v > 0 and nonzero else "")
    return f"{sign}{prefix}{body}{' ' + word if word else ''}"


def record(
    name: str,
    value: Any,
    *,
    label: str | None = None,
    unit: str | None = None,
    fmt: str | None = None,
    display: bool = True,
) -> None:
    """Record ``value`` under ``name`` in the running notebook (and the sidecar, if set).

    Parameters
    ----------
    name : str
        Key of the figure, e.g. ``"breakeven_tokens_per_day"``.
    value : Any
        JSON-able value (numpy and pandas scalars are converted).
    label : str, optional
        What the figure is, for people (e.g. ``"Break-even volume"``). A figure with a label
        is a headline figure of the report index; one without is kept in ``summary.json``.
    unit : str, optional
        Unit word written after a ``count``/``number`` (e.g. ``"replicas"``).
    fmt : str, optional
        How to write the value, one of :data:`FORMATS`.
    display : bool
        Emit the display output (set False outside IPython).

    Returns nothing, so a ``record(...)`` call that ends a notebook cell shows no value (a
    trailing ``;`` does not suppress it under nbval, which runs cells without history).
    """
    if not name or not isinstance(name, str):
        raise ValueError(f"record name must be a non-empty string, got {name!r}")
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"record {name!r}: fmt {fmt!r} is not one of {', '.join(FORMATS)}")
    data = to_jsonable(value)
    if display:
        try:
            from IPython import get_ipython
            from IPython.display import display as ipy_display

            if get_ipython() is not None:
                payload: dict[str, Any] = {"name": name, "value": data}
                payload.update({k: v for k, v in (("label", label), ("unit", unit),
                                                  ("format", fmt)) if v is not None})
                ipy_display(
                    {MIME_TYPE: payload, "text/plain": f"recorded: {name}"},
                    raw=True,
                    metadata={"aipolicy": {"record": name}},
                )
        except ImportError:  # pragma: no cover - IPython is a dependency
            pass
    sidecar = os.environ.get(SIDECAR_ENV)
    if sidecar:
        path = Path(sidecar)
        current: dict[str, Any] = {}
        if path.exists():
            current = json.loads(path.read_text(encoding="utf-8") or "{}")
        current[name] = data
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(current, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)


def _payloads(notebook: str | os.PathLike[str] | Mapping[str, Any]) -> list[dict[str, Any]]:
    if isinstance(notebook, Mapping):
        nb = notebook
    else:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    out: list[dict[str, Any]] = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            payload = (output.get("data") or {}).get(MIME_TYPE)
            if payload is None:
                continue
            if isinstance(payload, str):
                payload = json.loads(payload)
            out.append(payload)
    return out


def read_records(notebook: str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, Any]:
    """Collect every recorded figure from an executed notebook (path or nbformat dict).

    Later records of the same name win, as they would when a cell is re-run.
    """
    return read_records_and_figures(notebook)[0]


def read_figures(notebook: str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{name: {"label", "unit", "format"}}`` for every record that was given a label.

    In recording order (a re-recorded name keeps its first place, takes its last description).
    """
    return read_records_and_figures(notebook)[1]


def read_records_and_figures(
    notebook: str | os.PathLike[str] | Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """:func:`read_records` and :func:`read_figures` from one read of the notebook."""
    records: dict[str, Any] = {}
    figures: dict[str, dict[str, Any]] = {}
    for p in _payloads(notebook):
        records[p["name"]] = p["value"]
        if p.get("label"):
            figures[p["name"]] = {k: p.get(k) for k in ("label", "unit", "format")}
    return records, figures
