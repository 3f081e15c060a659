"""What each scenario field means: its unit, where its default comes from, its provenance type.

Pure data, no pandas: :mod:`aipolicy.costs.compare.scenario` builds and checks scenarios from it,
:mod:`aipolicy.costs.compare.assumptions` lays them out, and :func:`aipolicy.costs.compare.selfhost.with_acquisition`
switches the mode-dependent defaults with it.

The catalog (``aipolicy/catalogs/cost_defaults.csv``) is the one home of the default values:
:data:`CATALOG_DEFAULTS` maps a scenario field to the row it comes from; a ``{mode}`` in the row
name stands for the acquisition mode (``rent`` or ``buy``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BUY_ONLY", "CATALOG_DEFAULTS", "FIELD_LABELS", "FIELD_UNITS", "MODE_DEPENDENT",
           "NUMERIC_FIELDS", "PLAIN_DEFAULT_NOTES", "Provenance", "SHARES", "catalog_key",
           "field_label"]


@dataclass(frozen=True)
class Provenance:
    """Where one scenario value came from."""

    source: str
    as_of: str = "undated"
    note: str = ""


#: Unit of each numeric scenario field.
FIELD_UNITS: dict[str, str] = {
    "requests_per_day": "requests/day",
    "input_tokens": "tokens/request",
    "output_tokens": "tokens/request",
    "reasoning_tokens": "hidden tokens/request (open model)",
    "api_reasoning_tokens": "hidden tokens/request (API model)",
    "cached_input_share": "share of input tokens",
    "batch_share": "share of requests",
    "volume_growth_annual": "ratio/year",
    "api_input_per_mtok_usd": "USD per 1M tokens",
    "api_output_per_mtok_usd": "USD per 1M tokens",
    "api_cached_input_per_mtok_usd": "USD per 1M tokens",
    "api_batch_input_per_mtok_usd": "USD per 1M tokens",
    "api_batch_output_per_mtok_usd": "USD per 1M tokens",
    "api_price_factor": "multiplier",
    "api_staff_fte": "FTE",
    "api_implementation_usd": "USD (one-off)",
    "throughput_tok_s": "output tokens/s per replica",
    "planning_utilization": "ratio of measured capacity",
    "gpus_per_replica": "GPUs",
    "gpu_hour_usd": "USD per GPU-hour",
    "gpus_per_server": "GPUs",
    "server_price_usd": "USD per server",
    "installation_usd": "USD per server",
    "hardware_life_months": "months",
    "residual_value_share": "share of purchase price",
    "cost_of_capital_annual": "ratio/year",
    "maintenance_share_annual": "share of hardware price per year",
    "board_power_w": "W per GPU",
    "server_base_power_w": "W per server",
    "pue": "ratio",
    "power_usd_per_kwh": "USD/kWh",
    "server_power_w": "W per server (maximum input power)",
    "colocation_usd_per_kw_month": "USD per kW-month",
    "staff_fte": "FTE",
    "staff_cost_usd_per_fte_month": "USD per FTE-month",
    "platform_monthly_usd": "USD per month",
    "implementation_usd": "USD (one-off)",
    "horizon_months": "months",
    "redundancy_replicas": "replicas",
    "min_replicas": "replicas",
    "oncall_fte": "FTE",
    "oncall_share": "share of a rotation",
    "gpus_per_oncall_rotation": "GPUs",
    "slo_capacity_fraction": "ratio of saturation throughput",
}
NUMERIC_FIELDS: tuple[str, ...] = tuple(FIELD_UNITS)

#: What a reader sees for each scenario field (tables, charts): words, never the field name.
#: Every numeric field has one (a test checks), and so do the named choices of a scenario.
FIELD_LABELS: dict[str, str] = {
    "api_model": "API model",
    "open_model": "open-weight model",
    "gpu": "GPU",
    "acquisition": "rent or buy the GPUs",
    "rent_mode": "hours rented GPUs run",
    "precision": "weight precision",
    "peak_factor": "peak hour over the daily mean",
    "requests_per_day": "requests per day",
    "input_tokens": "input tokens per request",
    "output_tokens": "output tokens per request",
    "reasoning_tokens": "hidden reasoning tokens (open model)",
    "api_reasoning_tokens": "hidden reasoning tokens (API model)",
    "cached_input_share": "cached share of input tokens",
    "batch_share": "share of requests sent as batch",
    "volume_growth_annual": "yearly volume growth",
    "api_input_per_mtok_usd": "API input price",
    "api_output_per_mtok_usd": "API output price",
    "api_cached_input_per_mtok_usd": "API cached-input price",
    "api_batch_input_per_mtok_usd": "API batch input price",
    "api_batch_output_per_mtok_usd": "API batch output price",
    "api_price_factor": "API price against today's list price",
    "api_staff_fte": "staff to run the API option",
    "api_implementation_usd": "setting up the API option",
    "throughput_tok_s": "throughput of one replica",
    "planning_utilization": "planned utilisation",
    "gpus_per_replica": "GPUs per replica",
    "gpu_hour_usd": "GPU rental price",
    "gpus_per_server": "GPUs per server",
    "server_price_usd": "server price",
    "installation_usd": "installation",
    "hardware_life_months": "hardware life",
    "residual_value_share": "resale value at the end",
    "cost_of_capital_annual": "cost of capital",
    "maintenance_share_annual": "maintenance",
    "board_power_w": "GPU board power",
    "server_base_power_w": "server power besides the GPUs",
    "pue": "data-centre overhead (PUE)",
    "power_usd_per_kwh": "electricity price",
    "server_power_w": "server power rating",
    "colocation_usd_per_kw_month": "colocation price",
    "staff_fte": "staff to run self-hosting",
    "staff_cost_usd_per_fte_month": "staff cost per engineer",
    "platform_monthly_usd": "platform and tooling",
    "implementation_usd": "setting up self-hosting",
    "horizon_months": "horizon",
    "redundancy_replicas": "spare replicas",
    "min_replicas": "fewest replicas",
    "oncall_fte": "on-call staff",
    "oncall_share": "on-call share of a rotation",
    "gpus_per_oncall_rotation": "GPUs one on-call rotation covers",
    "slo_capacity_fraction": "capacity usable within the latency target",
}


def field_label(name: str) -> str:
    """The reader's label of a scenario field: ``"oncall_share"`` -> ``"on-call share of a
    rotation"``; a qualifier after the name is kept (``"api_price_factor (api)"`` -> ``"API
    price against today's list price (api)"``); a name without a label is returned as it is
    (e.g. ``"the list price of GPT-4o"``, already words)."""
    head, sep, rest = name.partition(" (")
    if head in FIELD_LABELS:
        return FIELD_LABELS[head] + (sep + rest if sep else "")
    return name


#: Fields only a bought fleet uses (NaN allowed when renting).
BUY_ONLY: tuple[str, ...] = (
    "gpus_per_server", "server_price_usd", "installation_usd", "hardware_life_months",
    "residual_value_share", "cost_of_capital_annual", "maintenance_share_annual",
    "board_power_w", "server_base_power_w", "pue", "power_usd_per_kwh",
    "server_power_w", "colocation_usd_per_kw_month")
#: Fields that are shares in [0, 1].
SHARES: tuple[str, ...] = ("cached_input_share", "batch_share", "residual_value_share",
                           "oncall_share")

#: Scenario field -> ``cost_defaults.csv`` row its default comes from (``{mode}``: rent/buy).
CATALOG_DEFAULTS: dict[str, str] = {
    "api_staff_fte": "api_staff_fte",
    "api_implementation_usd": "api_implementation_usd",
    "planning_utilization": "planning_utilization",
    "staff_fte": "staff_fte_{mode}",
    "implementation_usd": "implementation_usd_{mode}",
    "hardware_life_months": "hardware_life_months",
    "residual_value_share": "residual_value_share",
    "cost_of_capital_annual": "cost_of_capital_annual",
    "maintenance_share_annual": "maintenance_share_annual",
    "server_base_power_w": "server_base_power_w",
    "pue": "pue",
    "power_usd_per_kwh": "power_usd_per_kwh",
    "colocation_usd_per_kw_month": "colocation_usd_per_kw_month",
    "staff_cost_usd_per_fte_month": "staff_cost_usd_per_fte_month",
    "platform_monthly_usd": "platform_monthly_usd",
    "horizon_months": "horizon_months",
    "redundancy_replicas": "redundancy_replicas",
    "min_replicas": "min_replicas",
    "oncall_fte": "oncall_fte",
    "oncall_share": "oncall_share",
    "gpus_per_oncall_rotation": "gpus_per_oncall_rotation",
}
#: Fields whose catalog default depends on the acquisition mode.
MODE_DEPENDENT: tuple[str, ...] = tuple(k for k, v in CATALOG_DEFAULTS.items() if "{mode}" in v)

#: Fields with a plain (non-catalog) default in :class:`~aipolicy.costs.Scenario`, and the
#: provenance note :func:`~aipolicy.costs.build_scenario` gives it.
PLAIN_DEFAULT_NOTES: dict[str, str] = {
    "cached_input_share": "default",
    "batch_share": "default",
    "volume_growth_annual": "default",
    "api_price_factor": "default (list prices)",
    "slo_capacity_fraction": "no latency target: saturation throughput x planning utilisation",
    "rent_mode": "default: replicas run 24 h a day",
}


def catalog_key(field: str, acquisition: str) -> str:
    """The ``cost_defaults.csv`` row of ``field``'s default for ``acquisition`` (rent/buy)."""
    return CATALOG_DEFAULTS[field].format(mode="rent" if acquisition == "rent" else "buy")
