"""Execute one notebook with papermill in a worker process, then render its HTML.

The worker runs :func:`worker_main`, which calls :func:`run_task`: :func:`execute_notebook`
(papermill) then :func:`finish` (records, figures, HTML). A notebook run on a Dask worker
(``aipolicy report --scheduler``, :mod:`aipolicy.report.dask_runner`) takes the same two
steps, the first on the worker and the second on the client. Execution goes through papermill with a small engine
(:class:`ReportEngine`) whose client

- starts the kernel with this interpreter (``sys.executable -m ipykernel_launcher``), whatever
  ``python3`` kernelspec a user may have installed elsewhere;
- starts kernels one at a time across processes (a file lock held from choosing the ports to
  the kernel's first reply: jupyter_client picks free ports and the kernel binds them later, so
  concurrent starts can collide), retrying once if a kernel still dies during start-up;
- enforces a whole-notebook deadline (``--timeout``) and a per-cell limit
  (``--cell-timeout``): a cell may run until the earlier of the two; then the kernel is
  interrupted, the cell gets a ``TimeoutError`` output and papermill writes its error marker.
  A notebook that reached either limit is ``timeout`` whatever the kernel answered after the
  interrupt (a cell that swallows the interrupt cannot turn it into ``ok``);
- shuts kernels down immediately (nothing to flush in a batch run) and reports progress.

This module imports papermill, so the runner imports it only when notebooks must run.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import time
from collections.abc import Callable
from typing import Any

import papermill
from nbformat import v4 as nbf
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args
from traitlets import Any as AnyTrait
from traitlets import Bool, Dict, Float, Integer, Unicode

from aipolicy.record import read_records_and_figures
from aipolicy.report import kernels, lifeline, render
from aipolicy.report.kernels import KernelStartMixin
from aipolicy.report.task import KERNEL_ENV, Task

KERNEL_NAME = "python3"
ENGINE_NAME = "aipolicy-report"


class ReportClient(KernelStartMixin, PapermillNotebookClient):
    """Papermill's client with a locked kernel start, a whole-notebook deadline and events."""

    deadline = Float(None, allow_none=True, help="time.monotonic() deadline of the notebook")
    lock_path = Unicode("", help="file locked while a kernel starts")
    events = AnyTrait(None, allow_none=True, help="callable receiving progress dicts")
    timeout_limit = Float(None, allow_none=True, help="--timeout, for the error message")
    cell_limit = Float(None, allow_none=True, help="--cell-timeout: seconds one cell may run")
    timed_out = Bool(False)
    timed_out_by_cell = Bool(False)
    timed_out_cell = Integer(-1)
    kernel_env = Dict(help="environment variables set for the kernel (over this process's)")

    def __init__(self, nb_man: Any, **kw: Any) -> None:
        super().__init__(nb_man, **kw)
        if self.deadline is not None or self.cell_limit is not None:
            self.timeout_func = self._remaining
            self.interrupt_on_timeout = True
            self.error_on_timeout = {
                "ename": "TimeoutError",
                "evalue": self._timeout_message(),
                "traceback": [],
            }
        self.on_cell_start = self._on_cell_start

    def _timeout_message(self) -> str:
        if self.timed_out_by_cell and self.cell_limit is not None:
            return f"a cell exceeded the time limit of {self.cell_limit:g} s (--cell-timeout)"
        return f"notebook exceeded the time limit of {self.timeout_limit:g} s (--timeout)"

    def _emit(self, **event: Any) -> None:
        if self.events is not None:
            with contextlib.suppress(Exception):
                self.events(event)

    def _remaining(self, cell: Any) -> int:
        """Seconds ``cell`` may run: the per-cell limit or what is left of the notebook's."""
        left = math.inf if self.deadline is None else self.deadline - time.monotonic()
        per_cell = math.inf if self.cell_limit is None else self.cell_limit
        self.timed_out_by_cell = per_cell < left
        return max(1, math.ceil(min(left, per_cell)))

    def _on_cell_start(self, cell: Any, cell_index: int) -> None:
        self._emit(event="cell", index=cell_index, total=len(self.nb.cells))

    async def _async_handle_timeout(self, timeout: int, cell: Any = None) -> Any:
        if cell is not None:
            for i, c in enumerate(self.nb.cells):
                if c is cell:
                    self.timed_out_cell = i
        self.timed_out = True
        self.error_on_timeout = {**self.error_on_timeout, "evalue": self._timeout_message()}
        self._emit(event="timeout", message=self._timeout_message())
        return await super()._async_handle_timeout(timeout, cell)

    def papermill_execute_cells(self) -> None:  # noqa: D102
        super().papermill_execute_cells()
        if self.timed_out and 0 <= self.timed_out_cell < len(self.nb.cells):
            cell = self.nb.cells[self.timed_out_cell]
            outputs = cell.setdefault("outputs", [])
            if not any(o.get("ename") == "TimeoutError" for o in outputs):
                outputs.insert(
                    0,
                    nbf.new_output(
                        "error", ename="TimeoutError", evalue=self._timeout_message(), traceback=[]
                    ),
                )


