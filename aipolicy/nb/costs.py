"""Helpers and plots shared by the cost notebooks (01 build vs buy, 02 hybrid and investment).

Everything here is a thin layer over :mod:`aipolicy.costs`: it validates notebook parameters,
builds the scenario, lays results out as rounded tables (so the notebooks' plain-text outputs
are stable) and draws the plots with the package theme and a source line. Money is USD;
"monthly" means USD per month (a month of 365/12 days).

Main entry points
-----------------
``validate_cost_parameters(**params) -> dict``
    Clean notebook parameters or raise :class:`~aipolicy.errors.InvalidInputError` naming the
    parameter and the known values.
``scenario_for(params) -> Scenario``
    The preset's scenario with the notebook's overrides.
``cost_summary(scenario) -> DataFrame``; ``assumptions_table(scenario) -> DataFrame``
``explore(...) -> dict``; ``explorer(scenario)``
    The interactive explorer's calculation (plain function, unit-tested) and its widgets.
``plot_*``
    One function per chart; each returns the matplotlib ``Axes``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from aipolicy.errors import AipolicyError, InvalidInputError
from aipolicy.nb.format import fmt_usd, rounded

__all__ = [
    "COMPONENT_LABELS",
    "assumptions_table",
    "cost_summary",
    "explore",
    "explorer",
    "fmt_usd",
    "plot_cashflows",
    "plot_cost_breakdown",
    "plot_cost_curve",
    "plot_hourly_split",
    "plot_hybrid_cost",
    "plot_investor_scenarios",
    "plot_savings_distribution",
    "plot_tornado",
    "rounded",
    "scenario_for",
    "sources_text",
    "validate_cost_parameters",
]

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


# --------------------------------------------------------------------------- parameters
def _known(name: str, value: Any, known: list[str], what: str) -> str:
    if not isinstance(value, str) or value not in known:
        raise InvalidInputError(
            f"parameter {name!r}: unknown {what} {value!r}; known: {', '.join(known)}")
    return value


def validate_cost_parameters(
    *,
    preset: Any,
    api_model: Any = None,
    open_model: Any = None,
    gpu: Any = None,
    acquisition: Any = None,
    draws: Any = 0,
    seed: Any = 0,
    requests_per_day: Any = None,
    horizon_months: Any = None,
) -> dict[str, Any]:
    """Check the cost notebooks' parameters; ``None`` means "the preset's choice".

    Returns
    -------
    dict
        The same keys, with names checked against the catalogs, ``draws``/``seed`` as ints and
        the optional numbers as floats (or ``None``).

    Raises
    ------
    InvalidInputError
        Naming the parameter and listing the accepted values.
    """
    from aipolicy.costs import api_models, gpus, list_presets, open_models

    out: dict[str, Any] = {"preset": _known("preset", preset, list_presets(), "preset")}
    out["api_model"] = None if api_model is None else _known(
        "api_model", api_model, api_models(), "API model")
    out["open_model"] = None if open_model is None else _known(
        "open_model", open_model, open_models(), "open model")
    out["gpu"] = None if gpu is None else _known("gpu", gpu, gpus(), "GPU")
    out["acquisition"] = None if acquisition is None else _known(
        "acquisition", acquisition, ["rent", "buy"], "acquisition mode")
    from aipolicy.nb.params import as_number

    out["draws"] = as_number("draws", draws, low=0, high=5_000_000, integer=True)
    out["seed"] = as_number("seed", seed, low=0, integer=True)
    out["requests_per_day"] = None if requests_per_day is None else float(
        as_number("requests_per_day", requests_per_day, low=0, high=1e9))
    out["horizon_months"] = None if horizon_months is None else float(
        as_number("horizon_months", horizon_months, low=1, high=240, integer=True))
    return out


def scenario_for(params: Mapping[str, Any], **changes: Any) -> Any:
    """The preset's :class:`~aipolicy.costs.Scenario` with the validated notebook overrides.

    ``changes`` (scenario fields or catalog names) win over ``params``.
    """
    from aipolicy.costs import scenario_from_preset

    kw = {k: params.get(k) for k in ("api_model", "open_model", "gpu", "acquisition",
                                     "requests_per_day", "horizon_months")}
    kw = {k: v for k, v in kw.items() if v is not None}
    kw.update(changes)
    return scenario_from_preset(params["preset"], **kw)


# --------------------------------------------------------------------------- tables


def _short_source(src: str) -> str:
    return src.split(" (facts.md")[0].split(" [")[0].strip()


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
        src = _short_source(p.source)
        if len(src) > 40:
            src = src[:38].rstrip() + "..."
        as_of = "" if p.as_of == "undated" else f", {p.as_of}"
        est = " (estimated)" if key == "throughput_tok_s" and scenario.throughput_estimated \
            else ""
        parts.append(f"{label}: {src}{as_of}{est}")
    parts.append("other inputs: see the assumptions table")
    return "; ".join(parts)


def assumptions_table(scenario: Any) -> pd.DataFrame:
    """:func:`aipolicy.costs.describe_assumptions` with values rounded to 4 significant digits
    and measured/estimated throughput labelled in the ``note`` column."""
    from aipolicy.costs import describe_assumptions

    df = describe_assumptions(scenario).copy()

    def fmt(v: Any) -> Any:
        if isinstance(v, float):
            return float(f"{v:.4g}") if math.isfinite(v) else v
        return v

    df["value"] = [fmt(v) for v in df["value"]]
    is_tp = df["parameter"] == "throughput_tok_s"
    label = "estimated" if scenario.throughput_estimated else "measured"
    df.loc[is_tp, "note"] = [f"{label}: {n}" if not str(n).startswith(label) else n
                             for n in df.loc[is_tp, "note"]]
    return df.set_index("parameter")


def _other_mode(scenario: Any) -> str:
    return "buy" if scenario.acquisition == "rent" else "rent"


def cost_summary(scenario: Any) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Monthly cost of the API, self-hosting (rented and bought GPUs) and the best hybrid.

    Returns
    -------
    (DataFrame, dict)
        Table indexed by option with ``monthly_usd``, ``usd_per_mtok`` (per 1M input+output
        tokens), ``horizon_total_usd``, ``replicas``, ``gpus``, ``servers``; and a dict with
        ``cheapest`` (``api``/``selfhost``/``hybrid`` for the scenario's own acquisition
        mode), the raw results and any option that could not be priced (``unavailable``).
    """
    from aipolicy.costs import api_monthly, optimise_hybrid, scenario_from_preset, selfhost_monthly

    api = api_monthly(scenario)
    own = selfhost_monthly(scenario)
    hyb = optimise_hybrid(scenario)
    tokens = scenario.workload.tokens_per_month
    h = scenario.horizon_months
    rows: dict[str, dict[str, float]] = {
        "API (pay per token)": {"monthly_usd": api.monthly_usd, "replicas": 0, "gpus": 0,
                                "servers": 0}}
    unavailable: dict[str, str] = {}
    modes = {scenario.acquisition: own}
    other = _other_mode(scenario)
    try:
        if scenario.name in ("startup", "midmarket", "financial"):
            kw = {f: getattr(scenario, f) for f in ("api_model", "open_model", "gpu",
                                                    "requests_per_day", "horizon_months")}
            alt = scenario_from_preset(scenario.name, acquisition=other, **kw)
        else:
            alt = scenario.replace(acquisition=other)
        modes[other] = selfhost_monthly(alt)
    except AipolicyError as exc:
        unavailable[f"self-host ({other})"] = str(exc)
    for mode in ("rent", "buy"):
        if mode not in modes:
            continue
        r = modes[mode]
        label = "self-host, rented GPUs" if mode == "rent" else "self-host, bought GPUs"
        rows[label] = {"monthly_usd": r.monthly_usd, "replicas": r.replicas, "gpus": r.gpus,
                       "servers": r.servers}
    rows[f"hybrid ({scenario.acquisition})"] = {
        "monthly_usd": hyb.hybrid_monthly_usd, "replicas": hyb.hybrid_replicas,
        "gpus": hyb.hybrid_replicas * scenario.gpus_per_replica, "servers": np.nan}
    df = pd.DataFrame.from_dict(rows, orient="index")
    df.index.name = "option"
    df["usd_per_mtok"] = df["monthly_usd"] / tokens * 1e6 if tokens > 0 else np.nan
    df["horizon_total_usd"] = df["monthly_usd"] * h
    df = df[["monthly_usd", "usd_per_mtok", "horizon_total_usd", "replicas", "gpus",
             "servers"]]
    df = rounded(df.astype(float), {"usd_per_mtok": 3})
    info = {"cheapest": hyb.cheapest, "api": api, "selfhost": own, "hybrid": hyb,
            "modes": modes, "unavailable": unavailable}
    return df, info


