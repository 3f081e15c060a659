"""The grid file: axes, ranges, checks naming the key, cells and chunks."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from aipolicy.errors import InvalidInputError
from aipolicy.sweep.grid import AXES, TOP_KEYS, grid_from_mapping, load_grid


def _grid(**axes):
    return {"axes": {"tokens_per_day": [1e6], **axes}}


def test_log_range_gives_per_decade_points_inclusive():
    g = grid_from_mapping({"axes": {"tokens_per_day": {"log_from": 1e4, "log_to": 1e10,
                                                       "per_decade": 4}}})
    assert len(g.tokens_per_day) == 25
    assert g.tokens_per_day[0] == pytest.approx(1e4)
    assert g.tokens_per_day[-1] == pytest.approx(1e10)
    assert g.tokens_per_day[4] == pytest.approx(1e5)


def test_linear_range_and_list():
    g = grid_from_mapping({"axes": {"tokens_per_day": {"from": 1e6, "to": 3e6, "step": 1e6}}})
    assert g.tokens_per_day == (1e6, 2e6, 3e6)
    assert grid_from_mapping(_grid()).tokens_per_day == (1e6,)


def test_axes_left_out_take_the_preset_values():
    g = grid_from_mapping(_grid(preset=["startup"]))
    (c,) = g.configs
    assert (c.open_model, c.gpu, c.shape, c.slo.kind, c.api_model) == (
        None, None, None, "preset", None)
    assert c.overrides() == {}


def test_shapes_and_slos_parse():
    g = grid_from_mapping(_grid(shape=["1500/400", [800, 250]],
                                slo=["none", {"tokens_per_user": 40, "ttft_s": 0.5}]))
    assert [c.shape for c in g.configs[::2]] == [(1500.0, 400.0), (800.0, 250.0)]
    assert g.configs[0].slo.overrides()["slo_tokens_per_user"] != 25
    assert math.isnan(g.configs[0].slo.overrides()["slo_ttft_s"])
    assert g.configs[1].slo.overrides() == {"slo_tokens_per_user": 40.0, "slo_ttft_s": 0.5}
    assert g.configs[1].slo.label == ">=40 tok/s/user, TTFT<=0.5 s"


def test_cells_number_configs_with_volume_innermost(small_grid):
    g = small_grid
    assert g.n_cells == 24
    cells = [i for c in g.chunks for i in range(c.first_cell, c.first_cell + c.n_cells)]
    assert cells == list(range(24))  # every cell once, in order


def test_chunks_hold_whole_configs_of_one_preset(small_grid):
    for chunk in small_grid.chunks:
        presets = {small_grid.configs[i].preset for i in chunk.configs}
        assert len(presets) == 1
        assert chunk.n_cells == len(chunk.configs) * len(small_grid.tokens_per_day)


def test_fingerprint_follows_seed_draws_and_catalog(small_grid):
    base = small_grid.fingerprint("cat")
    assert small_grid.fingerprint("cat") == base
    assert small_grid.fingerprint("other") != base
    assert small_grid.with_run(seed=8).fingerprint("cat") != base
    assert small_grid.with_run(draws=0).fingerprint("cat") != base
    assert small_grid.with_run(draws=64, seed=7).fingerprint("cat") == base
    renamed = grid_from_mapping({**small_grid.spec, "name": "x", "description": "y"})
    assert renamed.fingerprint("cat") == base  # words about the grid do not change results


def test_a_grid_is_priced_on_one_valuation_date_that_decides_its_fingerprint(small_grid):
    from aipolicy import valuation

    assert small_grid.as_of == "2026-10-30"  # no as_of in the grid: the run's (pinned) date
    with valuation.pinned("2025-07-01"):
        assert grid_from_mapping({k: v for k, v in small_grid.spec.items()
                                  if k != "as_of"}).as_of == "2025-07-01"
    dated = grid_from_mapping({**small_grid.spec, "as_of": dt.date(2025, 7, 1)})
    assert dated.as_of == "2025-07-01" and dated.spec["as_of"] == "2025-07-01"
    assert dated.fingerprint("cat") != small_grid.fingerprint("cat")
    assert small_grid.with_run(as_of="2025-07-01").fingerprint("cat") == dated.fingerprint("cat")


@pytest.mark.parametrize(("data", "field", "says"), [
    ({"axes": {"tokens_per_day": [1e6]}, "as_of": "July 2025"}, "as_of", "YYYY-MM-DD"),
    ({"axes": {"tokens_per_day": [1e6]}, "draw": 5}, "draw", "valid: " + ", ".join(TOP_KEYS)),
    (_grid(gpus=["h100-sxm"]), "axes.gpus", "valid: " + ", ".join(AXES)),
    (_grid(gpu=["h100"]), "axes.gpu", "h100-sxm"),
    (_grid(open_model=["llama-9"]), "axes.open_model", "llama-3.3-70b"),
    (_grid(preset=["tiny"]), "axes.preset", "startup, midmarket, financial"),
    (_grid(api_model=["gpt-9"]), "axes.api_model", "close names: gpt-5"),
    (_grid(shape=["1500x400"]), "axes.shape", "INPUT/OUTPUT"),
    (_grid(shape=["1500/0"]), "axes.shape", "output > 0"),
    (_grid(slo=[{"tokens_per_usr": 3}]), "axes.slo.tokens_per_usr", "tokens_per_user, ttft_s"),
    (_grid(slo=["strict"]), "axes.slo", "'preset', 'none'"),
    (_grid(gpu=[]), "axes.gpu", "empty list"),
    (_grid(gpu=["h200", "h200"]), "axes.gpu", "listed twice"),
    ({"axes": {"gpu": ["h200"]}}, "axes.tokens_per_day", "missing"),
    ({"axes": {"tokens_per_day": {"log_from": 1e4, "log_to": 1e6}}}, "axes.tokens_per_day",
     "log_from, log_to, per_decade"),
    ({"axes": {"tokens_per_day": {"log_from": 0, "log_to": 1e6, "per_decade": 2}}},
     "axes.tokens_per_day", "> 0"),
    ({"axes": {"tokens_per_day": [-5]}}, "axes.tokens_per_day", "> 0"),
    ({"axes": {"tokens_per_day": [1e6]}, "draws": 2.5}, "draws", "whole number"),
    ({"axes": {"tokens_per_day": [1e6]}, "chunk_cells": 0}, "chunk_cells", "whole number"),
    (["not", "a", "mapping"], "file", "must be a mapping"),
])
def test_bad_grids_name_the_key(data, field, says):
    with pytest.raises(InvalidInputError) as err:
        grid_from_mapping(data)
    assert err.value.field == field
    assert says in str(err.value)
    assert "\n" not in str(err.value)


def test_grid_files(tmp_path):
    good = tmp_path / "g.yaml"
    good.write_text("axes:\n  tokens_per_day: [1.0e+6, 1.0e+7]\n")
    assert load_grid(good).n_cells == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("axes: [unclosed\n")
    with pytest.raises(InvalidInputError, match=r"not valid YAML at line \d"):
        load_grid(bad)
    with pytest.raises(InvalidInputError, match="cannot read it"):
        load_grid(tmp_path / "missing.yaml")


def test_the_shipped_example_grid_is_valid():
    from pathlib import Path

    g = load_grid(Path(__file__).resolve().parents[2] / "examples" / "sweep-small.yaml")
    assert g.n_cells >= 100 and g.draws > 0
