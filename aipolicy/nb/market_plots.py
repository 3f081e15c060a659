"""The market notebooks' charts: units on every axis, the source and the synthetic mark inside.

:func:`plot_lines` (paired colours for ``"X (nominal)"``/``"X (real)"`` columns, readable log
axes), :func:`plot_heatmap`, :func:`plot_bars` and :func:`plot_grouped_bars` drop all-NaN series
so no legend entry is empty, and draw "no data for this chart" when nothing is left.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import pandas as pd

NO_DATA_TEXT = "no data for this chart"

#: Line styles of the kinds of paired columns ("nominal" solid, "real" dashed, ...).
_KIND_STYLES = ("-", "--", ":", "-.")

#: A column name ``"base (kind)"``, e.g. ``"platforms (real)"``.
_BASE_KIND = r"^(?P<base>.*\S) \((?P<kind>[^()]+)\)$"


def _finish(
    ax: Any,
    title: str,
    ylabel: str,
    source: str,
    synthetic: bool,
    *,
    make_room: bool = True,
    legend: tuple[Sequence[Any], Sequence[str], int | None] | None = None,
) -> Any:
    """Title, y label, source line and synthetic mark inside the axes, then the legend.

    ``legend`` is ``(handles, labels, ncol)`` of a legend for the upper left corner
    (:func:`_top_legend`; ``ncol`` None: as many columns as fit). ``make_room`` widens the
    y-limits so the source line (bottom band), the mark and the legend (top band) cover no
    data (:func:`aipolicy.nb.theme.reserve_bands`).
    """
    from aipolicy.nb.theme import MARK_GID, reserve_bands, source_line, strip_local_paths

    ax.set_title(strip_local_paths(title))
    ax.set_ylabel(strip_local_paths(ylabel))
    caption = source_line(ax, source, synthetic=synthetic)
    mark = next((t for t in ax.texts if t.get_gid() == MARK_GID), None)
    top = [] if mark is None else [mark]
    if legend is not None:
        top.append(_top_legend(ax, *legend, mark=mark))
    if make_room:
        reserve_bands(ax, bottom=caption, top=top)
    return ax


def _top_legend(ax: Any, handles: Sequence[Any], labels: Sequence[str], ncol: int | None,
                mark: Any = None, most: int = 4) -> Any:
    """Legend at the upper left of ``ax`` (8 pt font, on a white box), laid out to fit.

    Each candidate layout is measured: ``ncol`` columns (or 1 to ``most`` when None) either
    beside the synthetic ``mark`` of the upper right corner or across the full width below
    it. The layout with the fewest rows that fits the axes' width wins (beside the mark on a
    tie); with none fitting, one column below the mark.
    """
    import math

    fig = ax.figure
    renderer = fig.canvas.get_renderer() if hasattr(fig.canvas, "get_renderer") else None
    box = ax.get_window_extent(renderer)
    gap = 6.0 * fig.dpi / 72.0
    mark_w = mark_h = 0.0
    if mark is not None:
        ext = mark.get_window_extent(renderer)
        pad = 0.3 * mark.get_fontsize() * fig.dpi / 72.0  # the mark's box pad
        mark_w, mark_h = ext.width + 2 * pad + gap, ext.height + 2 * pad + gap / 2
    counts = [ncol] if ncol is not None else list(range(min(most, len(labels)), 0, -1))
    places = [("beside", box.width - mark_w)] + ([("below", box.width)] if mark else [])
    style = {"fontsize": 8, "frameon": True, "facecolor": "white", "edgecolor": "none",
             "framealpha": 0.85}

    def draw(place: str, n: int) -> Any:
        anchor = (0.0, 1.0 - mark_h / box.height) if place == "below" else (0.0, 1.0)
        return ax.legend(handles, labels, loc="upper left", bbox_to_anchor=anchor, ncol=n,
                         **style)

    best: tuple[int, int, int] | None = None  # (rows, below?, -columns)
    for place, room in places:
        for n in counts:
            if draw(place, n).get_window_extent(renderer).width <= room:
                rows = math.ceil(len(labels) / n) + (1 if place == "below" else 0)
                key = (rows, int(place == "below"), -n)
                best = key if best is None or key < best else best
    if best is None:
        return draw("below" if mark is not None else "beside", 1)
    return draw("below" if best[1] else "beside", -best[2])


def _no_data(ax: Any, message: str = NO_DATA_TEXT) -> Any:
    """An empty chart: ``message`` centred in ``ax``, no ticks, no legend."""
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center",
            fontsize=11, color="0.35")
    ax.set_xticks([])
    ax.set_yticks([])
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    return ax


def _with_data(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without its all-NaN columns and all-NaN rows (values as floats)."""
    data = frame.apply(pd.to_numeric, errors="coerce").astype(float)
    return data.dropna(axis=1, how="all").dropna(axis=0, how="all")


