"""Production topology (N+1, minimum fleet, on-call staff, batch off-peak), the latency target
and the comparison of every option: hand-worked cases and properties."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aipolicy.commands import main
from aipolicy.costs import scenario_from_preset, selfhost_monthly
from aipolicy.costs.capacity.latency import Slo, slo_capacity
from aipolicy.costs.catalog.hosted import hosted_options
from aipolicy.costs.catalog.quality import quality
from aipolicy.costs.compare.curve import breakeven
from aipolicy.costs.compare.threeway import compare_all, replica_capacity, with_api_model
from aipolicy.costs.compare.workload import effective_profile, load_profile
from tests.costs.conftest import simple_scenario

H = 730.0  # hours a month


def test_n_plus_one_adds_a_spare_replica_by_hand():
    # 10,000 requests/day need 1 replica of 86,400/day; N+1 runs 2 at 730 USD each
    assert selfhost_monthly(simple_scenario()).replicas == 1
    s = simple_scenario(redundancy_replicas=1)
    r = selfhost_monthly(s)
    assert r.replicas == 2 and r.monthly_usd == pytest.approx(2 * H)
    # 200,000 requests/day: ceil(200,000 / 86,400) = 3 for the peak, + 2 spares = 5
    r = selfhost_monthly(simple_scenario(requests_per_day=200_000.0, redundancy_replicas=2))
    assert r.replicas == 5 and r.monthly_usd == pytest.approx(5 * H)


def test_minimum_fleet_is_kept_at_low_volume():
    r = selfhost_monthly(simple_scenario(requests_per_day=10.0, min_replicas=3))
    assert r.replicas == 3 and r.monthly_usd == pytest.approx(3 * H)


def test_oncall_floor_and_staff_steps_with_the_fleet_by_hand():
    # 0.2 FTE of engineering, but a pager needs half of a 2-FTE rotation: 1.0 FTE
    s = simple_scenario(staff_fte=0.2, oncall_fte=2.0, oncall_share=0.5,
                        staff_cost_usd_per_fte_month=10_000.0)
    r = selfhost_monthly(s)
    assert r.breakdown["staff"] == pytest.approx(1.0 * 10_000)
    # one rotation per started 2 GPUs: 5 replicas of 1 GPU -> 3 rotations -> 3.0 FTE
    s = simple_scenario(requests_per_day=400_000.0, staff_fte=0.2, oncall_fte=2.0,
                        oncall_share=0.5, gpus_per_oncall_rotation=2.0,
                        staff_cost_usd_per_fte_month=10_000.0)
    r = selfhost_monthly(s)
    assert r.gpus == 5 and r.breakdown["staff"] == pytest.approx(3.0 * 10_000)
    # a larger engineering share wins over the floor
    r = selfhost_monthly(simple_scenario(staff_fte=1.5, oncall_fte=2.0, oncall_share=0.5,
                                         staff_cost_usd_per_fte_month=10_000.0))
    assert r.breakdown["staff"] == pytest.approx(15_000)


def test_batch_share_runs_off_peak():
    prof = load_profile("business_hours")
    eff = effective_profile(prof, 0.8)
    assert max(eff) == pytest.approx(0.2 * max(prof) + 0.8)
    assert sum(eff) == pytest.approx(24.0)  # the day's volume is unchanged
    peaky = simple_scenario(requests_per_day=300_000.0, load_profile="business_hours")
    flat = simple_scenario(requests_per_day=300_000.0, load_profile="business_hours",
                           batch_share=0.8)
    assert selfhost_monthly(flat).replicas < selfhost_monthly(peaky).replicas


def test_latency_target_sets_the_planned_capacity():
    mid = scenario_from_preset("midmarket")
    cap = slo_capacity("llama-3.3-70b", "h100-sxm", 2, 1500, 400,
                       Slo(tokens_per_user_s=25.0, ttft_s=1.0))
    assert mid.slo_capacity_fraction == pytest.approx(cap.fraction)
    rc = replica_capacity(mid)
    assert rc["saturation_req_s"] == pytest.approx(mid.throughput_tok_s / 400)
    assert rc["planned_req_s"] == pytest.approx(rc["saturation_req_s"] * min(0.9, cap.fraction))
    assert rc["slo"].startswith(">= 25 tokens/s per user")
    assert "interpolated" in rc["basis"] and "measured sweep" in rc["basis"]
    # no latency target: saturation x planning utilisation
    free = scenario_from_preset("midmarket", slo_tokens_per_user=math.nan, slo_ttft_s=math.nan)
    assert free.slo_capacity_fraction == 1.0
    assert replica_capacity(free)["planned_share"] == pytest.approx(0.9)


@settings(max_examples=25, deadline=None)
@given(lo=st.floats(5.0, 25.0), hi=st.floats(25.0, 40.0))
def test_a_tighter_latency_target_never_lowers_cost(lo, hi):
    loose = scenario_from_preset("midmarket", slo_tokens_per_user=lo, slo_ttft_s=math.nan)
    tight = scenario_from_preset("midmarket", slo_tokens_per_user=hi, slo_ttft_s=math.nan)
    assert selfhost_monthly(tight).monthly_usd >= selfhost_monthly(loose).monthly_usd - 1e-6


@settings(max_examples=40, deadline=None)
@given(volume=st.floats(0.0, 5e6), r1=st.integers(0, 3), r2=st.integers(0, 3))
def test_redundancy_never_lowers_cost(volume, r1, r2):
    a, b = sorted((r1, r2))
    ca = selfhost_monthly(simple_scenario(requests_per_day=volume, redundancy_replicas=a))
    cb = selfhost_monthly(simple_scenario(requests_per_day=volume, redundancy_replicas=b))
    assert cb.monthly_usd >= ca.monthly_usd


def test_every_option_side_by_side():
    mid = scenario_from_preset("midmarket")
    opts = {o.key: o for o in compare_all(mid)}
    assert set(opts) == {"api", "api_match", "hosted", "rent", "buy", "hybrid", "hybrid_match"}
    # the hosted option is the cheapest provider of the same weights for this shape
    table = hosted_options("llama-3.3-70b", input_tokens=1500, output_tokens=400,
                           cached_share=0.2)
    assert opts["hosted"].model == table.iloc[0]["api_model"]
    # the matched proprietary model is rated at least as good as the open model
    match, own = quality(opts["api_match"].model), quality("llama-3.3-70b")
    assert match.ci_high >= own.ci_low
    assert opts["api_match"].monthly_usd <= opts["api"].monthly_usd
    # the named API option carries the same figures as the scenario's own comparison
    assert opts["api"].breakeven_requests_per_day == pytest.approx(
        breakeven(mid).requests_per_day, rel=1e-9)
    # rented at the market rate (2.95 USD/GPU-hour, not Lambda's 3.99): about 86,500 a day
    assert opts["api"].breakeven_requests_per_day == pytest.approx(86_520, rel=0.01)
    assert opts["rent"].fleet.endswith("incl. 1 spare")
    assert all(o.quality for o in opts.values())
    priced = with_api_model(mid, opts["hosted"].model)
    assert priced.provenance["api_input_per_mtok_usd"].source


def test_cli_json_has_options_and_replica_capacity(capsys):
    assert main(["breakeven", "--preset", "startup", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    keys = {o["key"] for o in out["options"]}
    assert {"api", "hosted", "rent", "buy", "hybrid"} <= keys
    for o in out["options"]:
        assert {"monthly_usd", "usd_per_mtok", "quality", "fleet", "capacity_basis"} <= set(o)
    rc = out["replica_capacity"]
    assert {"saturation_req_s", "planned_req_s", "slo", "basis", "fit_max_error"} <= set(rc)
    assert main(["breakeven", "--preset", "startup", "--no-slo", "--redundancy", "0",
                 "--json"]) == 0
    free = json.loads(capsys.readouterr().out)
    assert free["replica_capacity"]["slo"] is None and free["replicas"] <= out["replicas"]


def test_cli_refuses_no_slo_with_an_slo(capsys):
    assert main(["breakeven", "--no-slo", "--slo-tokens-per-user", "30"]) == 2
    assert "--no-slo" in capsys.readouterr().err