# --------------------------------------------------------------------------- explorer
def explore(
    scenario: Any,
    *,
    requests_per_day: float | None = None,
    gpu_hour_usd: float | None = None,
    planning_utilization: float | None = None,
    staff_fte: float | None = None,
    api_price_factor: float | None = None,
) -> dict[str, Any]:
    """Recompute the headline comparison with some main inputs changed (the explorer's core).

    ``gpu_hour_usd`` is ignored for bought GPUs. Returns a dict of plain numbers:
    ``api_monthly_usd``, ``selfhost_monthly_usd``, ``hybrid_monthly_usd``,
    ``hybrid_replicas``, ``selfhost_replicas``, ``savings_monthly_usd`` (API minus
    self-host), ``cheapest``, ``breakeven_requests_per_day`` (None if not reached) and
    ``breakeven_tokens_per_day``.
    """
    from aipolicy.costs import breakeven, optimise_hybrid

    changes: dict[str, float] = {}
    for key, val in (("requests_per_day", requests_per_day),
                     ("planning_utilization", planning_utilization),
                     ("staff_fte", staff_fte), ("api_price_factor", api_price_factor)):
        if val is not None:
            changes[key] = float(val)
    if gpu_hour_usd is not None and scenario.acquisition == "rent":
        changes["gpu_hour_usd"] = float(gpu_hour_usd)
    s = scenario.replace(**changes) if changes else scenario
    hyb = optimise_hybrid(s, tables=False)
    be = breakeven(s)
    return {
        "api_monthly_usd": hyb.api_monthly_usd,
        "selfhost_monthly_usd": hyb.selfhost_monthly_usd,
        "hybrid_monthly_usd": hyb.hybrid_monthly_usd,
        "hybrid_replicas": hyb.hybrid_replicas,
        "selfhost_replicas": hyb.selfhost_replicas,
        "savings_monthly_usd": hyb.api_monthly_usd - hyb.selfhost_monthly_usd,
        "cheapest": hyb.cheapest,
        "breakeven_requests_per_day": be.requests_per_day,
        "breakeven_tokens_per_day": be.tokens_per_day,
    }