def _paired_styles(
    labels: Sequence[str],
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]] | None:
    """Colour by base name and line style by kind when the columns come in pairs.

    Applies when every label reads ``"base (kind)"`` and some base names repeat (e.g.
    ``"platforms (nominal)"`` and ``"platforms (real)"``): each base gets one colour of the
    theme's cycle, each kind a line style (the first kind solid, the second dashed, ...).

    Returns
    -------
    (styles, parts) or None
        ``styles[i]`` holds ``color`` and ``linestyle`` of ``labels[i]``, ``parts[i]`` its
        ``(base, kind)``. None when the labels are not paired.
    """
    import re

    import matplotlib.pyplot as plt

    matches = [re.match(_BASE_KIND, str(label)) for label in labels]
    if len(labels) < 2 or not all(matches):
        return None
    parts = [(m["base"], m["kind"]) for m in matches if m is not None]
    bases = list(dict.fromkeys(b for b, _ in parts))
    if len(bases) == len(parts):
        return None
    kinds = list(dict.fromkeys(k for _, k in parts))
    colours = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["C0"])
    styles = [
        {"color": colours[bases.index(b) % len(colours)],
         "linestyle": _KIND_STYLES[kinds.index(k) % len(_KIND_STYLES)]}
        for b, k in parts
    ]
    return styles, parts


def _plain_number(value: float, _pos: Any = None) -> str:
    """Tick label in plain decimals: ``0.001``, ``0.5``, ``2``, ``1,500`` (no powers of 10)."""
    import numpy as np

    if not np.isfinite(value) or value == 0:
        return "0" if value == 0 else ""
    if abs(value) >= 1e15:
        return f"{value:.0e}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return np.format_float_positional(float(f"{value:.10g}"), trim="-")


def _readable_log_axis(axis: Any, most: int = 9) -> None:
    """Log-scale ``axis`` with plain decimal labels (0.001, 0.003, 0.01, ..., 1, 3).

    Major ticks: the densest of the 1-2-3-5, 1-2-5, 1-3 and 1 (powers of ten) steps per
    decade with at most ``most`` ticks in view (every second or third power of ten over very
    many decades); about five evenly spaced values when a view spans too little for three.
    No minor ticks; labels never use ``10^k`` notation.
    """
    import numpy as np
    from matplotlib.ticker import FuncFormatter, Locator, MaxNLocator, NullLocator

    class ReadableLogLocator(Locator):
        def __call__(self) -> list[float]:
            vmin, vmax = self.axis.get_view_interval()
            return self.tick_values(vmin, vmax)

        def tick_values(self, vmin: float, vmax: float) -> list[float]:
            lo, hi = sorted((vmin, vmax))
            if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= 0:
                return []
            lo = lo if lo > 0 else hi / 1e3
            exps = range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
            ticks: list[float] = []
            for subs, every in (((1, 2, 3, 5), 1), ((1, 2, 5), 1), ((1, 3), 1), ((1,), 1),
                                ((1,), 2), ((1,), 3), ((1,), 5)):
                ticks = [float(f"{m * 10.0 ** e:.12g}") for e in exps if e % every == 0
                         for m in subs]
                ticks = [t for t in ticks if lo <= t <= hi]
                if len(ticks) <= most:
                    break
            if len(ticks) < 3:
                ticks = [t for t in MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10])
                         .tick_values(lo, hi) if lo <= t <= hi and t > 0]
            return ticks

    axis.set_major_locator(ReadableLogLocator())
    axis.set_major_formatter(FuncFormatter(_plain_number))
    axis.set_minor_locator(NullLocator())


