"""Investor view, tornado, Monte Carlo and scorecard."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aipolicy.costs import (
    UncertainInput,
    build_scenario,
    cpi_growth_annual,
    investor_cashflows,
    investor_scenarios,
    irr,
    monte_carlo,
    npv,
    payback_month,
    scorecard,
    selfhost_monthly,
    tornado,
)
from aipolicy.costs.uncertainty import triangular_ppf
from aipolicy.errors import InvalidInputError


def test_irr_npv_payback_hand_worked():
    cf = [-100.0, 60.0, 60.0]
    # 60x^2 + 60x - 100 = 0 with x = 1/(1+r): x = (-60 + sqrt(3600 + 24000)) / 120
    x = (-60 + (3600 + 24000) ** 0.5) / 120
    assert irr(cf) == pytest.approx((1 / x) ** 12 - 1, rel=1e-9)
    assert npv(cf, 0.0) == pytest.approx(20.0)
    r = 1.1 ** (1 / 12) - 1
    assert npv(cf, 0.1) == pytest.approx(-100 + 60 / (1 + r) + 60 / (1 + r) ** 2)
    assert payback_month(cf) == 2  # cumulative -100, -40, +20
    assert payback_month([-1.0, -1.0]) is None and irr([1.0, 1.0]) is None


def test_cpi_growth():
    idx = pd.date_range("2024-01-01", periods=13, freq="MS")
    cpi = pd.Series(np.linspace(100, 103, 13), index=idx)
    assert cpi_growth_annual(cpi) == pytest.approx(0.03)
    with pytest.raises(InvalidInputError, match="at least 13 monthly observations"):
        cpi_growth_annual(cpi.iloc[:5])


def test_investor_buy_cashflows_hand_worked(simple):
    s = simple(acquisition="buy", requests_per_day=86_400.0, horizon_months=48,
               implementation_usd=50_000.0, api_implementation_usd=15_000.0)
    r = investor_cashflows(s, discount_rate_annual=0.0)
    cf = r.cashflows
    assert len(cf) == 49
    # month 0: one server 285,000 + 22,300, implementation 50,000, API set-up 15,000 avoided
    assert cf.loc[0, "net_cash_flow_usd"] == pytest.approx(-307_300 - 50_000 + 15_000)
    # months 1..48: API 0.01 * 86,400 * 365/12 = 26,280 avoided, minus opex
    opex = selfhost_monthly(s).breakdown
    monthly = 26_280 - opex["power"] - opex["maintenance"] - opex["facilities"]
    assert cf.loc[1, "net_cash_flow_usd"] == pytest.approx(monthly)
    # at the end of the 48-month life the residual is 20% of capex
    assert cf.loc[48, "residual_usd"] == pytest.approx(0.2 * 307_300)
    assert r.npv_usd == pytest.approx(cf["net_cash_flow_usd"].sum())
    # power (700 W + 450 W) * 1.4 * 0.12 * 730 = 141.04; maintenance 1,187.50; colocation
    # 10.2 kW (DGX H100 maximum input power) * 184.06 USD/kW-month = 1,877.41
    assert monthly == pytest.approx(26_280 - 141.036 - 1_187.5 - 1_877.412)  # 23,074.05
    # 342,300 / 23,074.05 = 14.8 -> cumulative turns positive in month 15
    assert r.payback_month == 15


def test_investor_trends_lower_npv():
    s = build_scenario(acquisition="buy", requests_per_day=500_000, input_tokens=2000,
                       output_tokens=200)
    base = investor_cashflows(s)
    cut = investor_cashflows(s, api_price_decline_annual=0.9)
    assert cut.npv_usd < base.npv_usd
    infl = investor_cashflows(s, opex_inflation_annual=0.05)
    assert infl.npv_usd < base.npv_usd
    t = investor_scenarios(s)
    assert t["scenario"].tolist() == ["base", "api price cut", "LLMflation",
                                      "GPU price decline", "opex inflation", "combined"]
    assert t.loc[0, "npv_usd"] == pytest.approx(base.npv_usd)
    cpi = pd.Series(np.linspace(300, 309, 25),
                    index=pd.date_range("2023-01-01", periods=25, freq="MS"))
    with_cpi = investor_scenarios(s, cpi=cpi)
    assert with_cpi.loc[4, "opex_inflation_annual"] == pytest.approx(309 / 304.5 - 1)
    with pytest.raises(InvalidInputError, match="api_price_decline_annual"):
        investor_cashflows(s, api_price_decline_annual=1.0)


def test_triangular_ppf_mean():
    u = np.random.default_rng(1).random(200_000)
    x = triangular_ppf(u, 1.0, 2.0, 6.0)
    assert x.min() >= 1.0 and x.max() <= 6.0
    assert x.mean() == pytest.approx(3.0, rel=0.01)
    assert (triangular_ppf(u[:5], 2.0, 2.0, 2.0) == 2.0).all()


def test_tornado_sorted_and_centred():
    s = build_scenario(requests_per_day=200_000, input_tokens=2000, output_tokens=200)
    t = tornado(s)
    assert list(t.columns) == ["parameter", "unit", "low_value", "base_value", "high_value",
                               "savings_at_low_usd", "savings_at_high_usd", "base_savings_usd",
                               "swing_usd", "source"]
    assert t["swing_usd"].is_monotonic_decreasing
    row = t.set_index("parameter").loc["api_price_factor"]
    assert row["savings_at_high_usd"] == pytest.approx(row["base_savings_usd"])


def test_monte_carlo_seeded_and_summarised():
    s = build_scenario(requests_per_day=100_000, input_tokens=1500, output_tokens=400)
    a = monte_carlo(s, draws=5_000, seed=7)
    b = monte_carlo(s, draws=5_000, seed=7)
    c = monte_carlo(s, draws=5_000, seed=8)
    pd.testing.assert_frame_equal(a.samples, b.samples)
    assert not a.samples.equals(c.samples)
    assert 0.0 <= a.p_selfhost_cheaper <= 1.0
    assert list(a.savings_percentiles.index) == ["p5", "p25", "p50", "p75", "p95"]
    assert a.savings_percentiles.is_monotonic_increasing
    assert a.p_selfhost_cheaper == pytest.approx((a.samples["savings_monthly_usd"] > 0).mean())
    assert {"api_monthly_usd", "selfhost_monthly_usd", "savings_monthly_usd",
            "breakeven_requests_per_day", "gpu_hour_usd"} <= set(a.samples.columns)
    assert 0.0 < a.breakeven_reached_share <= 1.0
    with pytest.raises(InvalidInputError, match="draws"):
        monte_carlo(s, draws=0)
    with pytest.raises(InvalidInputError, match="low <= base <= high"):
        UncertainInput("gpu_hour_usd", 3.0, 2.0, 4.0)


def test_scorecard_is_labelled_judgment():
    sc = scorecard("financial", acquisition="buy")
    assert (sc["kind"] == "judgment, not measurement").all()
    assert sc.attrs["label"] == "judgment, not measurement"
    assert sc["weight"].iloc[:-1].sum() == pytest.approx(1.0)
    total = sc.set_index("factor").loc["weighted score"]
    assert total["selfhost"] > total["api"]
    startup = scorecard("startup").set_index("factor").loc["weighted score"]
    assert startup["api"] > startup["selfhost"]
    with pytest.raises(InvalidInputError, match="unknown scorecard factor"):
        scorecard(weights={"vibes": 1.0})
