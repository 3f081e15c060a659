"""The GPU-hour rate a rented fleet is priced at: market median for an always-on fleet over a
year or more, the on-demand list price otherwise; the output names the rate and its source."""

from __future__ import annotations

import json

import pytest

from aipolicy.commands import main
from aipolicy.costs import catalog, scenario_from_preset, selfhost_monthly
from aipolicy.costs.catalog.rental import (
    BASES,
    MULTI_YEAR_MONTHS,
    market_rate,
    planning_rate,
    rate_basis,
)
from aipolicy.costs.compare.assumptions import gpu_rate, gpu_rate_text
from aipolicy.errors import CatalogError

TIERS = {"on-demand", "community", "spot", "marketplace", "starting-at", "capacity-block",
         "reserved", "reserved-1y", "reserved-3y", "market-median"}


def test_every_rental_row_names_its_tier():
    table = catalog.load_catalog("gpu_rental")
    assert set(table["tier"]) <= TIERS
    # one default (on-demand) row per GPU, and it is an on-demand list price
    defaults = table[table["default"].str.lower() == "true"]
    assert defaults["gpu"].is_unique and set(defaults["tier"]) == {"on-demand"}
    assert set(catalog.reserved_rates()["tier"]) == {"reserved", "reserved-1y", "reserved-3y"}


def test_published_market_median_wins_over_a_computed_one():
    fig = market_rate("h100-sxm")
    assert fig.value == 2.95 and "aimultiple.com/gpu-index" in fig.source
    assert fig.as_of == "2026-05-20" and fig.note.startswith("market median: ")


def test_computed_market_median_lists_every_price_it_is_the_median_of():
    # H100 PCIe: RunPod secure 2.89 and Lambda 3.29 (community and older rows left out)
    fig = market_rate("h100-pcie")
    assert fig.value == pytest.approx((2.89 + 3.29) / 2)
    assert "runpod 2.89 (2026-09-25)" in fig.note and "lambda 3.29 (2026-09-20)" in fig.note
    assert "computed" in fig.note and "gpu_rental.csv" in fig.source


def test_always_on_multi_year_fleet_is_priced_at_the_market_not_one_clouds_list_price():
    long = planning_rate("h100-sxm", horizon_months=36)
    assert long.value == 2.95 and rate_basis(long.note) == "market median"
    assert "3.99, lambda" in long.note  # the list price it replaces is named
    short = planning_rate("h100-sxm", horizon_months=MULTI_YEAR_MONTHS - 1)
    auto = planning_rate("h100-sxm", horizon_months=36, rent_mode="autoscale")
    for fig in (short, auto):
        assert fig.value == 3.99 and rate_basis(fig.note) == "on-demand"
    named = planning_rate("h100-sxm", horizon_months=36, provider="reserved-3y")
    assert named.value == 1.30 and rate_basis(named.note) == "reserved"


@pytest.mark.parametrize("gpu", catalog.gpus())
def test_the_default_long_run_rate_never_exceeds_the_on_demand_list_price(gpu):
    try:
        listed = catalog.gpu_rental(gpu)
    except CatalogError:
        pytest.skip(f"no rental row for {gpu}")
    fig = planning_rate(gpu, horizon_months=36)
    assert fig.value <= listed.value
    assert rate_basis(fig.note) in BASES


def test_h200_keeps_the_list_price_where_the_market_median_is_higher():
    fig = planning_rate("h200", horizon_months=36)
    assert fig.value == 4.29 and rate_basis(fig.note) == "on-demand"
    assert "market median is higher (4.5" in fig.note


def test_preset_prices_the_rented_fleet_at_the_market_rate_by_hand():
    s = scenario_from_preset("midmarket")
    assert s.gpu_hour_usd == 2.95 and gpu_rate(s)["basis"] == "market median"
    r = selfhost_monthly(s)
    # 2 replicas x 2 GPUs x 2.95 USD/GPU-hour x 730 hours
    assert r.breakdown["gpu_rental"] == pytest.approx(4 * 2.95 * 730)
    short = scenario_from_preset("midmarket", horizon_months=6)
    assert short.gpu_hour_usd == 3.99 and gpu_rate(short)["basis"] == "on-demand"
    given = scenario_from_preset("midmarket", gpu_hour_usd=2.0)
    assert gpu_rate(given)["basis"] == "given"
    assert gpu_rate_text(s).startswith("GPU rate: 2.95 USD/GPU-hour, market median (")


def test_cli_names_the_rate_its_basis_and_source(capsys):
    assert main(["breakeven", "--preset", "midmarket"]) == 0
    text = capsys.readouterr().out
    assert "GPU rate: 2.95 USD/GPU-hour, market median" in text
    assert "aimultiple.com/gpu-index" in text
    assert main(["breakeven", "--preset", "midmarket", "--json", "--horizon-months", "6"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["gpu_hour"]["usd"] == 3.99 and out["gpu_hour"]["basis"] == "on-demand"
    assert main(["breakeven", "--preset", "midmarket", "--gpu-hourly", "2"]) == 0
    assert "GPU rate: 2.00 USD/GPU-hour, given" in capsys.readouterr().out


def test_the_provider_is_read_back_from_the_one_place_that_writes_it():
    from aipolicy.costs.catalog import gpu_rental, rental_provider

    fig = gpu_rental("h100-sxm", "lambda")
    assert rental_provider(fig.source) == "lambda"
    assert rental_provider("AIMultiple index [secondary: posted prices] [market]") == "market"
    assert rental_provider("caller override") is None