def plot_lines(
    frame: pd.DataFrame | pd.Series,
    *,
    title: str,
    ylabel: str,
    source: str,
    synthetic: bool = False,
    percent: bool = False,
    hline: float | None = None,
    logy: bool = False,
    ax: Any = None,
) -> Any:
    """Line chart of each column over dates, with units, legend and source line.

    Parameters
    ----------
    frame : DataFrame or Series
        One line per column (index: dates or any x values). All-NaN columns are left out of
        the chart and its legend; with no data left the axes say :data:`NO_DATA_TEXT`.
    title, ylabel : str
        Chart title and y-axis label (with the unit, e.g. ``"value of $1 (USD)"``).
    source : str
        Source text (:func:`source_label`); it is written inside the axes.
    synthetic : bool
        Mark the chart as synthetic sample data.
    percent : bool
        Multiply fractions by 100 (say ``%`` in ``ylabel``).
    hline : float, optional
        Dashed grey reference line at this y value (in the plotted unit).
    logy : bool
        Log-scale y axis labelled in plain decimals (0.001, 0.01, 0.1, 0.5, 1, 2).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default a new figure).

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Paired columns share a colour: when every column is named ``"base (kind)"`` and a base
    repeats (``"platforms (nominal)"``, ``"platforms (real)"``), each base has one colour and
    each kind one line style (the first kind solid, the second dashed); the legend then has
    one column per kind when every base has every kind.
    """
    import matplotlib.pyplot as plt

    data = frame.to_frame() if isinstance(frame, pd.Series) else frame
    data = data.loc[:, [bool(data[c].notna().any()) for c in data.columns]]
    data = data * 100.0 if percent else data
    if ax is None:
        _, ax = plt.subplots()
    if data.empty:
        _no_data(ax)
        return _finish(ax, title, ylabel, source, synthetic, make_room=False)
    labels = [str(c) for c in data.columns]
    paired = _paired_styles(labels)
    styles = paired[0] if paired else [{} for _ in labels]
    lines = [ax.plot(data.index, data.iloc[:, i], label=label, linewidth=1.4, **styles[i])[0]
             for i, label in enumerate(labels)]
    if hline is not None:
        ax.axhline(hline, color="0.4", linewidth=0.8, linestyle="--")
    if logy:
        ax.set_yscale("log")
        _readable_log_axis(ax.yaxis)
    legend = None
    if len(lines) > 1:
        order, ncol = list(range(len(lines))), None
        if paired is not None:
            parts = paired[1]
            bases = list(dict.fromkeys(b for b, _ in parts))
            kinds = list(dict.fromkeys(k for _, k in parts))
            if len(set(parts)) == len(bases) * len(kinds) == len(parts) and len(kinds) <= 4:
                # legend columns fill top-down: one column per kind, one row per base
                order.sort(key=lambda i: (kinds.index(parts[i][1]), bases.index(parts[i][0])))
                ncol = len(kinds)
        legend = ([lines[i] for i in order], [labels[i] for i in order], ncol)
    ax.set_xlabel("")
    return _finish(ax, title, ylabel, source, synthetic, legend=legend)