def explore_text(result: Mapping[str, Any]) -> str:
    """Plain-text summary of :func:`explore`'s result."""
    be = result["breakeven_tokens_per_day"]
    be_txt = "not reached" if be is None else f"{be / 1e6:,.1f}M tokens/day"
    return "\n".join([
        f"API                 {fmt_usd(result['api_monthly_usd']):>14} / month",
        f"self-host           {fmt_usd(result['selfhost_monthly_usd']):>14} / month "
        f"({result['selfhost_replicas']} replicas)",
        f"best hybrid         {fmt_usd(result['hybrid_monthly_usd']):>14} / month "
        f"({result['hybrid_replicas']} self-hosted replicas)",
        f"cheapest: {result['cheapest']}; break-even: {be_txt}",
    ])


#: Set to 1 in a kernel's environment to say no widget frontend is attached (the report runner,
#: ``make notebooks`` and the tests set it); set ``AIPOLICY_WIDGETS=1`` to build widgets anyway.
HEADLESS_ENV = "AIPOLICY_HEADLESS"
WIDGETS_ENV = "AIPOLICY_WIDGETS"
EXPLORER_HEADLESS_NOTE = (
    "Interactive explorer: not built in this headless run (no widget frontend). "
    "Open the notebook in JupyterLab (make lab) to use the sliders."
)


def frontend_attached(environ: Mapping[str, str] | None = None) -> bool:
    """True when a widget-capable frontend (JupyterLab, Notebook) drives this kernel.

    Widgets block headless executors at random (nbclient and papermill can wait on a comm
    reply that never comes), so widgets are built only when a frontend is known to be there:
    ``AIPOLICY_WIDGETS=1`` forces them, ``AIPOLICY_HEADLESS=1`` forbids them, and otherwise a
    kernel started by a Jupyter server (which sets ``JPY_SESSION_NAME``) has a frontend while
    papermill, nbconvert, nbclient and nbval kernels do not.
    """
    env = os.environ if environ is None else environ
    if env.get(WIDGETS_ENV, "") == "1":
        return True
    if env.get(HEADLESS_ENV, "") == "1":
        return False
    return bool(env.get("JPY_SESSION_NAME"))


