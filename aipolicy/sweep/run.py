"""Run a sweep: chunks evaluated on Dask workers, written by the client as they arrive.

The engine is ``dask.distributed``: a :class:`~distributed.LocalCluster` of ``workers``
single-threaded processes by default, or an existing cluster at ``scheduler`` (any deployment
Dask supports: SSH, Kubernetes, Slurm via dask-jobqueue). Each chunk is one task; its result
(a frame of a few hundred rows) travels back to the client, which writes the chunk's Parquet
file atomically, so workers need no shared filesystem and the dataset never holds a partial
or duplicate chunk. A worker that dies mid-chunk has its task re-run by Dask elsewhere (up
to ``distributed.scheduler.allowed-failures`` times). Ctrl-C cancels what is still running and
leaves only whole chunks; the same command resumes.

``workers=0`` evaluates the chunks one after another in this process, without Dask (used by
notebook 07 for its small default grid; results are identical).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from aipolicy.cluster import connect
from aipolicy.errors import AipolicyError, InvalidInputError
from aipolicy.sweep.evaluate import evaluate_chunk
from aipolicy.sweep.grid import Grid
from aipolicy.sweep.store import (
    catalog_id,
    catalog_snapshot,
    done_chunks,
    write_chunk,
    write_manifest,
)

__all__ = ["SweepInterrupted", "SweepResult", "chunk_task", "evaluate_grid", "run_sweep"]

#: Dask settings of the LocalCluster's workers. Dask's statistical profiler samples every
#: worker thread's stack every 10 ms, and its event loop and monitors wake every 20-500 ms; for
#: chunks of
#: small NumPy and pandas operations that holds the GIL enough to slow each chunk by about
#: 1.6x (measured: 12 chunks in 14.9 s on a worker vs 9.4 s in-process; 11.7 s with these).
#: Workers of an existing cluster take their own settings (see docs/decision-map.md).
WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.tick.interval": "1s",
}


@dataclass(frozen=True)
class SweepResult:
    """What a run did: chunks written now, chunks found done, wall time (s), where."""

    out: Path
    fingerprint: str
    chunks: int
    written: int
    skipped: int
    cells: int
    seconds: float
    engine: str


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a sweep: ``kept`` of ``chunks`` chunks (``kept_cells`` of ``cells``
    cells) are whole in ``out``; the same command resumes."""

    def __init__(self, out: Path, kept: int, chunks: int, kept_cells: int, cells: int) -> None:
        super().__init__(out, kept, chunks)
        self.out, self.kept, self.chunks = out, kept, chunks
        self.kept_cells, self.cells = kept_cells, cells


def chunk_task(grid: Grid, index: int) -> tuple[int, pd.DataFrame, dict[str, Any]]:
    """One Dask task: evaluate chunk ``index``; return it with the worker's catalog snapshot
    (on the grid's valuation date)."""
    return index, evaluate_chunk(grid, grid.chunks[index]), catalog_snapshot(grid.as_of)


def evaluate_grid(grid: Grid) -> pd.DataFrame:
    """Every cell of the grid, evaluated serially in this process (cell order)."""
    return pd.concat([evaluate_chunk(grid, c) for c in grid.chunks], ignore_index=True)


def _progress(total: int, initial: int, quiet: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="chunk", desc="sweep", file=sys.stderr,
                disable=quiet, dynamic_ncols=True)


def _client(workers: int | None, scheduler: str | None) -> tuple[Any, Any, str]:
    """A Dask client: of a new LocalCluster, or of the scheduler at ``scheduler``."""
    from distributed import Client, LocalCluster

    if scheduler:
        return connect(scheduler, InvalidInputError, set_as_default=True), None, f"Dask cluster at {scheduler}"
    import dask

    n = workers or os.cpu_count() or 1
    with dask.config.set(WORKER_CONFIG), _workers_ignore_sigint():
        # the nannies hand this config to their workers
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               dashboard_address=":0")
    client = Client(cluster)
    client.run(_quiet_cancellations)
    return client, cluster, f"Dask LocalCluster of {n} worker process(es)"


def _quiet_cancellations() -> None:
    """On a local worker: no warning per task cancelled by Ctrl-C (the client prints one line
    for the whole sweep)."""
    import logging

    logging.getLogger("distributed.worker.state_machine").setLevel(logging.ERROR)


def _silence_logs() -> None:
    """On a local worker being stopped after Ctrl-C: no log lines at all (the client prints
    one line saying what was kept)."""
    import logging

    logging.getLogger("distributed").setLevel(logging.CRITICAL)


