"""Tables for people: the one place that formats every table a notebook shows to readers.

pandas' default display prints ``10290.0``, ``NaN``, ``5.6e+09`` and cuts long text; the rendered
reports should not. :func:`people_table` turns a DataFrame into a :class:`Table`: every cell a
formatted string chosen by a column spec (:class:`Col`), headers carrying the unit, missing
values spelled out (``—``, ``never``, ``n/a``), numbers right-aligned and never wrapped, text and
sources left-aligned, whole and wrapping, sources with links.

A :class:`Table` has two renderings:

- ``_repr_html_``: its own small HTML table (class ``aipolicy-table``) with inline styles, so it
  looks the same in JupyterLab and in nbconvert's HTML; everything is HTML-escaped.
- ``__repr__``: stable plain text laid out like ``DataFrame.to_string()`` (no object ids, no
  dates of today, independent of pandas display options), which nbval compares byte for byte.

Column kinds (:data:`KINDS`)
----------------------------
``usd``            ``$10,290`` (``decimals``, default 0; ``-$1,234``; ``scale="bn"`` -> ``$5.6 bn``)
``usd_per_mtok``   ``$2.50`` (USD per 1M tokens; default 2-4 decimals, as many as the column's
                   prices need)
``int``/``count``  ``1,234`` (rounded to a whole number: never ``7.0``)
``pct``            a fraction shown in percent: ``0.123`` -> ``12.3 %`` (``signed``: ``+12.3 %``)
``pp``             a difference of fractions in percentage points: ``0.0014`` -> ``0.14 pp``
``number``         ``1,234.57``, fixed decimals, never scientific notation; ``scale`` ``k``/``M``/
                   ``bn``/``tn`` -> ``5.6 bn``; default decimals: the fewest (0-2) that show the
                   column's values exactly, else 2
``tokens_per_day`` tokens/day in millions, plain numbers under a ``(M tokens/day)`` header
``months``         a month number: ``month 14``; missing -> ``never``
``date``           ``YYYY-MM-DD`` (``fmt`` for another strftime pattern)
``text``           left-aligned, whole, wrapping
``source``         like ``text``, with links in HTML: URLs in the text, ``github.com/owner/repo``
                   references (to the file at the cited commit when the text gives one), bare
                   domains such as ``lambda.ai/instances`` and the few names in
                   :data:`KNOWN_LINKS`
``bool``           ``yes``/``no``

Missing values (None, NaN, NaT, ``pd.NA``, infinity, or the strings ``""``, ``"nan"``, ``"None"``,
``"—"``) render as the column's ``missing`` text: ``—`` by default, ``never`` for ``months``.
A string that is not a number in a numeric column (``"not reached"``) is shown as it is.
"""

from __future__ import annotations

import datetime as _dt
import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from aipolicy.nb.cells import (
    KINDS,
    Col,
    _as_number,
    _is_missing,
    display_unit,
    format_by_unit,
    format_column,
    format_value,
)
from aipolicy.nb.links import KNOWN_LINKS, link_html

__all__ = [
    "KINDS",
    "KNOWN_LINKS",
    "Col",
    "Table",
    "display_unit",
    "format_by_unit",
    "format_column",
    "format_value",
    "link_html",
    "people_table",
]

_TABLE_STYLE = ("border-collapse:collapse;table-layout:auto;margin:0.25em 0 0.75em 0;"
                "font-size:0.9em;line-height:1.35;border:none;")
_CAPTION_STYLE = ("caption-side:top;text-align:left;font-weight:bold;padding:0 0 0.35em 0;"
                  "white-space:normal;")
_HEAD_STYLE = ("padding:0.3em 0.6em;border:none;border-bottom:1px solid #888;"
               "vertical-align:bottom;font-weight:bold;")
_CELL_STYLE = "padding:0.25em 0.6em;border:none;border-bottom:1px solid #e3e3e3;vertical-align:top;"
_NUMBER_STYLE = "text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums;"
_NOWRAP_LEFT_STYLE = "text-align:left;white-space:nowrap;"
_TEXT_STYLE = "text-align:left;white-space:normal;min-width:8em;"
_RIGHT_TEXT_STYLE = "text-align:right;white-space:normal;"
_LONG_LABEL_STYLE = "text-align:left;white-space:normal;min-width:12em;"
_SOURCE_STYLE = "text-align:left;white-space:normal;overflow-wrap:anywhere;min-width:14em;"
_NOTE_STYLE = "font-size:0.85em;color:#555;text-align:left;margin:0.15em 0 0 0;"


