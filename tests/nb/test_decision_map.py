"""Notebook 07's views: best cells, counts, robustness, labels and the answer sentence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aipolicy.errors import InvalidInputError
from aipolicy.nb import decision_map as dm


def _cells(rows):
    cols = ["cell", "config", "preset", "open_model", "gpu", "tokens_per_day", "cheapest",
            "cheapest_usd", "p_selfhost_cheaper"]
    return pd.DataFrame(rows, columns=cols)


def test_best_cells_take_the_cheapest_gpu_and_let_unservable_cells_lose():
    f = _cells([
        (0, 0, "m", "a", "h100", 1e6, "hosted", 100.0, 0.0),
        (1, 1, "m", "a", "h200", 1e6, "buy", 90.0, 0.95),
        (2, 2, "m", "b", "h100", 1e6, "none", np.nan, np.nan),
        (3, 3, "m", "b", "h200", 1e6, "rent", 500.0, 0.5),
    ])
    best = dm.best_cells(f, ["open_model"])
    assert list(best["cell"]) == [1, 3]
    assert dm.option_counts(best).to_dict() == {"rent": 1, "buy": 1}
    r = dm.robustness(best, 0.9)
    assert r.tolist() == [1, 0, 1]


@pytest.mark.parametrize(("v", "text"), [(1e5, "100 k"), (3.16e6, "3.2 M"), (1e10, "10 bn"),
                                         (1.9e9, "1.9 bn"), (500, "500")])
def test_volume_text(v, text):
    assert dm.volume_text(v) == text


def test_choose_preset_names_the_presets_of_the_sweep():
    assert dm.choose_preset(None, ["midmarket", "financial"]) == "midmarket"
    with pytest.raises(InvalidInputError, match="preset 'startup' is not in the sweep; it has "
                                                 "midmarket, financial"):
        dm.choose_preset("startup", ["midmarket", "financial"])


def test_the_answer_on_the_example_grid_names_the_winner_and_the_first_self_host_win():
    import tempfile
    from pathlib import Path

    import yaml

    from aipolicy.sweep.load import load_or_run

    grid = {"axes": {"preset": ["financial"], "open_model": ["llama-3.3-70b", "gpt-oss-120b"],
                     "tokens_per_day": [1e6, 1e10]}, "draws": 32}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "g.yaml"
        path.write_text(yaml.safe_dump(grid))
        frame, manifest = load_or_run(None, path)
    a = dm.decision_answer(frame, "financial", robust=0.9, manifest=manifest)
    assert "cheapest option for" in a.headline and "of the 4 model-and-volume pairs" in a.headline
    assert "4 priced cells, read as the best GPU for each of 4 model-and-volume pairs" in a.context
    assert any(p.startswith("Against gpt-4o alone, self-hosting breaks even from") for p in a.points)
    assert any("With 32 draws a cell" in p for p in a.points)


def test_a_preset_runs_the_grid_for_that_preset_alone(tmp_path):
    from aipolicy.sweep.load import load_or_run

    path = tmp_path / "g.yaml"
    path.write_text("axes:\n  preset: [midmarket, financial]\n  tokens_per_day: [1.0e+7]\n")
    frame, manifest = load_or_run(None, path, preset="startup")
    assert set(frame["preset"]) == {"startup"} and manifest["grid"]["axes"]["preset"] == [
        "startup"]
    with pytest.raises(InvalidInputError, match="axes.preset: unknown preset 'tiny'"):
        load_or_run(None, path, preset="tiny")


def test_each_map_cell_carries_self_hosting_s_cost_multiple_and_a_flat_probability_map_is_a_sentence():
    import numpy as np
    import pandas as pd

    from aipolicy.nb import decision_map as dm

    cells = pd.DataFrame({"rent_usd": [300.0, 100.0, np.nan], "buy_usd": [600.0, 80.0, np.nan],
                          "cheapest_usd": [100.0, 80.0, 50.0],
                          "p_selfhost_cheaper": [0.0, 0.05, np.nan]})
    assert list(dm.selfhost_multiple(cells).round(6).fillna(-1)) == [3.0, 1.0, -1]
    assert not dm.probability_map_informative(cells, 0.9)  # all below 10%: one colour
    assert "at most 10% of the draws in every cell" in dm.probability_sentence(cells, 0.9, "x")
    assert dm.probability_map_informative(cells.assign(p_selfhost_cheaper=[0.0, 0.5, 1.0]), 0.9)
    assert dm.probability_map_informative(cells.assign(p_selfhost_cheaper=[0.0, 0.95, 1.0]), 0.9)