@contextlib.contextmanager
def _workers_ignore_sigint() -> Any:
    """Worker processes started inside inherit an ignored SIGINT, so Ctrl-C at a terminal
    reaches this process alone, which stops them (instead of a traceback from each)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


@contextlib.contextmanager
def _quiet_teardown(interrupted: bool) -> Any:
    """While a cluster stops after Ctrl-C: no log lines about cancelled tasks and workers
    killed mid-chunk (the one-line summary says what was kept)."""
    import logging

    log = logging.getLogger("distributed")
    level = log.level
    if interrupted:
        log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        log.setLevel(level)


def run_sweep(grid: Grid, out: str | Path, *, workers: int | None = None,
              scheduler: str | None = None, quiet: bool = False,
              on_chunk: Callable[[int], None] | None = None) -> SweepResult:
    """Evaluate the grid's missing chunks and write them into ``out``.

    Parameters
    ----------
    grid : Grid
    out : path
        The dataset folder (new, empty, or a sweep of this same grid to resume).
    workers : int, optional
        Worker processes of the LocalCluster (default: one per CPU); ``0`` runs in this
        process without Dask.
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``); excludes ``workers``.
    on_chunk : callable, optional
        Called with each chunk's index once its file is in place.

    Raises
    ------
    InvalidInputError
        ``out`` holds another sweep, ``scheduler`` does not answer or runs another aipolicy.
    """
    if workers is not None and scheduler:
        raise InvalidInputError("--workers and --scheduler: give one (the cluster at "
                                "--scheduler has its own workers)", field="workers")
    if workers is not None and workers < 0:
        raise InvalidInputError(f"--workers must be >= 0, got {workers}", field="workers",
                                value=workers)
    start = time.monotonic()
    out = Path(out)
    snap = catalog_snapshot(grid.as_of)
    fingerprint = grid.fingerprint(catalog_id(snap))
    created = not out.exists()
    write_manifest(out, grid, fingerprint, snap)
    done = done_chunks(out, grid, fingerprint)
    todo = [c.index for c in grid.chunks if c.index not in done]
    bar = _progress(len(grid.chunks), len(done), quiet)
    written: list[int] = []  # chunks whose file is in place

    def store(index: int, frame: pd.DataFrame, worker_snap: dict[str, Any]) -> None:
        if catalog_id(worker_snap) != catalog_id(snap):
            raise InvalidInputError(
                f"a worker prices with other data ({worker_snap.get('price_data')}, catalog "
                f"{worker_snap.get('catalog_sha256')}) than this client "
                f"({snap['price_data']}, catalog {snap['catalog_sha256']}); install the same "
                "aipolicy and price data on every worker", field="scheduler")
        write_chunk(out, grid, fingerprint, index, frame, snap)
        written.append(index)
        bar.update(1)
        if on_chunk is not None:
            on_chunk(index)

    engine = "this process"
    try:
        if todo and workers == 0:
            for index in todo:
                store(*chunk_task(grid, index))
        elif todo:
            engine = _run_dask(grid, todo, store, workers, scheduler, fingerprint)
    except KeyboardInterrupt:
        kept = done | set(written)
        raise SweepInterrupted(out, len(kept), len(grid.chunks),
                               sum(grid.chunks[i].n_cells for i in kept), grid.n_cells) from None
    except AipolicyError:
        if created and not written:  # e.g. an unreachable --scheduler: leave no empty sweep
            shutil.rmtree(out, ignore_errors=True)
        raise
    finally:
        bar.close()
    return SweepResult(out=out, fingerprint=fingerprint, chunks=len(grid.chunks),
                       written=len(todo), skipped=len(done), cells=grid.n_cells,
                       seconds=time.monotonic() - start, engine=engine)


def _run_dask(grid: Grid, todo: list[int], store: Callable[..., None], workers: int | None,
              scheduler: str | None, fingerprint: str) -> str:
    from distributed import as_completed

    client, cluster, engine = _client(workers, scheduler)
    futures: list[Any] = []
    interrupted = False
    try:
        grid_f = client.scatter(grid, broadcast=True)
        futures = [client.submit(chunk_task, grid_f, i, key=f"aipolicy-sweep-{fingerprint}-{i}",
                                 pure=False) for i in todo]
        for fut in as_completed(futures):
            store(*fut.result())
            fut.release()
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        with _quiet_teardown(interrupted):
            if interrupted and cluster is not None:  # our own workers: no heartbeat errors
                with contextlib.suppress(Exception):  # when the scheduler stops before them
                    client.run(_silence_logs)
            with contextlib.suppress(Exception):
                client.cancel(futures)
            with contextlib.suppress(Exception):
                client.close()
            if cluster is not None:
                with contextlib.suppress(Exception):
                    cluster.close()
    return engine
