"""Hypothesis properties of the cost models."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aipolicy.costs import (
    UncertainInput,
    api_monthly,
    breakeven,
    default_uncertainties,
    monte_carlo,
    npv,
    optimise_hybrid,
    selfhost_monthly,
)
from aipolicy.costs.compare.api import api_monthly_components
from aipolicy.costs.compare.curve import breakeven_vectorised
from aipolicy.costs.compare.scenario import build_scenario, scenario_params

_BASES = {
    "rent": build_scenario(acquisition="rent", requests_per_day=50_000, input_tokens=1000,
                           output_tokens=300),
    "buy": build_scenario(acquisition="buy", requests_per_day=50_000, input_tokens=1000,
                          output_tokens=300),
}
_PROFILES = st.sampled_from([(1.0,) * 24, "business_hours", "evening_peak",
                             (3.0,) * 6 + (1.0,) * 18])


@st.composite
def scenarios(draw, modes=("rent", "buy"), autoscale=True):
    acq = draw(st.sampled_from(modes))
    changes = dict(
        requests_per_day=draw(st.floats(0, 5e6)),
        input_tokens=draw(st.floats(0, 8000)),
        output_tokens=draw(st.floats(10, 2000)),
        throughput_tok_s=draw(st.floats(100, 30_000)),
        planning_utilization=draw(st.floats(0.1, 1.0)),
        gpus_per_replica=draw(st.sampled_from([1, 2, 4, 8, 16])),
        staff_fte=draw(st.floats(0, 5)),
        api_output_per_mtok_usd=draw(st.floats(0.1, 80)),
        cached_input_share=draw(st.floats(0, 1)),
        batch_share=draw(st.floats(0, 1)),
        volume_growth_annual=draw(st.sampled_from([0.0, 0.3, -0.2])),
        load_profile=draw(_PROFILES),
    )
    if acq == "rent":
        changes["gpu_hour_usd"] = draw(st.floats(0.5, 12))
        if autoscale:
            changes["rent_mode"] = draw(st.sampled_from(["always_on", "autoscale"]))
    else:
        changes["server_price_usd"] = draw(st.floats(50_000, 500_000))
        changes["cost_of_capital_annual"] = draw(st.sampled_from([0.0, 0.08, 0.15]))
    return _BASES[acq].replace(**changes)


@given(scenarios(), st.floats(0, 1e6), st.floats(0, 1e6))
def test_api_token_cost_is_linear_in_volume(s, v1, v2):
    p = scenario_params(s)

    def tokens(v):
        q = dict(p)
        q["requests_per_day"] = v
        return float(api_monthly_components(q)["tokens_usd"])

    assert tokens(v1 + v2) == pytest.approx(tokens(v1) + tokens(v2), rel=1e-9, abs=1e-9)
    assert tokens(3 * v1) == pytest.approx(3 * tokens(v1), rel=1e-9, abs=1e-9)


@given(scenarios(), st.lists(st.floats(0, 5e6), min_size=2, max_size=30))
def test_selfhost_cost_is_a_nondecreasing_step_function(s, volumes):
    vs = sorted(volumes)
    res = [selfhost_monthly(s.replace(requests_per_day=v)) for v in vs]
    costs = [r.monthly_usd for r in res]
    assert all(b >= a - 1e-6 for a, b in zip(costs, costs[1:], strict=False))
    if s.rent_mode == "always_on" or s.acquisition == "buy":
        by_replicas: dict[int, set[float]] = {}
        for r in res:
            by_replicas.setdefault(r.replicas, set()).add(round(r.monthly_usd, 6))
        assert all(len(v) == 1 for v in by_replicas.values())  # constant on each step


@given(scenarios())
def test_costs_agree_at_breakeven_within_one_request(s):
    be = breakeven(s, max_requests_per_day=5e7)
    if not be.reached:
        return
    at = s.replace(requests_per_day=be.requests_per_day)
    api = api_monthly(at)
    one_request_month = api.per_request_usd * 365 / 12 * 1.5  # growth factor <= 1.5 here
    assert abs(api.monthly_usd - selfhost_monthly(at).monthly_usd) <= max(one_request_month,
                                                                          1e-6)
    for frac in (0.5, 0.999):  # self-hosting is dearer below the break-even
        below = s.replace(requests_per_day=be.requests_per_day * frac)
        if be.requests_per_day * frac > 0:
            assert selfhost_monthly(below).monthly_usd >= api_monthly(below).monthly_usd - 1e-6


@given(scenarios(autoscale=False))
def test_vectorised_breakeven_matches_reference(s):
    ref = breakeven(s, max_requests_per_day=5e7)
    vec = float(breakeven_vectorised(scenario_params(s), s.acquisition, s.load_profile,
                                     max_requests_per_day=5e7))
    if ref.reached:
        assert vec == pytest.approx(ref.requests_per_day, rel=1e-9, abs=1e-6)
    else:
        assert np.isnan(vec)


@given(scenarios())
def test_hybrid_never_worse_than_either(s):
    if s.requests_per_day > 1e6:
        s = s.replace(requests_per_day=s.requests_per_day / 10)
    h = optimise_hybrid(s, tables=False)
    api = api_monthly(s).monthly_usd
    sh = selfhost_monthly(s).monthly_usd
    assert h.hybrid_monthly_usd <= min(api, sh) + 1e-6
    assert h.api_monthly_usd == pytest.approx(api)
    assert h.selfhost_monthly_usd == pytest.approx(sh)


@given(scenarios(), st.integers(0, 2**32 - 1))
def test_zero_variance_monte_carlo_equals_deterministic(s, seed):
    inputs = [UncertainInput(i.name, i.base, i.base, i.base) for i in default_uncertainties(s)]
    mc = monte_carlo(s, draws=50, seed=seed, inputs=inputs)
    det = api_monthly(s).monthly_usd - selfhost_monthly(s).monthly_usd
    assert np.allclose(mc.samples["savings_monthly_usd"], det, rtol=1e-12, atol=1e-6)
    assert mc.p_selfhost_cheaper == float(det > 0)
    if s.rent_mode == "always_on" or s.acquisition == "buy":
        be = breakeven(s, max_requests_per_day=5e7)
        got = mc.samples["breakeven_requests_per_day"].to_numpy()
        if be.reached:
            assert np.allclose(got, be.requests_per_day, rtol=1e-9)
        else:  # not reached below 5e7: the closed form finds it higher up, or never
            assert (np.isnan(got) | (got > 5e7 * (1 - 1e-9))).all()


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=60))
def test_npv_at_zero_rate_is_the_sum(cfs):
    assert npv(cfs, 0.0) == pytest.approx(sum(cfs), abs=1e-6)
