"""Conventions every notebook in notebooks/ keeps (fast: reads the files, runs no kernel)."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MARKET_PARAMS = {
    "data_source",
    "data_dir",
    "start",
    "end",
    "benchmark",
    "infra_tickers",
    "platform_tickers",
    "rf_annual",
}
COST_PARAMS = {"preset", "api_model", "open_model", "gpu", "acquisition", "draws", "seed"}
#: the decision map reads a sweep (or runs a grid): the cost notebooks' preset, draws and seed
SWEEP_PARAMS = {"sweep_dir", "grid", "preset", "draws", "seed"}


def _parameters_cell(nb):
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged 'parameters'"
    return cells[0]


def _assigned_names(source: str) -> list[str]:
    return [
        t.id
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    ]


def test_the_notebooks_exist():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06", "07", "08"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_sees_every_parameter_the_cell_defines(path, caplog):
    # papermill skips a line with more than one '=' (e.g. in its comment): such a parameter
    # would be invisible to `papermill --help-notebook` and draw "unknown parameter" warnings
    import papermill as pm

    nb = nbformat.read(path, as_version=4)
    names = _assigned_names(_parameters_cell(nb).source)
    with caplog.at_level(logging.WARNING, logger="papermill"):
        seen = pm.inspect_notebook(str(path))
    assert sorted(seen) == sorted(names)
    assert not [r for r in caplog.records if "Unable to parse" in r.getMessage()]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_holds_literals_only_and_the_shared_names(path):
    nb = nbformat.read(path, as_version=4)
    cell = _parameters_cell(nb)
    for node in ast.parse(cell.source).body:
        assert isinstance(node, ast.Assign), "only assignments in the parameters cell"
        ast.literal_eval(node.value)  # derived values belong after the parameters cell
    names = set(_assigned_names(cell.source))
    shared = (MARKET_PARAMS if "data_source" in names
              else SWEEP_PARAMS if "sweep_dir" in names else COST_PARAMS)
    assert shared <= names, f"missing shared parameters: {sorted(shared - names)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_comes_right_after_the_title(path):
    # the same place in every notebook: cell 1, before the imports, so a reader (and papermill,
    # which injects its cell after it) finds the parameters first
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert nb.cells[1].cell_type == "code"
    assert "parameters" in nb.cells[1].metadata.get("tags", [])
    assert _parameters_cell(nb) is nb.cells[1]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_market_notebooks_take_their_default_tickers_from_the_universe(path):
    nb = nbformat.read(path, as_version=4)
    names = dict.fromkeys(_assigned_names(_parameters_cell(nb).source))
    values = {
        t.id: ast.literal_eval(node.value)
        for node in ast.parse(_parameters_cell(nb).source).body
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    for name in ("infra_tickers", "platform_tickers", "ipo_tickers"):
        if name in names:
            assert values[name] is None, f"{name}: None (the universe's list), not a literal list"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_opens_with_a_title_and_is_stored_with_outputs_from_a_clean_run(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code if c.source.strip()]
    assert all(counts), "every code cell has run (stored outputs come from a full run)"
    assert counts == sorted(counts) and counts[0] == 1, "stored from one top-to-bottom run"
    assert not [o for c in code for o in c.outputs if o.get("output_type") == "error"], (
        "no stored errors"
    )
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
