"""Run report tasks in worker processes: one notebook per worker, its kernel killed with it.

Workers are forked from the runner on Linux after papermill, nbconvert and the HTML exporter are
loaded, so each notebook starts without paying those imports again (``spawn`` elsewhere). A
worker that outlives its notebook's deadline by :data:`KILL_GRACE_S` is killed, with its kernel.
Workers and kernels also end by themselves when the runner dies, even by ``kill -9``
(:mod:`aipolicy.report.lifeline`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aipolicy.report.progress import Progress

KILL_GRACE_S = 20.0


def mp_context() -> Any:
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@dataclass
class _Running:
    task: Any
    proc: Any
    conn: Any
    started: float
    kernel_pid: int | None = None
    result: dict[str, Any] | None = None


def _drain(run: _Running, progress: Progress) -> None:
    with contextlib.suppress(EOFError, OSError):
        while run.conn.poll():
            msg = run.conn.recv()
            kind = msg.get("event")
            if kind == "done":
                run.result = {k: v for k, v in msg.items() if k != "event"}
            elif kind == "kernel":
                run.kernel_pid = msg.get("pid")
            elif kind == "cell":
                progress.update(run.task.name, None, cell=msg.get("index"), total=msg.get("total"))
            elif kind == "state":
                progress.update(run.task.name, msg.get("state"))


def _kill_group(pid: int | None) -> None:
    if pid:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)


def _stop(run: _Running) -> None:
    """Stop a worker (it kills its kernel on SIGTERM), then make sure the kernel is gone."""
    if run.proc.is_alive():
        run.proc.terminate()
        run.proc.join(5)
        if run.proc.is_alive():
            run.proc.kill()
            run.proc.join(5)
    _kill_group(run.kernel_pid)
    with contextlib.suppress(OSError):
        run.conn.close()


def _salvage(task: Any, status: str, error: dict[str, str], duration: float) -> dict[str, Any]:
    """Result for a worker that was killed or died: keep what it wrote, render it if possible."""
    from aipolicy.record import read_records_and_figures
    from aipolicy.report import render

    records: dict[str, Any] = {}
    figures: dict[str, Any] = {}
    html = False
    if task.output_ipynb.exists():
        with contextlib.suppress(Exception):
            records, figures = read_records_and_figures(task.output_ipynb)
        with contextlib.suppress(Exception):
            render.render_html(task.output_ipynb, task.output_html, no_input=task.no_input)
            html = True
    return {"name": task.name, "status": status, "duration_s": round(duration, 3),
            "error": error, "records": records, "figures": figures, "html": html}


def execute_tasks(tasks: Sequence[Any], jobs: int, progress: Progress) -> dict[str, dict[str, Any]]:
    """Run ``tasks`` (:class:`aipolicy.report.execute.Task`) in up to ``jobs`` worker processes."""
    from multiprocessing.connection import wait

    from aipolicy.report import execute, render

    ctx = mp_context()
    if ctx.get_start_method() == "fork" and tasks:
        render.warm_up(tasks[0].no_input)  # forked workers inherit the loaded exporter
    pending = deque(tasks)
    running: dict[str, _Running] = {}
    results: dict[str, dict[str, Any]] = {}
    try:
        while pending or running:
            while pending and len(running) < jobs:
                task = pending.popleft()
                reader, writer = ctx.Pipe(duplex=False)
                proc = ctx.Process(
                    target=execute.worker_main, args=(task, writer, os.getpid()),
                    name=f"aipolicy-report-{task.name}", daemon=True,
                )
                proc.start()
                writer.close()
                running[task.name] = _Running(task, proc, reader, time.monotonic())
                progress.update(task.name, "starting")
            handles = [r.conn for r in running.values()] + [r.proc.sentinel for r in running.values()]
            wait(handles, timeout=0.5)
            now = time.monotonic()
            for name, run in list(running.items()):
                _drain(run, progress)
                if not run.proc.is_alive():
                    run.proc.join()
                    _drain(run, progress)
                    result = run.result or _salvage(
                        run.task, "failed",
                        {"ename": "WorkerDied",
                         "evalue": f"the worker process exited with code {run.proc.exitcode} "
                                   "before reporting a result"},
                        now - run.started,
                    )
                    _stop(run)
                elif run.task.timeout and now > run.started + run.task.timeout + KILL_GRACE_S:
                    _stop(run)
                    result = _salvage(
                        run.task, "timeout",
                        {"ename": "TimeoutError",
                         "evalue": f"notebook exceeded the time limit of {run.task.timeout:g} s "
                                   "(--timeout) and did not stop when interrupted; killed"},
                        now - run.started,
                    )
                else:
                    continue
                del running[name]
                results[name] = result
                err = result.get("error") or {}
                progress.done(name, result["status"], result.get("duration_s"),
                              f"{err.get('ename', '')}: {err.get('evalue', '')}"[:200] if err else "")
    except BaseException:
        for run in running.values():
            _stop(run)
        raise
    return results
