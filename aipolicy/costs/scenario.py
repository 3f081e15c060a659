"""Scenario: every input of the build-vs-buy comparison in one frozen dataclass, with provenance.

:func:`build_scenario` fills a :class:`Scenario` from the catalogs by name (API model, open
model, GPU) and lets any value be overridden; each field remembers where its value came from
(catalog row, preset, caller), which :func:`describe_assumptions` lays out as a table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from aipolicy.costs import catalog
from aipolicy.costs.throughput import default_precision, min_gpus_for, replica_throughput
from aipolicy.costs.workload import Workload, load_profile
from aipolicy.errors import CatalogError, InvalidInputError

__all__ = ["FIELD_UNITS", "NUMERIC_FIELDS", "Provenance", "Scenario", "build_scenario",
           "describe_assumptions", "scenario_params"]

Acquisition = Literal["rent", "buy"]
RentMode = Literal["always_on", "autoscale"]


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
    "facilities_usd_per_server_month": "USD per server-month",
    "staff_fte": "FTE",
    "staff_cost_usd_per_fte_month": "USD per FTE-month",
    "platform_monthly_usd": "USD per month",
    "implementation_usd": "USD (one-off)",
    "horizon_months": "months",
}
NUMERIC_FIELDS: tuple[str, ...] = tuple(FIELD_UNITS)

_BUY_ONLY = ("gpus_per_server", "server_price_usd", "installation_usd", "hardware_life_months",
             "residual_value_share", "cost_of_capital_annual", "maintenance_share_annual",
             "board_power_w", "server_base_power_w", "pue", "power_usd_per_kwh",
             "facilities_usd_per_server_month")
_SHARES = ("cached_input_share", "batch_share", "residual_value_share")


@dataclass(frozen=True)
class Scenario:
    """All inputs of one build-vs-buy comparison (units in :data:`FIELD_UNITS`).

    Fields not used by the chosen ``acquisition`` may be NaN (e.g. ``gpu_hour_usd`` when
    buying an H200, for which the catalog has no rental price).
    """

    name: str
    api_model: str
    open_model: str
    gpu: str
    acquisition: Acquisition
    requests_per_day: float
    input_tokens: float
    output_tokens: float
    api_input_per_mtok_usd: float
    api_output_per_mtok_usd: float
    api_cached_input_per_mtok_usd: float
    api_batch_input_per_mtok_usd: float
    api_batch_output_per_mtok_usd: float
    throughput_tok_s: float
    gpus_per_replica: int
    throughput_estimated: bool = False
    precision: str = "fp8"
    rent_mode: RentMode = "always_on"
    load_profile: tuple[float, ...] = field(default=(1.0,) * 24)
    cached_input_share: float = 0.0
    batch_share: float = 0.0
    volume_growth_annual: float = 0.0
    api_price_factor: float = 1.0
    api_staff_fte: float = 0.05
    api_implementation_usd: float = 15000.0
    planning_utilization: float = 0.9
    gpu_hour_usd: float = math.nan
    gpus_per_server: float = math.nan
    server_price_usd: float = math.nan
    installation_usd: float = math.nan
    hardware_life_months: float = 48.0
    residual_value_share: float = 0.2
    cost_of_capital_annual: float = 0.08
    maintenance_share_annual: float = 0.05
    board_power_w: float = math.nan
    server_base_power_w: float = 450.0
    pue: float = 1.4
    power_usd_per_kwh: float = 0.12
    facilities_usd_per_server_month: float = 200.0
    staff_fte: float = 0.2
    staff_cost_usd_per_fte_month: float = 18000.0
    platform_monthly_usd: float = 0.0
    implementation_usd: float = 40000.0
    horizon_months: float = 36.0
    provenance: Mapping[str, Provenance] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.acquisition not in ("rent", "buy"):
            raise InvalidInputError(f"acquisition must be 'rent' or 'buy', got "
                                    f"{self.acquisition!r}")
        if self.rent_mode not in ("always_on", "autoscale"):
            raise InvalidInputError(f"rent_mode must be 'always_on' or 'autoscale', got "
                                    f"{self.rent_mode!r}")
        object.__setattr__(self, "load_profile", load_profile(self.load_profile))
        needed = set(NUMERIC_FIELDS) - (set(_BUY_ONLY) if self.acquisition == "rent"
                                         else {"gpu_hour_usd"})
        for name in NUMERIC_FIELDS:
            v = float(getattr(self, name))
            if math.isnan(v) and name not in needed:
                continue
            if not math.isfinite(v):
                hint = (" (no catalog figure: pass it explicitly)" if math.isnan(v) else "")
                raise InvalidInputError(f"{name} must be a finite number, got {v!r}{hint}")
            if v < 0 and name != "volume_growth_annual":
                raise InvalidInputError(f"{name} must be >= 0, got {v!r}")
        for name in _SHARES:
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise InvalidInputError(f"{name} must be between 0 and 1, got "
                                        f"{getattr(self, name)!r}")
        if not 0.0 < self.planning_utilization <= 1.0:
            raise InvalidInputError(f"planning_utilization must be in (0, 1], got "
                                    f"{self.planning_utilization!r}")
        if self.volume_growth_annual <= -1.0:
            raise InvalidInputError(f"volume_growth_annual must be > -1, got "
                                    f"{self.volume_growth_annual!r}")
        for name in ("output_tokens", "throughput_tok_s", "horizon_months"):
            if getattr(self, name) <= 0:
                raise InvalidInputError(f"{name} must be > 0, got {getattr(self, name)!r}")
        if self.gpus_per_replica < 1 or self.gpus_per_replica != int(self.gpus_per_replica):
            raise InvalidInputError(f"gpus_per_replica must be a whole number >= 1, got "
                                    f"{self.gpus_per_replica!r}")
        if self.acquisition == "buy":
            if self.gpus_per_server < 1 or self.gpus_per_server != int(self.gpus_per_server):
                raise InvalidInputError(f"gpus_per_server must be a whole number >= 1, got "
                                        f"{self.gpus_per_server!r}")
            if self.hardware_life_months <= 0:
                raise InvalidInputError("hardware_life_months must be > 0, got "
                                        f"{self.hardware_life_months!r}")

    @property
    def workload(self) -> Workload:
        """The workload part of the scenario."""
        return Workload(self.requests_per_day, self.input_tokens, self.output_tokens,
                        self.cached_input_share, self.batch_share, self.load_profile)

    @property
    def peak_factor(self) -> float:
        """Peak-hour load over the daily mean."""
        return max(self.load_profile)

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some fields changed; changed fields are marked as caller overrides."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise InvalidInputError(f"unknown scenario field(s) {sorted(unknown)}; known: "
                                    f"{', '.join(f.name for f in dataclasses.fields(self))}")
        prov = dict(self.provenance)
        for k in changes:
            prov[k] = Provenance("caller override")
        return dataclasses.replace(self, **changes, provenance=prov)


def scenario_params(scenario: Scenario) -> dict[str, float]:
    """The numeric fields as ``{name: float}`` (input of the vectorised cost core)."""
    return {name: float(getattr(scenario, name)) for name in NUMERIC_FIELDS}


def _fig_prov(fig: catalog.Figure) -> Provenance:
    return Provenance(fig.source, fig.as_of, fig.note)


def build_scenario(
    *,
    api_model: str = "gpt-4o",
    open_model: str = "llama-3.3-70b",
    gpu: str = "h100-sxm",
    acquisition: Acquisition = "rent",
    requests_per_day: float = 10_000.0,
    input_tokens: float = 1000.0,
    output_tokens: float = 300.0,
    load_profile: str | Sequence[float] = "flat",
    rental_provider: str | None = None,
    precision: str | None = None,
    as_of: str | dt.date | None = None,
    name: str = "custom",
    preset_values: Mapping[str, Any] | None = None,
    preset_provenance: Mapping[str, Provenance] | None = None,
    **overrides: Any,
) -> Scenario:
    """Build a :class:`Scenario` from catalog names, with overrides that win over the catalog.

    Parameters
    ----------
    api_model : str
        API model slug (``gpt-4o``) or managed open model (``llama-3.3-70b@groq``).
    open_model, gpu : str
        Self-hosted model and GPU slugs.
    acquisition : {"rent", "buy"}
        Rent GPU-hours or buy servers.
    requests_per_day, input_tokens, output_tokens : float
        Workload volume (requests/day) and mean tokens per request.
    load_profile : str or 24 floats
        ``flat``, ``business_hours``, ``evening_peak`` or hourly weights.
    rental_provider : str, optional
        Rental price row to use (default: the catalog's default provider).
    precision : str, optional
        Serving precision for the throughput lookup (default: any measured, else fp8/fp16).
    as_of : date, optional
        Price date for the API model.
    **overrides
        Any :class:`Scenario` field (e.g. ``gpu_hour_usd=2.0``, ``throughput_tok_s=3000``).

    Raises
    ------
    CatalogError
        Unknown model/GPU name, or a figure the acquisition needs is missing from the catalog.
    InvalidInputError
        A value out of range or an unknown override name.
    """
    valid = {f.name for f in dataclasses.fields(Scenario)} - {"provenance"}
    values: dict[str, Any] = {}
    prov: dict[str, Provenance] = {}
    merged: dict[str, Any] = dict(preset_values or {})
    merged.update(overrides)
    unknown = set(merged) - valid
    if unknown:
        raise InvalidInputError(f"unknown scenario field(s) {sorted(unknown)}; known: "
                                f"{', '.join(sorted(valid))}")
    d = catalog.cost_defaults()

    def take(key: str, value: Any, p: Provenance) -> None:
        values[key] = value
        prov[key] = p

    # ---- workload
    wl_src = Provenance("build_scenario argument")
    take("requests_per_day", float(requests_per_day), wl_src)
    take("input_tokens", float(input_tokens), wl_src)
    take("output_tokens", float(output_tokens), wl_src)
    take("load_profile", load_profile if not isinstance(load_profile, str)
         else load_profile, Provenance("aipolicy assumption" if load_profile != "flat"
                                       else "default (flat)", note=str(load_profile)))
    for key in ("requests_per_day", "input_tokens", "output_tokens", "load_profile"):
        if key in merged:
            values[key] = merged[key]
    in_tok = float(merged.get("input_tokens", values["input_tokens"]))
    out_tok = float(merged.get("output_tokens", values["output_tokens"]))

    # ---- API prices
    price = catalog.api_price(api_model, as_of=as_of, input_tokens=in_tok)
    ap = Provenance(price.source, price.as_of, price.note)
    take("api_input_per_mtok_usd", price.input_per_mtok_usd, ap)
    take("api_output_per_mtok_usd", price.output_per_mtok_usd, ap)
    for key, val, std in (
        ("api_cached_input_per_mtok_usd", price.cached_input_per_mtok_usd,
         price.input_per_mtok_usd),
        ("api_batch_input_per_mtok_usd", price.batch_input_per_mtok_usd,
         price.input_per_mtok_usd),
        ("api_batch_output_per_mtok_usd", price.batch_output_per_mtok_usd,
         price.output_per_mtok_usd),
    ):
        if val is None:
            take(key, std, Provenance(price.source, price.as_of,
                                      "not listed: the standard price is used"))
        else:
            take(key, val, ap)
    take("api_staff_fte", d["api_staff_fte"].value, _fig_prov(d["api_staff_fte"]))
    take("api_implementation_usd", d["api_implementation_usd"].value,
         _fig_prov(d["api_implementation_usd"]))

    # ---- throughput and replica size
    catalog.open_model(open_model)
    catalog.gpu_spec(gpu)
    gpr = merged.get("gpus_per_replica")
    if "throughput_tok_s" in merged:
        if gpr is None:
            try:
                gpr = replica_throughput(open_model, gpu, in_tok, out_tok,
                                         precision=precision).gpus_per_replica
            except CatalogError:
                # the estimate lacks a GPU figure, but only the replica size is needed here:
                # the smallest power of two whose memory holds the weights
                gpr = min_gpus_for(open_model, gpu, precision or default_precision(gpu))
        take("throughput_tok_s", float(merged["throughput_tok_s"]), Provenance("caller override"))
        take("throughput_estimated", bool(merged.get("throughput_estimated", False)),
             Provenance("caller override"))
        take("precision", precision or "fp8", Provenance("caller override"))
    else:
        est = replica_throughput(open_model, gpu, in_tok, out_tok,
                                 gpus_per_replica=None if gpr is None else int(gpr),
                                 precision=precision)
        gpr = est.gpus_per_replica
        tp = Provenance(est.source, est.as_of, est.note)
        take("throughput_tok_s", est.output_tok_s, tp)
        take("throughput_estimated", est.estimated, tp)
        take("precision", est.precision, tp)
    take("gpus_per_replica", int(gpr), Provenance("throughput catalog (tensor-parallel size)"))
    take("planning_utilization", d["planning_utilization"].value,
         _fig_prov(d["planning_utilization"]))

    # ---- acquisition
    if acquisition == "rent" and "gpu_hour_usd" not in merged:
        fig = catalog.gpu_rental(gpu, rental_provider)
        take("gpu_hour_usd", fig.value, _fig_prov(fig))
    elif acquisition == "rent":
        pass
    else:
        try:
            fig = catalog.gpu_rental(gpu, rental_provider)
            take("gpu_hour_usd", fig.value, _fig_prov(fig))
        except CatalogError:
            pass
    spec = catalog.gpu_spec(gpu)
    if spec.board_power_w is not None:
        take("board_power_w", spec.board_power_w.value, _fig_prov(spec.board_power_w))
    server_keys = ("gpus_per_server", "server_price_usd", "installation_usd")
    try:
        server = catalog.server_for(gpu)
        sp = Provenance(server.source, server.as_of, f"server {server.server}; {server.note}"
                        .rstrip("; "))
        take("gpus_per_server", float(server.gpus_per_server), sp)
        take("server_price_usd", server.price_usd, sp)
        inst = catalog.cost_default("installation_share")
        take("installation_usd", server.installation_usd,
             Provenance(inst.source, inst.as_of, "estimated: " + inst.note)
             if server.installation_estimated else sp)
    except CatalogError:
        if acquisition == "buy" and not all(k in merged for k in server_keys):
            raise
    mode = "rent" if acquisition == "rent" else "buy"
    for key, dkey in (("staff_fte", f"staff_fte_{mode}"),
                      ("implementation_usd", f"implementation_usd_{mode}"),
                      ("hardware_life_months", "hardware_life_months"),
                      ("residual_value_share", "residual_value_share"),
                      ("cost_of_capital_annual", "cost_of_capital_annual"),
                      ("maintenance_share_annual", "maintenance_share_annual"),
                      ("server_base_power_w", "server_base_power_w"),
                      ("pue", "pue"), ("power_usd_per_kwh", "power_usd_per_kwh"),
                      ("facilities_usd_per_server_month", "facilities_usd_per_server_month"),
                      ("staff_cost_usd_per_fte_month", "staff_cost_usd_per_fte_month"),
                      ("platform_monthly_usd", "platform_monthly_usd"),
                      ("horizon_months", "horizon_months")):
        take(key, d[dkey].value, _fig_prov(d[dkey]))
    for key in ("cached_input_share", "batch_share", "volume_growth_annual"):
        take(key, 0.0, Provenance("default"))
    take("api_price_factor", 1.0, Provenance("default (list prices)"))
    take("rent_mode", "always_on", Provenance("default: replicas run 24 h a day"))

    # ---- preset values, then caller overrides
    for key, val in (preset_values or {}).items():
        values[key] = val
        prov[key] = (preset_provenance or {}).get(key, Provenance(f"preset {name}"))
    for key, val in overrides.items():
        values[key] = val
        prov[key] = Provenance("caller override")
    if isinstance(values.get("load_profile"), str):
        values["load_profile"] = load_profile_values(values["load_profile"])
    return Scenario(name=name, api_model=api_model, open_model=open_model, gpu=gpu,
                    acquisition=acquisition, provenance=prov, **values)


def load_profile_values(name: str) -> tuple[float, ...]:
    """Named load profile scaled to mean 1 (see :data:`aipolicy.costs.workload.LOAD_PROFILES`)."""
    return load_profile(name)


def describe_assumptions(scenario: Scenario) -> pd.DataFrame:
    """Every number of the scenario with its unit and provenance.

    Returns
    -------
    DataFrame
        One row per parameter; columns ``parameter``, ``value``, ``unit``, ``source``,
        ``as_of``, ``note``. Values labelled ``estimated`` in ``source`` or ``note`` are not
        measurements. Buy-only parameters are omitted for a rented scenario and vice versa.
    """
    skip = set(_BUY_ONLY) if scenario.acquisition == "rent" else {"gpu_hour_usd"}
    rows = []
    for key in ("api_model", "open_model", "gpu", "acquisition", "rent_mode", "precision"):
        p = scenario.provenance.get(key, Provenance("build_scenario argument"))
        rows.append((key, getattr(scenario, key), "name", p.source, p.as_of, p.note))
    p = scenario.provenance.get("load_profile", Provenance("default"))
    rows.append(("peak_factor", round(scenario.peak_factor, 4), "peak hour / daily mean",
                 p.source, p.as_of, p.note))
    for key in NUMERIC_FIELDS:
        if key in skip:
            continue
        p = scenario.provenance.get(key, Provenance("default"))
        note = p.note
        if key == "throughput_tok_s" and scenario.throughput_estimated and "estimated" not in (
                p.source + note):
            note = ("estimated; " + note).rstrip("; ")
        rows.append((key, float(getattr(scenario, key)), FIELD_UNITS[key], p.source, p.as_of,
                     note))
    return pd.DataFrame(rows, columns=["parameter", "value", "unit", "source", "as_of", "note"])