def explorer(scenario: Any) -> Any:
    """ipywidgets sliders over the main inputs, printing :func:`explore`'s summary.

    Built only when :func:`frontend_attached` (JupyterLab); in a headless run it prints one
    line saying so and returns None, so papermill, reports and tests never wait on a widget.
    Returns the ``interactive`` widget otherwise.
    """
    if not frontend_attached():
        print(EXPLORER_HEADLESS_NOTE)
        return None
    import ipywidgets as w

    rpd = max(scenario.requests_per_day, 1.0)
    style = {"description_width": "170px"}
    layout = w.Layout(width="520px")
    sliders = {
        "requests_per_day": w.FloatLogSlider(
            value=rpd, base=10, min=math.log10(rpd) - 2, max=math.log10(rpd) + 2, step=0.05,
            description="requests/day", style=style, layout=layout, continuous_update=False),
        "gpu_hour_usd": w.FloatSlider(
            value=scenario.gpu_hour_usd if math.isfinite(scenario.gpu_hour_usd) else 2.5,
            min=0.5, max=12.0, step=0.05, description="GPU $/hour (rent)",
            disabled=scenario.acquisition != "rent", style=style, layout=layout,
            continuous_update=False),
        "planning_utilization": w.FloatSlider(
            value=scenario.planning_utilization, min=0.2, max=1.0, step=0.05,
            description="utilisation (of capacity)", style=style, layout=layout,
            continuous_update=False),
        "staff_fte": w.FloatSlider(
            value=scenario.staff_fte, min=0.0, max=max(4.0, scenario.staff_fte * 2), step=0.05,
            description="staff FTE (self-host)", style=style, layout=layout,
            continuous_update=False),
        "api_price_factor": w.FloatSlider(
            value=1.0, min=0.1, max=1.5, step=0.05, description="API price x list",
            style=style, layout=layout, continuous_update=False),
    }

    def show(**kw: float) -> None:
        print(explore_text(explore(scenario, **kw)))

    ui = w.interactive(show, **sliders)
    try:
        from IPython.display import display

        display(ui)
    except ImportError:  # pragma: no cover
        pass
    return ui


# --------------------------------------------------------------------------- plots
def _ax(ax: Any, figsize: tuple[float, float] | None = None) -> Any:
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize)
    return ax


def _source(ax: Any, text: str) -> None:
    """Source line under the axes, wrapped so it never widens the figure."""
    import textwrap

    from aipolicy.nb.theme import source_line

    source_line(ax, "\n".join(textwrap.wrap(text, 150)))


def fmt_axis_usd(value: float) -> str:
    """Compact axis label: ``$950``, ``$2.5k``, ``$1.25M``, ``-$3k``."""
    sign = "-" if value < 0 else ""
    v = abs(value)
    for div, suffix, digits in ((1e9, "bn", 2), (1e6, "M", 2), (1e3, "k", 1)):
        if v >= div:
            txt = f"{v / div:,.{digits}f}".rstrip("0").rstrip(".")
            return f"{sign}${txt}{suffix}"
    return f"{sign}${v:,.0f}"


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
    x = f["tokens_per_day"] / 1e6
    ax.plot(x, f["api_monthly_usd"], label="API (pay per token)", lw=2)
    ax.plot(x, f["selfhost_monthly_usd"], label=f"self-host ({scenario.acquisition})", lw=2,
            drawstyle="steps-post")
    if "hybrid_monthly_usd" in f:
        ax.plot(x, f["hybrid_monthly_usd"], label="best hybrid", lw=1.5, ls="--")
    be = curve.breakeven
    if be.reached and be.tokens_per_day is not None and be.tokens_per_day <= x.max() * 1e6:
        ax.axvline(be.tokens_per_day / 1e6, color="0.2", lw=1)
        ax.annotate(f"break-even\n{be.tokens_per_day / 1e6:,.0f}M tokens/day",
                    (be.tokens_per_day / 1e6, ax.get_ylim()[1] * 0.95), ha="left", va="top",
                    fontsize=9, xytext=(4, 0), textcoords="offset points")
    here = scenario.workload.tokens_per_day / 1e6
    ax.axvline(here, color="0.5", lw=1, ls=":")
    ax.annotate("this scenario", (here, ax.get_ylim()[1] * 0.6), rotation=90, fontsize=8,
                color="0.4", ha="right", va="top", xytext=(-2, 0), textcoords="offset points")
    ax.set_xlabel("volume (million input + output tokens per day)")
    ax.set_ylabel("cost (USD per month)")
    _kusd(ax)
    ax.set_title("Monthly cost over volume")
    ax.legend(loc="upper left")
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
    ax.set_yticks(y, [f"{p} ({u})" for p, u in zip(t["parameter"], t["unit"], strict=True)],
                  fontsize=9)
    _kusd(ax, "x")
    ax.set_xlabel("monthly saving of self-hosting (USD per month; > 0: self-host cheaper)")
    ax.set_title("Which inputs move the answer (one at a time)")
    ax.legend(loc="lower right", fontsize=9)
    _source(ax, "aipolicy cost model; input ranges in the table above. "
                + sources_text(scenario))
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
    ax.set_title(f"Monte Carlo, {mc.draws:,} draws: P(self-host cheaper) = "
                 f"{mc.p_selfhost_cheaper:.0%}")
    _source(ax, f"aipolicy cost model, triangular input ranges, seed {mc.seed}. "
                + sources_text(scenario))
    return ax


