"""Run report notebooks on a Dask cluster: ``aipolicy report --scheduler ADDR``.

One Dask task per notebook. On the **worker**, :func:`run_on_worker` executes the notebook with
papermill (:func:`aipolicy.report.execute.execute_notebook`, the notebook's own ``--timeout``
deadline and ``--cell-timeout``) into a worker-local temporary folder, reads the executed
``.ipynb`` and returns its bytes with the status; the folder is then deleted. The worker writes
nothing the client reads: it need not share the client's filesystem for outputs. On the
**client**, :class:`DaskSession` writes each executed notebook into the report's temporary
folder and renders its HTML there (:func:`aipolicy.report.execute.finish`, as a local worker
process would); the summary, index and atomic promotion are the runner's, unchanged.

What the workers need: the same aipolicy version (checked on connecting) from the same checkout
or installed package, with the notebooks at the **same absolute path** as on the client (a
notebook missing there fails with an error saying so), and the packages the notebooks import.
The client's ``AIPOLICY_CACHE_DIR`` and ``AIPOLICY_SAMPLE_DIR``, when set, are passed to the
notebooks' kernels (the same-paths assumption again); otherwise the workers' own apply.

Progress: workers send each notebook's state and cell events as Dask events on a topic of the
run; the client shows them and marks each notebook done. Interruption (Ctrl-C, SIGTERM, an
exception on the client) cancels the futures and kills the run's kernels on the workers
(:func:`stop_run`); the runner then deletes its temporary folder. A notebook still running
:data:`~aipolicy.report.workers.KILL_GRACE_S` after its deadline has its kernel killed, and is
abandoned (reported ``timeout``) after twice that.
"""

from __future__ import annotations

import contextlib
import os
import queue
import secrets
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from aipolicy import __version__
from aipolicy.cluster import CONNECT_TIMEOUT_S, connect, one_line
from aipolicy.errors import ReportError
from aipolicy.report.progress import Progress
from aipolicy.report.task import PATH_ENV, Task, default_lock_path
from aipolicy.report.workers import KILL_GRACE_S

#: Seconds the client waits for the workers to kill the kernels of an interrupted run.
STOP_TIMEOUT_S = 5.0
#: How often (seconds) the client looks at its futures and the events from the workers.
POLL_S = 0.3
TOPIC_PREFIX = "aipolicy-report-"

# Worker-side state (one per worker process): the kernels running for each run, and the runs
# cancelled by their client.
_KERNELS: dict[tuple[str, str], int] = {}
_CANCELLED: set[str] = set()
_LOCK = threading.Lock()


def _kill_group(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)  # kernels run in their own session


def stop_run(run_id: str, name: str | None = None) -> list[str]:
    """On a worker: kill the kernels of run ``run_id`` (only notebook ``name``'s if given).

    Without ``name`` the run is marked cancelled: a notebook of it that starts later on this
    worker does not run, and a kernel it starts is killed at once.

    Returns
    -------
    list of str
        The notebooks whose kernel was killed.
    """
    with _LOCK:
        if name is None:
            _CANCELLED.add(run_id)
        hits = [(key, pid) for key, pid in _KERNELS.items()
                if key[0] == run_id and (name is None or key[1] == name)]
    for _, pid in hits:
        _kill_group(pid)
    return [key[1] for key, _ in hits]


def _failed(task: Task, ename: str, evalue: str, where: str) -> dict[str, Any]:
    return {"name": task.name, "status": "failed", "duration_s": 0.0,
            "error": {"ename": ename, "evalue": evalue}, "ipynb": None, "worker": where}


