"""Run the report: plan, reuse, execute in worker processes, write the folder atomically.

Layout of a report folder::

    reports/2025-01-07/          (or --out DIR)
        01_build_vs_buy.ipynb    executed notebook (papermill; error marker when it failed)
        01_build_vs_buy.html     nbconvert HTML (code hidden with --no-input)
        ...
        summary.json             every recorded figure, status and duration, by notebook
        index.html               the page to open
        manifest.json            input hashes; written last: its presence marks a complete report
    reports/latest -> 2025-01-07 (updated atomically when the folder is under the reports dir)

Everything is written into a hidden sibling ``.tmp-<name>-<random>/`` and renamed into place at
the end; an existing folder of the same name is replaced (it must be an earlier report or
empty). An interrupted run (Ctrl-C, SIGTERM, an exception) stops the workers and their
kernels and deletes the temporary folder, so no complete-looking folder is left and
``latest`` is unchanged.

Workers are forked from this process on Linux after papermill, nbconvert and the HTML
exporter are loaded, so each notebook starts without paying those imports again (``spawn``
elsewhere). A worker that outlives its notebook's deadline by :data:`KILL_GRACE_S` is
killed, with its kernel.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import multiprocessing
import os
import secrets
import shutil
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aipolicy import __version__, config
from aipolicy.errors import ReportError
from aipolicy.marketdata.provenance import SOURCES as DATA_SOURCES
from aipolicy.report import fingerprint, index, notebooks, params
from aipolicy.report.progress import Progress
from aipolicy.report.task import Task

MANIFEST = "manifest.json"
SUMMARY = "summary.json"
INDEX = "index.html"
LATEST = "latest"
MANIFEST_FORMAT = 1
KILL_GRACE_S = 20.0
DEFAULT_TIMEOUT_S = 1800.0
DEFAULT_CELL_TIMEOUT_S = 600.0
OK_STATUSES = ("ok", "reused")


@dataclass
class ReportOptions:
    """What ``aipolicy report`` was asked to do (see :mod:`aipolicy.commands.report`)."""

    source: str | None = None
    data_dir: Path | None = None
    params_file: Path | None = None
    params: Mapping[str, Any] | None = None
    notebooks: Sequence[str] | None = None
    out: Path | None = None
    jobs: int | None = None
    timeout: float | None = DEFAULT_TIMEOUT_S
    cell_timeout: float | None = DEFAULT_CELL_TIMEOUT_S
    no_input: bool = False
    reuse: bool = False
    notebooks_dir: Path | None = None
    reports_dir: Path | None = None
    progress: bool = True


@dataclass
class ReportResult:
    """Outcome of a run: the folder written, its summary and the exit status."""

    folder: Path
    summary: dict[str, Any]
    exit_code: int
    statuses: dict[str, str] = field(default_factory=dict)


def notebooks_dir() -> Path:
    """The notebook folder, honouring ``AIPOLICY_NOTEBOOKS_DIR`` at call time."""
    return Path(os.environ.get("AIPOLICY_NOTEBOOKS_DIR", config.NOTEBOOKS_DIR))


def reports_dir() -> Path:
    """The reports folder, honouring ``AIPOLICY_REPORTS_DIR`` at call time."""
    return Path(os.environ.get("AIPOLICY_REPORTS_DIR", config.REPORTS_DIR))


def default_jobs() -> int:
    """CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a complete report folder, or None."""
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not data.get("complete"):
        return None
    return data


def _check_replaceable(final: Path) -> None:
    if final.is_symlink() or (final.exists() and not final.is_dir()):
        raise ReportError(f"--out {final}: exists and is not a folder")
    if final.is_dir() and any(final.iterdir()) and not (final / MANIFEST).exists():
        raise ReportError(
            f"--out {final}: refusing to replace a folder that is not an aipolicy report "
            f"(no {MANIFEST}); choose an empty or new folder"
        )


def _mp_context() -> Any:
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
    from aipolicy.record import read_records
    from aipolicy.report import render

    records: dict[str, Any] = {}
    html = False
    if task.output_ipynb.exists():
        with contextlib.suppress(Exception):
            records = read_records(task.output_ipynb)
        with contextlib.suppress(Exception):
            render.render_html(task.output_ipynb, task.output_html, no_input=task.no_input)
            html = True
    return {"name": task.name, "status": status, "duration_s": round(duration, 3),
            "error": error, "records": records, "html": html}


def execute_tasks(tasks: Sequence[Any], jobs: int, progress: Progress) -> dict[str, dict[str, Any]]:
    """Run ``tasks`` (:class:`aipolicy.report.execute.Task`) in up to ``jobs`` worker processes."""
    from multiprocessing.connection import wait

    from aipolicy.report import execute, render

    ctx = _mp_context()
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
                    target=execute.worker_main, args=(task, writer),
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


class _Terminated(KeyboardInterrupt):
    """SIGTERM received: handled like Ctrl-C."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Terminated(f"signal {signum}")


