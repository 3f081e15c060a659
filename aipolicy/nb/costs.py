"""Helpers and plots shared by the cost notebooks (01 build vs buy, 02 hybrid and investment).

Everything here is a thin layer over :mod:`aipolicy.costs`, which computes every figure: it
validates notebook parameters, builds the scenario, lays results out as rounded tables (so the
notebooks' plain-text outputs are stable) and draws the plots with the package theme and a
source line. The widget explorer is in :mod:`aipolicy.nb.explorer`. Money is USD;
"monthly" means USD per month (a month of 365/12 days).

Main entry points
-----------------
``validate_cost_parameters(**params) -> dict``
    Clean notebook parameters or raise :class:`~aipolicy.errors.InvalidInputError` naming the
    parameter and the known values.
``scenario_for(params) -> Scenario``
    The preset's scenario with the notebook's overrides.
``cost_summary(scenario) -> (DataFrame, dict)``; ``assumptions_table(scenario) -> DataFrame``
    :func:`aipolicy.costs.compare_options` and the assumptions, rounded for display.
``plot_*``
    One function per chart; each returns the matplotlib ``Axes``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from aipolicy.costs.compare.assumptions import gpu_rate_text
from aipolicy.errors import AipolicyError, InvalidInputError
from aipolicy.nb.cost_plots import (
    COMPONENT_LABELS,
    plot_cashflows,
    plot_cost_breakdown,
    plot_cost_curve,
    plot_hourly_split,
    plot_hybrid_cost,
    plot_investor_scenarios,
    plot_savings_distribution,
    plot_tornado,
    sources_text,
)
from aipolicy.nb.format import fmt_usd, rounded

__all__ = [
    "capacity_text",
    "options_table",
    "PRICE_FIELDS",
    "price_table",
    "COMPONENT_LABELS",
    "assumptions_table",
    "cost_summary",
    "fleet_search_text",
    "fmt_usd",
    "gpu_rate_text",
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


# --------------------------------------------------------------------------- parameters
def _known(name: str, value: Any, known: list[str], what: str) -> str:
    if not isinstance(value, str) or value not in known:
        raise InvalidInputError(
            f"parameter {name!r}: unknown {what} {value!r}; known: {', '.join(known)}",
            field=name, value=value)
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
    as_of: Any = None,
) -> dict[str, Any]:
    """Check the cost notebooks' parameters; ``None`` means "the preset's choice".

    ``as_of`` is the valuation date, pinned for the kernel before any name is checked
    (:func:`aipolicy.nb.params.valuation`; ``None``: the sample's own date, so the stored
    outputs hold on any day).

    Returns
    -------
    dict
        The same keys, with names checked against the catalogs, ``draws``/``seed`` as ints,
        the optional numbers as floats (or ``None``) and ``as_of`` as a
        :class:`~aipolicy.nb.params.Valuation`.

    Raises
    ------
    InvalidInputError
        Naming the parameter and listing the accepted values.
    """
    from aipolicy.costs import api_models, gpus, list_presets, open_models
    from aipolicy.nb.params import valuation

    out: dict[str, Any] = {"as_of": valuation(as_of)}
    out["preset"] = _known("preset", preset, list_presets(), "preset")
    out["api_model"] = None if api_model is None else _known(
        "api_model", api_model, api_models(), "API model")
    out["open_model"] = None if open_model is None else _known(
        "open_model", open_model, open_models(), "open model")
    out["gpu"] = None if gpu is None else _known("gpu", gpu, gpus(), "GPU")
    out["acquisition"] = None if acquisition is None else _known(
        "acquisition", acquisition, ["rent", "buy"], "acquisition mode")
    from aipolicy.costs.uncertainty import MAX_DRAWS
    from aipolicy.nb.params import as_number

    out["draws"] = as_number("draws", draws, low=0, high=MAX_DRAWS, integer=True)
    out["seed"] = as_number("seed", seed, low=0, integer=True)
    from aipolicy.costs.compare.bounds import MAX_REQUESTS_PER_DAY

    out["requests_per_day"] = None if requests_per_day is None else float(
        as_number("requests_per_day", requests_per_day, low=0, high=MAX_REQUESTS_PER_DAY))
    out["horizon_months"] = None if horizon_months is None else float(
        as_number("horizon_months", horizon_months, low=1, high=240, integer=True))
    return out


#: Notebook parameters that are scenario fields or catalog names of the same name.
_SCENARIO_PARAMETERS = ("api_model", "open_model", "gpu", "acquisition", "requests_per_day",
                        "horizon_months")


def scenario_for(params: Mapping[str, Any], **changes: Any) -> Any:
    """The preset's :class:`~aipolicy.costs.Scenario` with the validated notebook overrides.

    ``changes`` (scenario fields or catalog names) win over ``params``. A bound of
    :mod:`aipolicy.costs.compare.bounds` that a parameter breaks is reported as that
    parameter's error (``parameter 'requests_per_day': ...``).
    """
    from aipolicy.costs import scenario_from_preset

    kw = {k: params.get(k) for k in _SCENARIO_PARAMETERS}
    kw = {k: v for k, v in kw.items() if v is not None}
    kw.update(changes)
    try:
        return scenario_from_preset(params["preset"], **kw)
    except AipolicyError as exc:
        if exc.field not in (*_SCENARIO_PARAMETERS, "as_of") or exc.field in changes:
            raise
        msg = str(exc).removeprefix(f"{exc.field} ")
        raise type(exc)(f"parameter {exc.field!r}: {msg}", field=exc.field,
                        value=exc.value) from None


# --------------------------------------------------------------------------- tables


#: The scenario's API price fields and what each one prices.
PRICE_FIELDS: dict[str, str] = {
    "api_input_per_mtok_usd": "input",
    "api_cached_input_per_mtok_usd": "cached input",
    "api_output_per_mtok_usd": "output",
    "api_batch_input_per_mtok_usd": "batch input",
    "api_batch_output_per_mtok_usd": "batch output",
}


def price_table(scenario: Any) -> pd.DataFrame:
    """The API prices the comparison uses: one row per price, with model, provider and source.

    Returns
    -------
    DataFrame
        Indexed by ``price`` (input, cached input, output, batch input, batch output); columns
        ``model``, ``provider``, ``USD per 1M tokens``, ``source``, ``as_of``, ``note``.
    """
    from aipolicy.costs.catalog.prices import find_model

    model = scenario.api_model
    if "@" in model:
        provider = model.split("@", 1)[1]
    else:
        try:
            provider = find_model(model)[0].name
        except AipolicyError:
            provider = "given"
    rows = []
    for key, label in PRICE_FIELDS.items():
        p = scenario.provenance.get(key)
        rows.append({"price": label, "model": model, "provider": provider,
                     "USD per 1M tokens": round(float(getattr(scenario, key)), 4),
                     "source": p.source if p else "", "as_of": p.as_of if p else "",
                     "note": p.note if p else ""})
    return pd.DataFrame(rows).set_index("price")


def options_table(scenario: Any) -> tuple[pd.DataFrame, list[Any]]:
    """Every option side by side (:func:`aipolicy.costs.compare.threeway.compare_all`), for readers.

    Returns
    -------
    (DataFrame, list of Option)
        Indexed by option; columns ``USD/month``, ``fixed USD/month`` (staff, platform,
        implementation), ``USD per 1M tokens`` (the rest: the token bill, or GPUs, power and
        space, per 1M tokens), ``quality (LMArena)``,
        ``fleet``, ``checks`` (meets the quality floor / the latency target: ``yes``, ``no``,
        ``not rated``, ``not checked``, ``no target``),
        ``break-even vs self-host (requests/day)`` ("not reached" when none); and
        the raw options.
    """
    from aipolicy.costs.compare.threeway import compare_all

    opts = compare_all(scenario)
    rows = []
    for o in opts:
        be = o.breakeven_requests_per_day
        rows.append({
            "option": o.label,
            "USD/month": "n/a" if not math.isfinite(o.monthly_usd) else f"{o.monthly_usd:,.0f}",
            "fixed USD/month": "n/a" if not math.isfinite(o.fixed_usd) else f"{o.fixed_usd:,.0f}",
            "USD per 1M tokens": "n/a" if not math.isfinite(o.volume_usd_per_mtok)
            else f"{o.volume_usd_per_mtok:,.3f}",
            "quality (LMArena)": o.quality,
            "fleet": o.fleet or "—",
            "checks": _checks_text(o),
            "break-even vs self-host (requests/day)": (
                "—" if o.key not in ("api", "api_match", "hosted")
                else "not reached" if be is None else f"{be:,.0f}"),
        })
    return pd.DataFrame(rows).set_index("option"), opts


def _checks_text(option: Any) -> str:
    """Whether an option meets the quality floor and the latency target, in words."""
    from aipolicy.costs.compare.eligibility import NO_TARGET

    quality = {True: "yes", False: "no", None: "not rated"}[option.quality_ok]
    latency = ({True: "yes", False: "no"}.get(option.latency_ok) if option.latency_ok is not None
               else "no target" if option.latency_note == NO_TARGET else "not checked")
    return f"{quality} / {latency}"


def capacity_text(scenario: Any) -> str:
    """One paragraph: how a replica's planned capacity was obtained, in words."""
    from aipolicy.costs.compare.threeway import replica_capacity

    rc = replica_capacity(scenario)
    slo = (f"while meeting the latency target ({rc['slo']})" if rc["slo"]
           else "with no latency target (batch work)")
    spare = rc["redundancy_replicas"]
    return (f"One replica ({scenario.gpus_per_replica} x {scenario.gpu}) saturates at "
            f"{rc['saturation_req_s']:,.2f} requests/s and is planned at "
            f"{rc['planned_req_s']:,.2f} requests/s ({rc['planned_share']:.0%} of saturation) "
            f"{slo}; the fleet adds {spare} spare replica(s)."
            + (f" The batch share ({rc['batch_share']:.0%} of requests) is planned at "
               f"{rc['batch_req_s']:,.2f} requests/s per replica "
               f"({rc['batch_planned_share']:.0%} of saturation: no latency target), in the "
               "hours the interactive load leaves free." if rc["batch_share"] else "")
            + f" Basis: {rc['basis']}.")


