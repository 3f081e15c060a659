"""API price-change events from genai-prices' history, and the compute-demand index."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aipolicy.costs.economics.compute_demand import (
    DemandScenario,
    compute_demand,
    demand_tornado,
    gpu_demand_growth,
    jevons_elasticity,
)
from aipolicy.costs.economics.price_events import (
    blended,
    is_flagship,
    one_per_date,
    price_change_events,
)
from aipolicy.errors import InvalidInputError


def test_o3_price_cut_of_2025_06_10_is_found_with_its_source():
    ev = price_change_events(providers=["openai"], kind="cut")
    o3 = ev[(ev["model"] == "o3") & (ev["date"] == pd.Timestamp("2025-06-10"))]
    assert len(o3) == 1
    row = o3.iloc[0]
    assert (row["input_before"], row["input_after"]) == pytest.approx((10.0, 2.0))
    assert (row["output_before"], row["output_after"]) == pytest.approx((40.0, 8.0))
    assert row["input_change"] == pytest.approx(-0.8) and row["blended_change"] == pytest.approx(-0.8)
    assert row["kind"] == "cut" and row["flagship"]
    assert row["source"].startswith("genai-prices ") and "OpenAI pricing page https://" in row["source"]


def test_filters_size_kind_flagship_window_and_no_announced_future_prices():
    every = price_change_events()
    big = price_change_events(min_change=0.5)
    assert len(big) < len(every) and (big["blended_change"].abs() >= 0.5).all()
    assert set(price_change_events(kind="rise")["kind"]) == {"rise"}
    flag = price_change_events(flagship_only=True)
    assert flag["flagship"].all() and not flag["model"].str.contains("mini|flash").any()
    window = price_change_events(start="2026-01-01", end="2026-06-30")
    assert window["date"].between("2026-01-01", "2026-06-30").all()
    from aipolicy.costs.catalog.prices import snapshot

    assert (every["date"] <= pd.Timestamp(snapshot().as_of)).all()  # 2027 announcements left out
    assert not ((every["blended_change"]) == 0).any()
    with pytest.raises(InvalidInputError, match="kind must be 'cut', 'rise' or None"):
        price_change_events(kind="drop")


def test_blend_and_flagship_rules():
    assert blended(2.0, 8.0) == pytest.approx((3 * 2 + 8) / 4)
    assert is_flagship("openai", "o3") and not is_flagship("openai", "gpt-4o-mini")
    assert not is_flagship("openrouter", "openai/o3")


def test_one_per_date_clusters_same_day_and_nearby_changes():
    ev = pd.DataFrame({"date": pd.to_datetime(["2026-07-30", "2026-07-30", "2026-08-02",
                                               "2026-09-01"]),
                       "provider": ["openai"] * 4, "model": ["a", "b", "c", "d"],
                       "blended_change": [-0.2, -0.8, -0.1, -0.3], "kind": ["cut"] * 4})
    same_day = one_per_date(ev)
    assert list(same_day["n_changes"]) == [2, 1, 1]
    assert same_day.loc[0, "blended_change"] == -0.8 and same_day.loc[0, "model"] == "openai/a; openai/b"
    near = one_per_date(ev, min_gap_days=5)
    assert list(near["date"]) == list(pd.to_datetime(["2026-07-30", "2026-09-01"]))
    assert list(near["n_changes"]) == [3, 1]


def test_compute_demand_hand_worked():
    # 1e9 tokens/day, +20 %/yr volume, prices -50 %/yr, elasticity 1, no efficiency gain:
    # year 1 volume = 1e9 * 1.2 * 0.5^-1 = 2.4e9; GPUs on a 10,000 tok/s GPU at peak 2:
    # 2.4e9 * 2 / (10,000 * 86,400) = 5.5556
    s = DemandScenario(1e9, growth_annual=0.2, price_decline_annual=0.5, elasticity=1.0,
                       efficiency_gain_annual=0.0, years=2)
    d = compute_demand(s, {"x": 10_000.0}, peak_factor=2.0)
    assert d.loc[1, "tokens_per_day"] == pytest.approx(2.4e9)
    assert d.loc[1, "gpus_x"] == pytest.approx(2.4e9 * 2 / (10_000 * 86_400))
    assert d.loc[1, "gpu_hours_x"] == pytest.approx(d.loc[1, "gpus_x"] * 8760)
    assert d.loc[1, "spend_index"] == pytest.approx(0.5 * 2.4)
    assert d.loc[2, "gpu_index"] == pytest.approx(2.4 ** 2)
    assert gpu_demand_growth(s) == pytest.approx(1.4)
    # efficiency rising exactly as prices fall, no growth: Jevons threshold 1
    assert jevons_elasticity(0.0, 0.3, 1 / 0.7 - 1) == pytest.approx(1.0)
    assert math.isinf(jevons_elasticity(0.1, 0.0, 0.0))


@given(g=st.floats(0, 2), d=st.floats(0.01, 0.95), h=st.floats(0, 2), e=st.floats(0, 5))
def test_gpu_demand_rises_exactly_above_the_jevons_elasticity(g, d, h, e):
    star = jevons_elasticity(g, d, h)
    growth = gpu_demand_growth(DemandScenario(1e6, g, d, e, h, 1))
    if abs(e - star) > 1e-6:
        assert (growth > 0) == (e > star)


def test_tornado_ranks_inputs_by_swing_and_refuses_unknown_inputs():
    s = DemandScenario(1e9)
    tor = demand_tornado(s)
    assert list(tor["swing"]) == sorted(tor["swing"], reverse=True)
    assert set(tor["input"]) == {"growth_annual", "price_decline_annual", "elasticity",
                                 "efficiency_gain_annual"}
    assert list(tor["base_growth"]) == pytest.approx([gpu_demand_growth(s)] * 4)
    with pytest.raises(InvalidInputError, match="has no range"):
        demand_tornado(s, inputs=["volume"])


@pytest.mark.parametrize("field, value", [("tokens_per_day", 0), ("price_decline_annual", 1.0),
                                          ("elasticity", -1), ("years", 0),
                                          ("growth_annual", -1.0)])
def test_bad_demand_inputs_name_the_input(field, value):
    kwargs = {"tokens_per_day": 1e9, field: value}
    with pytest.raises(InvalidInputError, match=f"^{field}: "):
        DemandScenario(**kwargs)


def test_providers_may_be_one_id_and_an_unknown_one_is_named():
    one = price_change_events(providers="openai", kind="cut")
    assert set(one["provider"]) == {"openai"} and len(one)
    with pytest.raises(InvalidInputError, match=r"^providers: opnai not in the price data"):
        price_change_events(providers=["opnai"])
