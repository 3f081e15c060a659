"""The cost notebooks' charts: one function per chart, each returning the matplotlib ``Axes``.

Every chart carries units on its axes and a source line naming where the scenario's figures come
from (:func:`sources_text`). Money is USD; "monthly" is USD per month.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from aipolicy.costs.compare.fields import field_label
from aipolicy.nb.cells import display_unit
from aipolicy.nb.theme import strip_local_paths
from aipolicy.record import fmt_scaled, scale_of, share_text

#: Readable names of the monthly cost components.
COMPONENT_LABELS: dict[str, str] = {
    "tokens": "API tokens",
    "gpu_rental": "GPU rental",
    "depreciation": "hardware depreciation",
    "cost_of_capital": "cost of capital",
    "maintenance": "maintenance",
    "power": "power",
    "facilities": "facilities",
    "staff": "staff",
    "platform": "platform / tooling",
    "implementation": "implementation (amortised)",
}

_HIDDEN = ("staff", "platform", "implementation", "power", "facilities", "maintenance")


#: Where the short name of a catalog source ends: a parenthesis, a bracket or a link.
_SOURCE_LEAD_END = re.compile(r" \(| \[| github\.com/| https?://")


def _short_source(src: str) -> str:
    """The lead of a catalog source (its name without commit, link or detail)."""
    return _SOURCE_LEAD_END.split(src, maxsplit=1)[0].strip()


def sources_text(scenario: Any) -> str:
    """One line naming where the scenario's main figures come from, with their as-of dates."""
    prov = scenario.provenance
    parts = []
    for key, label in (("api_output_per_mtok_usd", "API prices"),
                       ("gpu_hour_usd" if scenario.acquisition == "rent" else "server_price_usd",
                        "GPU rental" if scenario.acquisition == "rent" else "servers"),
                       ("throughput_tok_s", "throughput")):
        p = prov.get(key)
        if p is None:
            continue
        src = _short_source(strip_local_paths(p.source))
        as_of = "" if p.as_of == "undated" else f", {p.as_of}"
        est = f" ({scenario.throughput_basis})" if key == "throughput_tok_s" \
            else ""
        parts.append(f"{label}: {src}{as_of}{est}")
    parts.append("other inputs: see the assumptions table")
    return "; ".join(parts)


def _ax(ax: Any, figsize: tuple[float, float] | None = None) -> Any:
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize)
    return ax


def _source(ax: Any, text: str, *, keep_clear: tuple[Any, ...] = ()) -> None:
    """Source line inside the axes, in a band below the data.

    One implementation for every chart: :func:`aipolicy.nb.theme.source_line` (cost charts
    come from catalogs, never synthetic data). ``keep_clear``: artists at the top or bottom
    edge (a legend) that the bands must hold too.
    """
    from aipolicy.nb.theme import source_line

    source_line(ax, text, make_room=True, keep_clear=keep_clear)


def fmt_axis_tick(value: float, prefix: str = "") -> str:
    """Axis tick in the report's one spelling of large numbers (:func:`fmt_scaled`), with as
    many decimals (up to 2) as the tick needs: ``$950``, ``$2.5 k``, ``$1.25 M``, ``-$3 k``,
    ``150 M``."""
    word, size = scale_of(value)
    n = abs(value) / size
    places = next((d for d in (0, 1, 2) if abs(round(n, d) - n) < 1e-9 * max(n, 1.0)), 2)
    return fmt_scaled(value, places, prefix=prefix)


def fmt_axis_usd(value: float) -> str:
    """USD axis tick: :func:`fmt_axis_tick` with a dollar sign (``$2.5 k``)."""
    return fmt_axis_tick(value, prefix="$")


def _kusd(ax: Any, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    f = FuncFormatter(lambda v, _: fmt_axis_usd(v))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(f)


def plot_cost_curve(curve: Any, scenario: Any, ax: Any = None) -> Any:
    """API vs self-hosted (and hybrid, if present) monthly cost over tokens/day.

    The break-even is marked with a vertical line, the scenario's volume with a dotted one.
    """

    ax = _ax(ax)
    f = curve.frame
    x = f["tokens_per_day"]
    ax.plot(x, f["api_monthly_usd"], label="API (pay per token)", lw=2)
    ax.plot(x, f["selfhost_monthly_usd"], label=f"self-host ({scenario.acquisition})", lw=2,
            drawstyle="steps-post")
    if "hybrid_monthly_usd" in f:
        ax.plot(x, f["hybrid_monthly_usd"], label="best hybrid", lw=1.5, ls="--")
    be = curve.breakeven
    if be.reached and be.tokens_per_day is not None and be.tokens_per_day <= x.max():
        ax.axvline(be.tokens_per_day, color="0.2", lw=1)
        ax.annotate(f"break-even\n{fmt_scaled(be.tokens_per_day, 1)} tokens/day",
                    (be.tokens_per_day, ax.get_ylim()[1] * 0.95), ha="left", va="top",
                    fontsize=9, xytext=(4, 0), textcoords="offset points")
    here = scenario.workload.tokens_per_day
    ax.axvline(here, color="0.5", lw=1, ls=":")
    ax.annotate("this scenario", (here, ax.get_ylim()[1] * 0.6), rotation=90, fontsize=8,
                color="0.4", ha="right", va="top", xytext=(-2, 0), textcoords="offset points")
    ax.set_xlabel("volume (input + output tokens per day)")
    ax.set_ylabel("cost (USD per month)")
    _kusd(ax)
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_axis_tick(v)))
    ax.set_title("Monthly cost over volume")
    # the legend sits right of the plot, so the break-even line and its label never cross it
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    _source(ax, sources_text(scenario))
    return ax


