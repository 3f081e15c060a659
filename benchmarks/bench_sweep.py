"""The decision-map sweep: vectorised vs one call per cell, 1 vs 2 Dask workers, memory, 10^5 cells.

Figures (issue "a decision map over the whole catalog, on Dask"):

- cells per second in one process, vectorised (``evaluate_chunk``: configs built once, volumes
  as arrays), against one Python call per cell: ``compare_all`` on the cell's scenario (what
  ``aipolicy breakeven`` runs), and the sweep's own ``evaluate_cells`` called for one volume at
  a time (the same code, unvectorised). Target: >= 50x.
- the sweep of a grid of >= 10^4 cells x 10^3 draws on a LocalCluster of 1 and of 2 worker
  processes (threads_per_worker=1); target: >= 1.6x faster on 2 (this machine has 2 cores).
- peak resident memory of each worker (``ru_maxrss``) after that sweep.
- a 10^5-cell grid without draws on 2 workers.
- the per-chunk time, and what 64 workers would take by extrapolation.

Set ``AIPOLICY_BENCH_SWEEP_QUICK=1`` for a smaller run (figures marked quick).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

QUICK = os.environ.get("AIPOLICY_BENCH_SWEEP_QUICK") == "1"

MODELS = ["llama-3.1-8b", "gpt-oss-20b", "llama-3.3-70b", "gpt-oss-120b", "qwen3-235b-a22b",
          "deepseek-r1", "llama-4-maverick", "mixtral-8x7b"]
SHAPES = ["preset", "1000/300", "3000/500", "500/1000", "8000/200"]


def _grid(models: list[str], shapes: list[str], per_decade: int, draws: int,
          chunk_cells: int = 256):
    from aipolicy.sweep.grid import grid_from_mapping

    return grid_from_mapping({
        "name": "benchmark", "draws": draws, "seed": 0, "chunk_cells": chunk_cells,
        "axes": {"preset": ["startup", "midmarket", "financial"], "open_model": models,
                 "gpu": ["h100-sxm", "h200"], "slo": ["preset", "none"], "shape": shapes,
                 "tokens_per_day": {"log_from": 1e4, "log_to": 1e10,
                                    "per_decade": per_decade}}})


def _vectorised_vs_per_cell() -> list[dict]:
    from aipolicy.costs.compare.presets import scenario_from_preset
    from aipolicy.costs.compare.threeway import compare_all
    from aipolicy.sweep.evaluate import evaluate_cells, evaluate_chunk, prepare_config

    grid = _grid(MODELS[:4], ["preset"], 4, 0)
    chunks = grid.chunks[:4]
    evaluate_chunk(grid, chunks[0])  # warm the catalogs and price data
    t0 = time.perf_counter()
    n = 0
    for c in chunks:
        n += len(evaluate_chunk(grid, c))
    vec = n / (time.perf_counter() - t0)
    # one Python call per cell: compare_all on the cell's own scenario (a sample of cells)
    cfg = [grid.configs[i] for c in chunks for i in c.configs]
    sample = [(c, v) for c in cfg[:6] for v in grid.tokens_per_day[::6]]
    t0 = time.perf_counter()
    for c, v in sample:
        s = scenario_from_preset(c.preset, **c.overrides())
        s = scenario_from_preset(c.preset, requests_per_day=v / (s.input_tokens + s.output_tokens),
                                 **c.overrides())
        compare_all(s)
    per_cell = len(sample) / (time.perf_counter() - t0)
    # the sweep's own code, one volume per call (configs prepared once, outside the timing)
    preps = [prepare_config(c) for c in cfg[:6]]
    t0 = time.perf_counter()
    m = 0
    for p in preps:
        for i, v in enumerate(grid.tokens_per_day):
            evaluate_cells(p, [v], first_cell=i)
            m += 1
    per_call = m / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for p in preps:
        evaluate_cells(p, grid.tokens_per_day, first_cell=0)
    vec_eval = m / (time.perf_counter() - t0)
    return [
        {"figure": "sweep cells/s, one process, vectorised (configs built once; 25 volumes "
                   "a config; no draws)", "target": "-", "measured": f"{vec:,.0f}", "ok": None},
        {"figure": "cells/s, one compare_all call per cell (aipolicy breakeven's path)",
         "target": "-", "measured": f"{per_cell:,.1f}", "ok": None},
        {"figure": "speed-up: vectorised sweep vs one compare_all call per cell",
         "target": ">= 50x", "measured": f"{vec / per_cell:,.0f}x", "ok": vec / per_cell >= 50},
        {"figure": "speed-up of the cell evaluation alone (configs prepared): all volumes in "
                   "one call vs one call per volume", "target": "-",
         "measured": f"{vec_eval / per_call:,.0f}x ({vec_eval:,.0f} vs {per_call:,.0f} "
                     "cells/s)", "ok": None},
    ]


def _warm() -> None:
    """Load what every chunk needs once per worker (a cold worker spends seconds on it)."""
    from aipolicy.sweep.evaluate import evaluate_cells, prepare_config
    from aipolicy.sweep.grid import grid_from_mapping

    g = grid_from_mapping({"axes": {"preset": ["midmarket"], "tokens_per_day": [1e6]}})
    evaluate_cells(prepare_config(g.configs[0]), [1e6], first_cell=0, draws=8)


def _dask_run(grid, workers: int, out: Path) -> tuple[float, list[int]]:
    import resource

    import dask
    from distributed import Client, LocalCluster

    from aipolicy.sweep.run import WORKER_CONFIG, run_sweep

    with dask.config.set(WORKER_CONFIG), LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        client.run(_warm)  # imports, catalogs and price data loaded before timing
        t0 = time.perf_counter()
        run_sweep(grid, out, scheduler=cluster.scheduler_address, quiet=True)
        seconds = time.perf_counter() - t0
        rss = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return seconds, sorted(int(v) // 1024 for v in rss.values())


def _plain_chunks(step: tuple[int, int, int]) -> float:
    """Evaluate chunks ``range(*step)`` of the scaling grid in this process (seconds)."""
    from aipolicy.sweep.evaluate import evaluate_chunk

    _warm()
    grid = _scaling_grid()
    t0 = time.perf_counter()
    for k in range(*step):
        evaluate_chunk(grid, grid.chunks[k])
    return time.perf_counter() - t0


def _scaling_grid():
    draws = 200 if QUICK else 1000
    return _grid(MODELS if not QUICK else MODELS[:3], SHAPES if not QUICK else SHAPES[:2], 4,
                 draws)


def _machine_scaling(chunks: int) -> float:
    """The same chunks in 1 plain process vs split over 2 (no Dask): what the machine gives."""
    import subprocess
    import sys

    def run(*steps: tuple[int, int, int]) -> float:
        procs = [subprocess.Popen([sys.executable, __file__, "plain", *map(str, step)],
                                  stdout=subprocess.PIPE, text=True) for step in steps]
        return max(float(p.communicate()[0].split()[-1]) for p in procs)

    return run((0, chunks, 1)) / run((0, chunks, 2), (1, chunks, 2))


def _scaling() -> list[dict]:
    grid = _scaling_grid()
    draws = grid.draws
    with tempfile.TemporaryDirectory() as tmp:
        t1, rss1 = _dask_run(grid, 1, Path(tmp) / "one")
        t2, rss2 = _dask_run(grid, 2, Path(tmp) / "two")
    chunks = len(grid.chunks)
    machine = _machine_scaling(chunks)
    per_chunk = t1 / chunks
    per_cell = t1 / grid.n_cells
    write = _write_time(grid)
    tag = " (quick)" if QUICK else ""
    big_cells, big_chunks = 1_000_000, -(-1_000_000 // grid.chunk_cells)
    return [
        {"figure": f"sweep of {grid.n_cells:,} cells x {draws:,} draws, 1 worker{tag}",
         "target": "-", "measured": f"{t1:.1f} s ({chunks} chunks, {per_chunk:.2f} s a chunk)",
         "ok": None},
        {"figure": f"same sweep, 2 workers{tag}", "target": "-", "measured": f"{t2:.1f} s",
         "ok": None},
        {"figure": f"scaling 1 -> 2 workers{tag}", "target": ">= 1.6x",
         "measured": f"{t1 / t2:.2f}x", "ok": (t1 / t2 >= 1.6) if not QUICK else None},
        {"figure": "the same chunks in 2 plain processes vs 1 (no Dask): what this machine "
                   "gives", "target": "-", "measured": f"{machine:.2f}x", "ok": None},
        {"figure": "peak resident memory per worker (MB)", "target": "-",
         "measured": f"1 worker: {rss1}; 2 workers: {rss2}", "ok": None},
        {"figure": "client time to write one chunk's Parquet file", "target": "-",
         "measured": f"{write * 1000:.0f} ms", "ok": None},
        {"figure": f"64 workers, extrapolated: {big_cells:,} cells x {draws:,} draws "
                   f"({big_chunks:,} chunks of {grid.chunk_cells})", "target": "-",
         "measured": f"~{big_cells * per_cell / 64 / 60:.1f} min of compute + start-up; the "
                     f"client writes {big_chunks:,} files at {write * 1000:.0f} ms "
                     f"(~{big_chunks * write / 60:.1f} min, overlapped)", "ok": None},
    ]


def _write_time(grid) -> float:
    from aipolicy.sweep.evaluate import evaluate_chunk
    from aipolicy.sweep.store import catalog_snapshot, write_chunk

    frame = evaluate_chunk(grid, grid.chunks[0])
    snap = catalog_snapshot()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        for _ in range(5):
            write_chunk(Path(tmp), grid, "bench", 0, frame, snap)
        return (time.perf_counter() - t0) / 5


def _hundred_thousand() -> list[dict]:
    from aipolicy.sweep.grid import grid_from_mapping

    per_decade = 8 if QUICK else 35  # 3 presets x 8 models x 2 GPUs x 2 SLOs x 5 shapes = 480
    grid = grid_from_mapping({
        "name": "benchmark-1e5", "draws": 0, "seed": 0, "chunk_cells": 2048,
        "axes": {"preset": ["startup", "midmarket", "financial"], "open_model": MODELS,
                 "gpu": ["h100-sxm", "h200"], "slo": ["preset", "none"], "shape": SHAPES,
                 "tokens_per_day": {"log_from": 1e4, "log_to": 1e10,
                                    "per_decade": per_decade}}})
    with tempfile.TemporaryDirectory() as tmp:
        seconds, rss = _dask_run(grid, 2, Path(tmp) / "big")
    return [{"figure": f"grid of {grid.n_cells:,} cells, no draws, 2 workers",
             "target": "-", "measured": f"{seconds:.1f} s ({grid.n_cells / seconds:,.0f} "
                                        f"cells/s; workers' peak RSS {rss} MB)", "ok": None}]


def run() -> list[dict]:
    return [*_vectorised_vs_per_cell(), *_scaling(), *_hundred_thousand()]


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["plain"]:  # a child of _machine_scaling: evaluate chunks, print seconds
        print(_plain_chunks(tuple(int(a) for a in sys.argv[2:5])))
    else:
        for row in run():
            print(row)
