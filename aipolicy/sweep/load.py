"""A sweep for a notebook: read a finished dataset, or evaluate a small grid in this process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from aipolicy.sweep.grid import grid_from_mapping, load_grid
from aipolicy.sweep.run import evaluate_grid
from aipolicy.sweep.store import catalog_id, catalog_snapshot, manifest_of, read_sweep

__all__ = ["load_or_run"]


def load_or_run(sweep_dir: str | Path | None, grid: str | Path, *, draws: int | None = None,
                seed: int | None = None, preset: str | None = None
                ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The sweep in ``sweep_dir``, or ``grid`` evaluated here when ``sweep_dir`` is None.

    ``preset`` (with no ``sweep_dir``) runs the grid for that preset alone, so a report asking
    for any preset gets its map; a finished sweep is read as it is.

    Returns the cells (one row each, cell order) and the manifest (grid, seed, draws, price
    data) in the form ``aipolicy sweep`` writes to ``_sweep.json``.

    Raises
    ------
    InvalidInputError
        ``sweep_dir`` is not a complete sweep, or ``grid`` is not a valid grid file.
    """
    if sweep_dir is not None:
        return read_sweep(sweep_dir)
    g = load_grid(grid).with_run(draws=draws, seed=seed)
    if preset is not None:
        g = grid_from_mapping({**g.spec, "axes": {**g.spec["axes"], "preset": [preset]}},
                              source=g.name)
    snap = catalog_snapshot()
    return evaluate_grid(g), manifest_of(g, g.fingerprint(catalog_id(snap)), snap)
