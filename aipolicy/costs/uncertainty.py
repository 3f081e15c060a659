"""Uncertainty: a tornado of one-at-a-time swings and a vectorised Monte Carlo.

The uncertain inputs are scenario fields (or ``api_price_factor``, a multiplier on every API
price), each with a low, base (most likely) and high value. The tornado sets each at its low
and high value with the others at base. The Monte Carlo draws all of them at once from
triangular distributions (low, base, high) with a seeded NumPy generator and evaluates the
full monthly TCO comparison as array arithmetic; the same core functions compute the
deterministic answer, so zero-width ranges reproduce it exactly. The uniforms are drawn for
all draws first, input by input; the arithmetic then runs on blocks of draws small enough to
stay in the CPU cache, which changes the speed but not one number (each draw is computed
alone).

For bought GPUs the colocation rate (USD per kW-month) is one of the uncertain inputs: CBRE's
North American H2 2024 asking rate as base, the newer secondary figures in its range.

The metric is the monthly saving of self-hosting, ``api_monthly_usd - selfhost_monthly_usd``
(USD per month; positive = self-hosting cheaper).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aipolicy.costs import catalog
from aipolicy.costs.api import api_monthly_components, growth_factors
from aipolicy.costs.curve import breakeven_vectorised
from aipolicy.costs.scenario import FIELD_UNITS, Scenario, scenario_params
from aipolicy.costs.selfhost import selfhost_components, unit_costs
from aipolicy.errors import InvalidInputError

__all__ = ["MonteCarloResult", "UncertainInput", "default_uncertainties", "draw_inputs",
           "monte_carlo",
           "savings_for", "tornado", "triangular_ppf"]

PERCENTILES = (5, 25, 50, 75, 95)


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain input: triangular distribution on [low, high] with mode ``base``.

    ``name`` is a numeric :class:`Scenario` field or ``api_price_factor``.
    """

    name: str
    low: float
    base: float
    high: float
    source: str = "aipolicy assumption"

    def __post_init__(self) -> None:
        if self.name not in FIELD_UNITS:
            raise InvalidInputError(f"unknown uncertain input {self.name!r}; use a numeric "
                                    f"scenario field: {', '.join(FIELD_UNITS)}", field="name",
                                    value=self.name)
        if not (np.isfinite([self.low, self.base, self.high]).all()
                and self.low <= self.base <= self.high):
            raise InvalidInputError(f"uncertain input {self.name!r} needs low <= base <= high, "
                                    f"got {self.low}, {self.base}, {self.high}", field=self.name)

    @property
    def unit(self) -> str:
        """Unit of the input (from :data:`FIELD_UNITS`)."""
        return FIELD_UNITS[self.name]


