"""Power per server from the GPU catalog and colocation priced per kW-month: hand-worked cases
for one server, the estimated fallback, the fleet text of a part-filled server, and the
property that a server's colocation never lowers cost."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aipolicy.costs import catalog, monte_carlo, scenario_from_preset, selfhost_monthly
from aipolicy.costs.compare.selfhost import with_acquisition
from aipolicy.costs.compare.threeway import compare_all
from aipolicy.costs.uncertainty import default_uncertainties
from tests.costs.conftest import simple_scenario

H = 730.0  # hours a month


def test_server_power_is_sourced_for_dgx_systems():
    # DGX H100/H200: 10.2 kW maximum input power for 8 GPUs; DGX B200: 14.3 kW
    for gpu, watts in (("h100-sxm", 10_200.0), ("h200", 10_200.0), ("b200", 14_300.0)):
        fig = catalog.server_power(gpu, 8)
        assert fig.value == watts
        assert "estimated" not in fig.note and fig.source != "aipolicy estimate"
        assert "http" in fig.source and fig.as_of != "undated"
    assert "docs.nvidia.com/dgx/dgxb200-user-guide" in catalog.server_power("b200", 8).source


def test_server_power_without_a_source_is_estimated_by_hand():
    # L40S: no sourced system figure -> 8 GPUs x 350 W board power + 450 W base = 3,250 W
    fig = catalog.server_power("l40s", 8)
    assert fig.value == pytest.approx(8 * 350 + 450)
    assert fig.note.startswith("estimated") and fig.source == "aipolicy estimate"
    # a 4-GPU H100 SXM server is not the 8-GPU DGX the figure is for: 4 x 700 + 450 = 3,250 W
    four = catalog.server_power("h100-sxm", 4)
    assert four.value == pytest.approx(4 * 700 + 450) and four.note.startswith("estimated")
    # the single-GPU H100 PCIe server of servers.csv: 1 x 350 + 450 = 800 W
    s = simple_scenario(acquisition="buy", gpu="h100-pcie", requests_per_day=1.0)
    assert s.server_power_w == pytest.approx(800.0)
    assert s.provenance["server_power_w"].note.startswith("estimated")


def test_power_and_colocation_of_one_server_by_hand():
    # 2 replicas x 2 GPUs = 4 GPUs in one 8-GPU HGX H100 server (1 request/s per replica,
    # 2 requests/s of demand -> 2 replicas, no spare)
    s = simple_scenario(acquisition="buy", gpus_per_replica=2,
                        requests_per_day=172_800.0, cost_of_capital_annual=0.0)
    r = selfhost_monthly(s)
    assert (r.replicas, r.gpus, r.servers) == (2, 4, 1)
    # energy: (4 GPUs x 700 W + 450 W base) = 3.25 kW x PUE 1.4 x 0.12 USD/kWh x 730 h
    assert r.breakdown["power"] == pytest.approx(3.25 * 1.4 * 0.12 * 730)  # 398.58
    # colocation: the server's provisioned 10.2 kW x 184.06 USD/kW-month = 1,877.41, whatever
    # the GPUs in use draw
    assert r.breakdown["facilities"] == pytest.approx(10.2 * 184.06)
    assert r.breakdown["facilities"] == pytest.approx(1_877.41, abs=0.005)
    # a second server (9 replicas of 1 GPU) doubles colocation and adds one base power
    s9 = simple_scenario(acquisition="buy", requests_per_day=9 * 86_400.0)
    r9 = selfhost_monthly(s9)
    assert (r9.replicas, r9.servers) == (9, 2)
    assert r9.breakdown["facilities"] == pytest.approx(2 * 10.2 * 184.06)  # 3,754.82
    assert r9.breakdown["power"] == pytest.approx((9 * 700 + 2 * 450) / 1000 * 1.4 * 0.12 * H)


def test_colocation_rate_and_its_range_are_sourced():
    s = scenario_from_preset("financial")
    assert s.colocation_usd_per_kw_month == 184.06
    prov = s.provenance["colocation_usd_per_kw_month"]
    assert "cbre.com" in prov.source and prov.as_of == "2025-02-26"
    assert "194.95" in prov.note and "217.30" in prov.note  # the conflict is stated
    coloc = {u.name: u for u in default_uncertainties(s)}["colocation_usd_per_kw_month"]
    # low: H2 2023 implied by +12.6% y/y; high: CBRE global Q1 2025; 194.95 lies inside
    assert (coloc.low, coloc.base, coloc.high) == (163.46, 184.06, 217.30)
    assert coloc.low < 194.95 < coloc.high
    mc = monte_carlo(s, draws=2_000, seed=0)
    assert "colocation_usd_per_kw_month" in mc.samples.columns
    assert mc.samples["colocation_usd_per_kw_month"].between(163.46, 217.30).all()


@settings(max_examples=40, deadline=None)
@given(volume=st.floats(0.0, 2e6), rate=st.floats(0.0, 400.0), watts=st.floats(0.0, 20_000.0),
       more=st.floats(0.0, 200.0))
def test_a_servers_colocation_never_lowers_cost(volume, rate, watts, more):
    base = simple_scenario(acquisition="buy", requests_per_day=volume, server_power_w=watts,
                           colocation_usd_per_kw_month=0.0)
    priced = base.replace(colocation_usd_per_kw_month=rate)
    dearer = base.replace(colocation_usd_per_kw_month=rate + more)
    c0, c1, c2 = (selfhost_monthly(x) for x in (base, priced, dearer))
    assert c1.breakdown["facilities"] == pytest.approx(c1.servers * watts / 1000 * rate)
    assert c0.monthly_usd <= c1.monthly_usd <= c2.monthly_usd
    # one more server's worth of demand (8 more one-GPU replicas) never costs less
    bigger = selfhost_monthly(priced.replace(requests_per_day=volume + 8 * 86_400.0))
    assert bigger.servers >= c1.servers  # +1, or the same when min_replicas filled one
    assert bigger.monthly_usd >= c1.monthly_usd


def test_the_buy_option_names_its_server_and_idle_gpus():
    # no citable price for a 1-, 2- or 4-GPU H100 SXM server: the startup buys one 8-GPU
    # HGX H100 for 2 one-GPU replicas (one a spare) and says 6 GPUs sit idle
    s = with_acquisition(scenario_from_preset("startup"), "buy")
    buy = {o.key: o for o in compare_all(s)}["buy"]
    assert "2 replica(s) = 2 GPUs in 1 hgx-8xh100 server(s) of 8 GPUs (6 GPUs idle; no smaller server priced)" in buy.fleet
    fin = {o.key: o for o in compare_all(scenario_from_preset("financial"))}["buy"]
    r = selfhost_monthly(scenario_from_preset("financial"))
    idle = r.servers * 8 - r.gpus
    assert f"({idle} GPUs idle; no smaller server priced)" in fin.fleet if idle else "idle" not in fin.fleet
    assert not math.isnan(r.monthly_usd)
