"""The package's one seaborn theme and the source line every plot carries."""

from __future__ import annotations

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


def source_line(ax: Any, text: str, *, synthetic: bool = False) -> None:
    """Write ``Source: text`` under the axes ``ax`` (and mark synthetic data as such).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to annotate; the text goes at the figure's bottom-left.
    text : str
        Where the numbers come from, with as-of date.
    synthetic : bool
        Prefix ``SAMPLE DATA (synthetic)`` so a reader never mistakes it for market data.
    """
    label = f"Source: {text}"
    if synthetic:
        label = "SAMPLE DATA (synthetic) | " + label
    fig = ax.figure
    fig.text(0.01, -0.02, label, ha="left", va="top", fontsize=8, color="0.35")