def plot_cost_breakdown(breakdowns: Mapping[str, Mapping[str, float]], scenario: Any,
                        ax: Any = None) -> Any:
    """Horizontal stacked bars: monthly cost of each option split into its components.

    ``breakdowns`` maps option label -> component -> USD per month.
    """
    import seaborn as sns


    ax = _ax(ax)
    comps = [c for c in COMPONENT_LABELS
             if any(abs(b.get(c, 0.0)) > 0 for b in breakdowns.values())]
    colours = dict(zip(comps, sns.color_palette("colorblind", len(comps)), strict=True))
    labels = list(breakdowns)[::-1]
    left = np.zeros(len(labels))
    for c in comps:
        vals = np.array([breakdowns[lab].get(c, 0.0) for lab in labels])
        hatch = "//" if c in _HIDDEN else None
        ax.barh(labels, vals, left=left, color=colours[c], label=COMPONENT_LABELS[c],
                hatch=hatch, edgecolor="white")
        left += vals
    _kusd(ax, "x")
    ax.set_xlabel("cost (USD per month)")
    ax.set_title("Where the money goes (hatched: costs beyond GPUs and tokens)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)
    _source(ax, sources_text(scenario))
    return ax


def plot_tornado(table: pd.DataFrame, scenario: Any, ax: Any = None, top: int = 8) -> Any:
    """Tornado of the monthly saving of self-hosting (API minus self-host, USD per month)."""

    ax = _ax(ax)
    t = table.head(top).iloc[::-1]
    base = float(table["base_savings_usd"].iloc[0]) if len(table) else 0.0
    y = np.arange(len(t))
    lo = t["savings_at_low_usd"].to_numpy() - base
    hi = t["savings_at_high_usd"].to_numpy() - base
    ax.barh(y, lo, left=base, color="C0", label="input at its low value")
    ax.barh(y, hi, left=base, color="C1", label="input at its high value")
    ax.axvline(base, color="0.2", lw=1)
    ax.axvline(0, color="0.6", lw=1, ls=":")
    ax.set_yticks(y, [f"{field_label(p)} ({display_unit(u)})"
                      for p, u in zip(t["parameter"], t["unit"], strict=True)], fontsize=9)
    _kusd(ax, "x")
    ax.set_xlabel("monthly saving of self-hosting (USD per month; > 0: self-host cheaper)")
    ax.set_title("Which inputs move the answer (one at a time)")
    legend = _fitting_legend(ax, loc="upper right", ncol=2, fontsize=9)
    _source(ax, "aipolicy cost model; input ranges in the table above. "
                + sources_text(scenario), keep_clear=(legend,))
    return ax


def plot_savings_distribution(mc: Any, scenario: Any, ax: Any = None) -> Any:
    """Histogram of the Monte Carlo monthly saving of self-hosting, zero marked."""
    import seaborn as sns


    ax = _ax(ax)
    s = mc.samples["savings_monthly_usd"]
    sns.histplot(s, bins=60, ax=ax, color="C2", edgecolor="white", stat="probability")
    ax.axvline(0, color="0.2", lw=1.2)
    ax.set_xlabel("monthly saving of self-hosting (USD per month; > 0: self-host cheaper)")
    ax.set_ylabel("share of draws")
    _kusd(ax, "x")
    ax.set_title(f"Monte Carlo, {mc.draws:,} draws: self-hosting cheaper in "
                 f"{share_text(mc.p_selfhost_cheaper)} of them")
    _source(ax, f"aipolicy cost model, triangular input ranges, seed {mc.seed}. "
                + sources_text(scenario))
    return ax


def _fitting_legend(ax: Any, *, loc: str, ncol: int, **kwargs: Any) -> Any:
    """Legend of ``ax`` at ``loc`` with at most ``ncol`` columns, fewer if it would be wider
    than the axes (measured with the figure's renderer); on a white box, so reference lines
    crossing it stay behind."""
    legend = None
    kwargs = {"frameon": True, "facecolor": "white", "edgecolor": "none", "framealpha": 0.85,
              **kwargs}
    for n in range(max(ncol, 1), 0, -1):
        legend = ax.legend(loc=loc, ncol=n, **kwargs)
        renderer = ax.figure.canvas.get_renderer() if hasattr(ax.figure.canvas,
                                                              "get_renderer") else None
        if legend.get_window_extent(renderer).width <= ax.get_window_extent(renderer).width:
            break
    return legend


def hourly_title(hourly: pd.DataFrame, replicas: int, thin_share: float = 0.01) -> str:
    """Title of :func:`plot_hourly_split`: what the day's split is, honestly.

    Parameters
    ----------
    hourly : DataFrame
        ``requests_per_hour``, ``selfhost_requests_per_hour`` and ``api_requests_per_hour``
        (requests per hour) for each hour of the day.
    replicas : int
        Self-hosted replicas (count).
    thin_share : float
        Overflow share of the day's requests (fraction) below which the overflow is said to
        be too thin to see on the chart.

    Returns
    -------
    str
        ``"... no API overflow"`` when the API serves nothing, ``"... API overflow: 0.3 % of
        requests (too thin to see ...)"`` below ``thin_share``, otherwise the overflow share.
    """
    total = float(hourly["requests_per_hour"].sum())
    over = float(hourly["api_requests_per_hour"].sum())
    base = float(hourly["selfhost_requests_per_hour"].sum())
    if total <= 0:
        return "A day of load: no requests"
    if replicas == 0 or base <= 0:
        return "A day of load: every request goes to the API (no self-hosted replicas)"
    if over <= 0:
        return "A day of load: self-hosted base, no API overflow"
    share = over / total
    if share < thin_share:
        return ("A day of load: self-hosted base + API overflow\n"
                f"API overflow: {share_text(share)} of requests (too thin to see; "
                "its hours are marked)")
    return ("A day of load: self-hosted base, API for the peak\n"
            f"API overflow: {share_text(share)} of requests")


def plot_hourly_split(hourly: pd.DataFrame, scenario: Any, replicas: int, ax: Any = None,
                      *, thin_share: float = 0.01) -> Any:
    """Stacked hourly requests: served by ``replicas`` self-hosted replicas vs API overflow.

    The overflow (requests per hour beyond the replicas' capacity, sent to the API) is drawn
    in a contrasting colour with a black outline on top of the self-hosted base load; the
    legend and the title give its share of the day's requests (:func:`hourly_title`). When
    that share is below ``thin_share`` the hours with overflow are marked with triangles and
    the peak overflow is annotated, since the slice itself is too thin to see.

    Parameters
    ----------
    hourly : DataFrame
        ``hour`` (0-23), ``requests_per_hour``, ``selfhost_capacity_requests_per_hour``,
        ``selfhost_requests_per_hour`` and ``api_requests_per_hour`` (requests per hour), as
        in ``optimise_hybrid(scenario).hourly``.
    scenario : Scenario
        For the source line.
    replicas : int
        Self-hosted replicas (count).
    ax : matplotlib.axes.Axes, optional
    thin_share : float
        Overflow share of the day's requests (fraction, default 1 %) below which the
        overflow is marked and called too thin to see.

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.ticker import FuncFormatter
    from matplotlib.transforms import offset_copy

    ax = _ax(ax)
    h = hourly["hour"].to_numpy(dtype=float)
    base = hourly["selfhost_requests_per_hour"].to_numpy(dtype=float)
    over = hourly["api_requests_per_hour"].to_numpy(dtype=float)
    capacity = hourly["selfhost_capacity_requests_per_hour"].to_numpy(dtype=float)
    total = float(hourly["requests_per_hour"].sum())
    share = float(over.sum()) / total if total > 0 else 0.0
    noun = "replica" if replicas == 1 else "replicas"
    if base.sum() > 0:
        ax.bar(h, base, color="C0", label=f"self-hosted base load ({replicas} {noun})")
    if over.sum() > 0:
        hours = over > 0  # no outline on hours without overflow
        label = (f"API overflow ({share_text(share)} of requests)" if base.sum() > 0
                 else "API (every request)")
        ax.bar(h[hours], over[hours], bottom=base[hours], color="C3", edgecolor="black",
               linewidth=0.8, label=label)
    if capacity.max() > 0:
        ax.step(np.r_[h - 0.5, h[-1] + 0.5], np.r_[capacity, capacity[-1]], where="post",
                color="0.2", lw=1.2, ls="--", label="self-hosted capacity")
    ax.set_xlabel("hour of day")
    ax.set_ylabel("requests per hour")
    ax.set_xticks(range(0, 24, 2))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_title(hourly_title(hourly, replicas, thin_share))
    top = float(max(hourly["requests_per_hour"].max(), capacity.max()))
    ax.set_ylim(0, top * 1.3 if top > 0 else 1.0)
    if 0 < share < thin_share and base.sum() > 0:
        hours = over > 0
        above = offset_copy(ax.transData, fig=ax.figure, y=4, units="points")
        ax.scatter(h[hours], (base + over)[hours], marker="v", s=30, color="C3",
                   edgecolor="black", linewidths=0.6, zorder=4, transform=above,
                   label="hour with API overflow")
        peak = np.flatnonzero(over == over.max())
        i = int(peak[len(peak) // 2])
        ax.annotate(f"API overflow: up to {over.max():,.0f} requests/h",
                    (h[i], base[i] + over[i]), xytext=(0, 26), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8, color="0.15",
                    arrowprops={"arrowstyle": "-", "color": "0.3", "lw": 0.8,
                                "shrinkB": 9})
    legend = _fitting_legend(ax, loc="upper left", ncol=4, fontsize=8)
    _source(ax, "aipolicy load profile (assumption) and cost model. " + sources_text(scenario),
            keep_clear=(legend,))
    return ax


def plot_hybrid_cost(table: pd.DataFrame, scenario: Any, ax: Any = None) -> Any:
    """Monthly cost (USD per month) vs number of self-hosted replicas (0 = all API; last = all
    self-host); the replica axis has whole-number ticks only."""
    from matplotlib.ticker import MaxNLocator

    ax = _ax(ax)
    k = table["replicas"]
    ax.plot(k, table["total_monthly_usd"], marker="o", ms=4, lw=2, label="total")
    ax.plot(k, table["selfhost_monthly_usd"], lw=1.2, ls="--", label="self-hosted part")
    ax.plot(k, table["api_monthly_usd"], lw=1.2, ls=":", label="API part (overflow)")
    best = table[table["optimum"]].iloc[0]
    ax.scatter([best["replicas"]], [best["total_monthly_usd"]], s=120, facecolor="none",
               edgecolor="C3", lw=2, zorder=5, label=f"cheapest: {int(best['replicas'])}")
    ax.set_xlabel("self-hosted replicas (0 = all API)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("cost (USD per month)")
    _kusd(ax)
    ax.set_title("Cost vs number of self-hosted replicas")
    ax.legend(loc="best", fontsize=9)
    _source(ax, sources_text(scenario))
    return ax


def plot_cashflows(result: Any, scenario: Any, ax: Any = None) -> Any:
    """Monthly net cash flow of self-hosting vs the API (bars, USD) and its cumulative sum
    (line, USD); the month axis has whole-number ticks only."""
    from matplotlib.ticker import MaxNLocator

    ax = _ax(ax)
    cf = result.cashflows
    colours = np.where(cf["net_cash_flow_usd"] >= 0, "C2", "C3")
    ax.bar(cf["month"], cf["net_cash_flow_usd"], color=colours, label="net cash flow")
    ax.plot(cf["month"], cf["cumulative_usd"], color="0.2", lw=2, label="cumulative")
    ax.axhline(0, color="0.5", lw=0.8)
    if result.payback_month is not None:
        ax.axvline(result.payback_month, color="C0", ls="--", lw=1.2,
                   label=f"payback: month {result.payback_month}")
    ax.set_xlabel("month (0 = purchase and set-up)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("USD")
    _kusd(ax)
    ax.set_title("Cash flows of self-hosting instead of paying the API")
    legend = _fitting_legend(ax, loc="upper left", ncol=3, fontsize=9)
    _source(ax, sources_text(scenario), keep_clear=(legend,))
    return ax


def plot_investor_scenarios(table: pd.DataFrame, scenario: Any, ax: Any = None) -> Any:
    """NPV (USD) of self-hosting under each price-trend scenario."""

    ax = _ax(ax)
    v = table["npv_usd"].to_numpy()
    ax.barh(table["scenario"], v, color=np.where(v >= 0, "C2", "C3"))
    ax.axvline(0, color="0.3", lw=1)
    ax.invert_yaxis()
    _kusd(ax, "x")
    ax.set_xlabel("net present value of self-hosting vs the API (USD)")
    ax.set_title("NPV under price-trend scenarios")
    _source(ax, "trend rates: aipolicy assumptions and a16z LLMflation (2024-11-12). "
                + sources_text(scenario))
    return ax