class ReportEngine(NBClientEngine):
    """Papermill's nbclient engine, executing with :class:`ReportClient`."""

    @classmethod
    def execute_managed_notebook(  # noqa: D102
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: int = 60,
        execution_timeout: int | None = None,
        **kwargs: Any,
    ) -> Any:
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        return ReportClient(nb_man, **final_kwargs).execute()


papermill_engines.register(ENGINE_NAME, ReportEngine)


def execute_notebook(
    task: Task, send: Callable[[dict[str, Any]], None] | None = None
) -> tuple[str, dict[str, str] | None, float]:
    """Execute ``task`` with papermill into ``task.output_ipynb``; render nothing.

    The notebook's deadline (``task.timeout`` from now) and per-cell limit go to papermill;
    the kernel gets :data:`~aipolicy.report.task.KERNEL_ENV` and ``task.env``.

    Parameters
    ----------
    task : Task
        The notebook to run and where its executed copy goes.
    send : callable, optional
        Receives progress events (dicts with ``name`` and ``event``).

    Returns
    -------
    status : str
        ``ok``, ``failed`` or ``timeout`` (``partial`` is decided by :func:`finish`).
    error : dict or None
        ``{"ename", "evalue"}`` of a failure or timeout.
    duration : float
        Seconds the execution took.
    """
    emit = send or (lambda event: None)
    os.environ.update(KERNEL_ENV)  # the kernel inherits it: agg plots, no widgets
    start = time.monotonic()
    deadline = start + task.timeout if task.timeout else None
    status, error = "ok", None
    timeouts: list[str] = []

    def events(event: dict[str, Any]) -> None:
        if event.get("event") == "timeout":
            timeouts.append(str(event.get("message", "")))
        emit({"name": task.name, **event})

    try:
        papermill.execute_notebook(
            str(task.input_path),
            str(task.output_ipynb),
            parameters=task.parameters,
            engine_name=ENGINE_NAME,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            cwd=str(task.input_path.parent),
            start_timeout=60,
            deadline=deadline,
            timeout_limit=task.timeout,
            cell_limit=task.cell_timeout or None,
            lock_path=task.lock_path,
            kernel_env={**KERNEL_ENV, **task.env},
            events=events,
            shutdown_kernel="immediate",
        )
    except PapermillExecutionError as exc:
        status = "failed"
        error = {"ename": exc.ename, "evalue": str(exc.evalue)}
        if exc.ename == "TimeoutError" and not timeouts:
            timeouts.append(str(exc.evalue))
        where = f"; stopped in cell {exc.exec_count or exc.cell_index}"
    except Exception as exc:  # the kernel died, papermill refused the notebook, ...
        status = "failed"
        error = {"ename": type(exc).__name__, "evalue": str(exc)}
        where = ""
    else:
        where = ""
    if deadline is not None and time.monotonic() >= deadline and not timeouts:
        timeouts.append(f"notebook exceeded the time limit of {task.timeout:g} s (--timeout)")
    if timeouts:  # a limit was reached: never "ok", whatever the kernel did after the interrupt
        status = "timeout"
        error = {"ename": "TimeoutError", "evalue": timeouts[0] + where}
    kernels.KERNEL_PID = None  # papermill has shut the kernel down
    return status, error, time.monotonic() - start


