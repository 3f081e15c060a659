"""Capacity per traffic class: the interactive share under the latency target, the batch share
at saturation x planning utilisation in the hours left free, and prefix caching credited to
self-hosting as the cache discount is to the API."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from aipolicy.commands import main
from aipolicy.costs import scenario_from_preset, selfhost_monthly
from aipolicy.costs.capacity.rows import group_fit
from aipolicy.costs.compare.api import api_monthly
from aipolicy.costs.compare.capacity_plan import prefix_credit
from aipolicy.costs.compare.curve import breakeven, breakeven_vectorised
from aipolicy.costs.compare.hybrid import hybrid_table, overflow_per_day
from aipolicy.costs.compare.scenario import scenario_params
from aipolicy.costs.compare.selfhost import selfhost_components, sizing_load
from aipolicy.costs.compare.workload import load_profile
from tests.costs.conftest import simple_scenario

BUSINESS = load_profile("business_hours")


def test_sizing_by_hand():
    # saturation 1 request/s per replica; interactive under a target keeping 50%, batch at
    # the planning utilisation 1.0; 86,400 requests/day = 1 request/s of mean demand
    s = simple_scenario(requests_per_day=86_400.0 * 10, batch_share=0.8,
                        slo_capacity_fraction=0.5, load_profile="business_hours")
    peak = max(BUSINESS)
    # interactive peak: 0.2 x 10 x 1.784 / 0.5 = 7.14; the day's work: 0.2 x 10 / 0.5 +
    # 0.8 x 10 / 1.0 = 12 replicas -> the day's work binds
    assert float(sizing_load(scenario_params(s), s.load_profile)) == pytest.approx(
        max(0.2 * peak / 0.5, 0.2 / 0.5 + 0.8 / 1.0))
    assert selfhost_monthly(s).replicas == 12
    # without batch the interactive peak sets the fleet, as before
    s0 = simple_scenario(requests_per_day=86_400.0 * 10, slo_capacity_fraction=0.5,
                         load_profile="business_hours")
    assert selfhost_monthly(s0).replicas == math.ceil(10 * peak / 0.5)


@settings(max_examples=60, deadline=None)
@given(b=st.floats(0, 1), slo=st.floats(0.1, 1), util=st.floats(0.1, 1),
       volume=st.floats(1_000, 1e7))
def test_classes_never_need_more_than_one_class_at_the_tighter_plan(b, slo, util, volume):
    s = simple_scenario(requests_per_day=volume, batch_share=b, slo_capacity_fraction=slo,
                        planning_utilization=util, load_profile="business_hours")
    p = scenario_params(s)
    mean = volume / 86400.0
    cap_i = 1.0 * min(util, slo)
    old = math.ceil(mean * ((1 - b) * max(BUSINESS) + b) / cap_i * (1 - 1e-12) - 1e-12)
    new = float(selfhost_components(p, "rent", "always_on", s.load_profile)["replicas"])
    assert new <= max(old, 1)
    # and never fewer than the interactive peak or the day's work needs
    assert new >= math.ceil(mean * (1 - b) * max(BUSINESS) / cap_i - 1e-9)
    assert new >= math.ceil(mean * ((1 - b) / cap_i + b / util) - 1e-9)


@settings(max_examples=40, deadline=None)
@given(b=st.floats(0, 1), slo=st.floats(0.2, 1), volume=st.floats(10_000, 5e6))
@example(b=0.0, slo=1.0, volume=2460452.6993144383)  # 1 - (1 + eps) once read 2.2e-16
def test_the_all_self_host_fleet_serves_everything_and_none_serves_nothing(b, slo, volume):
    s = simple_scenario(requests_per_day=volume, batch_share=b, slo_capacity_fraction=slo,
                        load_profile="business_hours")
    t = hybrid_table(s)
    assert t["selfhost_share_of_requests"].iloc[-1] == pytest.approx(1.0, abs=1e-6)
    assert t["selfhost_share_of_requests"].iloc[0] == 0.0
    assert np.all(np.diff(t["selfhost_share_of_requests"]) >= -1e-9)


def test_overflow_by_hand():
    # 2 replicas of 10 interactive or 20 batch requests an hour; 4 hours of 15, 5, 0, 30
    inter = np.array([15.0, 5.0, 0.0, 30.0])
    over = overflow_per_day(inter, 50.0, 2.0, 10.0, 20.0, 0.0, axis=0)
    # interactive overflow 10 (hour 4); free replica-hours 0.5 + 1.5 + 2 + 0 = 4 -> 80 batch
    assert float(over) == pytest.approx(10.0)
    assert float(overflow_per_day(inter, 100.0, 2.0, 10.0, 20.0, 0.0, axis=0)) == \
        pytest.approx(10.0 + 20.0)


def test_vectorised_breakeven_follows_the_classes():
    s = simple_scenario(batch_share=0.6, slo_capacity_fraction=0.5,
                        load_profile="business_hours", api_staff_fte=1.0)
    vec = float(breakeven_vectorised(scenario_params(s), s.acquisition, s.load_profile))
    be = breakeven(s)
    assert be.reached and vec == pytest.approx(be.requests_per_day, rel=1e-6)


def test_financial_preset_batch_at_saturation_needs_at_most_seven_replicas():
    before = scenario_from_preset("financial", cached_input_share=0.0)
    r = selfhost_monthly(before)
    assert r.replicas <= 7  # was 10 with every request planned at 60% of saturation
    after = scenario_from_preset("financial")
    assert selfhost_monthly(after).replicas <= r.replicas
    assert after.throughput_tok_s > before.throughput_tok_s
    assert "prefix cache: 30% of the 2,000 input tokens" in \
        after.provenance["throughput_tok_s"].note


def test_prefix_credit_from_the_fit_shrinks_only_the_prefill():
    fit = group_fit("llama-3.3-70b", "h100-sxm", "fp8", 2)
    a = fit.coef[0]
    full = fit.seconds_per_request(2000, 200)
    factor, how = prefix_credit("llama-3.3-70b", "h100-sxm", 2, "fp8", 2000, 200, 0.3)
    assert factor == pytest.approx(full / (full - a * 600)) and "prefill only" in how
    assert prefix_credit("llama-3.3-70b", "h100-sxm", 2, "fp8", 2000, 200, 0.0)[0] == 1.0


def test_one_cached_share_for_both_sides(capsys):
    import json

    runs = {}
    for share in ("0", "0.5"):
        assert main(["breakeven", "--preset", "midmarket", "--cached-share", share,
                     "--json"]) == 0
        runs[share] = json.loads(capsys.readouterr().out)
    assert runs["0.5"]["api_monthly_usd"] < runs["0"]["api_monthly_usd"]
    assert runs["0.5"]["throughput_tok_s"] > runs["0"]["throughput_tok_s"]
    # a given throughput is taken as measured for the workload: no credit on top
    s = scenario_from_preset("midmarket", throughput_tok_s=2000.0)
    assert s.throughput_tok_s == 2000.0
    assert api_monthly(s).monthly_usd > 0


def test_cli_names_the_batch_plan(capsys):
    assert main(["breakeven", "--preset", "financial"]) == 0
    out = capsys.readouterr().out
    assert "batch: 80% of requests at " in out and "(90% of saturation: no latency target)" \
        in out
