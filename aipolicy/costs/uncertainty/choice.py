"""Uncertainty over the whole choice: how likely each option is the cheapest, and what flips it.

Every option the verdict may pick (:func:`aipolicy.costs.compare.verdict.candidates`) is priced
in every draw by the same vectorised cores as the deterministic answer: per-token options by
their API prices, self-hosting by its own acquisition mode's inputs, the hybrids by the best
split of each draw (a draw whose best split self-hosts nothing or everything is the pure
option, not the hybrid). The uncertain inputs are each option's
:func:`~aipolicy.costs.uncertainty.draws.default_uncertainties`:

* one uniform per input name drives every option that has that input (throughput,
  utilisation, staff, GPU prices ... move together, each within its own option's range);
* each per-token option's list price drifts on its own uniform (``api_price_factor``); a
  hybrid's overflow uses its partner's.

:func:`choice_monte_carlo` gives P(each option is the cheapest), summing to 1 over the
options; :func:`verdict_flips` swings one input at a time to its low and high value and names
those that would change the verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aipolicy.costs.compare.api import api_monthly_components
from aipolicy.costs.compare.hybrid import best_split_draws
from aipolicy.costs.compare.scenario import Scenario, scenario_params
from aipolicy.costs.compare.selfhost import selfhost_components, with_acquisition
from aipolicy.costs.compare.threeway import Option, with_api_model
from aipolicy.costs.uncertainty.draws import (
    WHOLE_INPUTS,
    UncertainInput,
    check_draws,
    default_uncertainties,
    triangular_ppf,
)
from aipolicy.costs.uncertainty.monte_carlo import percentile_series

__all__ = ["ChoiceResult", "choice_monte_carlo", "priced_options", "verdict_flips"]

_BLOCK = 1 << 14


@dataclass(frozen=True)
class PricedOption:
    """One option as the Monte Carlo prices it: its scenario and its uncertain inputs."""

    key: str
    label: str
    kind: str  # per_token, rent, buy, hybrid
    scenario: Scenario
    items: tuple[UncertainInput, ...]
    price_key: str  # whose price drift drives api_price_factor


def priced_options(scenario: Scenario, options: Sequence[Option]) -> list[PricedOption]:
    """The options to draw, each with its scenario: every option not known to fail a check
    (:func:`~aipolicy.costs.compare.verdict.known_to_fail`), hybrids included even where their
    base split is the pure option (in some draws it is a real split)."""
    from aipolicy.costs.compare.verdict import known_to_fail

    by_model = {o.model: o.key for o in options if o.kind == "per_token"}
    out = []
    for o in options:
        if known_to_fail(o):
            continue
        if o.kind == "hybrid":
            s = with_api_model(scenario, o.partner)
            out.append(PricedOption(o.key, o.label, "hybrid", s, default_uncertainties(s),
                                    by_model.get(o.partner, o.key)))
        elif o.kind == "per_token":
            s = with_api_model(scenario, o.model)
            out.append(PricedOption(o.key, o.label, "per_token", s, default_uncertainties(s),
                                    o.key))
        else:
            s = with_acquisition(scenario, o.key)
            out.append(PricedOption(o.key, o.label, o.key, s, default_uncertainties(s), o.key))
    return out


Pick = Callable[[str, UncertainInput], "float | np.ndarray"]


def _cost(po: PricedOption, pick: Pick) -> np.ndarray:
    """Monthly cost (USD) of one option with its inputs set by ``pick(uniform key, input)``."""
    p: dict[str, float | np.ndarray] = dict(scenario_params(po.scenario))
    for it in po.items:
        key = f"price:{po.price_key}" if it.name == "api_price_factor" else it.name
        p[it.name] = pick(key, it)
    s = po.scenario
    if po.kind == "per_token":
        return np.asarray(api_monthly_components(p)["total_usd"], dtype=float)
    if po.kind == "hybrid":
        b = best_split_draws(p, s.acquisition, s.rent_mode, s.load_profile)
        pure = (b["k"] == 0) | (b["k"] >= b["full_replicas"])
        return np.where(pure, np.inf, b["total_usd"])
    return np.asarray(selfhost_components(p, po.kind, s.rent_mode, s.load_profile)["total_usd"],
                      dtype=float)


def _costs(priced: Sequence[PricedOption], pick: Pick, n: int) -> np.ndarray:
    """``(n, options)`` monthly costs, USD."""
    return np.column_stack([np.broadcast_to(_cost(po, pick), (n,)) for po in priced])


def _uniform_keys(priced: Sequence[PricedOption]) -> list[str]:
    keys: list[str] = []
    for po in priced:
        for it in po.items:
            key = f"price:{po.price_key}" if it.name == "api_price_factor" else it.name
            if key not in keys:
                keys.append(key)
    return keys


@dataclass(frozen=True)
class ChoiceResult:
    """Monte Carlo over every option.

    Attributes
    ----------
    p_cheapest : dict
        Option key -> share of draws in which it is the cheapest (sums to 1).
    percentiles : DataFrame
        Index option key; columns ``p5`` ... ``p95`` (USD per month; a hybrid's over the draws
        where it is a real split).
    samples : DataFrame
        One row per draw, one column per option key (USD per month; inf where a hybrid is the
        pure option).
    inputs : DataFrame
        ``parameter``, ``option``, ``low``, ``base``, ``high``, ``unit``, ``source``.
    draws, seed : int
    """

    p_cheapest: dict[str, float]
    percentiles: pd.DataFrame
    samples: pd.DataFrame
    inputs: pd.DataFrame
    draws: int
    seed: int


def choice_monte_carlo(scenario: Scenario, options: Sequence[Option], draws: int = 10_000,
                       seed: int = 0) -> ChoiceResult:
    """P(each option is the cheapest) over joint draws of every option's uncertain inputs.

    ``options`` are :func:`~aipolicy.costs.compare.threeway.compare_all`'s. Ties go to the
    option listed first (a pure option before a hybrid equal to it).
    """
    draws, priced = check_draws(draws, seed), priced_options(scenario, options)
    rng = np.random.default_rng(seed)
    uniforms = {key: rng.random(draws) for key in _uniform_keys(priced)}
    costs = np.empty((draws, len(priced)))
    for lo in range(0, draws, _BLOCK):
        sl = slice(lo, min(lo + _BLOCK, draws))

        def pick(key: str, it: UncertainInput, sl: slice = sl) -> np.ndarray:
            v = triangular_ppf(uniforms[key][sl], it.low, it.base, it.high)
            return np.rint(v) if it.name in WHOLE_INPUTS else v

        costs[sl] = _costs(priced, pick, sl.stop - sl.start)
    keys = [po.key for po in priced]
    winner = np.argmin(costs, axis=1)
    p = {k: float(np.mean(winner == i)) for i, k in enumerate(keys)}
    pct = {k: percentile_series(costs[np.isfinite(costs[:, i]), i]) for i, k in enumerate(keys)}
    return ChoiceResult(p_cheapest=p, percentiles=pd.DataFrame(pct).T,
                        samples=pd.DataFrame(costs, columns=keys), inputs=_inputs(priced),
                        draws=draws, seed=int(seed))


def _inputs(priced: Sequence[PricedOption]) -> pd.DataFrame:
    rows: dict[tuple, dict] = {}
    for po in priced:
        for it in po.items:
            name = (f"api_price_factor ({po.price_key})" if it.name == "api_price_factor"
                    else it.name)
            key = (name, it.low, it.base, it.high)
            row = rows.setdefault(key, {"parameter": name, "option": [], "low": it.low,
                                        "base": it.base, "high": it.high, "unit": it.unit,
                                        "source": it.source, "option_labels": []})
            row["option"].append(po.key)
            row["option_labels"].append(po.label)
    return pd.DataFrame([{**r, "option": ", ".join(r["option"]),
                          "option_labels": "; ".join(r["option_labels"])}
                         for r in rows.values()])


def _swing_name(key: str, priced: Sequence[PricedOption]) -> str:
    """A swung input in words: a per-token option's list price by the option's label."""
    if key.startswith("price:"):
        owner = key[len("price:"):]
        label = next((po.label for po in priced if po.key == owner), owner)
        return f"the list price of {label}"
    return key


def verdict_flips(scenario: Scenario, options: Sequence[Option]) -> pd.DataFrame:
    """Each uncertain input at its low and its high value (others at base): does the verdict hold?

    Returns
    -------
    DataFrame
        One row per input key and end (``low``/``high``) that changes the cheapest option:
        ``parameter`` (a scenario field, or ``the list price of <option>``), ``end``, ``cheapest`` (option key), ``cheapest_label``,
        ``monthly_usd`` (its cost there, USD per month), ``verdict_monthly_usd`` (the base
        verdict's cost there). Empty when no single input flips it.
    """
    priced = priced_options(scenario, options)
    if not priced:
        return pd.DataFrame(columns=["parameter", "end", "cheapest", "cheapest_label",
                                     "monthly_usd", "verdict_monthly_usd"])
    base = _costs(priced, lambda key, it: it.base, 1)[0]
    first = int(np.argmin(base))
    rows = []
    for swing in _uniform_keys(priced):
        for end in ("low", "high"):
            def pick(key: str, it: UncertainInput, swing: str = swing, end: str = end) -> float:
                return getattr(it, end) if key == swing else it.base

            c = _costs(priced, pick, 1)[0]
            i = int(np.argmin(c))
            if i != first:
                rows.append({"parameter": _swing_name(swing, priced),
                             "end": end, "cheapest": priced[i].key,
                             "cheapest_label": priced[i].label, "monthly_usd": float(c[i]),
                             "verdict_monthly_usd": float(c[first])})
    return pd.DataFrame(rows, columns=["parameter", "end", "cheapest", "cheapest_label",
                                       "monthly_usd", "verdict_monthly_usd"])
