"""A vectorised Monte Carlo of the whole monthly TCO comparison.

All uncertain inputs (:mod:`.draws`) are drawn at once from their triangular distributions
with a seeded NumPy generator, and the monthly saving of self-hosting is evaluated as array
arithmetic by the same core functions that compute the deterministic answer, so zero-width
ranges reproduce it exactly. The uniforms are drawn for all draws first, input by input; the
arithmetic then runs on blocks of draws small enough to stay in the CPU cache, which changes
the speed but not one number (each draw is computed alone).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aipolicy.costs.compare.api import growth_factors
from aipolicy.costs.compare.curve import breakeven_vectorised
from aipolicy.costs.compare.scenario import Scenario, scenario_params
from aipolicy.costs.compare.selfhost import unit_costs
from aipolicy.costs.uncertainty.draws import (
    UncertainInput,
    check_draws,
    coerce_inputs,
    draw_inputs,
)
from aipolicy.costs.uncertainty.tornado import savings_for

__all__ = ["PERCENTILES", "MonteCarloResult", "monte_carlo"]

PERCENTILES = (5, 25, 50, 75, 95)

#: Draws the Monte Carlo evaluates at a time (the arrays of one block stay in the CPU cache).
_BLOCK = 1 << 15

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


def percentile_series(values: np.ndarray) -> pd.Series:
    """``values`` at :data:`PERCENTILES` (index ``p5`` ... ``p95``; NaN when empty)."""
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
    draws = check_draws(draws, seed)
    items = coerce_inputs(scenario, inputs)
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
        savings_percentiles=percentile_series(sav), breakeven_percentiles=percentile_series(reached),
        breakeven_reached_share=reached.size / draws if with_breakeven and not autoscale
        else float("nan"),
        draws=draws, seed=seed,
        inputs=pd.DataFrame([{"parameter": i.name, "low": i.low, "base": i.base,
                              "high": i.high, "unit": i.unit, "source": i.source}
                             for i in items]))
