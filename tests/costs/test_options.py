"""Options side by side, the other acquisition mode, and the explorer's recomputation."""

from __future__ import annotations

import math

import pytest

from aipolicy.costs import (
    api_monthly,
    breakeven,
    build_scenario,
    compare_options,
    explore,
    optimise_hybrid,
    rent_vs_buy,
    scenario_from_preset,
    selfhost_monthly,
    with_acquisition,
)
from aipolicy.errors import InvalidInputError


@pytest.fixture(scope="module")
def mid():
    return scenario_from_preset("midmarket")


# ------------------------------------------------------------------ the other acquisition mode
def _buy_by_hand() -> float:
    """Buying for build_scenario(acquisition="rent", requests_per_day=200_000), USD per month.

    Catalog figures (aipolicy/catalogs): server hgx-8xh100 USD 285,000 + 22,300 installation,
    8 GPUs; H100 SXM board power 700 W; cost_defaults: life 48 months, residual 20%, cost of
    capital 8%/year, maintenance 5%/year, server base power 450 W, PUE 1.4, USD 0.12/kWh,
    colocation 10.2 kW (DGX H100 maximum input power) x USD 184.06/kW-month, staff_fte_buy
    0.25 x USD 18,000, implementation_usd_buy
    USD 50,000 over 36 months, no platform. Fleet: 2 replicas of 2 GPUs (one for the peak hour,
    one spare) = 4 GPUs in 1 server.
    """
    capex = 285_000 + 22_300
    residual = 0.2 * capex
    depreciation = (capex - residual) / 48
    r = 1.08 ** (1 / 12) - 1
    disc = (1 + r) ** -48
    annuity = (capex - residual * disc) * r / (1 - disc)
    cost_of_capital = annuity - depreciation
    maintenance = 285_000 * 0.05 / 12
    power = (4 * 700 + 450) / 1000 * 1.4 * 0.12 * 730
    facilities = 10.2 * 184.06  # 1,877.41 (was a flat 200 per server)
    staff = 0.25 * 18_000
    implementation = 50_000 / 36
    return (depreciation + cost_of_capital + maintenance + power + facilities + staff
            + implementation)


def test_buying_is_priced_with_the_buy_mode_defaults():
    # the fleet of the hand computation: 1 replica for the peak + 1 spare; no on-call floor
    s = build_scenario(acquisition="rent", requests_per_day=200_000, oncall_share=0.0)
    expected = _buy_by_hand()
    # 14,039.91 with the flat 200 USD facilities; colocation adds 1,877.41 - 200 = 1,677.41
    assert expected == pytest.approx(15_717.32, abs=0.01)
    opts = compare_options(s)
    buy = opts.modes["buy"]
    assert (buy.replicas, buy.gpus, buy.servers) == (2, 4, 1)
    assert buy.monthly_usd == pytest.approx(expected, rel=1e-9)
    assert buy.breakdown["staff"] == pytest.approx(0.25 * 18_000)
    assert buy.breakdown["implementation"] == pytest.approx(50_000 / 36)
    # one function prices the other mode: rent_vs_buy and the options table agree
    assert rent_vs_buy(s).loc["total", "buy_usd"] == pytest.approx(buy.monthly_usd, rel=1e-12)
    assert opts.frame().loc["self-host, bought GPUs", "monthly_usd"] == pytest.approx(expected)


def test_with_acquisition_keeps_values_a_preset_or_caller_set():
    fin = scenario_from_preset("financial")  # buy; staff 2 FTE, USD 250,000 implementation
    rented = with_acquisition(fin, "rent")
    assert rented.acquisition == "rent"
    assert (rented.staff_fte, rented.implementation_usd) == (2.0, 250_000.0)
    mid = scenario_from_preset("midmarket")  # rent; staff and implementation from the catalog
    bought = with_acquisition(mid, "buy")
    assert (bought.staff_fte, bought.implementation_usd) == (0.25, 50_000.0)
    assert bought.provenance["staff_fte"].note == "ops FTE for owned GPUs"
    assert with_acquisition(bought, "rent").staff_fte == 0.2
    own = mid.replace(staff_fte=0.5)
    assert with_acquisition(own, "buy").staff_fte == 0.5
    assert with_acquisition(mid, "rent") is mid
    # a preset rebuilt in the other mode gives the same figures
    rebuilt = scenario_from_preset("midmarket", acquisition="buy")
    assert selfhost_monthly(bought).monthly_usd == pytest.approx(
        selfhost_monthly(rebuilt).monthly_usd, rel=1e-12)
    with pytest.raises(InvalidInputError) as info:
        with_acquisition(mid, "lease")
    assert info.value.field == "acquisition"


def test_unpriceable_other_mode_is_reported_not_raised():
    # the catalog has MI300X rental prices but no MI300X server to buy
    s = build_scenario(gpu="mi300x", acquisition="rent", throughput_tok_s=3000.0)
    opts = compare_options(s)
    assert set(opts.modes) == {"rent"}
    assert "self-host (buy)" in opts.unavailable
    assert list(opts.frame().index) == ["API (pay per token)", "self-host, rented GPUs",
                                        "hybrid (rent)"]


def test_options_frame_units(mid):
    opts = compare_options(mid)
    f = opts.frame()
    tokens = mid.workload.tokens_per_month
    assert f.loc["API (pay per token)", "monthly_usd"] == api_monthly(mid).monthly_usd
    assert f.loc["API (pay per token)", "usd_per_mtok"] == pytest.approx(
        api_monthly(mid).monthly_usd / tokens * 1e6)
    assert (f["horizon_total_usd"] == f["monthly_usd"] * mid.horizon_months).all()
    assert opts.cheapest == optimise_hybrid(mid, tables=False).cheapest


# ------------------------------------------------------------------------------- explorer
def test_explore_without_changes_matches_the_package(mid):
    r = explore(mid)
    assert math.isclose(r["api_monthly_usd"], api_monthly(mid).monthly_usd)
    assert math.isclose(r["selfhost_monthly_usd"], selfhost_monthly(mid).monthly_usd)
    assert r["cheapest"] == optimise_hybrid(mid, tables=False).cheapest
    assert math.isclose(r["breakeven_tokens_per_day"], breakeven(mid).tokens_per_day)


def test_explore_applies_each_slider(mid):
    r = explore(mid, requests_per_day=400_000, gpu_hour_usd=1.0, planning_utilization=0.5,
                staff_fte=1.0, api_price_factor=0.5)
    s = mid.replace(requests_per_day=400_000.0, gpu_hour_usd=1.0, planning_utilization=0.5,
                    staff_fte=1.0, api_price_factor=0.5)
    assert math.isclose(r["api_monthly_usd"], api_monthly(s).monthly_usd)
    assert math.isclose(r["selfhost_monthly_usd"], selfhost_monthly(s).monthly_usd)
    assert r["savings_monthly_usd"] == pytest.approx(r["api_monthly_usd"]
                                                     - r["selfhost_monthly_usd"])
    assert r["hybrid_monthly_usd"] <= min(r["api_monthly_usd"], r["selfhost_monthly_usd"])


def test_explore_ignores_gpu_price_when_buying():
    s = scenario_from_preset("financial")
    assert explore(s, gpu_hour_usd=100.0) == explore(s)