def plot_heatmap(
    matrix: pd.DataFrame,
    *,
    title: str,
    source: str,
    synthetic: bool = False,
    fmt: str = ".2f",
    center: float | None = 0.0,
    cbar_label: str = "",
    ax: Any = None,
) -> Any:
    """Annotated heatmap (e.g. a correlation matrix) with a source line.

    Rows and columns that are all NaN are left out; with nothing left the axes say
    :data:`NO_DATA_TEXT`. The source line (and the synthetic mark) sit in bands above and
    below the cells, inside the axes. The figure is at least 6 x 3.6 inches so the source
    line stays legible.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    data = _with_data(matrix)
    if ax is None:
        n = max(len(data.columns), 2)
        _, ax = plt.subplots(figsize=(min(max(1.0 + 0.55 * n, 6.0), 12),
                                      min(max(0.8 + 0.45 * n, 3.6), 10)))
    if data.empty:
        _no_data(ax)
        return _finish(ax, title, "", source, synthetic, make_room=False)
    with warnings.catch_warnings():
        # seaborn 0.13 calls Colormap.set_bad, which matplotlib 3.10 marks for deprecation:
        # nothing a reader can act on
        warnings.filterwarnings("ignore", category=PendingDeprecationWarning,
                                message="The set_bad function")
        sns.heatmap(
            data,
            annot=len(data) <= 20,
            fmt=fmt,
            cmap="vlag",
            center=center,
            ax=ax,
            annot_kws={"fontsize": 7},
            cbar_kws={"label": cbar_label},
        )
    ax.grid(False)  # no grid lines in the bands of the source line
    ax.set_xlabel("")
    ax.set_ylabel("")
    return _finish(ax, title, "", source, synthetic)


def plot_bars(
    series: pd.Series,
    *,
    title: str,
    ylabel: str,
    source: str,
    synthetic: bool = False,
    percent: bool = False,
    ax: Any = None,
) -> Any:
    """Bar chart of one value per label, negative bars in a second colour.

    Labels whose value is NaN are left out; with none left the axes say
    :data:`NO_DATA_TEXT`. ``percent=True`` multiplies fractions by 100 (say ``%`` in
    ``ylabel``).
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    s = pd.to_numeric(series, errors="coerce").astype(float).dropna()
    s = s * (100.0 if percent else 1.0)
    if ax is None:
        _, ax = plt.subplots()
    if s.empty:
        _no_data(ax)
        return _finish(ax, title, ylabel, source, synthetic, make_room=False)
    pal = sns.color_palette()
    ax.bar(
        [str(i) for i in s.index],
        s.to_numpy(),
        color=[pal[0] if v >= 0 else pal[3] for v in s.to_numpy()],
    )
    ax.axhline(0.0, color="0.3", linewidth=0.8)
    ax.tick_params(axis="x", rotation=45)
    return _finish(ax, title, ylabel, source, synthetic)


def plot_grouped_bars(
    frame: pd.DataFrame,
    *,
    title: str,
    ylabel: str,
    source: str,
    synthetic: bool = False,
    percent: bool = False,
    ax: Any = None,
) -> Any:
    """Grouped bar chart: one group per row label, one bar per column, with a source line.

    Columns (series) and rows (groups) that are all NaN are left out of the bars and the
    legend; with nothing left the axes say :data:`NO_DATA_TEXT`. ``percent=True`` multiplies
    fractions by 100 (say ``%`` in ``ylabel``).
    """
    import matplotlib.pyplot as plt

    data = _with_data(frame) * (100.0 if percent else 1.0)
    if ax is None:
        _, ax = plt.subplots()
    if data.empty:
        _no_data(ax)
        return _finish(ax, title, ylabel, source, synthetic, make_room=False)
    data.plot.bar(rot=0, ax=ax)
    ax.axhline(0.0, color="0.3", linewidth=0.8)
    ax.set_xlabel("")
    handles, labels = ax.get_legend_handles_labels()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    return _finish(ax, title, ylabel, source, synthetic, legend=(handles, labels, None))
