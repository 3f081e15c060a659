"""Regression tests from the correctness audit of aipolicy.costs; expected values by hand."""

from __future__ import annotations

import numpy as np
import pytest

from aipolicy.costs import breakeven, build_scenario, investor_cashflows, irr, selfhost_monthly

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


def test_breakeven_says_when_selfhosting_turns_dearer_again(simple):
    # API: 0.01 USD a request (0.01 * 365/12 = 0.3041667 USD/month per request/day) plus 1 FTE
    # = 18,000 USD a month of overhead: A(v) = 18,000 + 0.3041667 v.
    # Self-host: 25 output tok/s / 100 tokens = 0.25 req/s = 21,600 requests/day a replica
    # (whose API bill is only 21,600 * 0.3041667 = 6,570 USD), at 22 USD/GPU-hour * 730
    # = 16,060 USD a month: S(v) = 16,060 * ceil(v / 21,600).
    # (0, 21,600]: S = 16,060 < 18,000 <= A -> cheaper from the lowest volume: break-even 0.
    # r >= 2 replicas, v in (21,600 (r-1), 21,600 r]: S = 16,060 r > A(21,600 r)
    # = 18,000 + 6,570 r whenever 9,490 r > 18,000, i.e. for every r >= 2 -> dearer from
    # 21,600 requests/day for good. The old message said only "no dearer than the API from 0
    # requests/day", i.e. self-hosting wins at every volume.
    s = simple(api_staff_fte=1.0, gpu_hour_usd=22.0, throughput_tok_s=25.0)
    be = breakeven(s, max_requests_per_day=1e6)
    assert be.reached and be.requests_per_day == pytest.approx(0.0)
    assert be.dearer_again_from_requests_per_day == pytest.approx(21_600.0)
    assert be.message == ("self-hosting is no dearer than the API from 0 requests/day "
                          "(0.0 tokens/day), but dearer again from 21,600 requests/day up "
                          "to the search limit of 1,000,000 requests/day")


def test_breakeven_reports_a_dearer_band_above_the_next_replica_step(simple):
    # S(v) = 730 * ceil(v / 86,400) + fixed 2,000 (platform); A(v) = 0.01 * 365/12 * v
    # = 0.3041667 v. 1 replica: S = 2,730 -> A = S at v = 2,730 / 0.3041667 = 8,975.3 (in the
    # first step). Just above 86,400: S = 3,460 < A = 26,280: no dearer band -> plain message.
    be = breakeven(simple(platform_monthly_usd=2_000.0), max_requests_per_day=1e6)
    assert be.requests_per_day == pytest.approx(2_730.0 / (0.01 * D))
    assert be.dearer_again_from_requests_per_day is None
    assert "dearer again" not in be.message
    # Now make a replica cost 25,000 a month (gpu_hour 25,000 / 730) with no fixed cost:
    # S = 25,000 * r; A(86,400 r) = 26,280 r. r = 1: break-even at 25,000 / 0.3041667
    # = 82,191.8. Just above 86,400: S = 50,000 > A = 26,280 -> dearer until
    # v = 50,000 / 0.3041667 = 164,383.6 (below 172,800, the next step), then cheaper. With r
    # replicas, just above the step at 86,400 (r - 1): S = 25,000 r vs A = 26,280 (r - 1),
    # dearer while 1,280 r < 26,280, i.e. r <= 20 -> the last dearer band is above the step
    # at 19 * 86,400 = 1,641,600 and ends at 20 * 25,000 / 0.3041667 = 1,643,835.6.
    be = breakeven(simple(gpu_hour_usd=25_000.0 / 730.0), max_requests_per_day=1e7)
    assert be.requests_per_day == pytest.approx(25_000.0 / (0.01 * D))
    assert be.dearer_again_from_requests_per_day == pytest.approx(86_400.0)
    assert be.message.endswith("but dearer again at some volumes between 86,400 and "
                               "1,643,836 requests/day (just above replica steps)")


def test_caller_throughput_needs_no_estimate_figures():
    # L40S has no bandwidth figure, so no throughput estimate; a caller who passes the
    # throughput still needs a replica size: Llama 3.3 70B at FP8 (L40S has FP8) is 70 GB of
    # weights, x 1.2 = 84 GB > 48 GB -> 2 x 48 = 96 GB -> 2 GPUs. Before the fix the build
    # ran the estimate anyway and failed with "pass it explicitly (flag --throughput)".
    s = build_scenario(api_model="gpt-4o", open_model="llama-3.3-70b", gpu="l40s",
                       throughput_tok_s=3000.0, gpu_hour_usd=1.0, requests_per_day=40_000.0,
                       input_tokens=1500.0, output_tokens=400.0, redundancy_replicas=0,
                       oncall_share=0.0)
    assert s.gpus_per_replica == 2 and s.throughput_tok_s == 3000.0
    # 3,000 * 0.9 / 400 = 6.75 req/s >= 40,000 / 86,400 = 0.46 -> 1 replica:
    # 2 GPUs * 1 USD * 730 h = 1,460 + 0.2 FTE * 18,000 + 40,000 / 36 = 6,171.11 USD a month
    assert selfhost_monthly(s).monthly_usd == pytest.approx(1_460 + 3_600 + 40_000 / 36)