def _update_latest(root: Path, final: Path) -> None:
    link = root / LATEST
    tmp_link = root / f".{LATEST}-{secrets.token_hex(4)}"
    try:
        os.symlink(final.name, tmp_link, target_is_directory=True)
        os.replace(tmp_link, link)
    except OSError as exc:  # e.g. no symlinks on this filesystem, or 'latest' is a real folder
        with contextlib.suppress(OSError):
            tmp_link.unlink()
        print(f"aipolicy report: warning: could not update {link}: {exc}", file=sys.stderr)


def _promote(tmp: Path, final: Path) -> None:
    if final.exists():
        trash = final.parent / f".old-{final.name}-{secrets.token_hex(4)}"
        os.rename(final, trash)
        try:
            os.rename(tmp, final)
        except OSError:
            os.rename(trash, final)
            raise
        shutil.rmtree(trash, ignore_errors=True)
    else:
        os.rename(tmp, final)


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n", encoding="utf-8")


def run_report(opts: ReportOptions) -> ReportResult:
    """Run the report described by ``opts``; see the module docstring.

    Raises
    ------
    ReportError
        Bad options or params file, unknown notebook, no notebooks, unusable output folder.
    KeyboardInterrupt
        Interrupted (Ctrl-C or SIGTERM); nothing complete-looking was left behind.
    """
    wall0 = time.monotonic()
    started_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    nb_dir = Path(opts.notebooks_dir or notebooks_dir())
    root = Path(opts.reports_dir or reports_dir())
    if opts.source is not None and opts.source not in DATA_SOURCES:
        raise ReportError(f"--source: {opts.source!r} is not one of {list(DATA_SOURCES)}")
    if opts.jobs is not None and opts.jobs < 1:
        raise ReportError(f"--jobs: {opts.jobs} must be at least 1")
    if opts.timeout is not None and opts.timeout < 0:
        raise ReportError(f"--timeout: {opts.timeout} must be positive (0 means no limit)")
    if opts.cell_timeout is not None and opts.cell_timeout < 0:
        raise ReportError(
            f"--cell-timeout: {opts.cell_timeout} must be positive (0 means no limit)")
    if opts.data_dir is not None and not Path(opts.data_dir).is_dir():
        raise ReportError(f"--data-dir {opts.data_dir}: no such folder")

    paths = notebooks.discover(nb_dir)
    if not paths:
        raise ReportError(f"no notebooks (NN_name.ipynb) in {nb_dir}")
    available = [p.stem for p in paths]
    selected = notebooks.select(opts.notebooks, available)
    infos = {p.stem: notebooks.load(p) for p in paths}
    origin = f"--params {opts.params_file}" if opts.params_file else "--params"
    doc: Mapping[str, Any] = {}
    if opts.params_file is not None:
        doc = params.load_params_file(Path(opts.params_file))
    elif opts.params is not None:
        doc = opts.params
    globals_, sections = params.split_sections(doc, available, origin)
    injected = params.resolve(infos, selected, globals_, sections, source=opts.source,
                              data_dir=opts.data_dir, origin=origin)
    render_options = {"no_input": bool(opts.no_input)}
    hashes: dict[str, str | None] = {}
    data_sources: dict[str, str | None] = {}
    for name in selected:
        info = infos[name]
        eff = params.effective(info, injected[name])
        data_sources[name] = str(eff.get("data_source")) if info.is_market else None
        if info.is_market and eff.get("data_source") == "csv" and not eff.get("data_dir"):
            # refuse before any kernel starts rather than fail every market notebook
            raise ReportError(
                f"{name}: data_source 'csv' needs a folder of TICKER.csv files: pass "
                f"--data-dir DIR (or data_dir in {origin})"
            )
        data_fp = fingerprint.data_fingerprint(eff, info.is_market)
        hashes[name] = fingerprint.input_hash(info.content, eff, data_fp, render_options)

    final = Path(opts.out) if opts.out else root / started_at.strftime("%Y-%m-%d")
    final = final.expanduser().absolute()
    _check_replaceable(final)
    previous: tuple[Path, dict[str, Any]] | None = None
    if opts.reuse:
        for candidate in (final, root / LATEST):
            manifest = read_manifest(candidate)
            if manifest is not None:
                previous = (candidate.resolve(), manifest)
                break
    jobs = opts.jobs or default_jobs()
    timeout = float(opts.timeout) if opts.timeout else None
    cell_timeout = float(opts.cell_timeout) if opts.cell_timeout else None

    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".tmp-{final.name}-{secrets.token_hex(4)}"
    tmp.mkdir()
    progress = Progress(selected, enabled=opts.progress)
    old_handler = None
    if threading.current_thread() is threading.main_thread():
        old_handler = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        entries: dict[str, dict[str, Any]] = {}
        to_run = []
        for name in selected:
            reused = _try_reuse(name, hashes[name], previous, tmp)
            if reused is not None:
                entries[name] = reused
                progress.done(name, "reused", reused.get("duration_s"))
                continue
            to_run.append(Task(
                name=name, input_path=infos[name].path,
                output_ipynb=tmp / f"{name}.ipynb", output_html=tmp / f"{name}.html",
                parameters=injected[name], timeout=timeout, cell_timeout=cell_timeout,
                no_input=bool(opts.no_input),
            ))
        if to_run:
            results = execute_tasks(to_run, min(jobs, len(to_run)), progress)
            for task in to_run:
                res = results[task.name]
                entries[task.name] = {
                    "status": res["status"],
                    "duration_s": res["duration_s"],
                    "error": res["error"],
                    "records": res["records"],
                    "html": f"{task.name}.html" if res["html"] else None,
                    "ipynb": f"{task.name}.ipynb" if task.output_ipynb.exists() else None,
                }
        progress.close()
        notebooks_summary: dict[str, Any] = {}
        for name in selected:
            entry = {"status": entries[name]["status"]}
            entry.update(entries[name])
            entry["parameters"] = injected[name]
            entry["data_source"] = data_sources[name]
            notebooks_summary[name] = entry
        summary = {
            "title": index.TITLE,
            "generated_at": started_at.isoformat().replace("+00:00", "Z"),
            "generated_at_text": started_at.strftime("%Y-%m-%d %H:%M UTC"),
            "wall_time_s": round(time.monotonic() - wall0, 3),
            "aipolicy_version": __version__,
            "source": opts.source,
            "data": [{"source": s, "as_of": a} for s, a in index.data_lines({"notebooks": notebooks_summary})],
            "notebooks": notebooks_summary,
        }
        summary["synthetic"] = index.is_synthetic(summary)
        _write_json(tmp / SUMMARY, summary)
        (tmp / INDEX).write_text(index.render_index(summary), encoding="utf-8")
        manifest = {
            "format": MANIFEST_FORMAT,
            "complete": True,
            "generated_at": summary["generated_at"],
            "aipolicy_version": __version__,
            "package_fingerprint": fingerprint.package_fingerprint(),
            "options": {"source": opts.source, "data_dir": str(opts.data_dir) if opts.data_dir else None,
                        "no_input": bool(opts.no_input), "timeout": timeout,
                        "cell_timeout": cell_timeout,
                        "notebooks": list(selected)},
            "notebooks": {
                name: {
                    "input_hash": hashes[name],
                    "status": notebooks_summary[name]["status"],
                    "duration_s": notebooks_summary[name]["duration_s"],
                    "files": [f for f in (notebooks_summary[name].get("ipynb"),
                                          notebooks_summary[name].get("html")) if f],
                }
                for name in selected
            },
        }
        _write_json(tmp / MANIFEST, manifest)  # last: marks the folder complete
        _promote(tmp, final)
    except BaseException:
        progress.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if old_handler is not None:
            signal.signal(signal.SIGTERM, old_handler)
    if final.parent.resolve() == root.resolve():
        _update_latest(root, final)
    statuses = {n: e["status"] for n, e in notebooks_summary.items()}
    code = 0 if all(s in OK_STATUSES for s in statuses.values()) else 1
    return ReportResult(folder=final, summary=summary, exit_code=code, statuses=statuses)


