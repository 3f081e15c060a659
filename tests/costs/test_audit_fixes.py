"""Regression tests from the correctness audit of aipolicy.costs; expected values by hand."""

from __future__ import annotations

import numpy as np
import pytest

from aipolicy.costs import investor_cashflows, irr

D = 365.0 / 12.0


def test_irr_exists_for_long_horizons():
    # -100 then +10 a month for 120 months: 10 * (1 - (1+r)^-120) / r = 100. With r = 10% a
    # month, (1.1)^-120 = 1.07e-5, so the monthly IRR is 10% to within 1e-6 and the annual
    # one (1.1)^12 - 1 = 2.138428... The old bracket evaluated cf / (1 - 0.9999)^t = cf * 1e4^t,
    # infinite beyond 77 months, and returned None for every horizon of 78 months or more.
    cf = np.array([-100.0] + [10.0] * 120)
    a = irr(cf)
    assert a is not None
    assert a == pytest.approx(1.1 ** 12 - 1, rel=1e-4)
    r = (1 + a) ** (1 / 12) - 1
    assert np.sum(cf / (1 + r) ** np.arange(cf.size)) == pytest.approx(0.0, abs=1e-6)
    # a negative IRR over a long horizon: -100 then +0.5 a month for 120 months returns 60
    # of the 100; the monthly rate r < 0 with 0.5 * sum (1+r)^-t = 100 (t = 1..120)
    cf = np.array([-100.0] + [0.5] * 120)
    a = irr(cf)
    assert a is not None and a < 0
    r = (1 + a) ** (1 / 12) - 1
    assert np.sum(cf / (1 + r) ** np.arange(cf.size)) == pytest.approx(0.0, abs=1e-6)


def test_investor_irr_over_a_ten_year_horizon(simple):
    # Simple rented scenario (conftest): API 0.01 USD a request, 10,000 requests/day -> API
    # 100 * 365/12 = 3,041.67 USD a month; self-host 1 replica = 730 USD a month. Month 0:
    # - 12,000 implementation. Months 1..120: +2,311.67. The monthly IRR solves
    # 2,311.67 * (1 - (1+r)^-120) / r = 12,000 -> r ~ 2,311.67 / 12,000 = 19.26% (the
    # (1+r)^-120 term is ~1e-9), i.e. (1.1926)^12 - 1 ~ 7.29 a year.
    s = simple(implementation_usd=12_000.0, horizon_months=120.0)
    res = investor_cashflows(s)
    monthly = 100 * D - 730.0
    assert res.cashflows["net_cash_flow_usd"].iloc[1] == pytest.approx(monthly)
    assert res.irr_annual is not None
    assert res.irr_annual == pytest.approx((1 + monthly / 12_000.0) ** 12 - 1, rel=1e-6)
    assert res.payback_month == 6  # 12,000 / 2,311.67 = 5.19 -> cumulative >= 0 at month 6