def finish(
    task: Task,
    status: str,
    error: dict[str, str] | None,
    duration: float,
    send: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Read the records of ``task.output_ipynb``, render ``task.output_html``: the result dict.

    Used after :func:`execute_notebook`, in the worker process (:func:`run_task`) or, for a
    notebook run on a Dask worker, on the client once the executed notebook is written
    (:mod:`aipolicy.report.dask_runner`).

    Parameters
    ----------
    task : Task
        The notebook that ran; its executed copy is at ``task.output_ipynb`` (if any).
    status, error, duration
        What :func:`execute_notebook` returned.
    send : callable, optional
        Receives a ``rendering`` state event.

    Returns
    -------
    dict
        ``name``, ``status`` (``ok``, ``partial``, ``failed`` or ``timeout``), ``duration_s``,
        ``error`` (``{"ename", "evalue"}`` or None), ``records``, ``figures`` (label, unit and
        format of each headline record) and ``html`` (bool). A notebook that completed but
        recorded a non-empty ``skipped`` list is ``partial``.
    """
    emit = send or (lambda event: None)
    records: dict[str, Any] = {}
    figures: dict[str, Any] = {}
    html = False
    if task.output_ipynb.exists():
        emit({"name": task.name, "event": "state", "state": "rendering"})
        with contextlib.suppress(Exception):
            records, figures = read_records_and_figures(task.output_ipynb)
        status = completed_status(status, records)
        try:
            render.render_html(task.output_ipynb, task.output_html, no_input=task.no_input)
            html = True
        except Exception as exc:  # keep the executed notebook; say why there is no HTML
            if error is None:
                status = "failed"
                error = {"ename": type(exc).__name__, "evalue": f"rendering HTML failed: {exc}"}
    return {
        "name": task.name,
        "status": status,
        "duration_s": round(duration, 3),
        "error": error,
        "records": records,
        "figures": figures,
        "html": html,
    }


def run_task(task: Task, send: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Execute ``task`` with papermill, render its HTML, return the result as a dict.

    :func:`execute_notebook` then :func:`finish` (whose result dict this returns).
    """
    status, error, duration = execute_notebook(task, send)
    return finish(task, status, error, duration, send)


def completed_status(status: str, records: dict[str, Any]) -> str:
    """``partial`` for an ``ok`` notebook that recorded skipped analyses, else ``status``."""
    return "partial" if status == "ok" and records.get("skipped") else status


def _on_sigterm(signum: int, frame: Any) -> None:  # pragma: no cover - exercised via subprocess
    kernels.kill_kernel()
    os._exit(128 + signum)


def _runner_gone() -> None:  # pragma: no cover - exercised via subprocess
    kernels.kill_kernel()
    os._exit(137)


def worker_main(task: Task, conn: Any, runner_pid: int | None = None) -> None:
    """Entry point of a worker process: run ``task``, send events and the result on ``conn``.

    ``runner_pid`` is the runner's pid: the worker and its kernel exit when it is gone.
    """
    runner_pid = runner_pid or os.getppid()
    # The runner coordinates interruption: ignore the terminal's Ctrl-C (a Python-level no-op
    # handler, so kernels started from here still get default SIGINT handling), and on SIGTERM
    # kill the kernel and leave at once.
    signal.signal(signal.SIGINT, lambda signum, frame: None)
    signal.signal(signal.SIGTERM, _on_sigterm)
    # die with the runner, also on kill -9 of the runner (SIGTERM from the OS, and a watchdog)
    lifeline.guard_worker(runner_pid, _runner_gone)

    def send(event: dict[str, Any]) -> None:
        with contextlib.suppress(OSError, ValueError):
            conn.send(event)

    try:
        result = run_task(task, send)
        send({"event": "done", **result})
    finally:
        kernels.kill_kernel()
        with contextlib.suppress(OSError):
            conn.close()
