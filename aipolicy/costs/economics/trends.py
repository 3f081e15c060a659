"""API price trends and the self-hosting break-even: what today's break-even becomes after
``years`` of the cost catalog's API price declines.

:func:`breakeven_trends` prices the break-even volume (tokens a day at which self-hosting is
no dearer than the API) at today's API prices and after a list-price cut and "LLMflation"
(both annual declines from ``cost_defaults.csv``). Cheaper API tokens raise the break-even:
fewer workloads are large enough to justify buying or renting GPUs. Notebook 06 shows it next
to the market signals (:func:`aipolicy.signals.scorecard.basket_scorecard` takes the table as
``economics``).

A pure cost computation: it imports only the comparison, the catalogs and :mod:`aipolicy.errors`.
Units: fractions a year for declines, multipliers for price factors, requests and tokens a day.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from aipolicy.costs.catalog import cost_defaults
from aipolicy.costs.compare.curve import breakeven
from aipolicy.errors import InvalidInputError

__all__ = ["breakeven_trends"]


def breakeven_trends(scenario: Any, years: float = 1.0) -> pd.DataFrame:
    """Break-even volume at today's API prices and after ``years`` of price trends.

    Parameters
    ----------
    scenario : aipolicy.costs.Scenario
        E.g. ``aipolicy.costs.scenario_from_preset("midmarket")``.
    years : float
        How long the trends run (1 = API prices one year from now).

    Returns
    -------
    DataFrame indexed by case (``today``, ``api price cut``, ``LLMflation``) with columns
    api_price_decline_annual (fraction a year), api_price_factor (multiplier on today's API
    prices), reached (bool), breakeven_requests_per_day, breakeven_tokens_per_day (input +
    output tokens), source (where the trend comes from).
    """
    if years < 0:
        raise InvalidInputError(f"years must be >= 0, got {years}")
    d = cost_defaults()
    cases = [
        ("today", 0.0, "catalog prices as of the scenario"),
        ("api price cut", d["api_price_cut_annual"].value, d["api_price_cut_annual"].source),
        (
            "LLMflation",
            d["llmflation_price_decline_annual"].value,
            d["llmflation_price_decline_annual"].source,
        ),
    ]
    rows = {}
    base_factor = float(getattr(scenario, "api_price_factor", 1.0))
    for name, decline, source in cases:
        factor = (1.0 - decline) ** years
        be = breakeven(scenario.replace(api_price_factor=base_factor * factor))
        rows[name] = {
            "api_price_decline_annual": float(decline),
            "api_price_factor": float(factor),
            "reached": bool(be.reached),
            "breakeven_requests_per_day": float(be.requests_per_day) if be.reached else np.nan,
            "breakeven_tokens_per_day": float(be.tokens_per_day) if be.reached else np.nan,
            "source": str(source),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "case"
    return out