@dataclass(frozen=True, eq=False)
class Table:
    """A table formatted for people: strings, alignment, caption and footnote.

    Attributes
    ----------
    frame : DataFrame
        The formatted strings; columns are the display headers; when ``show_index`` the index
        holds the formatted row labels (a MultiIndex for several levels), named by their
        headers.
    align : dict
        Header -> ``"left"`` or ``"right"`` for every column and index level.
    kinds : dict
        Header -> column kind (``source`` columns get links in HTML).
    caption, footnote : str or None
        Shown above and below the table; ``footnote`` may hold several lines.
    show_index : bool
        Whether the row labels are shown.
    """

    frame: pd.DataFrame
    align: Mapping[str, str] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)
    caption: str | None = None
    footnote: str | None = None
    show_index: bool = True

    # ---------------------------------------------------------------- access
    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`frame` (formatted strings)."""
        return self.frame.copy()

    @property
    def headers(self) -> list[str]:
        """Index headers (when shown) then column headers, in display order."""
        return self._index_headers() + [str(c) for c in self.frame.columns]

    def _index_headers(self) -> list[str]:
        if not self.show_index:
            return []
        return ["" if n is None else str(n) for n in self.frame.index.names]

    def _index_rows(self) -> list[list[str]]:
        """Row labels per row, repeated outer levels blanked (as pandas prints them)."""
        if not self.show_index:
            return [[] for _ in range(len(self.frame))]
        idx = self.frame.index
        rows = [list(t) if isinstance(idx, pd.MultiIndex) else [t] for t in idx]
        rows = [[str(v) for v in r] for r in rows]
        out: list[list[str]] = []
        prev: list[str] | None = None
        for r in rows:
            shown = list(r)
            if prev is not None and len(r) > 1:
                for i in range(len(r) - 1):
                    if r[: i + 1] == prev[: i + 1]:
                        shown[i] = ""
                    else:
                        break
            out.append(shown)
            prev = r
        return out

    def _alignments(self) -> list[str]:
        return [self.align.get(h, "left") for h in self.headers]

    # ---------------------------------------------------------------- plain text
    def to_text(self) -> str:
        """The plain-text rendering (what ``repr`` returns)."""
        headers = self.headers
        body = [ix + [str(v) for v in row]
                for ix, row in zip(self._index_rows(), self.frame.itertuples(index=False),
                                   strict=True)]
        body = [[c.replace("\n", " ") for c in r] for r in body]
        aligns = self._alignments()
        widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(headers)]

        def line(cells: Sequence[str]) -> str:
            parts = [c.rjust(w) if a == "right" else c.ljust(w)
                     for c, w, a in zip(cells, widths, aligns, strict=True)]
            return "  ".join(parts).rstrip()

        lines: list[str] = []
        if self.caption:
            lines.append(self.caption)
        lines.append(line(headers))
        lines.extend(line(r) for r in body)
        if not body:
            lines.append("(no rows)")
        if self.footnote:
            lines.extend(self.footnote.splitlines())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.to_text()

    def __str__(self) -> str:
        return self.to_text()

    # ---------------------------------------------------------------- HTML
    def _cell_style(self, header: str) -> str:
        kind = self.kinds.get(header, "text")
        if kind == "source":
            return _SOURCE_STYLE
        if kind == "text":  # text wraps at words, also when right-aligned
            return _TEXT_STYLE if self.align.get(header, "left") == "left" else _RIGHT_TEXT_STYLE
        if self.align.get(header, "left") == "right":
            return _NUMBER_STYLE
        return _NOWRAP_LEFT_STYLE

    def _cell_html(self, header: str, text: str) -> str:
        if self.kinds.get(header) == "source":
            return link_html(text)
        return html.escape(text)

    def to_html(self) -> str:
        """The HTML rendering (what ``_repr_html_`` returns): a ``<table class="aipolicy-table">``
        with inline styles, every string escaped."""
        headers = self.headers
        n_index = len(self._index_headers())
        aligns = self._alignments()
        parts = ['<div class="aipolicy-table-wrap" style="overflow-x:auto;max-width:100%;">',
                 f'<table class="aipolicy-table" style="{_TABLE_STYLE}">']
        if self.caption:
            parts.append(f'<caption style="{_CAPTION_STYLE}">{html.escape(self.caption)}'
                         "</caption>")
        parts.append("<thead><tr>")
        for h, a in zip(headers, aligns, strict=True):
            wrap = "nowrap" if len(h) <= 14 else "normal"  # short headers stay on one line
            parts.append(f'<th scope="col" style="{_HEAD_STYLE}text-align:{a};'
                         f'white-space:{wrap};">{html.escape(h)}</th>')
        parts.append("</tr></thead><tbody>")
        for ix, row in zip(self._index_rows(), self.frame.itertuples(index=False),
                           strict=True):
            parts.append("<tr>")
            for h, text in zip(headers[:n_index], ix, strict=True):
                label = (_NUMBER_STYLE if self.align.get(h) == "right" else
                         _NOWRAP_LEFT_STYLE if len(text) <= 24 else _LONG_LABEL_STYLE)
                parts.append(f'<th scope="row" style="{_CELL_STYLE}{label}font-weight:bold;">'
                             f"{html.escape(text)}</th>")
            for h, value in zip(headers[n_index:], row, strict=True):
                parts.append(f'<td style="{_CELL_STYLE}{self._cell_style(h)}">'
                             f"{self._cell_html(h, str(value))}</td>")
            parts.append("</tr>")
        parts.append("</tbody></table>")
        if self.footnote:
            note = "<br>".join(html.escape(x) for x in self.footnote.splitlines())
            parts.append(f'<p class="aipolicy-table-note" style="{_NOTE_STYLE}">{note}</p>')
        parts.append("</div>")
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()


# --------------------------------------------------------------------------- building
def _infer(values: pd.Series | pd.Index, name: Any) -> Col:
    """The column spec for a column ``people_table`` was not told about."""
    dtype = values.dtype
    if str(name).strip().lower() in ("source", "sources") or str(name).lower().endswith(
            "_source"):
        return Col("source")
    if pd.api.types.is_bool_dtype(dtype):
        return Col("bool")
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return Col("date")
    if pd.api.types.is_integer_dtype(dtype):
        return Col("int")
    if pd.api.types.is_float_dtype(dtype):
        finite = [float(v) for v in values if _as_number(v) is not None]
        if all(float(v).is_integer() for v in finite):
            return Col("int")
        return Col("number", decimals=2)
    items = [v for v in values if not _is_missing(v)]
    if items and all(isinstance(v, (bool, np.bool_)) for v in items):
        return Col("bool")
    if items and all(isinstance(v, (pd.Timestamp, _dt.date)) for v in items):
        return Col("date")
    if items and all(isinstance(v, (int, float, np.integer, np.floating))
                     and not isinstance(v, (bool, np.bool_)) for v in items):
        if all(float(v).is_integer() for v in items):
            return Col("int")
        return Col("number", decimals=2)
    return Col("text")


def _as_col(spec: Col | str) -> Col:
    return Col(spec) if isinstance(spec, str) else spec


def _footnote_text(footnote: str | Sequence[str] | None) -> str | None:
    if footnote is None:
        return None
    if isinstance(footnote, str):
        return footnote or None
    lines = [str(x) for x in footnote if x]
    return "\n".join(lines) or None


def people_table(
    frame: pd.DataFrame | pd.Series,
    columns: Mapping[str, Col | str] | None = None,
    *,
    index: bool | str | Sequence[str] | Col = True,
    caption: str | None = None,
    footnote: str | Sequence[str] | None = None,
) -> Table:
    """Format ``frame`` for readers.

    Parameters
    ----------
    frame : DataFrame or Series
        Raw values in base units (USD, fractions, tokens/day); every column is shown, in order.
    columns : mapping, optional
        Column name -> :class:`Col` or a kind name. Columns not named are inferred: floats
        that are all whole -> ``int``, other floats -> ``number`` with 2 decimals, booleans ->
        ``bool``, datetimes -> ``date``, a column called ``source`` -> ``source``, anything
        else -> ``text``. Names not in ``frame`` are ignored.
    index : bool, str, sequence of str or Col
        ``True``: show the row labels under the index name(s); ``False``: hide them; a string
        (or one per level): show them under that header; a :class:`Col`: format a one-level
        index with it.
    caption : str, optional
        Title above the table.
    footnote : str or sequence of str, optional
        Line(s) under the table, e.g. what ``—`` means.

    Returns
    -------
    Table

    Raises
    ------
    ValueError
        If two columns end up with the same header.
    """
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    specs = {k: _as_col(v) for k, v in (columns or {}).items()}
    data: dict[str, list[str]] = {}
    align: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for name in frame.columns:
        col = specs.get(name) or _infer(frame[name], name)
        header = col.header_text(name)
        if header in data:
            raise ValueError(f"two columns would be shown as {header!r}")
        data[header] = format_column(frame[name].tolist(), col)
        align[header] = col.alignment
        kinds[header] = col.kind

    show_index = index is not False
    idx = frame.index
    levels = [idx.get_level_values(i) for i in range(idx.nlevels)]
    if isinstance(index, str):
        names = [index] if idx.nlevels == 1 else [index] + [
            "" if n is None else str(n) for n in idx.names[1:]]
    elif isinstance(index, Sequence) and not isinstance(index, str):
        names = [str(n) for n in index]
        if len(names) != idx.nlevels:
            raise ValueError(f"index: {len(names)} header(s) for {idx.nlevels} level(s)")
    else:
        names = ["" if n is None else str(n) for n in idx.names]
    label_cols: list[list[str]] = []
    for i, level in enumerate(levels):
        col = index if isinstance(index, Col) and idx.nlevels == 1 else _infer(level, names[i])
        if isinstance(index, Col):
            names[i] = index.header_text(names[i])
        if col.kind in ("number",):
            col = Col("text")  # row labels are names, not measurements
        label_cols.append(format_column(list(level), col))
        kinds_key = names[i]
        if show_index:
            if kinds_key in data:
                raise ValueError(f"index header {kinds_key!r} is also a column header")
            align[kinds_key] = "right" if col.kind in ("int", "count") else "left"
            kinds[kinds_key] = col.kind if col.kind != "source" else "text"
    if not show_index:
        new_index: pd.Index = pd.RangeIndex(len(frame))
    elif len(label_cols) == 1:
        new_index = pd.Index(label_cols[0], dtype=object, name=names[0])
    else:
        new_index = pd.MultiIndex.from_arrays(label_cols, names=names)
    out = pd.DataFrame(data, index=new_index, dtype=object)
    out.columns = pd.Index(list(data), dtype=object)
    return Table(frame=out, align=align, kinds=kinds, caption=caption,
                 footnote=_footnote_text(footnote), show_index=show_index)


# --------------------------------------------------------------------------- view helpers
def present_columns(frame: pd.DataFrame, wanted: Iterable[str]) -> list[str]:
    """The ``wanted`` columns that ``frame`` has, in the order wanted (views show a subset)."""
    return [c for c in wanted if c in frame.columns]


def pick_columns(frame: pd.DataFrame, wanted: Iterable[str]) -> pd.DataFrame:
    """``frame`` with only the ``wanted`` columns it has, in the order wanted."""
    return frame[present_columns(frame, wanted)]


def any_missing(frame: pd.DataFrame, columns: Sequence[str] | None = None, *,
                blank_text: bool = False) -> bool:
    """True when a value of ``columns`` (default: all) is missing, so the view needs the
    footnote saying what ``—`` means; ``blank_text`` also counts ``""``, ``—`` and
    ``undated`` as missing (dates and sources given as text)."""
    sub = frame if columns is None else frame[present_columns(frame, columns)]
    if sub.shape[1] == 0:
        return False
    if sub.isna().to_numpy().any():
        return True
    return blank_text and bool(sub.isin(["", "—", "undated"]).to_numpy().any())


def as_of_caption(frame: pd.DataFrame) -> str | None:
    """``as of YYYY-MM-DD`` from the frame's ``attrs['as_of']``, or None."""
    as_of = frame.attrs.get("as_of")
    if as_of is None:
        return None
    return f"as of {format_value(as_of, Col('date'))}"

