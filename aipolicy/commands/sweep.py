"""``aipolicy sweep``: the decision map over a grid of workloads, on Dask.

Every cell of the grid (volume x request shape x open model x GPU x latency target x API
model x preset) gets every option of the comparison (the named API, the cheapest proprietary
model at least as good, the same open weights hosted per token, self-hosting rented and
bought, the best hybrid), the cheapest, the break-even of each self-hosting mode against each
API option and, with ``--draws``, P(self-host cheaper) and the saving's percentiles. Results
go to a Parquet dataset in ``--out`` (one file per chunk, by preset), resumable: the same
command again skips the chunks already written.

Exit status: 0 done, 2 bad grid or flags (one line naming the key), 130 interrupted (whole
chunks kept; run the same command to resume).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aipolicy.commands.asof import as_of_flag
from aipolicy.errors import InvalidInputError


def _whole(low: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if value < low:
            raise argparse.ArgumentTypeError(f"must be a whole number >= {low}, got {text!r}")
        return value
    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``sweep`` flags to ``parser``."""
    parser.add_argument("grid", type=Path, metavar="GRID.yaml",
                        help="the grid's axes (see examples/sweep-small.yaml)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="dataset folder: new, empty, or a sweep of the same grid to resume")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_whole(0), default=None, metavar="N",
                       help="worker processes of a local Dask cluster (default: one per CPU; "
                            "0: this process, no Dask)")
    where.add_argument("--scheduler", default=None, metavar="ADDR",
                       help="an existing Dask scheduler, e.g. tcp://10.0.0.5:8786 (workers need "
                            "the same aipolicy installed)")
    parser.add_argument("--draws", type=_whole(0), default=None, metavar="N",
                        help="Monte Carlo draws per cell (default: the grid's draws; 0: none)")
    parser.add_argument("--seed", type=_whole(0), default=None, metavar="S",
                        help="seed of the draws (default: the grid's seed)")
    parser.add_argument("--as-of", type=as_of_flag, default=None, metavar="YYYY-MM-DD",
                        help="valuation date: price every cell with the prices in force on it "
                             "(default: the grid's as_of, else the date of the sweep being "
                             "resumed in --out, else today)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def resumed_as_of(out: Path) -> str | None:
    """The valuation date of the sweep in ``out`` (so resuming it on a later day continues it
    as it was started), or None when ``out`` holds no sweep that records one."""
    from aipolicy.sweep.store import read_manifest

    grid = (read_manifest(out) or {}).get("grid")
    return str(grid["as_of"]) if isinstance(grid, dict) and grid.get("as_of") else None


def run(args: argparse.Namespace) -> int:
    """Run the sweep; print where the dataset is and what was done."""
    import sys

    from aipolicy.record import count_word as counted
    from aipolicy.sweep.grid import load_grid
    from aipolicy.sweep.run import SweepInterrupted, run_sweep

    grid = load_grid(args.grid, default_as_of=resumed_as_of(args.out)).with_run(
        draws=args.draws, seed=args.seed, as_of=args.as_of)
    if not grid.configs:
        raise InvalidInputError("grid: no cells", field="axes")
    for line in model_warnings(grid):
        print(f"warning: {line}", file=sys.stderr)
    try:
        res = run_sweep(grid, args.out, workers=args.workers, scheduler=args.scheduler,
                        quiet=args.quiet)
    except SweepInterrupted as stop:
        print(f"aipolicy sweep: interrupted: {stop.kept} of {counted(stop.chunks, 'chunk')} "
              f"({stop.kept_cells:,} of {counted(stop.cells, 'cell')}) are kept in {stop.out}; "
              "run the same command to resume", file=sys.stderr)
        return 130
    print(f"sweep: {res.out} ({counted(res.cells, 'cell')} in {counted(res.chunks, 'chunk')}: "
          f"{res.written} written, {res.skipped} already done; priced as of {grid.as_of}; "
          f"{res.seconds:.1f} s on {res.engine})")
    return 0


def model_warnings(grid: Any) -> list[str]:
    """A warning for each API model of the grid that is retired, or retires within its
    preset's horizon, on the grid's valuation date (the lines ``aipolicy breakeven`` prints)."""
    import datetime as dt

    from aipolicy.costs.catalog import cost_default
    from aipolicy.costs.catalog.lifecycle import retirement_warning
    from aipolicy.costs.compare.presets import PRESETS

    day = dt.date.fromisoformat(grid.as_of)
    usual = (cost_default("horizon_months").value, "")
    pairs = dict.fromkeys((c.api_model or PRESETS[c.preset].build["api_model"],
                           float(PRESETS[c.preset].values.get("horizon_months", usual)[0]))
                          for c in grid.configs)
    found = (retirement_warning(m, horizon_months=h, today=day) for m, h in pairs)
    return list(dict.fromkeys(w for w in found if w))