def _try_reuse(
    name: str, input_hash: str | None, previous: tuple[Path, dict[str, Any]] | None, tmp: Path
) -> dict[str, Any] | None:
    """Copy a notebook's outputs from the previous report when its inputs are unchanged."""
    if previous is None or input_hash is None:
        return None
    folder, manifest = previous
    old = (manifest.get("notebooks") or {}).get(name) or {}
    if old.get("input_hash") != input_hash or old.get("status") not in OK_STATUSES:
        return None
    files = old.get("files") or []
    if f"{name}.ipynb" not in files or not all((folder / f).is_file() for f in files):
        return None
    for f in files:
        shutil.copy2(folder / f, tmp / f)
    try:
        old_summary = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
        old_entry = old_summary["notebooks"][name]
        records = old_entry.get("records") or {}
        reused_from = old_entry.get("reused_from") or folder.name
    except (OSError, ValueError, KeyError, TypeError):
        from aipolicy.record import read_records

        records = read_records(tmp / f"{name}.ipynb")
        reused_from = folder.name
    return {
        "status": "reused",
        "duration_s": old.get("duration_s"),
        "error": None,
        "records": records,
        "html": f"{name}.html" if f"{name}.html" in files else None,
        "ipynb": f"{name}.ipynb",
        "reused_from": reused_from,
    }
