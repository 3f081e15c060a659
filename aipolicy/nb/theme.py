"""The package's one seaborn theme and the source line every plot carries (inside its axes)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

PALETTE = "colorblind"


def set_theme() -> None:
    """Apply aipolicy's seaborn theme (white grid, colour-blind palette, readable sizes).

    Inside a Jupyter kernel it also selects the inline backend: kernels started by the report
    runner, papermill or nbval run with ``MPLBACKEND=agg`` (deterministic, no display), under
    which ``plt.show()`` would embed nothing in the notebook.
    """
    import seaborn as sns

    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None and getattr(shell, "kernel", None) is not None:
            shell.run_line_magic("matplotlib", "inline")
    except ImportError:  # pragma: no cover - IPython is a dependency
        pass

    sns.set_theme(
        context="notebook",
        style="whitegrid",
        palette=PALETTE,
        rc={
            "figure.figsize": (9.0, 4.8),
            "figure.dpi": 100,
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
        },
    )


#: Colour of the "SAMPLE DATA (synthetic)" mark (dark red).
SYNTHETIC_COLOUR = "#8b0000"

#: Text of the mark on charts of synthetic data.
SYNTHETIC_MARK = "SAMPLE DATA (synthetic)"

#: gid of the synthetic-data mark inside the axes (see :func:`source_line`).
MARK_GID = "aipolicy-synthetic-mark"

#: gid of the invisible twin of the source line inside the axes (see :func:`source_line`).
CAPTION_TWIN_GID = "aipolicy-source-line-twin"

#: Anchor points (axes fraction) and alignments of the four corners.
_CORNERS: dict[str, tuple[float, float, str, str]] = {
    "lower left": (0.01, 0.015, "left", "bottom"),
    "lower right": (0.99, 0.015, "right", "bottom"),
    "upper left": (0.01, 0.985, "left", "top"),
    "upper right": (0.99, 0.985, "right", "top"),
}

# A file URL, a POSIX absolute or home path (two components at least, not inside a URL or a
# relative path such as ``docs/source/x.md``), a Windows drive path (directory names may hold
# spaces) or a UNC share path.
_SEG = r"[^\s/\\;,()\[\]{}\"'<>|]"
_LOCAL_PATHS = (
    re.compile(r"file://(?:localhost)?/\S*"),
    re.compile(rf"(?<![\w.:/\\~%)\]-])~?/(?:{_SEG}+/)+{_SEG}*"),
    re.compile(r"(?<![\w])[A-Za-z]:[\\/](?:[^\\/\n;,()\[\]\"'<>|]+[\\/])*"
               r"[^\\/\s;,()\[\]\"'<>|]*"),
    re.compile(r"(?<![\w\\])\\\\[^\s\\;,()]+\\(?:[^\\\n;,()\"'<>|]+\\)*"
               r"[^\\\s;,()\"'<>|]*"),
)


def _path_name(match: re.Match[str]) -> str:
    parts = [p for p in re.split(r"[\\/]", match.group(0)) if p and p != "~"]
    return parts[-1] if parts else "local file"


def strip_local_paths(text: str) -> str:
    """``text`` with every absolute local path replaced by its last component (the file name).

    Charts end up in shared HTML reports: a path such as ``/home/me/prices/NVDA.csv`` or
    ``C:\\Users\\me\\prices`` says nothing to a reader and leaks the author's folders. URLs
    (``https://...``) and repository-relative paths (``docs/source/perf.md``) are kept.

    Parameters
    ----------
    text : str
        A source line, title or label.

    Returns
    -------
    str
        The text with ``/abs/dir/file.csv`` -> ``file.csv``, ``/abs/dir/`` -> ``dir``,
        ``file:///x/y`` -> ``y``, ``~/dir/x`` -> ``x``, ``C:\\x\\y`` -> ``y``,
        ``\\\\srv\\share\\x`` -> ``x``. A single component (``/tmp``) is kept.
    """
    for pattern in _LOCAL_PATHS:
        text = pattern.sub(_path_name, text)
    return text


def _wrap(text: str, ax: Any, fontsize: float, width: float = 1.0) -> str:
    """``text`` wrapped to ``width`` (fraction) of the width of ``ax``.

    The characters per line are estimated from the axes width in points and the font size.
    """
    import textwrap

    fig = ax.figure
    width_pt = width * ax.get_position().width * fig.get_figwidth() * 72.0
    chars = max(24, int(0.94 * width_pt / (0.55 * fontsize)))
    return "\n".join(
        "\n".join(textwrap.wrap(par, chars, break_on_hyphens=False)) or par
        for par in text.split("\n")
    )


def _within_span(base: Any, lo: float, hi: float) -> Any:
    """A tick locator giving the ticks of ``base`` inside ``[lo, hi]`` (data units) only.

    It keeps the bands of :func:`reserve_bands` free of ticks and grid lines.
    """
    from matplotlib.ticker import Locator

    class WithinSpan(Locator):
        def __init__(self) -> None:
            self.base = base
            self.span = (min(lo, hi), max(lo, hi))

        def set_axis(self, axis: Any) -> None:
            super().set_axis(axis)
            self.base.set_axis(axis)

        def _keep(self, ticks: Any) -> list[float]:
            low, high = self.span
            tol = 1e-9 * max(abs(high - low), 1e-300)
            return [t for t in ticks if low - tol <= t <= high + tol]

        def __call__(self) -> list[float]:
            vmin, vmax = self.axis.get_view_interval()
            return self.tick_values(vmin, vmax)

        def tick_values(self, vmin: float, vmax: float) -> list[float]:
            # the base picks its ticks for the data's span, as if the bands were not there
            low, high = self.span
            lo, hi = max(min(vmin, vmax), low), min(max(vmin, vmax), high)
            if lo >= hi:
                return []
            return self._keep(self.base.tick_values(lo, hi))

    return WithinSpan()


def _band_fraction(ax: Any, artist: Any, where: str, gap_pt: float) -> float:
    """Share of the axes height from the ``where`` edge to the far side of ``artist``."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer() if hasattr(fig.canvas, "get_renderer") else None
    ext = artist.get_window_extent(renderer)
    box = ax.get_window_extent(renderer)
    if box.height <= 0:
        return 0.0
    pad_pt = 0.0
    patch = artist.get_bbox_patch() if hasattr(artist, "get_bbox_patch") else None
    if patch is not None:  # the box reaches ``pad`` (in font sizes) beyond the text
        pad_pt = float(getattr(patch.get_boxstyle(), "pad", 0.3)) * artist.get_fontsize()
    gap = (gap_pt + pad_pt) * fig.dpi / 72.0
    need = (ext.y1 - box.y0 + gap) if where == "bottom" else (box.y1 - ext.y0 + gap)
    return min(max(need / box.height, 0.0), 0.4)


def reserve_bands(ax: Any, *, bottom: Any = None, top: Any = None, gap_pt: float = 3.0
                  ) -> tuple[float, float]:
    """Widen the y-limits of ``ax`` so the given artists sit in empty bands at its edges.

    The data keep their current y-range; the axes grow by a band at the bottom as tall as
    ``bottom`` reaches into the axes and one at the top for ``top`` (plus ``gap_pt``
    points). Ticks and grid lines are dropped inside the bands, so a caption or mark placed
    there covers no data. Works on linear, log and inverted axes (e.g. heatmaps). Call it
    once, after the data are plotted.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    bottom, top : matplotlib.text.Text or list of them, optional
        Texts (with or without box) positioned in axes coordinates at that edge; the band
        is as tall as the tallest.
    gap_pt : float
        Extra room between an artist and the data, in points.

    Returns
    -------
    tuple of float
        Heights of the bottom and top bands as fractions of the axes height.
    """
    def need(artists: Any, where: str) -> float:
        if artists is None:
            return 0.0
        if not isinstance(artists, list | tuple):
            artists = [artists]
        return max((_band_fraction(ax, a, where, gap_pt) for a in artists), default=0.0)

    fb, ft = need(bottom, "bottom"), need(top, "top")
    if fb <= 0 and ft <= 0:
        return fb, ft
    scale = ax.yaxis.get_transform()
    a, b = ax.get_ylim()  # a at the bottom edge, b at the top (a > b when inverted)
    sa, sb = scale.transform([a, b])
    span = (sb - sa) / (1.0 - fb - ft)  # the data's span fills 1 - fb - ft of the axes
    new_a, new_b = scale.inverted().transform([sa - fb * span, sb + ft * span])
    ax.set_ylim(new_a, new_b)
    for which in ("major", "minor"):
        loc = getattr(ax.yaxis, f"get_{which}_locator")()
        getattr(ax.yaxis, f"set_{which}_locator")(_within_span(loc, a, b))
    return fb, ft


def source_line(
    ax: Any,
    text: str,
    *,
    synthetic: bool = False,
    loc: str = "lower left",
    mark_loc: str | None = None,
    fontsize: float = 7.0,
    width: float = 1.0,
    make_room: bool = False,
    keep_clear: Sequence[Any] = (),
) -> Any:
    """Write ``Source: text`` inside the axes ``ax`` and mark synthetic data as such.

    The caption sits in a corner of the plot area (axes coordinates, small grey font on a
    semi-transparent white box), so a chart cropped to its axes keeps it; it is wrapped to
    ``width`` of the axes' width. Absolute local paths are reduced to their file name
    (:func:`strip_local_paths`). The caption is a figure text positioned with
    ``ax.transAxes`` (it is listed in ``fig.texts``); an invisible twin inside the axes makes
    ``legend(loc="best")`` avoid it.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to annotate.
    text : str
        Where the numbers come from, with as-of date.
    synthetic : bool
        Prefix the caption with ``SAMPLE DATA (synthetic)`` and put a bold dark-red mark of
        the same words in another corner of the axes, so a reader never mistakes the chart
        for market data.
    loc : {"lower left", "lower right", "upper left", "upper right"}
        Corner of the caption.
    mark_loc : str, optional
        Corner of the synthetic-data mark, another than ``loc``; default the opposite corner
        (``"upper right"`` for a ``"lower left"`` caption).
    fontsize : float
        Caption font size in points (the mark is 2 points larger).
    width : float
        Share of the axes width the caption may use before it wraps (0 to 1).
    make_room : bool
        Widen the y-limits so the caption (and the mark) sit in bands of their own that hold
        no data (:func:`reserve_bands`). Call it after the data are plotted.
    keep_clear : sequence of matplotlib artists
        With ``make_room``, other artists placed at the top or bottom edge inside the axes
        (e.g. a legend at ``"upper left"``) whose band must hold them too.

    Returns
    -------
    matplotlib.text.Text
        The caption.
    """
    if loc not in _CORNERS:
        raise ValueError(f"loc must be one of {', '.join(_CORNERS)}, got {loc!r}")
    label = f"Source: {strip_local_paths(text)}"
    if synthetic:
        label = f"{SYNTHETIC_MARK} | " + label
    label = _wrap(label, ax, fontsize, width)
    x, y, ha, va = _CORNERS[loc]
    style = {"ha": ha, "va": va, "fontsize": fontsize, "transform": ax.transAxes,
             "linespacing": 1.15}
    caption = ax.figure.text(
        x, y, label, color="0.25", zorder=6,
        bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none",
              "alpha": 0.8},
        **style,
    )
    caption.set_gid("aipolicy-source-line")
    # the caption is a figure text (tests and readers find it in ``fig.texts``); its twin in
    # the axes, never painted, is what ``legend(loc="best")`` steers clear of
    ax.text(x, y, label, color="none", gid=CAPTION_TWIN_GID, **style)
    mark = None
    if synthetic:
        if mark_loc is None:
            vert, side = loc.split()
            mark_loc = (f"{'lower' if vert == 'upper' else 'upper'} "
                        f"{'left' if side == 'right' else 'right'}")
        if mark_loc not in _CORNERS or mark_loc == loc:
            raise ValueError(f"mark_loc must be a corner other than loc, got {mark_loc!r}")
        mx, my, mha, mva = _CORNERS[mark_loc]
        mark = ax.text(
            mx, my, SYNTHETIC_MARK, transform=ax.transAxes, ha=mha, va=mva,
            fontsize=fontsize + 2, fontweight="bold", color=SYNTHETIC_COLOUR, zorder=6,
            gid=MARK_GID,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white",
                  "edgecolor": SYNTHETIC_COLOUR, "linewidth": 1.0, "alpha": 0.85},
        )
    if make_room:
        bands: dict[str, list[Any]] = {"lower": [], "upper": []}
        bands[loc.split()[0]].append(caption)
        if mark is not None:
            bands[mark_loc.split()[0]].append(mark)
        if keep_clear:
            box = ax.get_window_extent()
            for artist in keep_clear:
                ext = artist.get_window_extent()
                upper = (ext.y0 + ext.y1) / 2 > (box.y0 + box.y1) / 2
                bands["upper" if upper else "lower"].append(artist)
        reserve_bands(ax, bottom=bands["lower"], top=bands["upper"])
    return caption