def plot_hourly_split(hourly: pd.DataFrame, scenario: Any, replicas: int, ax: Any = None
                      ) -> Any:
    """Stacked hourly requests: served by ``replicas`` self-hosted replicas vs API overflow."""
    from matplotlib.ticker import FuncFormatter


    ax = _ax(ax)
    h = hourly["hour"]
    ax.bar(h, hourly["selfhost_requests_per_hour"], color="C0",
           label=f"self-hosted base load ({replicas} replicas)")
    ax.bar(h, hourly["api_requests_per_hour"], bottom=hourly["selfhost_requests_per_hour"],
           color="C1", label="API overflow")
    ax.step(np.r_[h - 0.5, 23.5], np.r_[hourly["selfhost_capacity_requests_per_hour"],
                                         hourly["selfhost_capacity_requests_per_hour"].iloc[-1]],
            where="post", color="0.2", lw=1.2, ls="--", label="self-hosted capacity")
    ax.set_xlabel("hour of day")
    ax.set_ylabel("requests per hour")
    ax.set_xticks(range(0, 24, 2))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_title("A day of load: self-hosted base, API for the peak")
    top = float(max(hourly["requests_per_hour"].max(),
                    hourly["selfhost_capacity_requests_per_hour"].max()))
    ax.set_ylim(0, top * 1.3 if top > 0 else 1.0)
    ax.legend(loc="upper left", fontsize=9, ncol=3)
    _source(ax, "aipolicy load profile (assumption) and cost model. "
                + sources_text(scenario))
    return ax


def plot_hybrid_cost(table: pd.DataFrame, scenario: Any, ax: Any = None) -> Any:
    """Monthly cost vs number of self-hosted replicas (0 = all API; last = all self-host)."""

    ax = _ax(ax)
    k = table["replicas"]
    ax.plot(k, table["total_monthly_usd"], marker="o", ms=4, lw=2, label="total")
    ax.plot(k, table["selfhost_monthly_usd"], lw=1.2, ls="--", label="self-hosted part")
    ax.plot(k, table["api_monthly_usd"], lw=1.2, ls=":", label="API part (overflow)")
    best = table[table["optimum"]].iloc[0]
    ax.scatter([best["replicas"]], [best["total_monthly_usd"]], s=120, facecolor="none",
               edgecolor="C3", lw=2, zorder=5, label=f"cheapest: {int(best['replicas'])}")
    ax.set_xlabel("self-hosted replicas (0 = all API)")
    ax.set_ylabel("cost (USD per month)")
    _kusd(ax)
    ax.set_title("Cost vs number of self-hosted replicas")
    ax.legend(loc="best", fontsize=9)
    _source(ax, sources_text(scenario))
    return ax


def plot_cashflows(result: Any, scenario: Any, ax: Any = None) -> Any:
    """Monthly net cash flow of self-hosting vs the API (bars) and its cumulative sum (line)."""

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
    ax.set_ylabel("USD")
    _kusd(ax)
    ax.set_title("Cash flows of self-hosting instead of paying the API")
    ax.legend(loc="upper left", fontsize=9)
    _source(ax, sources_text(scenario))
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
