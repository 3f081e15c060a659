"""Hybrid: self-host ``k`` replicas for the base load, send the overflow to the API.

Hour by hour over the 24-hour profile, the ``k`` replicas serve the interactive requests up
to ``k * capacity_rps * 3600`` (planned under the latency target), and the batch share of the
day in the replica-hours the interactive load leaves free, at ``batch_capacity_rps`` (off-peak:
batch work can wait hours); the rest goes to the API at the scenario's per-request price
(:func:`overflow_per_day`). For each ``k`` from 0 (all API) to the replicas the all-self-host
fleet serves with (all self-host):

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
from aipolicy.costs.compare.bounds import MAX_REPLICAS
from aipolicy.costs.compare.scenario import Scenario, scenario_params
from aipolicy.costs.compare.selfhost import selfhost_components
from aipolicy.costs.compare.workload import DAYS_PER_MONTH
from aipolicy.errors import InvalidInputError

__all__ = ["HybridResult", "best_split_draws", "hybrid_split", "hybrid_table", "hybrid_totals",
           "optimise_hybrid", "overflow_per_day"]

ArrayLike = float | np.ndarray

_MAX_K = MAX_REPLICAS  # the search covers every fleet the bounds allow


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


def _class_demand(p: Mapping[str, ArrayLike], profile: Sequence[float], volume: ArrayLike
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Interactive requests per hour (hours on the last axis) and batch requests per day for
    ``volume`` requests/day (any shape): ``(1 - b) * volume * profile / 24`` and ``b * volume``.
    """
    b = float(p.get("batch_share", 0.0))
    vol = np.asarray(volume, dtype=float)
    prof = np.asarray(profile, dtype=float)
    return (1.0 - b) * vol[..., None] * prof / 24.0, b * vol


def overflow_per_day(inter: np.ndarray, batch: ArrayLike, k: ArrayLike, cap_i: ArrayLike,
                     cap_b: ArrayLike, floor: ArrayLike, *, axis: int) -> np.ndarray:
    """Requests per day ``k`` replicas cannot serve, for the API to take.

    ``inter``: interactive requests per hour (hours along ``axis``); ``batch``: batch requests
    per day; ``cap_i``, ``cap_b``: requests per replica-hour of each class (broadcasting with
    ``inter`` and with the result; ``floor`` broadcasts with ``inter``). Each hour serves up to ``k * cap_i`` interactive requests;
    the replica-hours left free serve the day's batch at ``cap_b``. An hour's overflow at or
    below ``floor`` (rounding noise) counts as none, and so does such a batch overflow.
    """
    used = np.minimum(inter, k * cap_i)
    over = inter - used
    over_i = np.where(over <= floor, 0.0, over).sum(axis=axis)
    free = np.maximum(k - used / cap_i, 0.0).sum(axis=axis)
    over_b = np.maximum(np.asarray(batch, dtype=float) - free * cap_b, 0.0)
    return over_i + np.where(over_b <= np.take(floor, 0, axis=axis), 0.0, over_b)


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
    volume = np.asarray(p["requests_per_day"] * avg, dtype=float)  # () or (J, 1)
    volume = volume.reshape(volume.shape[:-1]) if volume.ndim else volume  # () or (J,)
    inter, batch = _class_demand(p, profile, volume)  # (24,) or (J, 24); () or (J,)
    cap_i = np.asarray(sh["capacity_rps"], dtype=float) * 3600.0
    cap_b = np.asarray(sh["batch_capacity_rps"], dtype=float) * 3600.0
    if cap_i.ndim:  # (J, 1) -> (J, 1, 1): one per volume, then k, then the hour
        cap_i = cap_i[..., None]
    total_demand = volume
    floor = np.asarray(1e-9 * np.maximum(total_demand, 1.0))[..., None, None]
    over_day = overflow_per_day(inter[..., None, :], batch[..., None], ks[:, None], cap_i,
                                cap_b, floor, axis=-1)
    api_part, over_month = _overflow_cost(over_day, api_monthly_components(p), ks == 0)
    sh_part = np.broadcast_to(np.asarray(sh["total_usd"], dtype=float), api_part.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(np.asarray(total_demand)[..., None] > 0,
                         np.clip(1.0 - over_month / (np.asarray(total_demand)[..., None]
                                                     * DAYS_PER_MONTH), 0.0, 1.0), 0.0)
    share = np.where(ks == 0, 0.0, share)  # no replica serves nothing (not 1 - (1 + eps))
    return {"selfhost_usd": sh_part, "api_usd": api_part, "total_usd": sh_part + api_part,
            "selfhost_share": share}


def _overflow_cost(over_day: np.ndarray, api: Mapping[str, ArrayLike],
                   none_self_hosted: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """The API side of a split: overflow requests at the API's price, plus its overhead.

    ``over_day`` is requests per day the self-hosted replicas cannot serve
    (:func:`overflow_per_day`). The API's overhead (staff, implementation) is paid whenever
    anything overflows or nothing is self-hosted (``none_self_hosted``). Returns (USD per
    month, overflow requests per month).
    """
    over_month = np.asarray(over_day, dtype=float) * DAYS_PER_MONTH
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
    full = selfhost_components(p, scenario.acquisition, scenario.rent_mode,
                               scenario.load_profile)
    cap_i, cap_b = (float(full[k]) * 3600.0 for k in ("capacity_rps", "batch_capacity_rps"))
    avg, _ = growth_factors(p["volume_growth_annual"], p["horizon_months"])
    inter, batch = _class_demand(p, scenario.load_profile, scenario.requests_per_day * avg)
    used = np.minimum(inter, replicas * cap_i)
    room = (replicas - used / cap_i) * cap_b  # batch requests the free replica-hours can take
    took = min(float(batch), float(room.sum()))
    batch_h = room * (took / room.sum()) if room.sum() > 0 else np.zeros(24)
    spill = (float(batch) - took) / 24.0  # batch the fleet cannot take, spread evenly
    demand = inter + batch_h + spill
    served = used + batch_h
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(demand > 0, served / demand, 1.0)
    return pd.DataFrame({
        "hour": np.arange(24), "requests_per_hour": demand,
        "selfhost_capacity_requests_per_hour": used + room,
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
    volume = np.atleast_1d(np.asarray(p["requests_per_day"] * avg, dtype=float))  # (n,)
    b = np.asarray(p.get("batch_share", 0.0), dtype=float)
    prof = np.asarray(profile, dtype=float)[:, None]
    inter = (1.0 - b) * volume * prof / 24.0  # (24, n)
    batch = b * volume  # (n,)
    floor = 1e-9 * np.maximum(volume, 1.0)[None, :]
    cap_i = np.asarray(full["capacity_rps"], dtype=float) * 3600.0
    cap_b = np.asarray(full["batch_capacity_rps"], dtype=float) * 3600.0
    api = api_monthly_components(p)
    best = np.full(big.shape, np.inf)
    best_k = np.zeros(big.shape)
    for k in range(k_max + 1):
        over = overflow_per_day(inter, batch, float(k), cap_i, cap_b, floor, axis=0)
        api_part, _ = _overflow_cost(over, api, k == 0)
        sh = selfhost_components(p, acquisition, rent_mode, profile, replicas_cap=float(k))
        total = np.asarray(sh["total_usd"], dtype=float) + api_part
        better = total < best
        best = np.where(better, total, best)
        best_k = np.where(better, float(k), best_k)
    return {"total_usd": best, "k": best_k, "full_replicas": big}
