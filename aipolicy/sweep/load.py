"""A sweep for a notebook: read a finished dataset, or evaluate a small grid in this process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from aipolicy.errors import InvalidInputError
from aipolicy.sweep.grid import grid_from_mapping, load_grid
from aipolicy.sweep.run import evaluate_grid
from aipolicy.sweep.store import catalog_id, catalog_snapshot, manifest_of, read_sweep

__all__ = ["load_or_run"]


def load_or_run(sweep_dir: str | Path | None, grid: str | Path, *, draws: int | None = None,
                seed: int | None = None, preset: str | None = None, as_of: Any = None
                ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The sweep in ``sweep_dir``, or ``grid`` evaluated here when ``sweep_dir`` is None.

    ``preset`` (with no ``sweep_dir``) runs the grid for that preset alone, so a report asking
    for any preset gets its map; a finished sweep is read as it is. ``as_of`` (a date) prices
    the grid run here on that valuation date (default: the grid's own, else the run's); a
    finished sweep keeps the date it was priced on, and a different ``as_of`` is refused.

    Returns the cells (one row each, cell order) and the manifest (grid, seed, draws, price
    data) in the form ``aipolicy sweep`` writes to ``_sweep.json``.

    Raises
    ------
    InvalidInputError
        ``sweep_dir`` is not a complete sweep, or ``grid`` is not a valid grid file.
    """
    if sweep_dir is not None:
        frame, manifest = read_sweep(sweep_dir)
        valued = manifest.get("grid", {}).get("as_of")
        if as_of is not None and valued and str(as_of) != valued:
            raise InvalidInputError(
                f"as_of: {as_of} differs from the valuation date of sweep {sweep_dir} "
                f"({valued}); leave as_of unset to read it, or run the sweep again with "
                f"--as-of {as_of}", field="as_of", value=as_of)
        return frame, manifest
    g = load_grid(grid).with_run(draws=draws, seed=seed, as_of=as_of)
    if preset is not None:
        g = grid_from_mapping({**g.spec, "axes": {**g.spec["axes"], "preset": [preset]}},
                              source=g.name)
    snap = catalog_snapshot(g.as_of)
    return evaluate_grid(g), manifest_of(g, g.fingerprint(catalog_id(snap)), snap)
