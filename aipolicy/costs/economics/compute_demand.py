"""What GPU demand do falling token prices imply? A compute-demand index and the Jevons threshold.

A token-demand scenario: ``tokens_per_day`` served today; volume grows by ``growth_annual`` a
year at constant prices; the price per token falls by ``price_decline_annual`` a year; demand
answers the price with a constant elasticity ``elasticity`` (volume scales as price^-elasticity:
1 means a 10 % cheaper token brings about 10 % more tokens); the tokens a GPU serves grow by
``efficiency_gain_annual`` a year (software, smaller models for the same quality, new GPU
generations: GPUs are counted as today's). After ``t`` years::

    volume_t  = tokens_per_day * (1 + g)^t * (1 - d)^(-e * t)
    GPUs_t    = volume_t * peak_factor / (tokens per GPU-second * 86,400) / (1 + h)^t
    spend_t   = price_t * volume_t  (index, today = 1)

GPU demand grows when ``(1 + g) * (1 - d)^(-e) > 1 + h``, so the elasticity above which cheaper
tokens raise the number of GPUs (Jevons' paradox for compute) is::

    e* = ln((1 + h) / (1 + g)) / -ln(1 - d)

With no volume growth and price falling exactly as fast as efficiency rises ((1 + h)(1 - d) = 1)
that is e* = 1.

**The tie.** ``efficiency_gain_annual=None`` ties the efficiency gain to the price decline,
``1 + h = 1 / (1 - d)``: prices fall because serving a token gets cheaper, margins unchanged.
Every function here resolves the tie (:attr:`DemandScenario.efficiency`), so a tornado that
moves the price decline moves the efficiency gain with it. Then GPU demand grows by
``(1 + g) (1 - d)^(1 - e) - 1``: cheaper tokens add GPUs exactly when the elasticity exceeds 1
(Jevons), on top of the growth at constant prices. The public, dated figures behind the
notebook's defaults are in :mod:`aipolicy.costs.economics.demand_inputs`. Tokens per GPU come from the cost models' planned capacity (throughput under the
latency target, per GPU) for one open model on each GPU generation. Every input other than the
capacities is a parameter (an assumption of the user's, or the notebook's labelled default).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from aipolicy.errors import InvalidInputError


@dataclass(frozen=True)
class DemandScenario:
    """A token-demand scenario (see the module docstring for the formulas).

    Attributes
    ----------
    tokens_per_day : float
        Input + output tokens served a day today (> 0).
    growth_annual : float
        Volume growth a year at constant prices (fraction, > -1).
    price_decline_annual : float
        Fall of the price per token a year (fraction in [0, 1)).
    elasticity : float
        Price elasticity of token demand (>= 0).
    efficiency_gain_annual : float or None
        Growth a year of the tokens one GPU serves (fraction, > -1); None ties it to the price
        decline (``1 / (1 - price_decline_annual) - 1``, see :attr:`efficiency`).
    years : int
        Years projected (1-30).
    """

    tokens_per_day: float
    growth_annual: float = 0.0
    price_decline_annual: float = 0.3
    elasticity: float = 1.0
    efficiency_gain_annual: float | None = 0.0
    years: int = 5

    @property
    def efficiency(self) -> float:
        """The efficiency gain a year, the tie resolved (fraction)."""
        if self.efficiency_gain_annual is None:
            return 1.0 / (1.0 - self.price_decline_annual) - 1.0
        return self.efficiency_gain_annual

    @property
    def tied(self) -> bool:
        """True when the efficiency gain moves with the price decline."""
        return self.efficiency_gain_annual is None

    def __post_init__(self) -> None:
        checks = (
            ("tokens_per_day", self.tokens_per_day > 0 and math.isfinite(self.tokens_per_day),
             "a positive number of tokens a day"),
            ("growth_annual", -1 < self.growth_annual < 100, "a fraction above -1"),
            ("price_decline_annual", 0 <= self.price_decline_annual < 1,
             "a fraction in [0, 1), e.g. 0.3 for 30 % cheaper a year"),
            ("elasticity", 0 <= self.elasticity <= 10, "between 0 and 10"),
            ("efficiency_gain_annual", self.efficiency_gain_annual is None
             or -1 < self.efficiency_gain_annual < 100, "a fraction above -1 or None (tied)"),
            ("years", isinstance(self.years, int) and 1 <= self.years <= 30,
             "a whole number of years from 1 to 30"),
        )
        for name, ok, what in checks:
            if not ok:
                raise InvalidInputError(f"{name}: {getattr(self, name)!r} is not {what}",
                                        field=name, value=getattr(self, name))


def jevons_elasticity(growth_annual: float, price_decline_annual: float,
                      efficiency_gain_annual: float) -> float:
    """Elasticity above which falling token prices raise GPU demand (``e*``; inf if prices do
    not fall)."""
    if price_decline_annual <= 0:
        return math.inf
    return (math.log((1 + efficiency_gain_annual) / (1 + growth_annual))
            / -math.log(1 - price_decline_annual))


def gpu_demand_growth(s: DemandScenario) -> float:
    """Yearly growth of the number of GPUs needed (fraction; 0.1 = +10 % a year)."""
    return ((1 + s.growth_annual) * (1 - s.price_decline_annual) ** (-s.elasticity)
            / (1 + s.efficiency) - 1)


def tokens_per_gpu_second(scenario: Any) -> float:
    """Input + output tokens a second one GPU serves at the planned capacity of ``scenario``
    (throughput under its latency target, at its request shape)."""
    from aipolicy.costs.compare.threeway import replica_capacity

    rc = replica_capacity(scenario)
    per_request = scenario.input_tokens + scenario.output_tokens
    return rc["planned_req_s"] * per_request / scenario.gpus_per_replica


def compute_demand(s: DemandScenario, per_gpu: Mapping[str, float], *,
                   peak_factor: float = 1.0) -> pd.DataFrame:
    """The compute-demand index, year by year.

    Parameters
    ----------
    s : DemandScenario
    per_gpu : mapping of str to float
        GPU name -> input + output tokens a second one GPU serves today (e.g. from
        :func:`tokens_per_gpu_second`).
    peak_factor : float
        Busiest hour over the daily mean (the fleet is sized for it).

    Returns
    -------
    DataFrame
        Indexed by ``year`` (0 = today ... ``s.years``): ``tokens_per_day``, ``price_index``
        (today = 1), ``spend_index`` (price x volume, today = 1), ``gpu_index`` (GPUs needed,
        today = 1), and per GPU name ``gpus_<name>`` (GPUs needed if all were that GPU) and
        ``gpu_hours_<name>`` (GPU-hours a year).
    """
    if not per_gpu or any(not (v > 0) for v in per_gpu.values()):
        raise InvalidInputError("per_gpu: give at least one GPU with a positive tokens/s",
                                field="per_gpu")
    rows = []
    for t in range(s.years + 1):
        price = (1 - s.price_decline_annual) ** t
        volume = s.tokens_per_day * (1 + s.growth_annual) ** t * price ** (-s.elasticity)
        eff = (1 + s.efficiency) ** t
        row: dict[str, float] = {"year": t, "tokens_per_day": volume, "price_index": price,
                                 "spend_index": price * volume / s.tokens_per_day,
                                 "gpu_index": volume / s.tokens_per_day / eff}
        for name, tps in per_gpu.items():
            gpus = volume * peak_factor / (tps * 86_400.0) / eff
            row[f"gpus_{name}"] = gpus
            row[f"gpu_hours_{name}"] = gpus * 8_760.0
        rows.append(row)
    return pd.DataFrame(rows).set_index("year")


#: Generic ranges for the tornado (low, high), aipolicy assumptions kept for callers without
#: calibrated ones: volume growth from flat to doubling a year; price declines from a 10 % list
#: cut to a16z's "LLMflation" (about 10x cheaper a year at constant capability, 2024-11-12);
#: elasticities from inelastic to elastic; efficiency from none to +50 % tokens per GPU a year.
#: The notebook's ranges come with their sources from
#: :func:`aipolicy.costs.economics.demand_inputs.tornado_ranges`.
TORNADO_RANGES: dict[str, tuple[float, float]] = {
    "growth_annual": (0.0, 1.0),
    "price_decline_annual": (0.1, 0.9),
    "elasticity": (0.3, 1.5),
    "efficiency_gain_annual": (0.0, 0.5),
}


def demand_tornado(s: DemandScenario,
                   ranges: Mapping[str, tuple[float, float]] | None = None,
                   inputs: Sequence[str] | None = None) -> pd.DataFrame:
    """Yearly growth of GPU demand with one input at a time at its low and high end, the
    others at ``s``'s values; sorted by swing, largest first.

    The model's ties hold: in a tied scenario (``efficiency_gain_annual=None``) the efficiency
    gain moves with the price decline, so it is not an input of its own (it is left out of
    the default inputs; asking for it is an error) and the price decline's bar includes it.
    The metric is :func:`gpu_demand_growth` (a fraction a year), not the index after
    ``s.years``: compounded over years, a 90 % yearly price fall would dwarf every other input.

    Returns
    -------
    DataFrame
        Columns ``input``, ``low``, ``base``, ``high`` (input values), ``growth_at_low``,
        ``growth_at_high``, ``base_growth`` (fractions a year), ``swing`` (their absolute
        difference) and ``moves_with`` (the inputs tied to this one, "" when none).
    """
    ranges = dict(TORNADO_RANGES if ranges is None else ranges)
    if s.tied:
        if inputs is not None and "efficiency_gain_annual" in inputs:
            raise InvalidInputError("tornado input 'efficiency_gain_annual' is tied to the "
                                    "price decline in this scenario; vary price_decline_annual",
                                    field="inputs", value="efficiency_gain_annual")
        ranges.pop("efficiency_gain_annual", None)
    base = gpu_demand_growth(s)
    rows = []
    for name in inputs or list(ranges):
        if name not in ranges:
            raise InvalidInputError(f"tornado input {name!r} has no range; known: "
                                    f"{', '.join(ranges)}", field="inputs", value=name)
        lo, hi = ranges[name]
        at = {end: gpu_demand_growth(dataclasses.replace(s, **{name: value}))
              for end, value in (("low", lo), ("high", hi))}
        rows.append({"input": name, "low": lo, "base": getattr(s, name), "high": hi,
                     "growth_at_low": at["low"], "growth_at_high": at["high"],
                     "base_growth": base, "swing": abs(at["high"] - at["low"]),
                     "moves_with": "efficiency_gain_annual" if s.tied
                     and name == "price_decline_annual" else ""})
    return pd.DataFrame(rows).sort_values("swing", ascending=False).reset_index(drop=True)
