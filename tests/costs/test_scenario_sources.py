"""One home per fact: catalog defaults, preset names, price-override ratios, error fields."""

from __future__ import annotations

import argparse
import dataclasses
import json
import math

import pytest

from aipolicy.commands import breakeven as cli
from aipolicy.commands import main
from aipolicy.costs import (
    PRESETS,
    Scenario,
    api_monthly,
    build_scenario,
    cost_defaults,
    list_presets,
    scenario_from_preset,
)
from aipolicy.costs.catalog import api_price
from aipolicy.costs.compare.fields import CATALOG_DEFAULTS, MODE_DEPENDENT
from aipolicy.errors import CatalogError, InvalidInputError


def test_scenario_has_no_default_for_catalog_figures():
    fields = {f.name: f for f in dataclasses.fields(Scenario)}
    for name in CATALOG_DEFAULTS:
        f = fields[name]
        assert f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING, name
    assert set(MODE_DEPENDENT) == {"staff_fte", "implementation_usd"}


@pytest.mark.parametrize("acquisition", ["rent", "buy"])
def test_build_scenario_takes_every_default_from_the_catalog(acquisition):
    s = build_scenario(acquisition=acquisition)
    d = cost_defaults()
    for name, key in CATALOG_DEFAULTS.items():
        row = d[key.format(mode=acquisition)]
        assert getattr(s, name) == row.value, name
        assert s.provenance[name].source == row.source


def test_preset_names_have_one_source():
    assert list_presets() == list(PRESETS)
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    preset = next(a for a in parser._actions if a.dest == "preset")
    assert list(preset.choices) == list(PRESETS)


def test_given_api_prices_keep_the_catalogs_ratios():
    base = api_price("gpt-4o", input_tokens=1000)
    s = build_scenario(api_model="gpt-4o", api_input_per_mtok_usd=5.0,
                       api_output_per_mtok_usd=20.0)
    assert s.api_cached_input_per_mtok_usd == pytest.approx(
        5.0 * base.cached_input_per_mtok_usd / base.input_per_mtok_usd)
    assert s.api_batch_input_per_mtok_usd == pytest.approx(
        5.0 * base.batch_input_per_mtok_usd / base.input_per_mtok_usd)
    assert s.api_batch_output_per_mtok_usd == pytest.approx(
        20.0 * base.batch_output_per_mtok_usd / base.output_per_mtok_usd)
    # an explicitly given discounted price wins over the ratio
    s2 = build_scenario(api_input_per_mtok_usd=5.0, api_cached_input_per_mtok_usd=0.1)
    assert s2.api_cached_input_per_mtok_usd == 0.1


def test_cli_and_python_api_agree_on_price_overrides(capsys):
    main(["breakeven", "--preset", "midmarket", "--api-input-price", "5", "--api-output-price",
          "20", "--json"])
    out = json.loads(capsys.readouterr().out)
    s = scenario_from_preset("midmarket", api_input_per_mtok_usd=5.0,
                             api_output_per_mtok_usd=20.0)
    assert out["api_monthly_usd"] == pytest.approx(api_monthly(s).monthly_usd)


@pytest.mark.parametrize("kwargs,field", [
    (dict(api_model="gpt-9"), "api_model"),
    (dict(open_model="llama-9"), "open_model"),
    (dict(gpu="gb300"), "gpu"),
    (dict(rental_provider="nobody"), "rental_provider"),
    (dict(as_of="June 2025"), "as_of"),
    (dict(planning_utilization=1.5), "planning_utilization"),
    (dict(gpu_hour_usd=math.nan), "gpu_hour_usd"),
    (dict(gpus_per_replica=1.5), "gpus_per_replica"),
    (dict(cached_input_share=2.0), "cached_input_share"),
    (dict(acquisition="lease"), "acquisition"),
    (dict(gpu_hourly=2.0), "gpu_hourly"),
])
def test_errors_carry_their_field(kwargs, field):
    with pytest.raises((CatalogError, InvalidInputError)) as info:
        build_scenario(**kwargs)
    assert info.value.field == field


def test_a_gpu_without_a_compute_figure_asks_for_the_throughput(monkeypatch):
    # every catalog GPU has its figures now: take B200's dense FP16 figure away
    from aipolicy.costs import catalog

    real = catalog.gpu_spec
    monkeypatch.setattr(catalog, "gpu_spec", lambda g, d=None: dataclasses.replace(
        real(g, d), fp16_tflops=None) if g == "b200" else real(g, d))
    with pytest.raises(CatalogError) as info:
        build_scenario(gpu="b200", open_model="llama-3.1-405b")
    assert info.value.field == "throughput_tok_s"
    assert main(["breakeven", "--gpu", "b200", "--open-model", "mistral-7b"]) == 2


def test_cli_maps_fields_to_flags_not_messages():
    err = cli.flag_error(InvalidInputError("anything at all", field="staff_fte"))
    assert str(err) == "--staff-fte: anything at all" and err.field == "staff_fte"
    err = cli.flag_error(CatalogError("no rental price", field="gpu_hour_usd"))
    assert str(err) == "--gpu-hourly: no rental price (or --acquisition buy)"
    assert str(cli.flag_error(InvalidInputError("plain"))) == "plain"


def test_every_field_has_a_reader_label():
    """Tables and charts show a field by its label (issue 26): every numeric field and every
    named choice has one, in words, and no two fields share one."""
    from aipolicy.costs.compare.fields import FIELD_LABELS, NUMERIC_FIELDS, field_label

    assert set(NUMERIC_FIELDS) <= set(FIELD_LABELS)
    assert len(set(FIELD_LABELS.values())) == len(FIELD_LABELS)
    assert not [v for v in FIELD_LABELS.values() if "_" in v]
    assert field_label("oncall_share") == "on-call share of a rotation"
    assert field_label("api_price_factor (api)") == FIELD_LABELS["api_price_factor"] + " (api)"
    assert field_label("the list price of GPT-4o") == "the list price of GPT-4o"