def triangular_ppf(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution (exactly ``mode`` when low == high)."""
    u = np.asarray(u, dtype=float)
    width = high - low
    if width <= 0:
        return np.full(u.shape, float(mode))
    fc = (mode - low) / width
    lower = u < fc
    # both branches unmasked, reusing their buffers (masked ufuncs are slower than np.where)
    a = u * (width * (mode - low))
    b = np.subtract(1.0, u)
    b *= width * (high - mode)
    t = np.where(lower, a, b)
    np.sqrt(t, out=t)
    np.add(t, low, out=a)
    np.subtract(high, t, out=b)
    return np.where(lower, a, b)


#: Most Monte Carlo draws one run may take (memory grows about 0.25 GB per million draws);
#: the command line and the notebooks share this limit.
MAX_DRAWS = 5_000_000

#: Colocation range, USD per kW-month (see :func:`default_uncertainties`): CBRE North America
#: H2 2024 184.06 / 1.126 (its +12.6% y/y) for the low, CBRE global Q1 2025 for the high.
COLOCATION_LOW = round(184.06 / 1.126, 2)
COLOCATION_HIGH = 217.30

#: Draws the Monte Carlo evaluates at a time (the arrays of one block stay in the CPU cache).
_BLOCK = 1 << 15

#: Inputs that are whole numbers (Monte Carlo draws are rounded).
WHOLE_INPUTS = frozenset({"redundancy_replicas"})


def _topology_uncertainties(s: Scenario) -> list[UncertainInput]:
    """Latency target, spares, on-call share and batch share (production topology)."""
    out = []
    if s.slo_capacity_fraction < 1.0:
        f = s.slo_capacity_fraction
        out.append(UncertainInput(
            "slo_capacity_fraction", round(f * 0.8, 6), f, min(1.0, f * 1.15),
            "aipolicy assumption: -20%/+15% around the swept operating point (the sweeps print "
            "means, not p95; carried curves add more)"))
    out.append(UncertainInput(
        "redundancy_replicas", 0.0, s.redundancy_replicas, max(2.0, s.redundancy_replicas),
        "aipolicy assumption: from no spare to N+2"))
    out.append(UncertainInput(
        "oncall_share", min(0.1, s.oncall_share), s.oncall_share, 1.0,
        "aipolicy assumption: from a tenth of a shared rotation to a dedicated one (a rotation "
        "is 8 engineers x 25% on call: Google SRE book, 'Being On-Call')"))
    if s.batch_share > 0:
        out.append(UncertainInput(
            "batch_share", max(0.0, s.batch_share - 0.2), s.batch_share,
            min(1.0, s.batch_share + 0.1), "aipolicy assumption: -20/+10 points of batchable "
                                           "work"))
    return out


def default_uncertainties(scenario: Scenario) -> tuple[UncertainInput, ...]:
    """Default ranges for the scenario's uncertain inputs (sources stated per input)."""
    s = scenario
    fit = s.throughput_fit_max_error
    fit_note = (f"; the fit to measured rows is within {fit:.0%}" if fit == fit else "")
    out = [
        UncertainInput("planning_utilization", round(s.planning_utilization * 0.6, 6),
                       s.planning_utilization, min(1.0, s.planning_utilization * 1.05),
                       "aipolicy assumption: 60%-105% of base; production fleets are commonly "
                       "said to run at 30-70% (no primary source found)"),
        UncertainInput("throughput_tok_s", s.throughput_tok_s * 0.5, s.throughput_tok_s,
                       s.throughput_tok_s * 1.1,
                       "aipolicy assumption: 50%-110% of base; engines differ widely (vLLM vs "
                       "TensorRT-LLM docs/source/performance/perf-overview.md)" + fit_note),
        UncertainInput("api_price_factor", 0.5, 1.0, 1.0,
                       "aipolicy assumption: list prices only fall (o3 cut 80% on 2025-06-10, "
                       "pydantic/genai-prices price history)"),
        UncertainInput("staff_cost_usd_per_fte_month", s.staff_cost_usd_per_fte_month * 0.75,
                       s.staff_cost_usd_per_fte_month, s.staff_cost_usd_per_fte_month * 1.5,
                       "aipolicy assumption: 75%-150% of the loaded cost"),
        UncertainInput("staff_fte", s.staff_fte * 0.5, s.staff_fte, s.staff_fte * 2.0,
                       "aipolicy assumption: half to twice the FTE"),
        UncertainInput("volume_growth_annual", s.volume_growth_annual - 0.2,
                       s.volume_growth_annual, s.volume_growth_annual + 0.5,
                       "aipolicy assumption: -20 to +50 points of yearly volume growth"),
    ]
    if s.acquisition == "rent":
        try:
            low = float(catalog.gpu_rental_table(s.gpu)["gpu_hour_usd"].min())
            src = "low: cheapest catalog rental for this GPU (gpu_rental.csv); high: 1.5x base"
        except catalog.CatalogError:  # pragma: no cover - gpu validated at build
            low, src = s.gpu_hour_usd * 0.8, "aipolicy assumption: 80%-150% of base"
        if np.isnan(low):
            low, src = s.gpu_hour_usd * 0.8, "aipolicy assumption: 80%-150% of base"
        out.append(UncertainInput("gpu_hour_usd", min(low, s.gpu_hour_usd), s.gpu_hour_usd,
                                  s.gpu_hour_usd * 1.5, src))
    else:
        out.append(UncertainInput("server_price_usd", s.server_price_usd * 0.8,
                                  s.server_price_usd, s.server_price_usd * 1.2,
                                  "aipolicy assumption: +-20%; H100 card estimates span "
                                  "$25k-$30k (Raymond James via Barron's, 2023)"))
        out.append(UncertainInput("power_usd_per_kwh", min(0.066, s.power_usd_per_kwh),
                                  s.power_usd_per_kwh, max(0.2391, s.power_usd_per_kwh),
                                  "EIA 2023 range: Texas industrial 6.60c to California "
                                  "commercial 23.91c (EIA Electric Power Annual, "
                                  "https://www.eia.gov/electricity/annual/)"))
        c = s.colocation_usd_per_kw_month
        out.append(UncertainInput(
            "colocation_usd_per_kw_month", min(COLOCATION_LOW, c), c,
            max(COLOCATION_HIGH, c),
            "CBRE (https://www.cbre.com/insights/reports/north-america-data-center-trends-h2-2024"
            ", 2025-02-26): base 184.06 USD/kW-month, North America H2 2024; low 163.46 = the "
            "H2 2023 rate implied by its +12.6% y/y (derived); high 217.30, CBRE's global "
            "average Q1 2025 [secondary]; the 2025 North American 194.95 [secondary, "
            "low-quality rewrite] lies inside"))
    out += _topology_uncertainties(s)
    return tuple(out)


def draw_inputs(items: Iterable[UncertainInput], uniforms: Iterable[np.ndarray]
                ) -> dict[str, np.ndarray]:
    """Each input's draws from its uniforms (one array per input, in the same order).

    Triangular inverse CDF on (low, base, high); whole-number inputs (:data:`WHOLE_INPUTS`)
    are rounded to the nearest count. The Monte Carlo and the sweep share this.
    """
    sampled: dict[str, np.ndarray] = {}
    for it, u in zip(items, uniforms, strict=True):
        drawn = triangular_ppf(u, it.low, it.base, it.high)
        # whole replicas: a triangular draw rounded to the nearest count
        sampled[it.name] = np.rint(drawn) if it.name in WHOLE_INPUTS else drawn
    return sampled


def _coerce_inputs(scenario: Scenario,
                   inputs: Iterable[UncertainInput] | None) -> tuple[UncertainInput, ...]:
    items = default_uncertainties(scenario) if inputs is None else tuple(inputs)
    for it in items:
        if not isinstance(it, UncertainInput):
            raise InvalidInputError(f"inputs must be UncertainInput objects, got {it!r}")
    return items


def savings_for(scenario: Scenario, params: Mapping[str, float | np.ndarray]
                ) -> dict[str, np.ndarray]:
    """Evaluate API and self-hosted monthly cost for parameter overrides (floats or arrays).

    Returns ``api_monthly_usd``, ``selfhost_monthly_usd``, ``savings_monthly_usd``,
    ``replicas`` (arrays).
    """
    p: dict[str, float | np.ndarray] = dict(scenario_params(scenario))
    p.update(params)
    api = api_monthly_components(p)["total_usd"]
    sh = selfhost_components(p, scenario.acquisition, scenario.rent_mode, scenario.load_profile)
    a = np.asarray(api, dtype=float)
    s = np.asarray(sh["total_usd"], dtype=float)
    return {"api_monthly_usd": a, "selfhost_monthly_usd": s, "savings_monthly_usd": a - s,
            "replicas": np.asarray(sh["replicas"], dtype=float)}


def tornado(scenario: Scenario, inputs: Iterable[UncertainInput] | None = None) -> pd.DataFrame:
    """One-at-a-time swings of the monthly saving of self-hosting.

    Returns
    -------
    DataFrame
        One row per input, largest swing first; columns ``parameter``, ``unit``,
        ``low_value``, ``base_value``, ``high_value``, ``savings_at_low_usd``,
        ``savings_at_high_usd``, ``base_savings_usd``, ``swing_usd``, ``source``
        (USD per month).
    """
    items = _coerce_inputs(scenario, inputs)
    base = float(savings_for(scenario, {})["savings_monthly_usd"])
    rows = []
    for it in items:
        lo = float(savings_for(scenario, {it.name: it.low})["savings_monthly_usd"])
        hi = float(savings_for(scenario, {it.name: it.high})["savings_monthly_usd"])
        rows.append({"parameter": it.name, "unit": it.unit, "low_value": it.low,
                     "base_value": it.base, "high_value": it.high, "savings_at_low_usd": lo,
                     "savings_at_high_usd": hi, "base_savings_usd": base,
                     "swing_usd": abs(hi - lo), "source": it.source})
    return pd.DataFrame(rows).sort_values("swing_usd", ascending=False, kind="stable") \
        .reset_index(drop=True)


@dataclass(frozen=True)
class MonteCarloResult:
    """Monte Carlo of the monthly TCO comparison.

    Attributes
    ----------
    samples : DataFrame
        One row per draw: a column per uncertain input, then ``api_monthly_usd``,
        ``selfhost_monthly_usd``, ``savings_monthly_usd`` (USD per month), ``replicas`` and
        ``breakeven_requests_per_day`` (NaN where not reached, or in autoscale mode).
    p_selfhost_cheaper : float
        Share of draws with a positive saving.
    savings_percentiles : Series
        Saving (USD per month) at percentiles 5, 25, 50, 75, 95 (index ``p5`` ... ``p95``).
    breakeven_percentiles : Series
        Break-even requests/day at the same percentiles, over draws where it is reached.
    breakeven_reached_share : float
    inputs : DataFrame
        The distributions used (``parameter``, ``low``, ``base``, ``high``, ``unit``,
        ``source``).
    """

    samples: pd.DataFrame
    p_selfhost_cheaper: float
    savings_percentiles: pd.Series
    breakeven_percentiles: pd.Series
    breakeven_reached_share: float
    draws: int
    seed: int | None
    inputs: pd.DataFrame


def _pct(values: np.ndarray) -> pd.Series:
    idx = [f"p{q}" for q in PERCENTILES]
    if values.size == 0:
        return pd.Series(np.nan, index=idx, dtype=float)
    return pd.Series(np.percentile(values, PERCENTILES), index=idx, dtype=float)


def monte_carlo(scenario: Scenario, draws: int = 10_000, seed: int | None = 0,
                inputs: Iterable[UncertainInput] | None = None, *,
                with_breakeven: bool = True) -> MonteCarloResult:
    """Vectorised Monte Carlo of the monthly saving of self-hosting.

    Parameters
    ----------
    draws : int
        Number of joint draws (>= 1).
    seed : int or None
        Seed of ``numpy.random.default_rng``; the same seed gives the same result.
    inputs : iterable of UncertainInput, optional
        Default :func:`default_uncertainties`.
    with_breakeven : bool
        Also compute each draw's break-even volume (closed form; NaN in autoscale mode).
    """
    if int(draws) != draws or draws < 1:
        raise InvalidInputError(f"draws must be a whole number >= 1, got {draws!r}",
                                field="draws", value=draws)
    if draws > MAX_DRAWS:
        raise InvalidInputError(
            f"{int(draws):,} draws is above the limit of {MAX_DRAWS:,} (a million draws take "
            f"about 0.25 GB of memory; P(self-host cheaper) is within +-0.1 points at 1,000,000)",
            field="draws", value=draws)
    if seed is not None and (int(seed) != seed or seed < 0):
        raise InvalidInputError(f"seed {seed!r} must be a whole number >= 0", field="seed",
                                value=seed)
    draws = int(draws)
    items = _coerce_inputs(scenario, inputs)
    rng = np.random.default_rng(seed)
    # every input's uniforms first, in input order (the stream the seed fixes); then the model
    # runs on blocks of draws that stay in the CPU cache. Each draw's arithmetic is the same
    # whatever the block size, so blocks change the speed, not the numbers.
    uniforms = [rng.random(draws) for _ in items]
    names = list(dict.fromkeys(it.name for it in items))
    res_keys = ("api_monthly_usd", "selfhost_monthly_usd", "savings_monthly_usd", "replicas")
    columns = [*names, *res_keys, "breakeven_requests_per_day"]
    block = np.empty((len(columns), draws))  # one row per column of `samples`
    row = {name: i for i, name in enumerate(columns)}
    base = dict(scenario_params(scenario))
    autoscale = scenario.acquisition == "rent" and scenario.rent_mode == "autoscale"
    for lo in range(0, draws, _BLOCK):
        sl = slice(lo, min(lo + _BLOCK, draws))
        sampled = draw_inputs(items, [u[sl] for u in uniforms])
        p: dict[str, float | np.ndarray] = dict(base)
        p.update(sampled)
        p["_growth"] = growth_factors(p["volume_growth_annual"], p["horizon_months"])
        p[f"_units_{scenario.acquisition}"] = unit_costs(p, scenario.acquisition)
        res = savings_for(scenario, p)
        for key, v in (*sampled.items(), *((k, res[k]) for k in res_keys)):
            block[row[key], sl] = v
        block[row["breakeven_requests_per_day"], sl] = (
            breakeven_vectorised(p, scenario.acquisition, scenario.load_profile)
            if with_breakeven and not autoscale else np.nan)
    samples = pd.DataFrame(block.T, columns=columns, copy=False)
    sav = block[row["savings_monthly_usd"]]
    reached = block[row["breakeven_requests_per_day"]]
    reached = reached[np.isfinite(reached)]
    return MonteCarloResult(
        samples=samples, p_selfhost_cheaper=float(np.mean(sav > 0)),
        savings_percentiles=_pct(sav), breakeven_percentiles=_pct(reached),
        breakeven_reached_share=reached.size / draws if with_breakeven and not autoscale
        else float("nan"),
        draws=draws, seed=seed,
        inputs=pd.DataFrame([{"parameter": i.name, "low": i.low, "base": i.base,
                              "high": i.high, "unit": i.unit, "source": i.source}
                             for i in items]))
