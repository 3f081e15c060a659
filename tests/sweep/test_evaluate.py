"""The vectorised chunk evaluation against the one-scenario code path, and its determinism."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from aipolicy.costs.compare.presets import scenario_from_preset
from aipolicy.costs.compare.threeway import compare_all
from aipolicy.sweep.evaluate import evaluate_cells, evaluate_chunk, prepare_config
from aipolicy.sweep.grid import grid_from_mapping
from aipolicy.sweep.run import evaluate_grid

VOLUMES = (2.0e5, 7.6e7, 1.9e9, 9.0e9)


@pytest.mark.parametrize("preset", ["startup", "midmarket", "financial"])
def test_each_cell_equals_compare_all_for_that_workload(preset):
    """Every option's monthly cost and the break-even match `aipolicy breakeven`'s code."""
    grid = grid_from_mapping({"axes": {"preset": [preset], "tokens_per_day": list(VOLUMES)}})
    frame = evaluate_chunk(grid, grid.chunks[0])
    base = scenario_from_preset(preset)
    per_request = base.input_tokens + base.output_tokens
    for _, row in frame.iterrows():
        s = scenario_from_preset(preset, requests_per_day=row["tokens_per_day"] / per_request)
        options = {o.key: o for o in compare_all(s)}
        for key in ("api", "api_match", "hosted", "rent", "buy", "hybrid"):
            if key in options:
                assert row[f"{key}_usd"] == pytest.approx(options[key].monthly_usd, rel=1e-9), key
            else:
                assert math.isnan(row[f"{key}_usd"])
        for key in ("api", "api_match", "hosted"):
            if key in options:
                want = options[key].breakeven_tokens_per_day
                got = row[f"breakeven_{base.acquisition}_vs_{key}"]
                assert (math.isnan(got) if want is None else got == pytest.approx(want, 1e-9))
        cheapest = min(options.values(), key=lambda o: o.monthly_usd)
        assert row["cheapest_usd"] == pytest.approx(cheapest.monthly_usd, rel=1e-9)


def test_a_cell_alone_equals_the_cell_in_its_chunk_bit_for_bit(small_grid):
    """Vectorising over volumes changes no number, Monte Carlo included."""
    prep = prepare_config(small_grid.configs[3])
    together = evaluate_cells(prep, small_grid.tokens_per_day, first_cell=18, draws=64, seed=7)
    alone = pd.concat([evaluate_cells(prep, [v], first_cell=18 + i, draws=64, seed=7)
                       for i, v in enumerate(small_grid.tokens_per_day)], ignore_index=True)
    pd.testing.assert_frame_equal(together, alone, check_exact=True)


def test_results_do_not_depend_on_the_chunking(small_grid):
    spec = dict(small_grid.spec)
    one = evaluate_grid(small_grid)
    spec["chunk_cells"] = 1
    other = evaluate_grid(grid_from_mapping(spec))
    pd.testing.assert_frame_equal(one, other, check_exact=True)
    assert list(one["cell"]) == list(range(small_grid.n_cells))


def test_monte_carlo_columns_are_probabilities_and_ordered_percentiles(small_grid):
    frame = evaluate_grid(small_grid)
    p = frame["p_selfhost_cheaper"]
    assert ((p >= 0) & (p <= 1)).all()
    pct = frame[["savings_p5", "savings_p25", "savings_p50", "savings_p75", "savings_p95"]]
    assert (np.diff(pct.to_numpy(), axis=1) >= 0).all()
    # 64 draws: more than half positive <=> the median saving (mean of the 32nd and 33rd) > 0
    assert (frame.loc[p > 0.5, "savings_p50"] > 0).all()
    assert (frame.loc[p < 0.5, "savings_p50"] <= 0).all()
    # at 100,000 tokens a day no fleet beats paying per token
    assert (frame.loc[frame["tokens_per_day"] == 1e5, "p_selfhost_cheaper"] == 0).all()


def test_another_seed_gives_other_draws_but_the_same_costs(small_grid):
    a = evaluate_grid(small_grid)
    b = evaluate_grid(small_grid.with_run(seed=8))
    pd.testing.assert_series_equal(a["rent_usd"], b["rent_usd"])
    assert not a["savings_p50"].equals(b["savings_p50"])


def test_an_unservable_config_is_kept_with_its_reason():
    grid = grid_from_mapping({"axes": {"preset": ["midmarket"], "open_model": ["llama-3.3-70b"],
                                       "gpu": ["l40s"], "tokens_per_day": [1e8]}})
    (row,) = evaluate_grid(grid).itertuples()
    assert "SLO" in row.status and "cannot be met" in row.status
    assert math.isnan(row.rent_usd) and row.cheapest == "none"


def test_without_a_latency_target_capacity_is_saturation_times_utilisation():
    grid = grid_from_mapping({"axes": {"preset": ["midmarket"], "slo": ["preset", "none"],
                                       "tokens_per_day": [1e9]}})
    slo, none = evaluate_grid(grid).itertuples()
    assert none.planned_req_s == pytest.approx(none.saturation_req_s * 0.9)
    assert slo.planned_req_s < none.planned_req_s
    assert slo.rent_usd >= none.rent_usd
