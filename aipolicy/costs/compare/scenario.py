"""Scenario: every input of the build-vs-buy comparison in one frozen dataclass, with provenance.

:func:`build_scenario` fills a :class:`Scenario` from the catalogs by name (API model, open
model, GPU) and lets any value be overridden; each field remembers where its value came from
(catalog row, preset, caller), which :func:`describe_assumptions` lays out as a table.

The defaults of staff, implementation, power, hardware life and the other operating figures
live only in ``aipolicy/catalogs/cost_defaults.csv`` (mapped by
:data:`aipolicy.costs.compare.fields.CATALOG_DEFAULTS`): :class:`Scenario` has no default for them, and
:func:`build_scenario` fills them in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from aipolicy.costs import catalog
from aipolicy.costs.catalog.prices import valuation_day
from aipolicy.costs.compare.bounds import (
    DEFAULT_UPPER,
    UPPER_BOUNDS,
    check_context,
    check_first_price,
    check_fleet,
    check_tensor_parallel,
)
from aipolicy.costs.compare.capacity_plan import capacity_entries
from aipolicy.costs.compare.fields import (
    BUY_ONLY,
    CATALOG_DEFAULTS,
    FIELD_UNITS,
    NUMERIC_FIELDS,
    PLAIN_DEFAULT_NOTES,
    SHARES,
    Provenance,
)
from aipolicy.costs.compare.inputs import (
    Entries,
    api_price_entries,
    catalog_default,
    hardware_entries,
    reasoning_entries,
    workload_entries,
)
from aipolicy.costs.compare.workload import Workload, load_profile
from aipolicy.errors import InvalidInputError

__all__ = ["FIELD_UNITS", "NUMERIC_FIELDS", "Provenance", "Scenario", "build_scenario",
           "catalog_default", "scenario_params"]

Acquisition = Literal["rent", "buy"]
RentMode = Literal["always_on", "autoscale"]


def _bad(name: str, value: Any, message: str) -> InvalidInputError:
    return InvalidInputError(f"{name} {message}", field=name, value=value)


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """All inputs of one build-vs-buy comparison (units in :data:`FIELD_UNITS`).

    Keyword-only. Fields not used by the chosen ``acquisition`` may be NaN (e.g.
    ``gpu_hour_usd`` when buying an H200, for which the catalog has no rental price). The
    operating figures listed in :data:`~aipolicy.costs.compare.fields.CATALOG_DEFAULTS` have no default
    here: :func:`build_scenario` takes them from ``cost_defaults.csv``.
    """

    name: str
    api_model: str
    open_model: str
    gpu: str
    acquisition: Acquisition
    requests_per_day: float
    input_tokens: float
    output_tokens: float
    #: Hidden reasoning tokens per request (billed as output, generated like output): of the
    #: open model (self-hosted replicas and its hosts) and of the API model.
    reasoning_tokens: float = 0.0
    api_reasoning_tokens: float = 0.0
    api_input_per_mtok_usd: float
    api_output_per_mtok_usd: float
    api_cached_input_per_mtok_usd: float
    api_batch_input_per_mtok_usd: float
    api_batch_output_per_mtok_usd: float
    throughput_tok_s: float
    gpus_per_replica: int
    throughput_estimated: bool = False
    throughput_basis: str = "measured"
    throughput_fit_max_error: float = math.nan
    precision: str = "fp8"
    rent_mode: RentMode = "always_on"
    load_profile: tuple[float, ...] = field(default=(1.0,) * 24)
    cached_input_share: float = 0.0
    batch_share: float = 0.0
    volume_growth_annual: float = 0.0
    api_price_factor: float = 1.0
    api_staff_fte: float
    api_implementation_usd: float
    planning_utilization: float
    gpu_hour_usd: float = math.nan
    gpus_per_server: float = math.nan
    server_price_usd: float = math.nan
    installation_usd: float = math.nan
    hardware_life_months: float
    residual_value_share: float
    cost_of_capital_annual: float
    maintenance_share_annual: float
    board_power_w: float = math.nan
    server_base_power_w: float
    pue: float
    power_usd_per_kwh: float
    server_power_w: float = math.nan
    colocation_usd_per_kw_month: float
    staff_fte: float
    staff_cost_usd_per_fte_month: float
    platform_monthly_usd: float
    implementation_usd: float
    horizon_months: float
    redundancy_replicas: float
    min_replicas: float
    oncall_fte: float
    oncall_share: float
    gpus_per_oncall_rotation: float
    slo_capacity_fraction: float = 1.0
    slo_tokens_per_user: float = math.nan
    slo_ttft_s: float = math.nan
    #: Valuation date (YYYY-MM-DD) whose prices in force the scenario uses; every option of a
    #: comparison is priced on it. Empty: the run's (:func:`aipolicy.valuation.current`).
    as_of: str = ""
    provenance: Mapping[str, Provenance] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.acquisition not in ("rent", "buy"):
            raise _bad("acquisition", self.acquisition,
                       f"must be 'rent' or 'buy', got {self.acquisition!r}")
        if self.rent_mode not in ("always_on", "autoscale"):
            raise _bad("rent_mode", self.rent_mode,
                       f"must be 'always_on' or 'autoscale', got {self.rent_mode!r}")
        object.__setattr__(self, "load_profile", load_profile(self.load_profile))
        self._check_numbers()
        if self.acquisition == "buy":
            if self.gpus_per_server < 1 or self.gpus_per_server != int(self.gpus_per_server):
                raise _bad("gpus_per_server", self.gpus_per_server,
                           f"must be a whole number >= 1, got {self.gpus_per_server!r}")
            if self.hardware_life_months <= 0:
                raise _bad("hardware_life_months", self.hardware_life_months,
                           f"must be > 0, got {self.hardware_life_months!r}")

    def _check_numbers(self) -> None:
        """Finite, non-negative numbers; shares in [0, 1]; the few stricter bounds."""
        needed = set(NUMERIC_FIELDS) - (set(BUY_ONLY) if self.acquisition == "rent"
                                         else {"gpu_hour_usd"})
        for name in NUMERIC_FIELDS:
            v = float(getattr(self, name))
            if math.isnan(v) and name not in needed:
                continue
            if not math.isfinite(v):
                if math.isnan(v) and name in ("server_price_usd", "gpus_per_server"):
                    raise _bad(name, v, f"is not known: no server with {self.gpu} has a public price in the "
                               "catalog, so it can only be rented here (give a server price "
                               "and its GPU count to price a purchase)")
                hint = (" (no catalog figure: pass it explicitly)" if math.isnan(v) else "")
                raise _bad(name, v, f"must be a finite number, got {v!r}{hint}")
            if v < 0 and name != "volume_growth_annual":
                raise _bad(name, v, f"must be >= 0, got {v!r}")
            top = UPPER_BOUNDS.get(name, DEFAULT_UPPER)
            if v > top:
                raise _bad(name, v, f"must be at most {top:g} ({FIELD_UNITS[name]}), got {v:g}")
        for name in SHARES:
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise _bad(name, v, f"must be between 0 and 1, got {v!r}")
        for name in ("planning_utilization", "slo_capacity_fraction"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise _bad(name, getattr(self, name),
                           f"must be in (0, 1], got {getattr(self, name)!r}")
        for name in ("redundancy_replicas", "min_replicas"):
            v = getattr(self, name)
            if v != int(v):
                raise _bad(name, v, f"must be a whole number of replicas, got {v!r}")
        if self.gpus_per_oncall_rotation < 1:
            raise _bad("gpus_per_oncall_rotation", self.gpus_per_oncall_rotation,
                       f"must be >= 1, got {self.gpus_per_oncall_rotation!r}")
        if self.volume_growth_annual <= -1.0:
            raise _bad("volume_growth_annual", self.volume_growth_annual,
                       f"must be > -1, got {self.volume_growth_annual!r}")
        for name in ("output_tokens", "throughput_tok_s", "horizon_months"):
            if getattr(self, name) <= 0:
                raise _bad(name, getattr(self, name), f"must be > 0, got {getattr(self, name)!r}")
        if self.gpus_per_replica < 1 or self.gpus_per_replica != int(self.gpus_per_replica):
            raise _bad("gpus_per_replica", self.gpus_per_replica,
                       f"must be a whole number >= 1, got {self.gpus_per_replica!r}")

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
        _check_field_names(changes)
        prov = dict(self.provenance)
        for k in changes:
            prov[k] = Provenance("caller override")
        return dataclasses.replace(self, **changes, provenance=prov)


def _check_field_names(values: Mapping[str, Any]) -> None:
    valid = {f.name for f in dataclasses.fields(Scenario)} - {"provenance"}
    unknown = sorted(set(values) - valid)
    if unknown:
        raise InvalidInputError(f"unknown scenario field(s) {unknown}; known: "
                                f"{', '.join(sorted(valid))}", field=unknown[0])


def scenario_params(scenario: Scenario) -> dict[str, float]:
    """The numeric fields as ``{name: float}`` (input of the vectorised cost core)."""
    return {name: float(getattr(scenario, name)) for name in NUMERIC_FIELDS}


def _default_entries(acquisition: str) -> Entries:
    """The catalog's operating defaults for ``acquisition`` and the plain defaults."""
    out: Entries = {name: catalog_default(name, acquisition) for name in CATALOG_DEFAULTS}
    for f in dataclasses.fields(Scenario):
        if f.name in PLAIN_DEFAULT_NOTES:
            out[f.name] = (f.default, Provenance(PLAIN_DEFAULT_NOTES[f.name]))
    return out


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
    as_of : date or YYYY-MM-DD, optional
        Valuation date: the API prices in force on it are used, and it is recorded in the
        scenario (``Scenario.as_of``) so that every option is priced on it. Default: the
        run's valuation date (:func:`aipolicy.valuation.current`).
    **overrides
        Any :class:`Scenario` field (e.g. ``gpu_hour_usd=2.0``, ``throughput_tok_s=3000``).
        A given ``api_input_per_mtok_usd`` (``api_output_per_mtok_usd``) also sets the cached
        and batch input (batch output) prices, at the catalog's ratio to the standard price,
        unless those are given too.

    Raises
    ------
    CatalogError
        Unknown model/GPU name, or a figure the acquisition needs is missing from the catalog;
        ``exc.field`` names the argument or scenario field to change.
    InvalidInputError
        A value out of range or an unknown override name (``exc.field`` names it).
    """
    given: dict[str, Any] = dict(preset_values or {})
    given.update(overrides)
    _check_field_names(given)
    if acquisition not in ("rent", "buy"):
        raise _bad("acquisition", acquisition, f"must be 'rent' or 'buy', got {acquisition!r}")
    spec = catalog.open_model(open_model)
    catalog.gpu_spec(gpu)
    in_tok = float(given.get("input_tokens", input_tokens))
    out_tok = float(given.get("output_tokens", output_tokens))
    for key, v in (("input_tokens", in_tok), ("output_tokens", out_tok)):
        # checked before the throughput model sees them (the Scenario checks the rest)
        if not (math.isfinite(v) and 0 <= v <= UPPER_BOUNDS[key]):
            raise _bad(key, v, f"must be between 0 and {UPPER_BOUNDS[key]:g} "
                               f"({FIELD_UNITS[key]}), got {v:g}")
    check_context(open_model, spec.context_tokens, in_tok, out_tok)
    check_tensor_parallel(open_model, spec.n_heads, given.get("gpus_per_replica"))
    day = valuation_day(as_of)
    if "@" not in api_model:
        check_first_price(api_model, day)

    entries: Entries = workload_entries(requests_per_day, input_tokens, output_tokens,
                                        load_profile)
    entries.update(api_price_entries(api_model, day, in_tok, given))
    entries.update(reasoning_entries(open_model, api_model, given))
    # a replica generates the hidden reasoning tokens too: its throughput and latency are
    # those of requests of out_tok + reasoning output tokens
    gen_tok = out_tok + float(entries["reasoning_tokens"][0])
    entries.update(hardware_entries(gpu, acquisition, rental_provider, given))
    entries.update(_default_entries(acquisition))
    entries.update(capacity_entries(open_model, gpu, in_tok, gen_tok, precision, given))
    for key, val in (preset_values or {}).items():  # preset values, then caller overrides
        entries[key] = (val, (preset_provenance or {}).get(key, Provenance(f"preset {name}")))
    for key, val in overrides.items():
        entries[key] = (val, Provenance("caller override"))

    values = {k: v for k, (v, _) in entries.items()}
    if isinstance(values["load_profile"], str):
        values["load_profile"] = load_profile_values(values["load_profile"])
    scenario = Scenario(name=name, api_model=api_model, open_model=open_model, gpu=gpu,
                        acquisition=acquisition, as_of=day.isoformat(),
                        provenance={k: p for k, (_, p) in entries.items()}, **values)
    check_fleet(scenario)
    return scenario


def load_profile_values(name: str) -> tuple[float, ...]:
    """Named load profile scaled to mean 1 (see :data:`aipolicy.costs.compare.workload.LOAD_PROFILES`)."""
    return load_profile(name)
