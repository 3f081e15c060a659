"""Break-even volume between the API and self-hosting, and the cost curve for plotting.

The API's monthly cost is affine in volume ``v`` (requests/day): ``A(v) = a0 + a1 * v``. The
self-hosted cost is a non-decreasing step function: constant between the volumes at which one
more replica is needed (or, in ``autoscale`` rent mode, one more replica in any hour). On each
step interval ``(b_i, b_{i+1}]`` self-hosting costs ``S_i``; the break-even is the first
volume ``v > 0`` where ``A(v) = S_i`` inside an interval, i.e. the lowest positive volume
from which self-hosting is no dearer than the API (0 when it is never dearer; zero traffic is
not an operating point). At that volume the two costs agree exactly (up to
floating point), well within one request's cost.

:func:`breakeven` enumerates the step intervals (reference method, all modes);
:func:`breakeven_vectorised` solves the same problem in closed form for arrays of parameters
(always-on rent and buy; used by the Monte Carlo).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aipolicy.costs.compare.api import api_cost_per_request_usd, api_monthly_components, growth_of
from aipolicy.costs.compare.bounds import MAX_REPLICAS
from aipolicy.costs.compare.scenario import Scenario, scenario_params
from aipolicy.costs.compare.selfhost import (
    ceil_safe,
    hourly_load,
    selfhost_components,
    sizing_load,
    staff_fte_effective,
    unit_costs,
)
from aipolicy.costs.compare.workload import DAYS_PER_MONTH
from aipolicy.errors import InvalidInputError
from aipolicy.record import fmt_scaled

__all__ = ["BreakEven", "CostCurve", "breakeven", "breakeven_vectorised", "cost_curve"]

ArrayLike = float | np.ndarray
_MAX_STEPS = 2_000_000


@dataclass(frozen=True)
class BreakEven:
    """Break-even volume between the API and self-hosting.

    Attributes
    ----------
    reached : bool
        ``False`` when self-hosting stays dearer up to ``searched_up_to_requests_per_day``.
    requests_per_day, tokens_per_day, tokens_per_month : float or None
        The break-even volume (``None`` when not reached). Tokens are input + output.
    monthly_usd : float or None
        The common monthly cost at the break-even (USD per month).
    replicas : int or None
        Replicas the self-hosted fleet needs at the break-even.
    searched_up_to_requests_per_day : float
        Upper end of the search.
    message : str
        Human-readable summary, e.g. ``"not reached below 1e+08 requests/day"``; it says so
        when self-hosting turns dearer again above the break-even.
    dearer_again_from_requests_per_day : float or None
        Lowest volume above the break-even (within the search) from which self-hosting is
        dearer than the API again (``None`` when it never is). With a replica costing more than
        the API bill for the requests it serves, self-hosting can win only at low volume (the
        API's fixed overhead) and loses above this volume; whole replicas can also leave
        narrow dearer bands just above a replica step.
    """

    reached: bool
    requests_per_day: float | None
    tokens_per_day: float | None
    tokens_per_month: float | None
    monthly_usd: float | None
    replicas: int | None
    searched_up_to_requests_per_day: float
    message: str
    dearer_again_from_requests_per_day: float | None = None


def _api_affine(p: Mapping[str, ArrayLike]) -> tuple[ArrayLike, ArrayLike]:
    """``(a0, a1)``: API USD/month = a0 + a1 * requests_per_day."""
    avg, _ = growth_of(p)
    c = api_monthly_components(p)
    a0 = c["staff_usd"] + c["implementation_usd"]
    a1 = api_cost_per_request_usd(p) * DAYS_PER_MONTH * avg
    return a0, a1


def _breakpoints(p: Mapping[str, float], profile: Sequence[float], acquisition: str,
                 rent_mode: str, v_max: float) -> np.ndarray:
    avg, end = growth_of(p)
    # requests/day at which one more replica is needed (see selfhost.sizing_load/hourly_load)
    always_on = 86400.0 / (float(sizing_load(p, profile)) * end)
    if acquisition == "rent" and rent_mode == "autoscale":
        steps = [86400.0 / (w * avg) for w in hourly_load(p, profile) if w > 0]
        steps.append(always_on)
    else:
        steps = [always_on]
    pts = []
    for step in steps:
        n = int(np.ceil(v_max / step)) + 1
        if n > _MAX_STEPS:  # a guard: the search stops at the fleet bound first
            raise InvalidInputError(
                f"the break-even search up to {v_max:,.0f} requests/day needs {n:,} replica "
                f"steps (at most {_MAX_STEPS:,}); raise throughput_tok_s or "
                "planning_utilization", field="planning_utilization")
        pts.append(np.arange(n + 1) * step)
    return np.unique(np.concatenate(pts + [np.array([0.0, v_max])]))


def _fleet_bound(p: Mapping[str, float], profile: Sequence[float]) -> float:
    """Requests/day at which the peak hour needs :data:`~aipolicy.costs.compare.bounds.MAX_REPLICAS`
    replicas (the largest volume a break-even search may look at)."""
    _, end = growth_of(p)
    return 86400.0 / (float(sizing_load(p, profile)) * end) * MAX_REPLICAS


def breakeven(scenario: Scenario, *, max_requests_per_day: float | None = None) -> BreakEven:
    """Lowest volume (requests/day) from which self-hosting is no dearer than the API.

    Parameters
    ----------
    scenario : Scenario
        Everything but the volume is taken from here; ``requests_per_day`` is varied.
    max_requests_per_day : float, optional
        Search limit; default ``max(1000 * scenario.requests_per_day, 1e8)``, and never past
        the volume whose fleet reaches :data:`~aipolicy.costs.compare.bounds.MAX_REPLICAS`.
    """
    p = scenario_params(scenario)
    v_max = float(max_requests_per_day or max(1000.0 * scenario.requests_per_day, 1e8))
    v_max = min(v_max, _fleet_bound(p, scenario.load_profile))
    a0, a1 = (float(x) for x in _api_affine(p))
    bps = _breakpoints(p, scenario.load_profile, scenario.acquisition, scenario.rent_mode, v_max)
    bps = bps[bps <= v_max]
    q = dict(p)
    q["requests_per_day"] = bps
    s = np.asarray(selfhost_components(q, scenario.acquisition, scenario.rent_mode,
                                       scenario.load_profile)["total_usd"], dtype=float)
    tok = scenario.input_tokens + scenario.output_tokens

    def found(v: float, i: int) -> BreakEven:
        q1 = dict(p)
        q1["requests_per_day"] = v
        reps = int(selfhost_components(q1, scenario.acquisition, scenario.rent_mode,
                                       scenario.load_profile)["replicas"])
        msg = (f"self-hosting is no dearer than the API from {v:,.0f} requests/day "
               f"({fmt_scaled(v * tok, 1)} tokens/day)")
        # Later intervals j > i where self-hosting is dearer just after the step at bps[j]:
        # the dearer band is (bps[j], min(bps[j+1], (s[j+1] - a0) / a1)).
        j = np.flatnonzero(a0 + a1 * left[i + 1:] < cost[i + 1:] * (1 - 1e-12)) + i + 1
        again = None
        if j.size:
            again = float(left[j[0]])
            end = min(float(right[j[-1]]), (float(cost[j[-1]]) - a0) / a1)
            one_band = bool(np.all(np.diff(j) == 1)
                            and np.all(a0 + a1 * right[j[:-1]] < cost[j[:-1]]))
            if end >= v_max * (1 - 1e-12):
                tail = f"up to the search limit of {v_max:,.0f} requests/day"
                msg += (f", but dearer again from {again:,.0f} requests/day {tail}" if one_band
                        else f", but dearer again at some volumes from {again:,.0f} "
                             f"requests/day {tail}")
            else:
                msg += (f", but dearer again from {again:,.0f} to {end:,.0f} requests/day"
                        if one_band else f", but dearer again at some volumes between "
                                         f"{again:,.0f} and {end:,.0f} requests/day (just "
                                         "above replica steps)")
        return BreakEven(True, v, v * tok, v * tok * DAYS_PER_MONTH, float(cost[i]), reps,
                         v_max, msg, again)

    if a1 > 0:
        # interval i: (bps[i], bps[i+1]] with cost s[i+1]
        left = bps[:-1]
        right = bps[1:]
        cost = s[1:]
        ok = a0 + a1 * right >= cost * (1 - 1e-12)
        if ok.any():
            i = int(np.argmax(ok))
            v = max(float(bps[i]), (float(cost[i]) - a0) / a1)
            v = min(v, float(right[i]))
            return found(v, i)
    return BreakEven(False, None, None, None, None, None, v_max,
                     f"not reached below {v_max:,.0f} requests/day")


def breakeven_vectorised(p: Mapping[str, ArrayLike], acquisition: str, profile: Sequence[float],
                         *, max_requests_per_day: ArrayLike = np.inf) -> np.ndarray:
    """Break-even requests/day for arrays of parameters (NaN where not reached).

    Closed form for always-on rent and buy: with ``S(r) = F + r c + servers(r) c_s`` and
    ``q`` requests/day per replica, the first replica count ``r`` with ``S(r) <= A(r q)`` is
    found from the lower bound ``F + r (c + c_s / k)`` (``k`` replicas per server) and at most
    ``k - 1`` further checks; then ``v = (S(r) - a0) / a1``.
    """
    a0, a1 = (np.asarray(x, dtype=float) for x in _api_affine(p))
    _, end = growth_of(p)
    q = np.asarray(86400.0 / (sizing_load(p, profile) * end), dtype=float)
    u = unit_costs(p, acquisition)
    f = np.asarray(u["fixed"], dtype=float)
    # staff is priced per fleet below (an on-call floor that steps with the GPUs)
    f_nostaff = f - np.asarray(p["staff_fte"] * p["staff_cost_usd_per_fte_month"], dtype=float)
    spare = np.asarray(p.get("redundancy_replicas", 0.0), dtype=float)
    least = np.asarray(p.get("min_replicas", 1.0), dtype=float)
    gpr_all = np.asarray(p["gpus_per_replica"], dtype=float)
    staff_p = {k: np.asarray(p.get(k, 0.0 if k != "gpus_per_oncall_rotation" else np.inf),
                             dtype=float) for k in _STAFF_KEYS}
    k, c, cs = _server_packing(p, acquisition, gpr_all, np.asarray(u["per_replica"], dtype=float),
                               np.asarray(u["per_server"], dtype=float))
    shape = np.broadcast(a0, a1, q, f, c, cs, spare, least, gpr_all, *staff_p.values()).shape
    slope = a1 * q - c - cs / k
    r_lo, extra = _search_window(slope, a0, f_nostaff + spare * c, c, cs, gpr_all, staff_p)
    limit = k + extra
    # with slope <= 0 the cost gap only grows block by block, so the first block decides;
    # otherwise the answer lies within `limit` replicas of the lower bound r_lo
    open_ = np.broadcast_to(np.isfinite(r_lo) & (a1 > 0), shape)
    # Inputs keep their own shapes (a scalar stays a scalar): every element is computed by
    # the same arithmetic as on arrays broadcast to `shape`, without the full-size passes.
    flat = [_flat(r_lo, shape, True), *(_flat(np.asarray(x), shape) for x in (
        k, a0, a1, q, f_nostaff, c, cs, spare, least, gpr_all, *staff_p.values())),
        _flat(np.asarray(limit), shape, True)]
    out = _scan(flat, open_, shape)
    out[out > max_requests_per_day] = np.nan
    return out


_STAFF_KEYS = ("staff_fte", "staff_cost_usd_per_fte_month", "oncall_fte", "oncall_share",
               "gpus_per_oncall_rotation")


def _server_packing(p: Mapping[str, ArrayLike], acquisition: str, gpr: np.ndarray,
                    c: np.ndarray, cs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Replicas per server ``k`` and the per-replica and per-server monthly costs (USD).

    Bought replicas share a server when they fit in one (``k`` of them a server); a replica
    wider than a server takes whole servers, priced into its own cost. Rented GPUs have no
    servers (``k`` = 1).
    """
    if acquisition != "buy":
        return np.asarray(1.0), c, cs
    gps = np.asarray(p["gpus_per_server"], dtype=float)
    if gpr.ndim == 0 and gps.ndim == 0:
        if bool(gpr <= gps):
            return np.floor(gps / np.minimum(gpr, gps)), c, cs
        return np.asarray(1.0), c + np.ceil(gpr / gps) * cs, np.zeros_like(cs)
    fits = gpr <= gps
    return (np.where(fits, np.floor(gps / np.minimum(gpr, gps)), 1.0),
            np.where(fits, c, c + np.ceil(gpr / gps) * cs), np.where(fits, cs, 0.0))


def _search_window(slope: np.ndarray, a0: np.ndarray, fixed: np.ndarray, c: np.ndarray,
                   cs: np.ndarray, gpr: np.ndarray,
                   staff_p: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The lowest replica count worth checking, and how many past one server's worth after
    it to check. ``fixed`` is the fleet's fixed cost without staff, spares included (USD/month).
    """
    # the cheapest staff any fleet can have, and what one more on-call rotation adds
    cost_fte = staff_p["staff_cost_usd_per_fte_month"]
    rotation = staff_p["oncall_fte"] * staff_p["oncall_share"] * cost_fte
    fixed_min = fixed + np.maximum(staff_p["staff_fte"] * cost_fte, rotation)
    with np.errstate(divide="ignore", invalid="ignore"):
        r_lo = np.where(slope > 0, np.maximum(1.0, ceil_safe((fixed_min - a0) / slope)), 1.0)
        # past r_lo the gap closes by `slope` a replica and each on-call rotation (one per
        # `cycle` replicas) reopens it by `rotation`: net `slope2` a replica on average. Check
        # enough replicas to cover a rotation step and the server/replica rounding, or, when
        # rotations outpace the saving, the first rotation cycle (later ones only lose more).
        gpr_b = np.maximum(gpr, 1.0)
        cycle = ceil_safe(staff_p["gpus_per_oncall_rotation"] / gpr_b)
        slope2 = slope - rotation * gpr_b / staff_p["gpus_per_oncall_rotation"]
        extra = np.where(slope > 0, ceil_safe(rotation / slope), 0.0)
        extra2 = np.where(slope2 > 0, ceil_safe((rotation + cs + c) / slope2) + cycle, cycle)
        extra = np.minimum(np.maximum(extra, np.where(np.isfinite(extra2), extra2, 0.0)),
                           100_000.0)
    return r_lo, extra


def _flat(x: np.ndarray, shape: tuple[int, ...], full: bool = False) -> np.ndarray | float:
    """Draw-indexed 1-D view of ``x`` (a copy only if it must be broadcast), or a scalar that
    every draw shares."""
    if x.ndim == 0 and not full:
        return float(x)
    return np.ravel(np.broadcast_to(x, shape))


def _take(x: np.ndarray | float, sel: np.ndarray) -> np.ndarray | float:
    return x[sel] if isinstance(x, np.ndarray) else x


def _scan(flat: list, open_: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Walk each open draw up from its lower bound to the first replica count where
    self-hosting costs no more than the API; the break-even volume there (NaN: none)."""
    out = np.full(shape, np.nan)
    idx = np.flatnonzero(open_)
    j = 0
    while idx.size:
        if idx.size == out.size:  # every draw still open: no gather needed
            r0, kk, a0i, a1i, qi, fi, ci, csi, sp, lo, gi, *st, lim = flat
        else:
            r0, kk, a0i, a1i, qi, fi, ci, csi, sp, lo, gi, *st, lim = (
                _take(x, idx) for x in flat)
        r = r0 + j  # replicas the peak needs; the fleet adds the spares
        fleet = np.maximum(r + sp, lo)
        staff = staff_fte_effective(dict(zip(_STAFF_KEYS, st, strict=True)), fleet * gi)
        s = fi + staff * st[1] + fleet * ci + ceil_safe(fleet / kk) * csi
        hit = s <= (a0i + a1i * r * qi) * (1 + 1e-12)
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.maximum((r[hit] - 1.0) * _take(qi, hit),
                           (s[hit] - _take(a0i, hit)) / _take(a1i, hit))
        out.ravel()[idx[hit]] = v
        j += 1
        idx = idx[~hit & (j < lim)]
    return out


@dataclass(frozen=True)
class CostCurve:
    """Monthly costs over a range of volumes, for plotting.

    Attributes
    ----------
    frame : DataFrame
        Columns ``requests_per_day``, ``tokens_per_day``, ``tokens_per_month``,
        ``api_monthly_usd``, ``selfhost_monthly_usd``, ``replicas``, ``cheapest``
        (``api`` / ``selfhost``) and, with ``include_hybrid``, ``hybrid_monthly_usd`` and
        ``hybrid_replicas``.
    breakeven : BreakEven
    """

    frame: pd.DataFrame
    breakeven: BreakEven


def cost_curve(scenario: Scenario, volumes: Sequence[float] | np.ndarray | None = None, *,
               points: int = 400, include_hybrid: bool = False) -> CostCurve:
    """API and self-hosted monthly cost over a range of requests/day.

    ``volumes`` defaults to ``points`` evenly spaced values from 0 to the larger of 3x the
    break-even and 3x the scenario's volume (evenly spaced so the replica steps show).
    """
    be = breakeven(scenario)
    if volumes is None:
        top = 3.0 * max(scenario.requests_per_day, be.requests_per_day or 0.0, 1.0)
        volumes = np.linspace(0.0, top, points)
    v = np.asarray(volumes, dtype=float)
    if v.ndim != 1 or (v < 0).any() or not np.isfinite(v).all():
        raise InvalidInputError("volumes must be a 1-D sequence of finite requests/day >= 0")
    p = dict(scenario_params(scenario))
    p["requests_per_day"] = v
    api = api_monthly_components(p)["total_usd"]
    sh = selfhost_components(p, scenario.acquisition, scenario.rent_mode, scenario.load_profile)
    tok = scenario.input_tokens + scenario.output_tokens
    frame = pd.DataFrame({
        "requests_per_day": v, "tokens_per_day": v * tok,
        "tokens_per_month": v * tok * DAYS_PER_MONTH,
        "api_monthly_usd": np.broadcast_to(api, v.shape).astype(float),
        "selfhost_monthly_usd": np.broadcast_to(sh["total_usd"], v.shape).astype(float),
        "replicas": np.broadcast_to(sh["replicas"], v.shape).astype(int),
    })
    frame["cheapest"] = np.where(frame["selfhost_monthly_usd"] <= frame["api_monthly_usd"],
                                 "selfhost", "api")
    if include_hybrid:
        from aipolicy.costs.compare.hybrid import optimise_hybrid

        best = [optimise_hybrid(scenario.replace(requests_per_day=float(x)), tables=False)
                for x in v]
        frame["hybrid_monthly_usd"] = [b.hybrid_monthly_usd for b in best]
        frame["hybrid_replicas"] = [b.hybrid_replicas for b in best]
    return CostCurve(frame=frame, breakeven=be)
