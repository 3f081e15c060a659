"""Hand-worked cases: the arithmetic is written out in each test."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from aipolicy.costs import (
    api_monthly,
    breakeven,
    build_scenario,
    cost_curve,
    describe_assumptions,
    hybrid_split,
    optimise_hybrid,
    rent_vs_buy,
    selfhost_monthly,
)
from aipolicy.costs.compare.workload import DAYS_PER_MONTH, Workload
from aipolicy.errors import InvalidInputError

D = 365 / 12  # days per month


def test_api_cost_gpt4o_plain():
    s = build_scenario(api_model="gpt-4o", requests_per_day=10_000, input_tokens=1000,
                       output_tokens=300)
    r = api_monthly(s)
    # 1000 * 2.50 / 1e6 + 300 * 10.00 / 1e6 = 0.0025 + 0.0030 = 0.0055 USD per request
    assert r.per_request_usd == pytest.approx(0.0055)
    # tokens: 0.0055 * 10,000 * 365/12 = 1,672.92; staff 0.05 * 18,000 = 900;
    # implementation 15,000 / 36 = 416.67
    assert r.breakdown["tokens"] == pytest.approx(0.0055 * 10_000 * D)
    assert r.monthly_usd == pytest.approx(0.0055 * 10_000 * D + 900 + 15_000 / 36)


def test_api_cost_with_cache_and_batch():
    s = build_scenario(api_model="gpt-4o", input_tokens=1000, output_tokens=300,
                       cached_input_share=0.5, batch_share=0.2)
    # standard: 500*2.50 + 500*1.25 + 300*10 = 4,875 (per 1e6); batch: 1000*1.25 + 300*5 = 2,750
    # 0.8 * 4,875 + 0.2 * 2,750 = 4,450 -> 0.00445 USD
    assert api_monthly(s).per_request_usd == pytest.approx(0.00445)


def test_missing_batch_price_falls_back_to_standard_and_says_so():
    # genai-prices models OpenAI's batch tier from 2026-10-14 only: in mid-2025 none is listed
    s = build_scenario(api_model="o3", as_of="2025-07-01", batch_share=1.0, input_tokens=1000,
                       output_tokens=100)
    assert s.api_batch_input_per_mtok_usd == 2.0
    notes = describe_assumptions(s).set_index("parameter")["note"]
    assert "standard price is used" in notes["api_batch_input_per_mtok_usd"]


def test_selfhost_rent_hand_worked(simple):
    s = simple(throughput_tok_s=1000.0, planning_utilization=0.5, gpus_per_replica=2,
               gpu_hour_usd=2.0, requests_per_day=864_000.0, staff_fte=0.2,
               implementation_usd=40_000.0)
    r = selfhost_monthly(s)
    # capacity 1000 * 0.5 / 100 = 5 req/s; demand 864,000 / 86,400 = 10 req/s -> 2 replicas
    assert r.capacity_requests_per_s == pytest.approx(5.0)
    assert (r.replicas, r.gpus, r.servers) == (2, 4, 0)
    # 4 GPUs * 2.00 * 730 h = 5,840; staff 0.2 * 18,000 = 3,600; 40,000 / 36 = 1,111.11
    assert r.breakdown["gpu_rental"] == pytest.approx(5_840.0)
    assert r.monthly_usd == pytest.approx(5_840 + 3_600 + 40_000 / 36)
    # cost per 1M tokens: 864,000 * 100 tokens * 365/12 per month
    assert r.cost_per_mtok_usd == pytest.approx(r.monthly_usd / (864_000 * 100 * D) * 1e6)


def test_selfhost_buy_hand_worked(simple):
    s = simple(acquisition="buy", throughput_tok_s=1000.0, planning_utilization=0.5,
               gpus_per_replica=2, requests_per_day=864_000.0, cost_of_capital_annual=0.0,
               staff_fte=0.25, implementation_usd=50_000.0)
    r = selfhost_monthly(s)
    b = r.breakdown
    # 2 replicas * 2 GPUs = 4 GPUs fit in one 8-GPU HGX server: capex 285,000 + 22,300
    assert (r.replicas, r.gpus, r.servers) == (2, 4, 1)
    assert b["depreciation"] == pytest.approx(307_300 * (1 - 0.2) / 48)  # 5,121.67
    assert b["cost_of_capital"] == pytest.approx(0.0)
    assert b["maintenance"] == pytest.approx(285_000 * 0.05 / 12)  # 1,187.50
    # (4 * 700 W + 450 W) = 3.25 kW * PUE 1.4 * 0.12 USD/kWh * 730 h = 398.58
    assert b["power"] == pytest.approx(3.25 * 1.4 * 0.12 * 730)
    # colocation: one server's 10.2 kW maximum input power x 184.06 USD/kW-month = 1,877.41
    assert b["facilities"] == pytest.approx(10.2 * 184.06)
    assert b["staff"] == pytest.approx(0.25 * 18_000)
    assert b["implementation"] == pytest.approx(50_000 / 36)
    assert r.monthly_usd == pytest.approx(sum(b.values()))


def test_cost_of_capital_annuity_repays_capex(simple):
    s = simple(acquisition="buy", requests_per_day=1.0)
    r = selfhost_monthly(s)
    capex = 285_000 + 22_300
    pay = r.breakdown["depreciation"] + r.breakdown["cost_of_capital"]
    rate = 1.08 ** (1 / 12) - 1
    n = 48
    # discounted payments plus discounted residual (20%) equal the capex
    pv = sum(pay / (1 + rate) ** m for m in range(1, n + 1)) + 0.2 * capex / (1 + rate) ** n
    assert pv == pytest.approx(capex)


def test_replica_spanning_servers(simple):
    s = simple(acquisition="buy", gpus_per_replica=16, requests_per_day=100_000.0)
    r = selfhost_monthly(s)
    # 100,000 / 86,400 = 1.16 req/s -> 2 replicas of 16 GPUs = 2 * 2 servers
    assert (r.replicas, r.gpus, r.servers) == (2, 32, 4)


def test_breakeven_first_interval(simple):
    s = simple()
    be = breakeven(s)
    # API 0.01 USD * v * 365/12 = self-host 730 USD -> v = 730 * 12 / 3.65 = 2,400 requests/day
    assert be.reached and be.requests_per_day == pytest.approx(2_400.0)
    assert be.tokens_per_day == pytest.approx(240_000.0)
    assert be.tokens_per_month == pytest.approx(240_000.0 * D)
    assert be.replicas == 1


def test_breakeven_after_several_replica_steps(simple):
    s = simple(staff_fte=30.0)  # fixed 540,000 USD a month
    be = breakeven(s)
    # S(r) = 540,000 + 730 r; A(86,400 r) = 0.01 * 86,400 * 365/12 r = 26,280 r
    # first r with S <= A: r >= 540,000 / 25,550 = 21.1 -> r = 22
    # v = (540,000 + 22 * 730) / (0.01 * 365/12) = 1,828,142.47
    assert be.replicas == 22
    assert be.requests_per_day == pytest.approx((540_000 + 22 * 730) / (0.01 * D))


def test_breakeven_not_reached(simple):
    s = simple(gpu_hour_usd=100.0)  # a replica costs 73,000 but saves at most 26,280
    be = breakeven(s, max_requests_per_day=1e7)
    assert not be.reached and be.requests_per_day is None
    assert be.message == "not reached below 10,000,000 requests/day"


def test_cost_curve_frame(simple):
    curve = cost_curve(simple(), volumes=[0, 1_000, 2_400, 100_000])
    f = curve.frame
    assert list(f.columns) == ["requests_per_day", "tokens_per_day", "tokens_per_month",
                               "api_monthly_usd", "selfhost_monthly_usd", "replicas", "cheapest"]
    assert f["replicas"].tolist() == [1, 1, 1, 2]  # at least one replica, even idle
    assert f["cheapest"].tolist() == ["api", "api", "selfhost", "selfhost"]
    assert curve.breakeven.requests_per_day == pytest.approx(2_400)


def _two_level(simple, gpu_hour_usd):
    # 12 hours at weight 1.5 and 12 at 0.5 (mean 1); 115,200 requests/day
    # busy hour: 115,200 * 1.5 / 24 = 7,200 requests; quiet hour: 2,400; a replica: 3,600/h
    return simple(requests_per_day=115_200.0, gpu_hour_usd=gpu_hour_usd,
                  load_profile=[1.5] * 12 + [0.5] * 12)


def test_hybrid_hand_worked(simple):
    s = _two_level(simple, 20.0)  # a replica costs 20 * 730 = 14,600 a month
    t = optimise_hybrid(s)
    # k=0: 115,200 * 0.01 * 365/12 = 35,040
    # k=1: 14,600 + overflow 12 h * 3,600 * 0.01 * 365/12 = 14,600 + 13,140 = 27,740
    # k=2: 29,200 (all self-hosted)
    assert t.table["total_monthly_usd"].tolist() == pytest.approx([35_040, 27_740, 29_200])
    assert (t.hybrid_replicas, t.selfhost_replicas, t.cheapest) == (1, 2, "hybrid")
    assert t.hybrid_monthly_usd <= min(t.api_monthly_usd, t.selfhost_monthly_usd)
    # requests in-house: 12 * 3,600 + 12 * 2,400 = 72,000 of 115,200
    assert t.selfhost_share_of_requests == pytest.approx(72_000 / 115_200)
    hourly = hybrid_split(s, 1)
    assert hourly["api_requests_per_hour"].sum() == pytest.approx(12 * 3_600)
    assert hourly.shape == (24, 6)


def test_hybrid_endpoints_match_all_api_and_all_selfhost(simple):
    s = _two_level(simple, 1.0)
    t = optimise_hybrid(s)
    assert t.api_monthly_usd == pytest.approx(api_monthly(s).monthly_usd)
    assert t.selfhost_monthly_usd == pytest.approx(selfhost_monthly(s).monthly_usd)
    assert t.cheapest == "selfhost"


def test_autoscale_rents_only_busy_hours(simple):
    s = _two_level(simple, 1.0).replace(rent_mode="autoscale")
    r = selfhost_monthly(s)
    # 2 replicas for 12 h, 1 replica for 12 h -> 1.5 replica-months * 730 USD
    assert r.breakdown["gpu_rental"] == pytest.approx(1.5 * 730)


def test_volume_growth_sizes_for_the_last_month(simple):
    s = simple(requests_per_day=86_400.0, volume_growth_annual=1.0, horizon_months=13)
    # month 13 volume = 86,400 * 2 -> 2 replicas; API on the average volume
    assert selfhost_monthly(s).replicas == 2
    x = 2 ** (1 / 12)
    avg = (x ** 13 - 1) / (13 * (x - 1))
    assert api_monthly(s).monthly_usd == pytest.approx(0.01 * 86_400 * D * avg)


def test_rent_vs_buy_table():
    s = build_scenario(requests_per_day=200_000, input_tokens=2000, output_tokens=200,
                       oncall_share=0.0)
    t = rent_vs_buy(s)
    assert list(t.columns) == ["rent_usd", "buy_usd"]
    assert t.loc["staff", "rent_usd"] == pytest.approx(0.2 * 18_000)
    assert t.loc["staff", "buy_usd"] == pytest.approx(0.25 * 18_000)
    # with the catalog's on-call share (a quarter of a 2-FTE rotation) both carry 0.5 FTE
    t = rent_vs_buy(build_scenario(requests_per_day=200_000, input_tokens=2000,
                                   output_tokens=200))
    assert t.loc["staff", "rent_usd"] == t.loc["staff", "buy_usd"] == pytest.approx(9_000)
    assert t.loc["gpu_rental", "buy_usd"] == 0


def test_describe_assumptions_has_provenance_for_every_number():
    s = build_scenario(acquisition="buy")
    d = describe_assumptions(s)
    assert list(d.columns) == ["parameter", "value", "unit", "source", "as_of", "note"]
    assert d["source"].str.len().gt(0).all()
    assert "server_price_usd" in set(d["parameter"]) and "gpu_hour_usd" not in set(
        d["parameter"])
    est = build_scenario(open_model="llama-3.1-405b")
    row = describe_assumptions(est).set_index("parameter").loc["throughput_tok_s"]
    assert "estimated" in row["source"] + row["note"]


def test_workload_validation_and_properties():
    w = Workload(86_400, 100, 50, profile=[2.0] * 12 + [0.0] * 12)
    assert w.peak_factor == 2.0 and w.peak_requests_per_s == pytest.approx(2.0)
    assert w.tokens_per_month == pytest.approx(86_400 * 150 * DAYS_PER_MONTH)
    for bad in (dict(requests_per_day=-1), dict(output_tokens=0), dict(cached_input_share=1.5),
                dict(profile=[1.0] * 23)):
        kw = dict(requests_per_day=1.0, input_tokens=1.0, output_tokens=1.0) | bad
        with pytest.raises(InvalidInputError):
            Workload(**kw)


@pytest.mark.parametrize("field,value,match", [
    ("planning_utilization", 0.0, "planning_utilization must be in"),
    ("planning_utilization", 1.2, "planning_utilization must be in"),
    ("gpu_hour_usd", -1.0, "gpu_hour_usd must be >= 0"),
    ("gpus_per_replica", 1.5, "gpus_per_replica must be a whole number"),
    ("throughput_tok_s", 0.0, "throughput_tok_s must be > 0"),
    ("gpu_hour_usd", math.nan, "no catalog figure"),
])
def test_scenario_rejects_bad_values(field, value, match):
    with pytest.raises(InvalidInputError, match=match):
        build_scenario(**{field: value})


def test_unknown_override_is_named():
    with pytest.raises(InvalidInputError, match="unknown scenario field.*gpu_hourly"):
        build_scenario(gpu_hourly=2.0)


def test_cost_curve_with_hybrid_column(simple):
    f = cost_curve(_two_level(simple, 20.0), volumes=np.array([115_200.0]),
                   include_hybrid=True).frame
    assert f["hybrid_monthly_usd"].iloc[0] == pytest.approx(27_740)
    assert isinstance(f, pd.DataFrame)
