"""The tornado: one-at-a-time swings of the monthly saving of self-hosting.

Each uncertain input (:mod:`.draws`) is set at its low and at its high value with the others at
base. The saving is ``api_monthly_usd - selfhost_monthly_usd`` (USD per month; positive =
self-hosting cheaper), computed by the same vectorised cores as the deterministic answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from aipolicy.costs.compare.api import api_monthly_components
from aipolicy.costs.compare.scenario import Scenario, scenario_params
from aipolicy.costs.compare.selfhost import selfhost_components
from aipolicy.costs.uncertainty.draws import UncertainInput, coerce_inputs

__all__ = ["savings_for", "tornado"]


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
    items = coerce_inputs(scenario, inputs)
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
