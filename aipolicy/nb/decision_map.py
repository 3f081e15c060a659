"""Notebook 07's views of a sweep: option maps, break-evens, robustness, and the answer
(its tables are in :mod:`aipolicy.nb.views.decision_tables`).

The sweep's frame has one row per cell (see :data:`aipolicy.sweep.store.COLUMNS`). A map
takes, for each (row, volume) of the map, the cheapest cell over the axes the map does not
show (e.g. the best GPU for a map over open models): the option a buyer free to pick them
would choose. Money is USD per month, volumes tokens per day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from aipolicy.nb.answer import Answer
from aipolicy.nb.format import fmt_scaled
from aipolicy.sweep.evaluate import API_OPTIONS, OPTIONS, SELFHOST_OPTIONS

__all__ = ["OPTION_COLOURS", "OPTION_NAMES", "best_cells", "breakeven_frame", "plot_breakevens",
           "choose_preset", "decision_answer", "grid_counts", "models_by_quality", "option_counts",
           "plot_option_map", "plot_probability_map", "preset_model", "record_figures",
           "robustness", "source_text", "volume_text"]

#: Readable option names (the sweep's option keys).
OPTION_NAMES = {
    "api": "named API", "api_match": "cheapest API at least as good",
    "hosted": "same open weights, hosted per token", "rent": "self-host, rented GPUs",
    "buy": "self-host, bought GPUs", "hybrid": "hybrid (own fleet + API overflow)",
    "none": "not servable",
}
#: The options as the subject of a sentence (the answer's headline).
OPTION_SUBJECTS = {
    "api": "The named API", "api_match": "The cheapest per-token API at least as good",
    "hosted": "Paying per token for the same open weights",
    "rent": "Self-hosting on rented GPUs", "buy": "Self-hosting on bought GPUs",
    "hybrid": "The hybrid", "none": "No option",
}
#: One colour per option: per-token options in blues, self-hosting in oranges/reds.
OPTION_COLOURS = {"api": "#9ecae1", "api_match": "#4292c6", "hosted": "#08519c",
                  "rent": "#fd8d3c", "buy": "#d94801", "hybrid": "#7f2704", "none": "#d9d9d9"}


def volume_text(tokens_per_day: float) -> str:
    """``3.2 M``, ``1 bn``, ``100 k`` tokens/day (the map's labels; the one spelling of
    :func:`aipolicy.nb.format.fmt_scaled`)."""
    return fmt_scaled(tokens_per_day)


def model_label(frame: pd.DataFrame, model: str) -> str:
    """``llama-3.3-70b (1276)``: the open model with its LMArena rating."""
    q = frame.loc[frame["open_model"] == model, "open_quality"]
    q = q.iloc[0] if len(q) else math.nan
    return model if not np.isfinite(q) else f"{model} ({q:.0f})"


def best_cells(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """The cheapest cell of each ``by`` + volume group (ties: the first in cell order).

    Cells that cannot be served (``cheapest == "none"``) lose to any servable one.
    """
    keyed = frame.assign(_cost=frame["cheapest_usd"].fillna(np.inf))
    idx = keyed.sort_values([*by, "tokens_per_day", "_cost", "cell"], kind="stable") \
        .groupby([*by, "tokens_per_day"], sort=False).head(1).index
    return frame.loc[idx].sort_values([*by, "tokens_per_day"], kind="stable")


def _pivot(cells: pd.DataFrame, row: str, value: str, order: Sequence[str]) -> pd.DataFrame:
    wide = cells.pivot(index=row, columns="tokens_per_day", values=value)
    return wide.reindex([o for o in order if o in wide.index])


def plot_option_map(cells: pd.DataFrame, row: str, order: Sequence[str], *, title: str,
                    ylabel: str, source: str, labels: dict[str, str] | None = None,
                    ax: Any = None) -> Any:
    """Categorical map: the cheapest option per (``row``, volume), one colour per option."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from aipolicy.nb.theme import source_line

    wide = _pivot(cells, row, "cheapest", order)
    keys = [*OPTIONS, "none"]
    codes = wide.apply(lambda col: col.map({k: i for i, k in enumerate(keys)})).to_numpy(float)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.55 * len(wide) + 2.6))
    cmap = ListedColormap([OPTION_COLOURS[k] for k in keys])
    ax.imshow(codes, cmap=cmap, vmin=-0.5, vmax=len(keys) - 0.5, aspect="auto")
    _axes_labels(ax, wide, labels)
    ax.set_xlabel("volume (input + output tokens per day, log-spaced)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    shown = [k for k in keys if (wide == k).any().any()]
    _multiples(ax, cells, row, order, wide)
    ax.legend(handles=[Patch(color=OPTION_COLOURS[k], label=OPTION_NAMES[k]) for k in shown],
              loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=min(3, len(shown)),
              frameon=False, fontsize=8,
              title="colour: the cheapest option; number: self-hosting's cost as a multiple of "
                    "it (1.0 = self-hosting is the cheapest)", title_fontsize=8)
    source_line(ax, source, synthetic=False, loc="lower left", make_room=True)
    return ax


def selfhost_multiple(cells: pd.DataFrame) -> pd.Series:
    """The cheaper self-hosted option's monthly cost over the cheapest option's, per cell
    (1.0 where self-hosting is the cheapest; NaN where neither is priced)."""
    own = cells[["rent_usd", "buy_usd"]].min(axis=1, skipna=True)
    return own / cells["cheapest_usd"]


def _multiples(ax: Any, cells: pd.DataFrame, row: str, order: Sequence[str],
               winners: pd.DataFrame) -> None:
    """Write each cell's :func:`selfhost_multiple` on the map, in a colour it can be read on
    (white on the dark option colours)."""
    from matplotlib.colors import to_rgb

    wide = _pivot(cells.assign(_multiple=selfhost_multiple(cells)), row, "_multiple", order)
    for (i, j), v in np.ndenumerate(wide.to_numpy(float)):
        if np.isfinite(v):
            text = f"{v:.1f}" if v < 10 else (f"{v:.0f}" if v < 100 else ">99")
            r, g, b = to_rgb(OPTION_COLOURS.get(winners.iat[i, j], "#d9d9d9"))
            dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
            ax.text(j, i, text, ha="center", va="center", fontsize=7,
                    color="white" if dark else "black")


def probability_sentence(cells: pd.DataFrame, robust: float, preset: str) -> str:
    """What a one-colour probability map would show, as a sentence (see
    :func:`probability_map_informative`)."""
    p = cells["p_selfhost_cheaper"].to_numpy(float)
    if len(p) and (p[np.isfinite(p)] >= robust).all():
        return (f"Preset {preset}: self-hosting is the cheapest in at least {robust:.0%} of the "
                "draws in every cell; no cell is a coin toss.")
    return (f"Preset {preset}: self-hosting is the cheapest in at most {1 - robust:.0%} of the "
            "draws in every cell: a per-token option wins robustly everywhere; no cell is a "
            "coin toss.")


def probability_map_informative(cells: pd.DataFrame, robust: float) -> bool:
    """Whether a probability map would show more than one colour: some cell is a coin toss
    or the robust cells fall on both sides (otherwise one sentence says all of it)."""
    p = cells["p_selfhost_cheaper"].to_numpy(float)
    p = p[np.isfinite(p)]
    if not len(p):
        return False
    toss = ((1 - robust) < p) & (p < robust)
    return bool(toss.any() or ((p >= robust).any() and (p <= 1 - robust).any()))


def _axes_labels(ax: Any, wide: pd.DataFrame, labels: dict[str, str] | None) -> None:
    cols = list(wide.columns)
    step = max(1, len(cols) // 12)
    ax.set_xticks(range(0, len(cols), step))
    ax.set_xticklabels([volume_text(c) for c in cols[::step]], rotation=0, fontsize=8)
    ax.set_yticks(range(len(wide)))
    ax.set_yticklabels([(labels or {}).get(i, i) for i in wide.index], fontsize=8)
    ax.grid(False)


def plot_probability_map(cells: pd.DataFrame, row: str, order: Sequence[str], *, title: str,
                         ylabel: str, source: str, robust: float,
                         labels: dict[str, str] | None = None, ax: Any = None) -> Any:
    """P(self-host cheaper) per (``row``, volume); ``robust`` and ``1 - robust`` outlined."""
    import matplotlib.pyplot as plt

    from aipolicy.nb.theme import source_line

    wide = _pivot(cells, row, "p_selfhost_cheaper", order)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.55 * len(wide) + 2.2))
    im = ax.imshow(wide.to_numpy(float), cmap="RdBu_r", vmin=0, vmax=1, aspect="auto")
    _axes_labels(ax, wide, labels)
    vals = wide.to_numpy(float)
    for (i, j), v in np.ndenumerate(vals):
        if np.isfinite(v) and (1 - robust) < v < robust:
            ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=7)
    cbar = plt.colorbar(im, ax=ax, fraction=0.03, pad=0.02)
    cbar.set_label("P(self-hosting cheaper than every per-token option)")
    ax.set_xlabel("volume (input + output tokens per day, log-spaced)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    source_line(ax, source, synthetic=False, loc="lower left", make_room=True)
    return ax


def option_counts(cells: pd.DataFrame) -> pd.Series:
    """Cells won by each option (options that win none left out), most first."""
    counts = cells["cheapest"].value_counts()
    return counts.reindex([k for k in [*OPTIONS, "none"] if k in counts.index]) \
        .sort_values(ascending=False, kind="stable")


def robustness(cells: pd.DataFrame, robust: float) -> pd.Series:
    """Cells where self-hosting wins robustly (P >= robust), loses robustly (P <= 1 - robust),
    or where it is a coin toss (in between); NaN P (no draws, not servable) left out."""
    p = cells["p_selfhost_cheaper"].dropna()
    return pd.Series({"self-hosting cheaper (robust)": int((p >= robust).sum()),
                      "per-token cheaper (robust)": int((p <= 1 - robust).sum()),
                      "coin toss": int(((p > 1 - robust) & (p < robust)).sum())})


def breakeven_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Per config (preset, open model, GPU): the break-even of each mode vs each API option.

    Returns
    -------
    DataFrame
        One row per config; columns ``preset``, ``open_model``, ``gpu``, then for each API
        option the lower of the rent and buy break-evens (tokens/day; NaN: not reached).
    """
    first = frame.drop_duplicates("config").set_index("config")
    out = first[["preset", "open_model", "gpu"]].copy()
    for key in API_OPTIONS:
        out[key] = np.fmin(first[f"breakeven_rent_vs_{key}"], first[f"breakeven_buy_vs_{key}"])
    return out.reset_index(drop=True)


def plot_breakevens(frame: pd.DataFrame, preset: str, *, source: str, ax: Any = None) -> Any:
    """Break-even (tokens/day, log axis) of each open model against each per-token option.

    Open models from the best rated down; per model the lower break-even of its GPUs and of
    rent and buy. A model whose self-hosting never breaks even against an option has no marker
    for it.
    """
    import matplotlib.pyplot as plt

    from aipolicy.nb.theme import source_line

    cells = frame[frame["preset"] == preset]
    order, labels = models_by_quality(cells)
    be = breakeven_frame(cells).groupby("open_model")[list(API_OPTIONS)].min().reindex(order)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4.6))
    x = np.arange(len(order))
    for key, marker in zip(API_OPTIONS, ("o", "s", "D"), strict=True):
        y = be[key].to_numpy(float)
        if np.isfinite(y).any():
            ax.plot(x, y, marker=marker, linestyle="-", color=OPTION_COLOURS[key],
                    label=f"vs {OPTION_NAMES[key]}")
    ax.set_yscale("log")
    finite = be.to_numpy(float)[np.isfinite(be.to_numpy(float))]
    if finite.size:  # whole decades around the data, so every decade has its label
        ax.set_ylim(10 ** np.floor(np.log10(finite.min())), 10 ** np.ceil(np.log10(finite.max())))
    ax.set_xticks(x)
    ax.set_xticklabels([labels[m] for m in order], fontsize=8)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: volume_text(v)))
    ax.set_ylabel("break-even (tokens/day)")
    ax.set_xlabel("open model (LMArena rating), best rated first")
    ax.set_title(f"Where self-hosting breaks even, preset {preset} (best GPU, rent or buy)")
    ax.legend(loc="upper left", fontsize=8)
    source_line(ax, source, synthetic=False, loc="lower right", make_room=True)
    return ax


def grid_counts(frame: pd.DataFrame, preset: str) -> dict[str, int]:
    """The counts a page about ``preset`` gives, from one place so they never disagree.

    Returns
    -------
    dict
        ``presets``, ``models``, ``gpus``, ``volumes`` (of ``preset``); ``cells`` (priced
        cells of ``preset``: one per open model, GPU, request shape and volume); ``pairs``
        (model-and-volume pairs: the cells of a map, each the best GPU's); ``sweep_cells``
        (priced cells of every preset).
    """
    cells = frame[frame["preset"] == preset]
    return {"presets": int(frame["preset"].nunique()), "models": int(cells["open_model"].nunique()),
            "gpus": int(cells["gpu"].nunique()), "volumes": int(cells["tokens_per_day"].nunique()),
            "cells": int(len(cells)),
            "pairs": int(len(cells.drop_duplicates(["open_model", "tokens_per_day"]))),
            "sweep_cells": int(len(frame))}


def decision_answer(frame: pd.DataFrame, preset: str, *, robust: float,
                    manifest: dict[str, Any]) -> Answer:
    """The notebook's answer for one preset's cells (the best GPU per model and volume)."""
    cells = frame[frame["preset"] == preset]
    best = best_cells(cells, ["open_model"])
    counts = option_counts(best)
    k = grid_counts(frame, preset)
    n = k["pairs"]
    top = counts.index[0]
    own = best[best["cheapest"].isin([*SELFHOST_OPTIONS, "hybrid"])]
    vols = sorted(set(cells["tokens_per_day"]))
    shapes = sorted({(i, o) for i, o in zip(cells["input_tokens"], cells["output_tokens"],
                                            strict=True)})
    shape = ("; ".join(f"{i:,.0f} input / {o:,.0f} output" for i, o in shapes)
             + " tokens per request")
    context = (f"Preset {preset}: {shape}; {k['models']} open models x {k['gpus']} GPUs x "
               f"{k['volumes']} volumes from {volume_text(vols[0])} to {volume_text(vols[-1])} "
               f"tokens/day: {k['cells']:,} priced cells, read as the best GPU for each of "
               f"{n} model-and-volume pairs")
    if own.empty:
        headline = (f"{OPTION_SUBJECTS[top]} is the cheapest option for {counts[top]} of the {n} "
                    "model-and-volume pairs; self-hosting is never the cheapest on this grid.")
    else:
        low = own.sort_values(["tokens_per_day", "cheapest_usd"]).iloc[0]
        headline = (f"{OPTION_SUBJECTS[top]} is the cheapest option for {counts[top]} of the {n} "
                    "model-and-volume pairs; self-hosting first wins at "
                    f"{volume_text(low['tokens_per_day'])} tokens/day ({low['open_model']} on "
                    f"{low['gpu']}, {OPTION_NAMES[low['cheapest']]}).")
    points = [f"The cheapest option of each of the {n} pairs (best GPU each): "
              + "; ".join(f"{OPTION_NAMES[o]}: {v}" for o, v in counts.items()) + "."]
    named = cells["api_model"].iloc[0]
    be = breakeven_frame(cells)
    be_api = be.groupby("open_model")["api"].min().dropna()
    if len(be_api):
        m = be_api.idxmin()
        points.append(f"Against {named} alone, self-hosting breaks even from "
                      f"{volume_text(be_api[m])} tokens/day ({m}, best GPU); against the same "
                      "weights hosted per token it "
                      + ("never does on this grid." if be["hosted"].isna().all() else
                         f"does from {volume_text(be['hosted'].min())} tokens/day at best."))
    if manifest["draws"]:
        r = robustness(best, robust)
        points.append(f"With {manifest['draws']:,} draws a cell, of the {n} pairs: {r.iloc[0]} "
                      f"robustly self-hosted (P >= {robust:.0%}), {r.iloc[1]} robustly per "
                      f"token, {r.iloc[2]} a coin toss.")
    worst = best.loc[best["cheapest"] == "none", "open_model"].unique()
    if len(worst):
        points.append(f"Not servable on any GPU of the grid under its latency target: "
                      f"{', '.join(worst)}.")
    return Answer(
        question="Across models, GPUs and volumes, where does self-hosting pay, and how sure "
                 "is that?",
        context=context, headline=headline, points=points,
        caveat=(f"Each cell is the cost model at {manifest['catalog']['price_data']}; the open "
                "models differ in quality (LMArena rating beside each name), so compare a row "
                "with the API options at its own quality."))


def choose_preset(preset: str | None, presets: Sequence[str]) -> str:
    """The preset the answer is about: ``preset``, or the sweep's first when None.

    Raises
    ------
    InvalidInputError
        ``preset`` is not in the sweep (the message lists those that are).
    """
    from aipolicy.errors import InvalidInputError

    if preset is None:
        return presets[0]
    if preset not in presets:
        raise InvalidInputError(f"preset {preset!r} is not in the sweep; it has "
                                f"{', '.join(presets)}", field="preset", value=preset)
    return preset


def models_by_quality(cells: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    """Open models from the best rated down (unrated last) and their labels with the rating."""
    q = cells.drop_duplicates("open_model").set_index("open_model")["open_quality"]
    order = list(q.fillna(-np.inf).sort_values(ascending=False, kind="stable").index)
    return order, {m: model_label(cells, m) for m in order}


def preset_model(cells: pd.DataFrame) -> str:
    """The preset's own open model when the sweep has it, else the sweep's first."""
    from aipolicy.costs.compare.presets import PRESETS

    own = PRESETS[cells["preset"].iloc[0]].build.get("open_model")
    models = list(dict.fromkeys(cells["open_model"]))
    return own if own in models else models[0]


def source_text(manifest: dict[str, Any]) -> str:
    """The charts' source line: the cost models and the price data of the sweep."""
    cat = manifest["catalog"]
    valued = manifest["grid"].get("as_of")
    when = f"in force on {valued}" if valued else f"as of {cat['price_as_of']}"
    return (f"aipolicy {cat['aipolicy']} cost models over the grid '{manifest['grid']['name']}'"
            f"; API prices genai-prices {when}; GPU, throughput and server "
            "figures from the aipolicy catalogs (sources in notebook 01)")


def record_figures(frame: pd.DataFrame, preset: str, *, robust: float,
                   manifest: dict[str, Any]) -> None:
    """Record the index's headline figures for ``preset``."""
    from aipolicy.record import record

    cells = frame[frame["preset"] == preset]
    best = best_cells(cells, ["open_model"])
    counts = option_counts(best)
    record("preset", preset, label="Preset", fmt="text")
    k = grid_counts(frame, preset)
    record("cells", k["sweep_cells"], fmt="count",
           label=f"Priced cells ({k['presets']} presets)" if k["presets"] > 1 else "Priced cells")
    record("pairs", k["pairs"], label=f"Model-and-volume pairs ({preset})", fmt="count")
    record("cheapest_in_most_cells", OPTION_NAMES[counts.index[0]],
           label="Cheapest for most pairs", fmt="text")
    own = best[best["cheapest"].isin([*SELFHOST_OPTIONS, "hybrid"])]
    record("selfhost_first_wins_tokens_per_day",
           float(own["tokens_per_day"].min()) if len(own) else None,
           label="Self-hosting first cheapest at", fmt="tokens_per_day")
    if manifest["draws"]:
        record("coin_toss_cells", int(robustness(best, robust).iloc[2]),
               label=f"Coin-toss pairs (P between {1 - robust:.0%} and {robust:.0%})",
               fmt="count")