def fleet_search_text(scenario: Any) -> str:
    """The cheapest self-hosted fleet over the catalog's GPUs and replica sizes beside the
    scenario's (:func:`aipolicy.costs.compare.fleet_search.cheapest_fleet`), in words."""
    from aipolicy.costs.compare.fleet_search import cheapest_fleet, fleet_text

    found = cheapest_fleet(scenario)
    text = fleet_text(found)
    skipped = sorted({c.gpu for c in found.candidates if c.skipped}
                     - {c.gpu for c in found.candidates if not c.skipped})
    if skipped:
        text += f"; not priced for any replica size: {', '.join(skipped)}"
    return text[:1].upper() + text[1:] + "."


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
    label = scenario.throughput_basis
    df.loc[is_tp, "note"] = [f"{label}: {n}" if not str(n).startswith(label) else n
                             for n in df.loc[is_tp, "note"]]
    return df.set_index("parameter")


def cost_summary(scenario: Any) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Monthly cost of the API, self-hosting (rented and bought GPUs) and the best hybrid.

    The figures are :func:`aipolicy.costs.compare_options`'s; this lays them out for a notebook.

    Returns
    -------
    (DataFrame, dict)
        Table indexed by option with ``monthly_usd``, ``usd_per_mtok`` (per 1M input+output
        tokens), ``horizon_total_usd``, ``replicas``, ``gpus``, ``servers``, rounded for
        display (USD to the dollar, ``usd_per_mtok`` to 3 decimals); and a dict with
        ``cheapest`` (``api``/``selfhost``/``hybrid`` for the scenario's own acquisition
        mode), the raw results (``api``, ``selfhost``, ``hybrid``, ``modes``) and any option
        that could not be priced (``unavailable``).
    """
    from aipolicy.costs import compare_options

    opts = compare_options(scenario)
    df = rounded(opts.frame(), {"usd_per_mtok": 3})
    info = {"cheapest": opts.cheapest, "api": opts.api, "selfhost": opts.selfhost,
            "hybrid": opts.hybrid, "modes": dict(opts.modes),
            "unavailable": dict(opts.unavailable)}
    return df, info
