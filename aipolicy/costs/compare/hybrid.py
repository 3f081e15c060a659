"""Hybrid: self-host ``k`` replicas for the base load, send the overflow to the API.

Hour by hour over the 24-hour profile, the ``k`` replicas serve up to
``k * capacity_rps * 3600`` requests; the rest goes to the API at the scenario's per-request
price. For each ``k`` from 0 (all API) to the replicas needed for the peak (all self-host):

* self-hosted part: the self-hosted monthly cost with at most ``k`` replicas (staff, platform
  and implementation only when ``k > 0``);
* API part: overflow requests x USD per request, plus the API option's overhead (staff,
  implementation) whenever anything overflows or ``k = 0``.

``k = 0`` reproduces the all-API cost and ``k = K`` the all-self-host cost, so the optimum
is never worse than either.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aipolicy.costs.compare.api import api_monthly_components, growth_factors, growth_of
from aipolicy.costs.compare.scenario import Scenario, scenario_params
from aipolicy.costs.compare.selfhost import selfhost_components
from aipolicy.costs.compare.workload import DAYS_PER_MONTH, effective_profile
from aipolicy.errors import InvalidInputError

__all__ = ["HybridResult", "best_split_draws", "hybrid_split", "hybrid_table", "hybrid_totals",
           "optimise_hybrid"]

ArrayLike = float | np.ndarray

_MAX_K = 200_000


@dataclass(frozen=True)
class HybridResult:
    """Best hybrid split beside all-API and all-self-host (USD per month).

    Attributes
    ----------
    hybrid_replicas : int
        The cost-minimising ``k`` (0 = all API; equal to ``selfhost_replicas`` = all self-host).
    hybrid_monthly_usd, api_monthly_usd, selfhost_monthly_usd : float
    selfhost_replicas : int
        Replicas the all-self-host fleet needs for the peak hour.
    selfhost_share_of_requests : float
        Share of requests served in-house at the optimum.
    cheapest : str
        ``api`` (k = 0), ``selfhost`` (k = K) or ``hybrid``.
    table : DataFrame or None
        :func:`hybrid_table` (one row per k).
    hourly : DataFrame or None
        :func:`hybrid_split` at the optimum (one row per hour of day).
    """

    hybrid_replicas: int
    hybrid_monthly_usd: float
    api_monthly_usd: float
    selfhost_monthly_usd: float
    selfhost_replicas: int
    selfhost_share_of_requests: float
    cheapest: str
    table: pd.DataFrame | None = None
    hourly: pd.DataFrame | None = None


def _hourly_demand(scenario: Scenario) -> np.ndarray:
    p = scenario_params(scenario)
    avg, _ = growth_factors(p["volume_growth_annual"], p["horizon_months"])
    # the batchable share runs off-peak, as the self-hosted fleet is sized for it
    prof = effective_profile(scenario.load_profile, scenario.batch_share)
    return scenario.requests_per_day * avg * prof / 24.0


def hybrid_totals(p: Mapping[str, ArrayLike], acquisition: str, rent_mode: str,
                  profile: Sequence[float], ks: np.ndarray) -> dict[str, np.ndarray]:
    """Monthly cost with at most ``ks`` replicas self-hosted and the overflow on the API.

    ``p`` holds scalars, or ``requests_per_day`` of shape ``(J, 1)`` (J volumes) that
    broadcasts against ``ks`` of shape ``(K,)``: results are ``(K,)`` or ``(J, K)``.
    ``batch_share`` must be a scalar. Each element is computed alone, so a volume's row is the
    same whatever other volumes share the call.

    Returns
    -------
    dict
        ``selfhost_usd``, ``api_usd`` (overflow plus API overhead), ``total_usd`` (USD per
        month), ``selfhost_share`` (share of requests served in-house).
    """
    ks = np.asarray(ks, dtype=float)
    sh = selfhost_components(p, acquisition, rent_mode, profile, replicas_cap=ks)
    avg, _ = growth_of(p)
    # requests per hour of the day; the batchable share runs off-peak, as the fleet is sized
    prof = effective_profile(profile, float(p.get("batch_share", 0.0)))
    volume = np.asarray(p["requests_per_day"] * avg, dtype=float)  # () or (J, 1)
    demand = volume.reshape(volume.shape[:-1])[..., None] * prof / 24.0  # (24,) or (J, 24)
    cap_hour = np.asarray(sh["capacity_rps"], dtype=float) * 3600.0
    if cap_hour.ndim:  # (J, 1) -> (J, 1, 1)
        cap_hour = cap_hour[..., None]
    served = np.minimum(demand[..., None, :], ks[:, None] * cap_hour)
    total_demand = demand.sum(axis=-1)
    floor = np.asarray(1e-9 * np.maximum(total_demand, 1.0))[..., None, None]
    api_part, over_month = _overflow_cost(demand[..., None, :] - served, floor,
                                          api_monthly_components(p), ks == 0, axis=-1)
    sh_part = np.broadcast_to(np.asarray(sh["total_usd"], dtype=float), api_part.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(np.asarray(total_demand)[..., None] > 0,
                         1.0 - over_month / (np.asarray(total_demand)[..., None]
                                             * DAYS_PER_MONTH), 0.0)
    return {"selfhost_usd": sh_part, "api_usd": api_part, "total_usd": sh_part + api_part,
            "selfhost_share": share}


def _overflow_cost(overflow: np.ndarray, floor: np.ndarray, api: Mapping[str, ArrayLike],
                   none_self_hosted: ArrayLike, *, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """The API side of a split: overflow requests at the API's price, plus its overhead.

    ``overflow`` is requests per hour the self-hosted replicas cannot serve (hours along
    ``axis``); an hour's overflow at or below ``floor`` (rounding noise) counts as none. The
    API's overhead (staff, implementation) is paid whenever anything overflows or nothing is
    self-hosted (``none_self_hosted``). Returns (USD per month, overflow requests per month).
    """
    over_month = np.where(overflow <= floor, 0.0, overflow).sum(axis=axis) * DAYS_PER_MONTH
    overhead = np.asarray(api["staff_usd"] + api["implementation_usd"], dtype=float)
    part = np.asarray(api["per_request_usd"], dtype=float) * over_month + np.where(
        (over_month > 0) | none_self_hosted, overhead, 0.0)
    return part, over_month


def hybrid_table(scenario: Scenario) -> pd.DataFrame:
    """Monthly cost for every number of self-hosted replicas ``k`` (0 .. peak replicas).

    Returns
    -------
    DataFrame
        Columns ``replicas`` (k), ``gpus``, ``selfhost_monthly_usd``, ``api_monthly_usd``
        (overflow plus API overhead), ``total_monthly_usd``, ``selfhost_share_of_requests``,
        ``optimum`` (bool; the first minimum).
    """
    p = scenario_params(scenario)
    full = selfhost_components(p, scenario.acquisition, scenario.rent_mode,
                               scenario.load_profile)
    big_k = int(full["replicas"])
    if big_k > _MAX_K:
        raise InvalidInputError(f"the all-self-host fleet needs {big_k} replicas; the hybrid "
                                f"search stops at {_MAX_K}")
    ks = np.arange(big_k + 1, dtype=float)
    t = hybrid_totals(p, scenario.acquisition, scenario.rent_mode, scenario.load_profile, ks)
    out = pd.DataFrame({
        "replicas": ks.astype(int), "gpus": (ks * scenario.gpus_per_replica).astype(int),
        "selfhost_monthly_usd": t["selfhost_usd"], "api_monthly_usd": t["api_usd"],
        "total_monthly_usd": t["total_usd"], "selfhost_share_of_requests": t["selfhost_share"],
    })
    out["optimum"] = False
    out.loc[int(np.argmin(t["total_usd"])), "optimum"] = True
    return out


def hybrid_split(scenario: Scenario, replicas: int | None = None) -> pd.DataFrame:
    """Hour-by-hour split of requests between ``replicas`` self-hosted replicas and the API.

    ``replicas`` defaults to the cost-minimising ``k``.

    Returns
    -------
    DataFrame
        24 rows; columns ``hour`` (0-23), ``requests_per_hour``,
        ``selfhost_capacity_requests_per_hour``, ``selfhost_requests_per_hour``,
        ``api_requests_per_hour``, ``selfhost_share``.
    """
    if replicas is None:
        replicas = optimise_hybrid(scenario, tables=False).hybrid_replicas
    if replicas < 0 or replicas != int(replicas):
        raise InvalidInputError(f"replicas must be a whole number >= 0, got {replicas!r}")
    p = scenario_params(scenario)
    cap = float(selfhost_components(p, scenario.acquisition, scenario.rent_mode,
                                    scenario.load_profile)["capacity_rps"]) * 3600.0
    demand = _hourly_demand(scenario)
    served = np.minimum(demand, replicas * cap)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(demand > 0, served / demand, 1.0)
    return pd.DataFrame({
        "hour": np.arange(24), "requests_per_hour": demand,
        "selfhost_capacity_requests_per_hour": np.full(24, replicas * cap),
        "selfhost_requests_per_hour": served, "api_requests_per_hour": demand - served,
        "selfhost_share": share,
    })


def optimise_hybrid(scenario: Scenario, *, tables: bool = True) -> HybridResult:
    """Find the number of self-hosted replicas with the lowest total monthly cost."""
    t = hybrid_table(scenario)
    best = t[t["optimum"]].iloc[0]
    k = int(best["replicas"])
    big_k = int(t["replicas"].iloc[-1])
    cheapest = "api" if k == 0 else ("selfhost" if k == big_k else "hybrid")
    return HybridResult(
        hybrid_replicas=k, hybrid_monthly_usd=float(best["total_monthly_usd"]),
        api_monthly_usd=float(t["total_monthly_usd"].iloc[0]),
        selfhost_monthly_usd=float(t["total_monthly_usd"].iloc[-1]),
        selfhost_replicas=big_k,
        selfhost_share_of_requests=float(best["selfhost_share_of_requests"]),
        cheapest=cheapest, table=t if tables else None,
        hourly=hybrid_split(scenario, k) if tables else None)


def best_split_draws(p: Mapping[str, ArrayLike], acquisition: str, rent_mode: str,
                     profile: Sequence[float]) -> dict[str, np.ndarray]:
    """The best hybrid split for each of n parameter draws (1-D arrays or scalars in ``p``).

    For every ``k`` from 0 to the largest full fleet among the draws, the monthly cost with at
    most ``k`` replicas self-hosted and the overflow on the API (as :func:`hybrid_totals`, but
    with the batch share, capacity and prices varying by draw); the minimum over ``k`` is kept
    draw by draw (the first ``k`` on ties).

    Returns
    -------
    dict
        ``total_usd`` (USD per month at the best ``k``), ``k`` (best self-hosted replicas),
        ``full_replicas`` (the all-self-host fleet), arrays of shape ``(n,)``.
    """
    full = selfhost_components(p, acquisition, rent_mode, profile)
    big = np.atleast_1d(np.asarray(full["replicas"], dtype=float))
    k_max = int(np.max(big))
    if k_max > _MAX_K:
        raise InvalidInputError(f"the all-self-host fleet needs {k_max} replicas; the hybrid "
                                f"search stops at {_MAX_K}")
    avg, _ = growth_of(p)
    prof = effective_profile(profile, p.get("batch_share", 0.0))  # (24,) or (24, n)
    prof = prof if prof.ndim == 2 else prof[:, None]
    demand = np.asarray(p["requests_per_day"] * avg, dtype=float) * prof / 24.0  # (24, n)
    floor = 1e-9 * np.maximum(demand.sum(axis=0), 1.0)
    cap_hour = np.asarray(full["capacity_rps"], dtype=float) * 3600.0
    api = api_monthly_components(p)
    best = np.full(big.shape, np.inf)
    best_k = np.zeros(big.shape)
    for k in range(k_max + 1):
        api_part, _ = _overflow_cost(demand - np.minimum(demand, k * cap_hour), floor, api,
                                     k == 0, axis=0)
        sh = selfhost_components(p, acquisition, rent_mode, profile, replicas_cap=float(k))
        total = np.asarray(sh["total_usd"], dtype=float) + api_part
        better = total < best
        best = np.where(better, total, best)
        best_k = np.where(better, float(k), best_k)
    return {"total_usd": best, "k": best_k, "full_replicas": big}
