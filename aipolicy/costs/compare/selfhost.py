"""Self-hosted monthly cost (rent or buy), vectorised over parameter arrays.

Sizing, per traffic class
    Saturation (requests/s) = ``throughput_tok_s / (output_tokens + reasoning_tokens)`` (a
    reasoning model generates its hidden tokens too). The interactive share ``1 - b`` of
    requests (``b = batch_share``) is planned at ``cap_i = saturation * min(planning_utilization,
    slo_capacity_fraction)`` (the latency target, when lower); batch work has no latency
    target and runs at ``cap_b = saturation * planning_utilization``, in whatever hours the
    interactive load leaves free (off-peak: it can wait hours). An always-on fleet of ``N``
    serving replicas must carry the interactive peak and, over the day, the interactive and
    batch work together, so with the busiest month's mean demand ``m`` (requests/s) and the
    profile's peak ``P`` (mean 1)::

        N = m * max((1 - b) * P / cap_i, (1 - b) / cap_i + b / cap_b)

    (:func:`sizing_load`); replicas are ``max(min_replicas, ceil(N) + redundancy_replicas)``
    (N+1 by default). An autoscaled fleet runs ``ceil(m_avg * ((1 - b) * profile_h / cap_i +
    b / cap_b))`` replicas in hour ``h`` (:func:`hourly_load`, the batch spread evenly).
    Staff: ``max(staff_fte, oncall_fte * oncall_share * rotations)`` FTE, one rotation per
    started ``gpus_per_oncall_rotation`` GPUs (a 24/7 pager needs a rotation).
    Servers (buy): ``ceil(replicas / floor(gpus_per_server / gpus_per_replica))``, or
    ``replicas * ceil(gpus_per_replica / gpus_per_server)`` when a replica spans servers.

Monthly cost (USD per month) is ``fixed + per_replica * replicas + per_server * servers``:

* fixed: ``staff_fte * staff_cost_usd_per_fte_month + platform_monthly_usd
  + implementation_usd / horizon_months``;
* rent, per replica: ``gpus_per_replica * gpu_hour_usd * 730`` (always on); in ``autoscale``
  mode the replicas follow the hourly load profile instead of the peak;
* buy, per replica: GPU energy ``gpus_per_replica * board_power_w / 1000 * pue *
  power_usd_per_kwh * 730`` (board power: the GPUs in use run flat out; idle GPUs in a
  part-filled server are not charged energy);
* buy, per server: straight-line depreciation ``capex * (1 - residual) / life``, cost of capital
  (the capital-recovery annuity on ``capex`` less the discounted residual, minus the
  depreciation), maintenance ``price * maintenance_share_annual / 12``, base energy
  ``server_base_power_w / 1000 * pue * power_usd_per_kwh * 730`` and colocation
  ``server_power_w / 1000 * colocation_usd_per_kw_month`` (the ``facilities`` component).
  ``capex = server_price_usd + installation_usd``.

Power: energy versus provisioned capacity
    Two different kW figures are used on purpose. *Energy* (the ``power`` component) is the
    draw: board power x GPUs in use + a base power per server (CPUs, memory, fans, NICs),
    times PUE. A full 8xH100 server comes to 8 x 700 + 450 = 6.05 kW, just under the only
    typical-draw figure found (DGX H100 6.5-8.5 kW, a secondary source,
    https://www.supercluster.blog/p/6-ai-supercluster-nvidia-dgx-h100), so the energy may be
    understated by up to about 30%; board power is sourced for every GPU while a typical draw
    exists for one system only, hence this choice. *Provisioned capacity* (what a colocation
    contract charges per kW-month, whether drawn or not) is the server's maximum input power
    ``server_power_w`` from the GPU catalog (``gpus.csv`` ``server_max_power_w``): DGX
    H100/H200 10.2 kW (NVIDIA user guide as quoted by a secondary page), DGX B200 14.3 kW
    (NVIDIA DGX B200 user guide). GPUs without a sourced figure get ``gpus_per_server x
    board_power_w + server_base_power_w``, labelled ``estimated`` in the provenance.
    Colocation is priced at CBRE's H2 2024 North American asking rate, 184.06 USD per
    kW-month for 250-500 kW (``cost_defaults.csv`` ``colocation_usd_per_kw_month``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from aipolicy.costs.compare.api import breakdown_frame, growth_of
from aipolicy.costs.compare.fields import MODE_DEPENDENT, Provenance
from aipolicy.costs.compare.scenario import Scenario, catalog_default, scenario_params
from aipolicy.costs.compare.workload import (
    DAYS_PER_MONTH,
    HOURS_PER_MONTH,
    peak_of,
)
from aipolicy.errors import InvalidInputError

__all__ = ["COMPONENTS", "SelfHostResult", "batch_capacity_rps", "ceil_safe", "hourly_load",
           "rent_vs_buy", "replica_capacity_rps", "sizing_load",
           "selfhost_components", "selfhost_monthly", "servers_for", "unit_costs",
           "with_acquisition"]

ArrayLike = float | np.ndarray
#: Monthly cost components, in breakdown order.
COMPONENTS = ("gpu_rental", "depreciation", "cost_of_capital", "maintenance", "power",
              "facilities", "staff", "platform", "implementation")


def ceil_safe(x: ArrayLike) -> ArrayLike:
    """``ceil`` that ignores floating-point noise just above a whole number."""
    a = np.asarray(x, dtype=float)
    if a.ndim == 0:
        return np.ceil(a * (1.0 - 1e-12) - 1e-12).clip(min=0.0)
    y = a * (1.0 - 1e-12)  # one new array, then in place (the Monte Carlo's hot path)
    y -= 1e-12
    np.ceil(y, out=y)
    np.maximum(y, 0.0, out=y)
    return y


def planned_share(p: Mapping[str, ArrayLike]) -> ArrayLike:
    """Share of saturation throughput a replica is planned at (ratio).

    Without a latency target it is the planning utilisation; with one, the share of
    saturation throughput that still meets it (``slo_capacity_fraction``) when that is lower:
    a replica is never planned above either.
    """
    return np.minimum(p["planning_utilization"], p.get("slo_capacity_fraction", 1.0))


def replica_capacity_rps(p: Mapping[str, ArrayLike]) -> ArrayLike:
    """Requests per second one replica is planned to serve (see :func:`planned_share`)."""
    return (p["throughput_tok_s"] * planned_share(p)
            / (p["output_tokens"] + p.get("reasoning_tokens", 0.0)))


def batch_capacity_rps(p: Mapping[str, ArrayLike]) -> ArrayLike:
    """Requests per second one replica is planned to serve of batch work: saturation at the
    planning utilisation (batch work has no latency target)."""
    return (p["throughput_tok_s"] * p["planning_utilization"]
            / (p["output_tokens"] + p.get("reasoning_tokens", 0.0)))


def sizing_load(p: Mapping[str, ArrayLike], profile: Sequence[float]) -> ArrayLike:
    """Serving replicas an always-on fleet needs per request/s of the day's mean demand.

    ``max((1 - b) * peak / cap_i, (1 - b) / cap_i + b / cap_b)``: the interactive peak, or
    the day's interactive and batch work over 24 hours when the batch cannot all fit into the
    hours the interactive load leaves free (see the module docstring).
    """
    b = p.get("batch_share", 0.0)
    inter = (1.0 - b) / replica_capacity_rps(p)
    return np.maximum(inter * float(np.max(np.asarray(profile, dtype=float))),
                      inter + b / batch_capacity_rps(p))


def hourly_load(p: Mapping[str, ArrayLike], profile: Sequence[float]) -> np.ndarray:
    """Replicas needed per request/s of the day's mean demand, hour by hour, with the batch
    share spread evenly: ``(1 - b) * profile_h / cap_i + b / cap_b``; 24 values, or (24, n)
    for n draws."""
    b = np.asarray(p.get("batch_share", 0.0), dtype=float)
    inter = (1.0 - b) / np.asarray(replica_capacity_rps(p), dtype=float)
    batch = b / np.asarray(batch_capacity_rps(p), dtype=float)
    prof = np.asarray(profile, dtype=float)
    if np.ndim(inter) == 0 and np.ndim(batch) == 0:
        return prof * float(inter) + float(batch)
    return prof[:, None] * np.atleast_1d(inter)[None, :] + np.atleast_1d(batch)[None, :]


def fleet_replicas(need: ArrayLike, p: Mapping[str, ArrayLike]) -> ArrayLike:
    """Replicas of a production fleet: the serving need plus the spares, at least the minimum.

    ``max(min_replicas, ceil(need) + redundancy_replicas)`` (N+1 by default); ``need`` is
    serving replicas (:func:`sizing_load` x mean requests/s).
    """
    return np.maximum(ceil_safe(need) + p.get("redundancy_replicas", 0.0),
                      p.get("min_replicas", 1.0))


def staff_fte_effective(p: Mapping[str, ArrayLike], gpus: ArrayLike) -> ArrayLike:
    """FTE the self-hosted service costs: its engineering time, at least its on-call share.

    A 24/7 pager needs a rotation (``oncall_fte``, e.g. 8 engineers x 25% on call = 2 FTE);
    the service carries ``oncall_share`` of one rotation per started
    ``gpus_per_oncall_rotation`` GPUs, so staff steps with the fleet. A fraction of an FTE
    below that floor cannot carry a pager.
    """
    rotations = np.maximum(ceil_safe(np.asarray(gpus, dtype=float)
                                     / p.get("gpus_per_oncall_rotation", np.inf)), 1.0)
    floor = p.get("oncall_fte", 0.0) * p.get("oncall_share", 0.0) * rotations
    return np.maximum(p["staff_fte"], floor)


def servers_for(replicas: ArrayLike, p: Mapping[str, ArrayLike]) -> ArrayLike:
    """Whole servers that hold ``replicas`` replicas."""
    gpr = np.asarray(p["gpus_per_replica"], dtype=float)
    gps = np.asarray(p["gpus_per_server"], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_server = np.floor(gps / gpr)
        packed = ceil_safe(np.asarray(replicas) / np.where(per_server >= 1, per_server, 1.0))
    spanning = np.asarray(replicas) * np.ceil(gpr / gps)
    return np.where(gpr <= gps, packed, spanning)


def unit_costs(p: Mapping[str, ArrayLike], acquisition: str) -> dict[str, ArrayLike]:
    """The affine pieces of the monthly cost (USD per month).

    Returns ``fixed``, ``per_replica``, ``per_server`` and the per-component pieces
    ``<component>_fixed`` / ``_replica`` / ``_server`` used by :func:`selfhost_components`.
    Reuses ``p["_units_<acquisition>"]`` when present (the Monte Carlo computes it once).
    """
    cached = p.get(f"_units_{acquisition}")
    if cached is not None:
        return cached  # type: ignore[return-value]
    h = HOURS_PER_MONTH
    out: dict[str, ArrayLike] = {}
    out["staff_fixed"] = p["staff_fte"] * p["staff_cost_usd_per_fte_month"]
    out["platform_fixed"] = p["platform_monthly_usd"]
    out["implementation_fixed"] = p["implementation_usd"] / p["horizon_months"]
    if acquisition == "rent":
        out["gpu_rental_replica"] = p["gpus_per_replica"] * p["gpu_hour_usd"] * h
    else:
        kwh = p["pue"] * p["power_usd_per_kwh"] * (h / 1000.0)
        out["power_replica"] = p["gpus_per_replica"] * p["board_power_w"] * kwh
        capex = p["server_price_usd"] + p["installation_usd"]
        n = p["hardware_life_months"]
        res = p["residual_value_share"] * capex
        coc = p["cost_of_capital_annual"]
        if np.ndim(coc) == 0 and np.ndim(n) == 0:  # the usual case: a scalar annuity factor
            r = (1.0 + float(coc)) ** (1.0 / 12.0) - 1.0
            disc = (1.0 + r) ** (-float(n))
            crf = r / (1.0 - disc) if r > 1e-15 else 1.0 / float(n)
            annuity = (capex - res * disc) * crf
        else:
            r = (1.0 + np.asarray(coc, dtype=float)) ** (1.0 / 12.0) - 1.0
            disc = (1.0 + r) ** (-np.asarray(n, dtype=float))
            with np.errstate(divide="ignore", invalid="ignore"):
                annuity = np.where(r > 1e-15, (capex - res * disc) * r / (1.0 - disc),
                                   (capex - res) / n)
        dep = (capex - res) / n
        out["depreciation_server"] = dep
        out["cost_of_capital_server"] = annuity - dep
        out["maintenance_server"] = p["server_price_usd"] * p["maintenance_share_annual"] / 12.0
        out["power_server"] = p["server_base_power_w"] * kwh
        # colocation: the provisioned kW (the server's maximum input power) x USD per kW-month
        out["facilities_server"] = p["server_power_w"] * (p["colocation_usd_per_kw_month"]
                                                          / 1000.0)
    out["fixed"] = sum((v for k, v in list(out.items()) if k.endswith("_fixed")), start=0.0)
    out["per_replica"] = sum((v for k, v in list(out.items()) if k.endswith("_replica")),
                             start=0.0)
    out["per_server"] = sum((v for k, v in list(out.items()) if k.endswith("_server")),
                            start=0.0)
    return out


def selfhost_components(p: Mapping[str, ArrayLike], acquisition: str, rent_mode: str,
                        profile: Sequence[float], *, replicas_cap: ArrayLike | None = None
                        ) -> dict[str, ArrayLike]:
    """Monthly self-hosted cost by component, vectorised over parameter arrays.

    Parameters
    ----------
    p : mapping
        Scenario field name -> float or array (all arrays broadcast together).
    acquisition : {"rent", "buy"}
    rent_mode : {"always_on", "autoscale"}
    profile : 24 floats, mean 1
    replicas_cap : float or array, optional
        Run at most this many replicas (the hybrid's ``k``); the overflow is not served here.
        ``0`` means no self-hosting at all: every component, fixed ones included, is 0.

    Returns
    -------
    dict
        ``<component>_usd`` for each of :data:`COMPONENTS`, ``total_usd``, ``replicas``,
        ``gpus``, ``servers``, ``capacity_rps`` (per replica, interactive: under the
        latency target), ``batch_capacity_rps`` (per replica, batch), ``peak_rps`` (the peak
        hour's demand with the batch spread evenly).
    """
    avg, end = growth_of(p)
    cap = replica_capacity_rps(p)
    mean_rps = p["requests_per_day"] / 86400.0
    peak_rps = mean_rps * end * peak_of(profile, p.get("batch_share", 0.0))
    replicas = fleet_replicas(mean_rps * end * sizing_load(p, profile), p)
    if replicas_cap is not None:  # the hybrid's k: the API absorbs overflow and failures
        replicas = np.minimum(replicas, replicas_cap)
    if acquisition == "rent" and rent_mode == "autoscale":
        replica_months = 0.0
        for w in hourly_load(p, profile):
            need = np.maximum(ceil_safe(mean_rps * avg * w), 1.0)
            replica_months = replica_months + np.minimum(need, replicas) / 24.0
    else:
        replica_months = replicas
    servers = servers_for(replicas, p) if acquisition == "buy" else 0.0 * replicas
    u = unit_costs(p, acquisition)
    out: dict[str, ArrayLike] = {}
    active = 1.0 if replicas_cap is None else (np.asarray(replicas_cap) > 0).astype(float)
    total = 0.0
    staff_fte = staff_fte_effective(p, replicas * p["gpus_per_replica"])
    for comp in COMPONENTS:
        fixed = (staff_fte * p["staff_cost_usd_per_fte_month"] if comp == "staff"
                 else u.get(f"{comp}_fixed", 0.0))
        # fixed + per replica x replica-months + per server x servers; a piece the mode lacks
        # is left out (adding 0 x an array would only cost time in the Monte Carlo)
        v = fixed * active
        if f"{comp}_replica" in u:
            v = v + u[f"{comp}_replica"] * replica_months
        if f"{comp}_server" in u:
            v = v + u[f"{comp}_server"] * servers
        out[f"{comp}_usd"] = v
        if np.ndim(v) or v != 0.0:
            total = total + v
    out.update(total_usd=total, replicas=replicas, gpus=replicas * p["gpus_per_replica"],
               servers=servers, capacity_rps=cap, batch_capacity_rps=batch_capacity_rps(p),
               peak_rps=peak_rps,
               replica_months=replica_months, staff_fte=staff_fte * active)
    return out


@dataclass(frozen=True)
class SelfHostResult:
    """Monthly cost of self-hosting the scenario.

    Attributes
    ----------
    monthly_usd : float
        Total USD per month.
    breakdown : dict
        USD per month by component (:data:`COMPONENTS`).
    replicas, gpus, servers : int
        Replicas sized for the peak hour; GPUs in them; servers bought (0 when renting).
    capacity_requests_per_s : float
        One replica's capacity at the planning utilisation.
    peak_requests_per_s : float
        Demand in the peak hour (busiest month's volume).
    cost_per_mtok_usd : float
        Total monthly cost per 1M (input + output) tokens served, USD.
    throughput_tok_s : float
        Output tokens/s per replica used; ``throughput_estimated`` says if it is an estimate.
    """

    acquisition: str
    monthly_usd: float
    breakdown: Mapping[str, float]
    replicas: int
    gpus: int
    servers: int
    capacity_requests_per_s: float
    peak_requests_per_s: float
    cost_per_mtok_usd: float
    throughput_tok_s: float
    throughput_estimated: bool
    extra: Mapping[str, float] = field(default_factory=dict)

    def breakdown_frame(self) -> pd.DataFrame:
        """Columns ``component``, ``monthly_usd``, ``share`` (one row per component)."""
        return breakdown_frame(self.breakdown, self.monthly_usd)


def selfhost_monthly(scenario: Scenario) -> SelfHostResult:
    """Self-hosted monthly cost of the scenario, by component, with the fleet size."""
    p = scenario_params(scenario)
    c = selfhost_components(p, scenario.acquisition, scenario.rent_mode, scenario.load_profile)
    avg, _ = growth_of(p)
    tokens = scenario.workload.tokens_per_month * avg
    total = float(c["total_usd"])
    return SelfHostResult(
        acquisition=scenario.acquisition, monthly_usd=total,
        breakdown={k: float(c[f"{k}_usd"]) for k in COMPONENTS},
        replicas=int(c["replicas"]), gpus=int(c["gpus"]), servers=int(c["servers"]),
        capacity_requests_per_s=float(c["capacity_rps"]),
        peak_requests_per_s=float(c["peak_rps"]),
        cost_per_mtok_usd=total / tokens * 1e6 if tokens > 0 else float("nan"),
        throughput_tok_s=scenario.throughput_tok_s,
        throughput_estimated=scenario.throughput_estimated,
        extra={"replica_months": float(c["replica_months"]),
               "days_per_month": DAYS_PER_MONTH})


def with_acquisition(scenario: Scenario, acquisition: str) -> Scenario:
    """The same scenario with rented (``"rent"``) or bought (``"buy"``) GPUs.

    This is the one place that prices "the other acquisition mode": ``staff_fte`` and
    ``implementation_usd`` switch to the catalog default of the new mode (``staff_fte_buy``,
    ``implementation_usd_buy``, ...) unless a preset or the caller set them, i.e. unless their
    provenance is something other than the catalog row of the scenario's own mode. Every
    other value is kept.

    Raises
    ------
    InvalidInputError
        ``field="acquisition"`` for a mode other than rent/buy, or the field the new mode
        needs and the scenario lacks (``gpu_hour_usd`` or ``server_price_usd`` when the
        catalog has no rental price or server for the GPU).
    """
    if acquisition not in ("rent", "buy"):
        raise InvalidInputError(f"acquisition must be 'rent' or 'buy', got {acquisition!r}",
                                field="acquisition", value=acquisition)
    if acquisition == scenario.acquisition:
        return scenario
    changes: dict[str, object] = {"acquisition": acquisition}
    prov = dict(scenario.provenance)
    prov["acquisition"] = Provenance("caller override",
                                     note=f"switched from {scenario.acquisition}")
    for name in MODE_DEPENDENT:
        _, own = catalog_default(name, scenario.acquisition)
        if scenario.provenance.get(name) in (None, own):
            changes[name], prov[name] = catalog_default(name, acquisition)
    return dataclasses.replace(scenario, **changes, provenance=prov)


def rent_vs_buy(scenario: Scenario) -> pd.DataFrame:
    """Monthly breakdown for renting and for buying, side by side.

    The other acquisition mode is priced by :func:`with_acquisition` (staff FTE and
    implementation switch to that mode's catalog default unless the caller or a preset set
    them).

    Returns
    -------
    DataFrame
        Index: components plus ``total``, ``replicas``, ``gpus``, ``servers``; columns
        ``rent_usd`` and ``buy_usd`` (USD per month; counts for the last three rows).
    """
    cols = {}
    for mode in ("rent", "buy"):
        r = selfhost_monthly(with_acquisition(scenario, mode))
        cols[f"{mode}_usd"] = {**r.breakdown, "total": r.monthly_usd, "replicas": r.replicas,
                               "gpus": r.gpus, "servers": r.servers}
    return pd.DataFrame(cols)
