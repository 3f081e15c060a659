"""Cost models: pay per token or self-host an open-weight model?

Every number comes from a catalog row with ``source`` and ``as_of`` (package data in
``aipolicy/catalogs``), from a preset's documented assumption, or from the caller;
:func:`describe_assumptions` shows which. Money is USD; "monthly" means USD per month with a
month of 365/12 days (730 hours); prices are USD per 1M tokens; throughput is output
tokens/s for a whole replica (``gpus_per_replica`` GPUs).

The models live in five sub-packages, each importing only those listed before it:
:mod:`~aipolicy.costs.catalog` (every outside figure with its source and date),
:mod:`~aipolicy.costs.capacity` (what one replica serves, under a latency target),
:mod:`~aipolicy.costs.compare` (the scenario and every option priced, the break-even),
:mod:`~aipolicy.costs.uncertainty` (tornado and Monte Carlo) and
:mod:`~aipolicy.costs.economics` (the investor view, price trends and events, compute demand).

Layering: ``aipolicy.costs`` imports only the standard library, NumPy/pandas and, of aipolicy,
``aipolicy.errors``, ``aipolicy.config``, ``aipolicy.valuation`` and ``aipolicy.record`` at most. It never imports
``aipolicy.nb``, ``aipolicy.signals``, ``aipolicy.marketdata``, ``aipolicy.report`` or
``aipolicy.commands``; those build on it.

Public API (imported lazily, so ``import aipolicy.costs`` is cheap)
--------------------------------------------------------------------
Scenario
    ``scenario_from_preset(name, **overrides) -> Scenario`` -- presets ``startup``,
    ``midmarket``, ``financial`` (``list_presets()``, ``PRESETS``).
    ``build_scenario(api_model=, open_model=, gpu=, acquisition="rent"|"buy",
    requests_per_day=, input_tokens=, output_tokens=, load_profile=, **overrides)``.
    ``Scenario`` (frozen dataclass; ``.replace(**changes)``, ``.workload``).
    ``describe_assumptions(scenario) -> DataFrame[parameter, value, unit, source, as_of, note]``.
Monthly cost
    ``api_monthly(scenario) -> ApiResult`` (monthly_usd, per_request_usd, cost_per_mtok_usd,
    breakdown; ``.breakdown_frame()`` -> [component, monthly_usd, share]).
    ``selfhost_monthly(scenario) -> SelfHostResult`` (monthly_usd, breakdown by
    gpu_rental/depreciation/cost_of_capital/maintenance/power/facilities/staff/platform/
    implementation, replicas, gpus, servers, cost_per_mtok_usd, ...; ``.breakdown_frame()``).
    ``rent_vs_buy(scenario) -> DataFrame`` (index components + total/replicas/gpus/servers;
    columns rent_usd, buy_usd).
    ``with_acquisition(scenario, "rent"|"buy") -> Scenario`` -- the one way to price the other
    acquisition mode (staff and implementation switch to that mode's catalog defaults).
Options side by side
    ``compare_options(scenario) -> OptionCosts`` (api, selfhost, hybrid, modes, unavailable,
    cheapest; ``.frame()`` -> [monthly_usd, usd_per_mtok, horizon_total_usd, replicas, gpus,
    servers] by option).
    ``explore(scenario, requests_per_day=, gpu_hour_usd=, planning_utilization=, staff_fte=,
    api_price_factor=) -> dict`` -- the interactive explorer's recomputation.
Break-even
    ``breakeven(scenario) -> BreakEven`` (reached, requests_per_day, tokens_per_day,
    tokens_per_month, monthly_usd, replicas, message).
    ``cost_curve(scenario, volumes=None, include_hybrid=False) -> CostCurve`` (``.frame``:
    requests_per_day, tokens_per_day, tokens_per_month, api_monthly_usd,
    selfhost_monthly_usd, replicas, cheapest[, hybrid_monthly_usd, hybrid_replicas];
    ``.breakeven``).
Hybrid
    ``optimise_hybrid(scenario) -> HybridResult`` (hybrid_replicas, hybrid_monthly_usd,
    api_monthly_usd, selfhost_monthly_usd, selfhost_replicas, selfhost_share_of_requests,
    cheapest, table, hourly).
    ``hybrid_table(scenario) -> DataFrame`` [replicas, gpus, selfhost_monthly_usd,
    api_monthly_usd, total_monthly_usd, selfhost_share_of_requests, optimum].
    ``hybrid_split(scenario, replicas=None) -> DataFrame`` [hour, requests_per_hour,
    selfhost_capacity_requests_per_hour, selfhost_requests_per_hour, api_requests_per_hour,
    selfhost_share].
Investor view
    ``investor_cashflows(scenario, discount_rate_annual=None, api_price_decline_annual=0,
    gpu_price_decline_annual=0, opex_inflation_annual=0, cpi=None) -> InvestorResult``
    (cashflows frame by month, npv_usd, irr_annual, payback_month).
    ``investor_scenarios(scenario, cpi=None) -> DataFrame`` [scenario,
    api_price_decline_annual, gpu_price_decline_annual, opex_inflation_annual, npv_usd,
    irr_annual, payback_month, total_net_usd, source].
    ``npv(cashflows, rate)``, ``irr(cashflows)``, ``payback_month(cashflows)``,
    ``cpi_growth_annual(cpi_series)``.
Uncertainty
    ``tornado(scenario, inputs=None) -> DataFrame`` [parameter, unit, low_value, base_value,
    high_value, savings_at_low_usd, savings_at_high_usd, base_savings_usd, swing_usd, source].
    ``monte_carlo(scenario, draws=10_000, seed=0, inputs=None) -> MonteCarloResult``
    (samples, p_selfhost_cheaper, savings_percentiles, breakeven_percentiles,
    breakeven_reached_share, inputs).
    ``default_uncertainties(scenario)``, ``UncertainInput(name, low, base, high, source)``.
Judgment
    ``scorecard(preset=None, acquisition="rent", weights=None) -> DataFrame`` [factor, weight,
    api, selfhost, hybrid, rationale, kind] -- labelled "judgment, not measurement".
Catalogs
    ``load_catalog(name)``, ``api_price(model, as_of=None, input_tokens=0)``,
    ``api_models()``, ``open_models()``, ``gpus()``, ``gpu_spec(gpu)``,
    ``gpu_rental(gpu, provider=None)``, ``gpu_rental_table(gpu=None)``, ``server_for(gpu)``,
    ``open_model(name)``, ``cost_defaults()``, ``replica_throughput(model, gpu, in, out)``,
    ``estimate_throughput(...)``.
Workload
    ``Workload``, ``load_profile(name_or_24_values)``, ``LOAD_PROFILES``,
    ``DAYS_PER_MONTH``, ``HOURS_PER_MONTH``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from aipolicy.costs.capacity.throughput import estimate_throughput, replica_throughput
    from aipolicy.costs.catalog import (
        api_models,
        api_price,
        cost_defaults,
        gpu_rental,
        gpu_rental_table,
        gpu_spec,
        gpus,
        load_catalog,
        open_model,
        open_models,
        server_for,
    )
    from aipolicy.costs.compare.api import ApiResult, api_monthly
    from aipolicy.costs.compare.assumptions import describe_assumptions
    from aipolicy.costs.compare.curve import BreakEven, CostCurve, breakeven, cost_curve
    from aipolicy.costs.compare.hybrid import (
        HybridResult,
        hybrid_split,
        hybrid_table,
        optimise_hybrid,
    )
    from aipolicy.costs.compare.judgment import scorecard
    from aipolicy.costs.compare.options import OptionCosts, compare_options, explore
    from aipolicy.costs.compare.presets import PRESETS, list_presets, scenario_from_preset
    from aipolicy.costs.compare.scenario import Scenario, build_scenario
    from aipolicy.costs.compare.selfhost import (
        SelfHostResult,
        rent_vs_buy,
        selfhost_monthly,
        with_acquisition,
    )
    from aipolicy.costs.compare.workload import (
        DAYS_PER_MONTH,
        HOURS_PER_MONTH,
        LOAD_PROFILES,
        Workload,
        load_profile,
    )
    from aipolicy.costs.economics.investor import (
        InvestorResult,
        cpi_growth_annual,
        investor_cashflows,
        investor_scenarios,
        irr,
        npv,
        payback_month,
    )
    from aipolicy.costs.uncertainty import (
        MonteCarloResult,
        UncertainInput,
        default_uncertainties,
        monte_carlo,
        tornado,
    )

_EXPORTS: dict[str, str] = {
    "ApiResult": "compare.api", "api_monthly": "compare.api",
    "BreakEven": "compare.curve", "CostCurve": "compare.curve", "breakeven": "compare.curve",
    "cost_curve": "compare.curve",
    "api_models": "catalog", "api_price": "catalog", "cost_defaults": "catalog",
    "gpu_rental": "catalog", "gpu_rental_table": "catalog", "gpu_spec": "catalog",
    "gpus": "catalog", "load_catalog": "catalog", "open_model": "catalog",
    "open_models": "catalog", "server_for": "catalog",
    "HybridResult": "compare.hybrid", "hybrid_split": "compare.hybrid", "hybrid_table": "compare.hybrid",
    "optimise_hybrid": "compare.hybrid",
    "InvestorResult": "economics.investor", "cpi_growth_annual": "economics.investor",
    "investor_cashflows": "economics.investor", "investor_scenarios": "economics.investor", "irr": "economics.investor",
    "npv": "economics.investor", "payback_month": "economics.investor",
    "PRESETS": "compare.presets", "list_presets": "compare.presets", "scenario_from_preset": "compare.presets",
    "Scenario": "compare.scenario", "build_scenario": "compare.scenario", "describe_assumptions": "compare.assumptions",
    "scorecard": "compare.judgment",
    "SelfHostResult": "compare.selfhost", "rent_vs_buy": "compare.selfhost", "selfhost_monthly": "compare.selfhost",
    "with_acquisition": "compare.selfhost",
    "OptionCosts": "compare.options", "compare_options": "compare.options", "explore": "compare.options",
    "estimate_throughput": "capacity.throughput", "replica_throughput": "capacity.throughput",
    "MonteCarloResult": "uncertainty", "UncertainInput": "uncertainty",
    "default_uncertainties": "uncertainty", "monte_carlo": "uncertainty",
    "tornado": "uncertainty",
    "DAYS_PER_MONTH": "compare.workload", "HOURS_PER_MONTH": "compare.workload", "LOAD_PROFILES": "compare.workload",
    "Workload": "compare.workload", "load_profile": "compare.workload",
}

__all__ = [
    "ApiResult", "BreakEven", "CostCurve", "DAYS_PER_MONTH", "HOURS_PER_MONTH", "HybridResult",
    "InvestorResult", "LOAD_PROFILES", "MonteCarloResult", "OptionCosts", "PRESETS", "Scenario",
    "SelfHostResult", "UncertainInput", "Workload", "api_models", "api_monthly", "api_price",
    "breakeven", "build_scenario", "compare_options", "cost_curve", "cost_defaults",
    "cpi_growth_annual", "default_uncertainties", "describe_assumptions", "estimate_throughput",
    "explore", "gpu_rental", "gpu_rental_table", "gpu_spec",
    "gpus", "hybrid_split", "hybrid_table", "investor_cashflows", "investor_scenarios", "irr",
    "list_presets", "load_catalog", "load_profile", "monte_carlo", "npv", "open_model",
    "open_models", "optimise_hybrid", "payback_month", "rent_vs_buy", "replica_throughput",
    "scenario_from_preset", "scorecard", "selfhost_monthly", "server_for", "tornado",
    "with_acquisition",
]


def __getattr__(name: str) -> Any:
    """Import the public names on first use (keeps ``aipolicy breakeven`` parsing light)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'aipolicy.costs' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"aipolicy.costs.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
