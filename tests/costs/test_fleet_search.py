"""The cheapest self-hosted fleet over the catalog's GPUs and replica sizes, beside the choice."""

from __future__ import annotations

import json
import time

import pytest

from aipolicy.commands import main
from aipolicy.costs import catalog, scenario_from_preset, selfhost_monthly
from aipolicy.costs.compare import fleet_search as fs
from aipolicy.nb import costs as vc


@pytest.fixture(scope="module")
def mid():
    s = scenario_from_preset("midmarket")
    return s, fs.cheapest_fleet(s)


def test_every_catalog_gpu_is_searched_and_the_best_is_no_dearer_than_the_choice(mid):
    s, found = mid
    assert {c.gpu for c in found.candidates} == set(catalog.gpus())
    assert found.choice.chosen and (found.choice.gpu, found.choice.gpus_per_replica) == (
        s.gpu, s.gpus_per_replica)
    assert found.choice.monthly_usd == pytest.approx(selfhost_monthly(s).monthly_usd)
    priced = [c for c in found.candidates if not c.skipped]
    assert found.best == min(priced, key=lambda c: c.monthly_usd)
    assert found.best.monthly_usd <= found.choice.monthly_usd
    assert found.saving_usd == pytest.approx(found.choice.monthly_usd - found.best.monthly_usd)
    # replica sizes are powers of two from the smallest that holds the weights, up to 8
    assert {c.gpus_per_replica for c in priced} <= {1, 2, 4, 8}
    assert not any(c.gpu == "h100-sxm" and c.gpus_per_replica == 1 for c in found.candidates)


def test_a_candidate_is_priced_as_if_the_user_had_chosen_it(mid):
    _, found = mid
    h200 = next(c for c in found.candidates if (c.gpu, c.gpus_per_replica) == ("h200", 1))
    direct = scenario_from_preset("midmarket", gpu="h200", gpus_per_replica=1)
    assert h200.monthly_usd == pytest.approx(selfhost_monthly(direct).monthly_usd)
    # one H200 per replica at its list price (4.29: the market median is higher) beats
    # two H100s at 2.95: 2 x 4.29 x 730 = 6,263 of GPU rent against 8,614
    assert h200.gpu_hour_usd == 4.29 and h200.monthly_usd < found.choice.monthly_usd


def test_what_cannot_be_priced_says_why(mid):
    _, found = mid
    l40s = [c for c in found.candidates if c.gpu == "l40s"]
    assert l40s and all("cannot be met" in c.skipped for c in l40s)
    assert all(c.skipped for c in found.candidates[len([c for c in found.candidates
                                                          if not c.skipped]):])


def test_a_repeated_search_builds_nothing_again(mid):
    s, first = mid
    start = time.perf_counter()
    again = fs.cheapest_fleet(s)
    assert time.perf_counter() - start < 5.0
    assert again.to_dict() == first.to_dict()


def test_buying_skips_gpus_without_a_server_and_reserving_keeps_the_committed_rate():
    fin = fs.cheapest_fleet(scenario_from_preset("financial"))
    assert fin.acquisition == "buy"
    assert all("no server" in c.skipped for c in fin.candidates if c.gpu == "rtx-pro-6000")
    reserved = scenario_from_preset("midmarket", rental_provider="reserved-3y")
    found = fs.cheapest_fleet(reserved)
    assert found.acquisition == "reserve"
    priced = {c.gpu for c in found.candidates if not c.skipped}
    assert priced <= set(catalog.reserved_rates()["gpu"])
    h200 = next(c for c in found.candidates if c.gpu == "h200" and not c.skipped)
    assert h200.gpu_hour_usd == 1.60


def test_a_given_gpu_hour_price_stays_with_its_gpu():
    s = scenario_from_preset("midmarket", gpu_hour_usd=2.0)
    found = fs.cheapest_fleet(s)
    assert found.choice.gpu_hour_usd == 2.0
    other = next(c for c in found.candidates if c.gpu == "h200" and not c.skipped)
    assert other.gpu_hour_usd == 4.29 and found.notes


def test_cli_and_notebook_name_the_cheapest_fleet(mid, capsys):
    _, found = mid
    assert main(["breakeven", "--preset", "midmarket"]) == 0
    text = capsys.readouterr().out
    assert "cheapest self-hosted fleet (rented; 31 fleets searched" in text
    assert f"{found.best.gpus_per_replica} {found.best.gpu}" in text
    assert main(["breakeven", "--preset", "midmarket", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)["fleet_search"]
    assert out["best"]["gpu"] == found.best.gpu and out["choice"]["chosen"]
    assert out["saving_usd"] == pytest.approx(found.saving_usd)
    line = vc.fleet_search_text(scenario_from_preset("midmarket"))
    assert line.startswith("Cheapest self-hosted fleet") and "not priced" in line
