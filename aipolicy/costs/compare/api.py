"""API cost: per request and per month, with prompt-cache and batch tiers.

Per request (USD), with input tokens ``i``, output tokens ``o``, cached share ``c``, batch share
``b`` and prices in USD per 1M tokens::

    standard = (1 - c) * i * p_in + c * i * p_cached + o * p_out   (o: visible + hidden)
    batch    = i * p_batch_in + o * p_batch_out
    per_request = api_price_factor * ((1 - b) * standard + b * batch) / 1e6

A reasoning model's hidden tokens (``api_reasoning_tokens`` per request) are billed as output
tokens, so ``o = output_tokens + api_reasoning_tokens``.

Monthly = per request x requests/day x 365/12 x the horizon-average volume-growth factor,
plus the API option's own overhead: ``api_staff_fte`` x loaded staff cost and the one-off
``api_implementation_usd`` spread over the horizon. Prompt-cache writes are not modelled and
the batch share gets no cache discount.

The functions here take plain floats or NumPy arrays (vectorised Monte Carlo).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from aipolicy.costs.compare.scenario import Scenario, scenario_params
from aipolicy.costs.compare.workload import DAYS_PER_MONTH

__all__ = ["ApiResult", "api_cost_per_request_usd", "api_monthly", "api_monthly_components",
           "growth_factors", "growth_of"]

ArrayLike = float | np.ndarray


def growth_factors(growth_annual: ArrayLike, horizon_months: ArrayLike
                   ) -> tuple[ArrayLike, ArrayLike]:
    """Volume factors for yearly growth ``g`` over ``H`` months, month 1 = today's volume.

    Returns ``(average, busiest)``: the mean of ``(1+g)^(m/12)`` for ``m = 0..H-1`` and its
    largest value (the last month's ``(1+g)^((H-1)/12)`` when growing, 1 when shrinking). Both
    are 1 when ``g = 0``.
    """
    g = np.asarray(growth_annual, dtype=float)
    h = np.asarray(horizon_months, dtype=float)
    x = (1.0 + g) ** (1.0 / 12.0)
    if x.ndim and h.ndim == 0 and float(h) >= 1.0:  # the Monte Carlo: same arithmetic, in place
        hf = float(h)
        avg = x ** hf
        avg -= 1.0
        den = x - 1.0
        den *= hf
        with np.errstate(divide="ignore", invalid="ignore"):
            avg /= den
        avg[np.abs(x - 1.0) < 1e-12] = 1.0
        # max(x^(H-1), 1) is 1 wherever x <= 1: the power only where volume grows
        end = np.ones_like(x)
        up = x > 1.0
        end[up] = x[up] ** (hf - 1.0)
        return avg, end
    flat = np.abs(x - 1.0) < 1e-12
    with np.errstate(divide="ignore", invalid="ignore"):
        avg = np.where(flat, 1.0, (x ** h - 1.0) / (h * (x - 1.0)))
    end = np.maximum(x ** (h - 1.0), 1.0)
    if avg.ndim == 0:
        return float(avg), float(end)
    return avg, end


def growth_of(p: Mapping[str, ArrayLike]) -> tuple[ArrayLike, ArrayLike]:
    """:func:`growth_factors` of a parameter mapping, reusing ``p["_growth"]`` if present.

    The Monte Carlo computes the factors once per batch of draws and stores them there.
    """
    cached = p.get("_growth")
    if cached is not None:
        return cached  # type: ignore[return-value]
    return growth_factors(p["volume_growth_annual"], p["horizon_months"])


def api_cost_per_request_usd(p: Mapping[str, ArrayLike]) -> ArrayLike:
    """USD per request from a parameter mapping (scenario field names; floats or arrays)."""
    c = p["cached_input_share"]
    b = p["batch_share"]
    i = p["input_tokens"]
    o = p["output_tokens"] + p.get("api_reasoning_tokens", 0.0)
    standard = ((1.0 - c) * i * p["api_input_per_mtok_usd"]
                + c * i * p["api_cached_input_per_mtok_usd"] + o * p["api_output_per_mtok_usd"])
    batch = i * p["api_batch_input_per_mtok_usd"] + o * p["api_batch_output_per_mtok_usd"]
    return p.get("api_price_factor", 1.0) * ((1.0 - b) * standard + b * batch) / 1e6


def api_monthly_components(p: Mapping[str, ArrayLike]) -> dict[str, ArrayLike]:
    """Monthly API cost by component (USD per month): ``tokens_usd``, ``staff_usd``,
    ``implementation_usd``, ``total_usd``; and ``per_request_usd``."""
    avg, _ = growth_of(p)
    per_req = api_cost_per_request_usd(p)
    tokens = per_req * p["requests_per_day"] * DAYS_PER_MONTH * avg
    staff = p["api_staff_fte"] * p["staff_cost_usd_per_fte_month"]
    impl = p["api_implementation_usd"] / p["horizon_months"]
    return {"tokens_usd": tokens, "staff_usd": staff, "implementation_usd": impl,
            "total_usd": tokens + staff + impl, "per_request_usd": per_req}


@dataclass(frozen=True)
class ApiResult:
    """Monthly cost of serving the scenario through the API.

    Attributes
    ----------
    monthly_usd : float
        Total USD per month (tokens + staff + amortised implementation).
    per_request_usd : float
        Token cost of one request, USD.
    cost_per_mtok_usd : float
        Total monthly cost per 1M (input + output) tokens, USD.
    breakdown : dict
        ``{"tokens": , "staff": , "implementation": }`` in USD per month.
    """

    monthly_usd: float
    per_request_usd: float
    cost_per_mtok_usd: float
    breakdown: Mapping[str, float] = field(default_factory=dict)

    def breakdown_frame(self) -> pd.DataFrame:
        """Columns ``component``, ``monthly_usd``, ``share``."""
        return breakdown_frame(self.breakdown, self.monthly_usd)


def breakdown_frame(breakdown: Mapping[str, float], monthly_usd: float) -> pd.DataFrame:
    """A cost breakdown as a frame: columns ``component``, ``monthly_usd`` (USD per month) and
    ``share`` (fraction of ``monthly_usd``; 0 when the total is 0), one row per component."""
    df = pd.DataFrame({"component": list(breakdown), "monthly_usd": list(breakdown.values())})
    df["share"] = df["monthly_usd"] / monthly_usd if monthly_usd else 0.0
    return df


def api_monthly(scenario: Scenario) -> ApiResult:
    """API monthly cost of the scenario (USD per month), with its breakdown."""
    p = scenario_params(scenario)
    c = api_monthly_components(p)
    avg, _ = growth_factors(p["volume_growth_annual"], p["horizon_months"])
    tokens = scenario.workload.tokens_per_month * avg
    total = float(c["total_usd"])
    return ApiResult(
        monthly_usd=total, per_request_usd=float(c["per_request_usd"]),
        cost_per_mtok_usd=total / tokens * 1e6 if tokens > 0 else float("nan"),
        breakdown={"tokens": float(c["tokens_usd"]), "staff": float(c["staff_usd"]),
                   "implementation": float(c["implementation_usd"])})