def run_on_worker(task: Task, run_id: str, topic: str) -> dict[str, Any]:
    """On a Dask worker: execute ``task`` into a worker-local temporary folder.

    ``task.output_ipynb`` and ``task.output_html`` (the client's paths) are not used; the
    notebook is read from ``task.input_path``, which must exist on the worker.

    Parameters
    ----------
    task : Task
        The notebook, its parameters and limits.
    run_id : str
        The client's run (for :func:`stop_run`).
    topic : str
        Dask event topic the progress events go to.

    Returns
    -------
    dict
        ``name``, ``status`` (``ok``, ``failed`` or ``timeout``), ``duration_s``, ``error``,
        ``ipynb`` (the executed notebook's bytes, or None) and ``worker`` (its address).
    """
    from distributed import get_worker

    from aipolicy.report import execute

    worker = get_worker()
    where = str(worker.address)

    def send(event: dict[str, Any]) -> None:
        if event.get("event") == "kernel" and event.get("pid"):
            pid = int(event["pid"])
            with _LOCK:
                _KERNELS[(run_id, task.name)] = pid
                cancelled = run_id in _CANCELLED
            if cancelled:
                _kill_group(pid)
            return
        msg = {str(k): v for k, v in event.items() if isinstance(v, str | int | float | None)}
        with contextlib.suppress(Exception):
            worker.log_event(topic, msg)

    send({"name": task.name, "event": "started", "worker": where})
    with _LOCK:
        cancelled = run_id in _CANCELLED
    if cancelled:
        return _failed(task, "CancelledError", "the report run was interrupted", where)
    if not Path(task.input_path).is_file():
        return _failed(
            task, "FileNotFoundError",
            f"{task.input_path}: no such notebook on the Dask worker {where}; workers must run "
            "from the same checkout (or installed package) as the client, with the notebooks "
            "at the same absolute path",
            where,
        )
    tmp = Path(tempfile.mkdtemp(prefix=f"aipolicy-report-{task.name}-"))
    try:
        local = replace(task, output_ipynb=tmp / f"{task.name}.ipynb",
                        output_html=tmp / f"{task.name}.html", lock_path=str(default_lock_path()))
        status, error, duration = execute.execute_notebook(local, send)
        ipynb = local.output_ipynb.read_bytes() if local.output_ipynb.is_file() else None
    finally:
        with _LOCK:
            _KERNELS.pop((run_id, task.name), None)
        shutil.rmtree(tmp, ignore_errors=True)
    return {"name": task.name, "status": status, "duration_s": round(duration, 3),
            "error": error, "ipynb": ipynb, "worker": where}


def _quiet(func: Callable[[], object]) -> None:
    with contextlib.suppress(Exception):
        func()


def _run_with_timeout(func: Callable[[], object], timeout: float) -> None:
    """Call ``func()`` in a daemon thread, ignoring its errors; wait at most ``timeout`` s."""
    thread = threading.Thread(target=_quiet, args=(func,), name="aipolicy-dask-stop", daemon=True)
    thread.start()
    thread.join(timeout)


