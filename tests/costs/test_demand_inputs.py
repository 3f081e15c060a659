"""The compute-demand inputs calibrated to public figures, and a tornado that keeps the ties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aipolicy.costs.economics import demand_inputs as di
from aipolicy.costs.economics.compute_demand import (
    DemandScenario,
    demand_tornado,
    gpu_demand_growth,
)
from aipolicy.errors import InvalidInputError


def test_adoption_growth_is_chatgpt_users_doubling_in_228_days_annualised():
    g = di.adoption_growth()
    days = (pd.Timestamp("2025-10-06") - pd.Timestamp("2025-02-20")).days
    assert days == 228 and g.value == pytest.approx(2 ** (365.25 / days) - 1)
    assert "https://" in g.source and g.low == 0.5


def test_price_decline_is_fitted_to_openai_flagship_prices_in_the_curated_table():
    # blended (3:1) prices of GPT-4 Turbo, GPT-4o, its 2024-08 snapshot, GPT-4.1 and GPT-5
    dates = pd.to_datetime(["2023-11-06", "2024-05-13", "2024-08-06", "2025-04-14", "2025-08-07"])
    prices = [
        (3 * 10 + 30) / 4,
        (3 * 5 + 15) / 4,
        (3 * 2.5 + 10) / 4,
        (3 * 2 + 8) / 4,
        (3 * 1.25 + 10) / 4,
    ]
    years = (dates - dates[0]).days / 365.25
    slope = np.polyfit(years, np.log(prices), 1)[0]
    d = di.flagship_price_decline()
    assert d.value == pytest.approx(1 - np.exp(slope))
    assert 0.5 < d.value < 0.6 and (d.low, d.high) == (0.3, 0.9)


def test_elasticity_is_a_sourced_range_around_the_nber_estimate():
    e = di.elasticity()
    assert (e.low, e.value, e.high) == (0.5, 1.11, 1.8)
    assert "NBER" in e.source and "assumption" in e.source


def test_hardware_efficiency_by_hand():
    # 3,660 -> 12,451 tokens/s from 2022-03-22 to 2024-03-18 (727 days)
    h = di.hardware_efficiency({"a100-80gb": 841.0, "h100-sxm": 3660.0, "b200": 12451.0})
    assert h.value == pytest.approx((12451 / 3660) ** (365.25 / 727) - 1)
    assert h.high == pytest.approx((3660 / 841) ** (365.25 / 677) - 1)
    assert di.hardware_efficiency({"h200": 1.0}) is None


def test_calibrated_scenario_ties_efficiency_and_gives_a_range_not_a_point():
    s = di.calibrated_scenario(1e9)
    assert s.tied and s.efficiency == pytest.approx(1 / (1 - s.price_decline_annual) - 1)
    lo, hi = di.demand_range(s)
    # tied: growth = (1 + g)(1 - d)^(1 - e) - 1 at the elasticity's ends
    g, d = s.growth_annual, s.price_decline_annual
    assert lo == pytest.approx((1 + g) * (1 - d) ** (1 - 0.5) - 1)
    assert hi == pytest.approx((1 + g) * (1 - d) ** (1 - 1.8) - 1)
    assert lo < gpu_demand_growth(s) < hi
    assert di.calibrated_scenario(1e9, elasticity=0.7).elasticity == 0.7
    assert not di.calibrated_scenario(1e9, efficiency_gain_annual=0.2).tied


def test_the_tornado_moves_the_tied_efficiency_with_the_price_decline():
    s = DemandScenario(
        1e9,
        growth_annual=0.0,
        price_decline_annual=0.5,
        elasticity=1.0,
        efficiency_gain_annual=None,
    )
    tor = demand_tornado(
        s,
        {
            "price_decline_annual": (0.1, 0.9),
            "elasticity": (0.5, 1.5),
            "efficiency_gain_annual": (0.0, 1.0),
        },
    ).set_index("input")
    # with elasticity 1 and the tie, the price decline changes nothing: no artefact bar
    assert tor.loc["price_decline_annual", "swing"] == pytest.approx(0.0, abs=1e-12)
    assert tor.loc["price_decline_annual", "moves_with"] == "efficiency_gain_annual"
    assert "efficiency_gain_annual" not in tor.index
    with pytest.raises(InvalidInputError, match="tied to the price decline"):
        demand_tornado(s, inputs=["efficiency_gain_annual"])


def test_the_check_against_reported_token_growth():
    obs = di.observed_token_growth()
    days = (pd.Timestamp("2026-05-19") - pd.Timestamp("2025-05-20")).days
    assert obs.value == pytest.approx((3.2e15 / 480e12) ** (365.25 / days) - 1)
    s = DemandScenario(1e9, 1.0, 0.5, 1.0, None)
    assert di.token_growth(s) == pytest.approx(2 * 2 - 1)
