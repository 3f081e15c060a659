"""Small grids for the sweep's tests (seconds on one core)."""

from __future__ import annotations

import pytest

from aipolicy.sweep.grid import grid_from_mapping

SMALL = {
    "name": "test grid", "draws": 64, "seed": 7, "chunk_cells": 8,
    "axes": {
        "preset": ["midmarket", "financial"],
        "open_model": ["llama-3.1-8b", "llama-3.3-70b"],
        "tokens_per_day": {"log_from": 1.0e5, "log_to": 1.0e10, "per_decade": 1},
    },
}


@pytest.fixture
def small_grid():
    """2 presets x 2 open models x 6 volumes = 24 cells in 4 chunks, 64 draws a cell."""
    return grid_from_mapping(SMALL)