class DaskSession:
    """A client connected to a Dask scheduler whose workers run this aipolicy version.

    Use :meth:`connect`; close with :meth:`close` (or as a context manager).
    """

    def __init__(self, address: str, client: Any) -> None:
        self.address = address
        self.client = client

    @classmethod
    def connect(cls, address: str, timeout: float = CONNECT_TIMEOUT_S) -> DaskSession:
        """Connect to the scheduler at ``address`` and check its workers.

        Raises
        ------
        ReportError
            Unreachable or malformed address, no worker within ``timeout``, a worker that
            cannot import aipolicy or runs another version. The message names
            ``--scheduler`` and the address.
        """
        return cls(address, connect(address, ReportError, timeout=timeout,
                                    version=__version__))

    def close(self) -> None:
        """Disconnect from the scheduler (the cluster keeps running)."""
        with contextlib.suppress(Exception):
            self.client.close(timeout=STOP_TIMEOUT_S)

    def __enter__(self) -> DaskSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def execute_tasks(self, tasks: Sequence[Task], progress: Progress) -> dict[str, dict[str, Any]]:
        """Run ``tasks`` on the cluster; write each executed notebook and its HTML here.

        Parameters
        ----------
        tasks : sequence of Task
            The notebooks; their ``output_ipynb``/``output_html`` are the client's paths (in
            the report's temporary folder), written here once a notebook comes back.
        progress : Progress
            Shows each notebook's state, cells and outcome.

        Returns
        -------
        dict
            The result dict of each notebook by name, as
            :func:`aipolicy.report.workers.execute_tasks` returns (plus ``worker``, the
            address of the worker that ran it).

        Raises
        ------
        KeyboardInterrupt
            Interrupted: the futures are cancelled and the run's kernels killed first.
        """
        client = self.client
        run_id = secrets.token_hex(8)
        topic = f"{TOPIC_PREFIX}{run_id}"
        events: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
        client.subscribe_topic(topic, lambda event: events.put(event[1]))
        forwarded = {v: os.environ[v] for v in PATH_ENV if os.environ.get(v)}
        pending: dict[Any, Task] = {}
        results: dict[str, dict[str, Any]] = {}
        started: dict[str, float] = {}
        killed: set[str] = set()
        try:
            for task in tasks:
                remote = replace(task, env={**forwarded, **task.env})
                future = client.submit(run_on_worker, remote, run_id, topic, pure=False,
                                       key=f"{TOPIC_PREFIX}{task.name}-{run_id}")
                pending[future] = task
                progress.update(task.name, "submitted")
            while pending:
                self._drain(events, progress, started, results)
                for future in [f for f in pending if f.done()]:
                    task = pending.pop(future)
                    results[task.name] = self._collect(future, task, progress)
                now = time.monotonic()
                for future, task in list(pending.items()):
                    begun = started.get(task.name)
                    if not task.timeout or begun is None:
                        continue
                    over = now - (begun + task.timeout)
                    if over > 2 * KILL_GRACE_S:  # the worker does not answer: abandon it
                        del pending[future]
                        future.cancel()
                        results[task.name] = self._give_up(task, now - begun, progress)
                    elif over > KILL_GRACE_S and task.name not in killed:
                        killed.add(task.name)
                        _run_with_timeout(lambda n=task.name: client.run(stop_run, run_id, n),
                                          STOP_TIMEOUT_S)
        except BaseException:
            if pending:
                with contextlib.suppress(Exception):
                    client.cancel(list(pending), force=True)
                _run_with_timeout(lambda: client.run(stop_run, run_id), STOP_TIMEOUT_S)
            raise
        finally:
            with contextlib.suppress(Exception):
                client.unsubscribe_topic(topic)
        return results

    @staticmethod
    def _drain(events: queue.SimpleQueue[dict[str, Any]], progress: Progress,
               started: dict[str, float], results: dict[str, Any]) -> None:
        """Show the workers' events (waiting up to :data:`POLL_S` for the first)."""
        try:
            event = events.get(timeout=POLL_S)
        except queue.Empty:
            return
        while True:
            name = str(event.get("name", ""))
            kind = event.get("event")
            if name and name not in results:
                if kind == "started":
                    started[name] = time.monotonic()
                    progress.update(name, "on a worker")
                elif kind == "state":
                    progress.update(name, event.get("state"))
                elif kind == "cell":
                    progress.update(name, None, cell=event.get("index"), total=event.get("total"))
            try:
                event = events.get_nowait()
            except queue.Empty:
                return

    @staticmethod
    def _collect(future: Any, task: Task, progress: Progress) -> dict[str, Any]:
        """Write the executed notebook returned by ``future``, render it, mark it done."""
        from aipolicy.report import execute

        try:
            res = future.result()
        except Exception as exc:  # the task raised, its workers died (KilledWorker), ...
            res = {"status": "failed", "duration_s": 0.0, "ipynb": None, "worker": None,
                   "error": {"ename": type(exc).__name__,
                             "evalue": f"on the Dask cluster: {one_line(exc)}"}}
        if res.get("ipynb") is not None:
            task.output_ipynb.write_bytes(res["ipynb"])
            progress.update(task.name, "rendering")
        result = execute.finish(task, res["status"], res["error"], float(res["duration_s"]))
        result["worker"] = res.get("worker")
        _done(progress, result)
        return result

    @staticmethod
    def _give_up(task: Task, duration: float, progress: Progress) -> dict[str, Any]:
        result = {
            "name": task.name, "status": "timeout", "duration_s": round(duration, 3),
            "error": {"ename": "TimeoutError",
                      "evalue": f"notebook exceeded the time limit of {task.timeout:g} s "
                                "(--timeout) and its Dask worker did not stop it; abandoned"},
            "records": {}, "figures": {}, "html": False, "worker": None,
        }
        _done(progress, result)
        return result


def _done(progress: Progress, result: dict[str, Any]) -> None:
    err = result.get("error") or {}
    progress.done(result["name"], result["status"], result.get("duration_s"),
                  f"{err.get('ename', '')}: {err.get('evalue', '')}"[:200] if err else "")
