"""Run the report: plan, reuse, execute in worker processes, write the folder atomically.

:func:`run_report` takes three steps, one module each:

1. **plan** (:mod:`aipolicy.report.plan`): check the options, choose the notebooks, resolve
   their parameters and input hashes, pick the output folder; no kernel starts for a run that
   cannot succeed;
2. **execute** (:mod:`aipolicy.report.workers`): reuse unchanged notebooks, run the others
   with papermill in worker processes, several at once, or with ``--scheduler ADDR`` on the
   workers of a Dask cluster (:mod:`aipolicy.report.dask_runner`: papermill on the worker, the
   executed notebook sent back, its HTML rendered here);
3. **write** (:mod:`aipolicy.report.folder`): ``summary.json``, ``index.html``,
   ``manifest.json`` and, last, the ownership marker listing the files written, into a hidden
   sibling ``.tmp-<name>-<pid>-<random>/``, renamed into place at the end: a new
   ``reports/<UTC time>-<random>/`` per run, or ``--out DIR`` (replaced only when the runner
   wrote it). ``latest`` then points at the run only if it ran every notebook of the
   collection (not a ``--notebooks`` subset) and each ran ok (or was reused);
   ``reports/index.html``, the list of runs, is rewritten either way (see
   :mod:`aipolicy.report.folder` for the layout).

An interrupted run (Ctrl-C, SIGTERM, an exception) stops the workers and their kernels and
deletes the temporary folder, so no complete-looking folder is left and ``latest`` is unchanged.
A runner killed outright (``kill -9``) takes its workers and kernels with it
(:mod:`aipolicy.report.lifeline`); its temporary folder is removed by the next run.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aipolicy import __version__
from aipolicy.errors import ReportError
from aipolicy.report import fingerprint, index
from aipolicy.report.folder import (
    INDEX,
    MANIFEST,
    MANIFEST_FORMAT,
    OK_STATUSES,
    RUNS_INDEX,
    SUMMARY,
    clean_stale,
    copy_outputs,
    files_in,
    make_tmp,
    promote,
    promote_new,
    read_manifest,
    remove_owned,
    run_name,
    try_reuse,
    update_latest,
    write_json,
    write_marker,
    write_runs_index,
)
from aipolicy.report.plan import (
    DEFAULT_CELL_TIMEOUT_S,
    DEFAULT_TIMEOUT_S,
    ReportOptions,
    ReportPlan,
    default_jobs,
    notebooks_dir,
    plan_report,
    reports_dir,
)
from aipolicy.report.progress import Progress
from aipolicy.report.task import PATH_ENV, Task
from aipolicy.report.workers import execute_tasks

if TYPE_CHECKING:
    from aipolicy.report.dask_runner import DaskSession

__all__ = [
    "DEFAULT_CELL_TIMEOUT_S",
    "DEFAULT_TIMEOUT_S",
    "ReportOptions",
    "ReportResult",
    "default_jobs",
    "notebooks_dir",
    "read_manifest",
    "reports_dir",
    "run_report",
]


@dataclass
class ReportResult:
    """Outcome of a run: the folder written, its summary and the exit status."""

    folder: Path
    summary: dict[str, Any]
    exit_code: int
    statuses: dict[str, str] = field(default_factory=dict)
    latest_moved: bool = False
    runs_index: Path | None = None
    #: Notebooks in the collection; fewer ran (``--notebooks``): ``latest`` is not moved.
    collection_size: int = 0

    @property
    def subset(self) -> bool:
        """True when only some notebooks of the collection ran."""
        return len(self.statuses) < self.collection_size


class _Terminated(KeyboardInterrupt):
    """SIGTERM received: handled like Ctrl-C."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Terminated(f"signal {signum}")


def _copied(name: str, copy_from: Mapping[str, tuple[Path, str]] | None,
            tmp: Path) -> dict[str, Any] | None:
    """The notebook's entry copied from the report ``copy_from`` names for it, if it ran ok."""
    if not copy_from or name not in copy_from:
        return None
    folder, label = copy_from[name]
    old = ((read_manifest(folder) or {}).get("notebooks") or {}).get(name) or {}
    if old.get("status") not in OK_STATUSES:
        return None
    return copy_outputs(name, folder, old, tmp, reused_from=label)


def _execute(plan: ReportPlan, tmp: Path, progress: Progress,
             session: DaskSession | None = None,
             copy_from: Mapping[str, tuple[Path, str]] | None = None
             ) -> dict[str, dict[str, Any]]:
    """Reuse, copy (``copy_from``) or run every selected notebook into ``tmp``; return its
    summary entry by name.

    Notebooks run in local worker processes, or on the Dask cluster of ``session``.
    """
    entries: dict[str, dict[str, Any]] = {}
    to_run = []
    for name in plan.selected:
        reused = (_copied(name, copy_from, tmp)
                  or try_reuse(name, plan.hashes[name], plan.previous, tmp))
        if reused is not None:
            entries[name] = reused
            progress.done(name, "reused", reused.get("duration_s"))
            continue
        to_run.append(Task(
            name=name, input_path=plan.infos[name].path,
            output_ipynb=tmp / f"{name}.ipynb", output_html=tmp / f"{name}.html",
            parameters=plan.injected[name], timeout=plan.timeout,
            cell_timeout=plan.cell_timeout, no_input=bool(plan.options.get("no_input")),
        ))
    if to_run:
        if session is not None:
            results = session.execute_tasks(to_run, progress)
        else:
            results = execute_tasks(to_run, min(plan.jobs, len(to_run)), progress)
        for task in to_run:
            res = results[task.name]
            entries[task.name] = {
                "status": res["status"],
                "duration_s": res["duration_s"],
                "error": res["error"],
                "records": res["records"],
                "figures": res.get("figures") or {},
                "html": f"{task.name}.html" if res["html"] else None,
                "ipynb": f"{task.name}.ipynb" if task.output_ipynb.exists() else None,
            }
            if res.get("worker"):
                entries[task.name]["worker"] = res["worker"]
    return entries


def build_summary(plan: ReportPlan, entries: dict[str, dict[str, Any]],
                  wall_time_s: float) -> dict[str, Any]:
    """``summary.json``: run metadata and, per notebook, status, records and parameters."""
    notebooks_summary: dict[str, Any] = {}
    for name in plan.selected:
        entry = {"status": entries[name]["status"]}
        entry.update(entries[name])
        entry["title"] = plan.infos[name].title
        entry["parameters"] = plan.injected[name]
        entry["data_source"] = plan.data_sources[name]
        notebooks_summary[name] = entry
    summary = {
        "title": index.TITLE,
        "generated_at": plan.started_at.isoformat().replace("+00:00", "Z"),
        "generated_at_text": plan.started_at.strftime("%Y-%m-%d %H:%M UTC"),
        "wall_time_s": round(wall_time_s, 3),
        "aipolicy_version": __version__,
        "source": plan.options.get("source"),
        "as_of": plan.options.get("as_of"),
        "data": [{"source": s, "as_of": a}
                 for s, a in index.data_lines({"notebooks": notebooks_summary})],
        "notebooks": notebooks_summary,
    }
    summary["synthetic"] = index.is_synthetic(summary)
    return summary


def build_manifest(plan: ReportPlan, summary: dict[str, Any]) -> dict[str, Any]:
    """``manifest.json``: input hashes and files per notebook; its presence marks completion."""
    nbs = summary["notebooks"]
    return {
        "format": MANIFEST_FORMAT,
        "complete": True,
        "generated_at": summary["generated_at"],
        "aipolicy_version": __version__,
        "package_fingerprint": fingerprint.package_fingerprint(),
        "options": dict(plan.options),
        "notebooks": {
            name: {
                "input_hash": plan.hashes[name],
                "status": nbs[name]["status"],
                "duration_s": nbs[name]["duration_s"],
                "files": [f for f in (nbs[name].get("ipynb"), nbs[name].get("html")) if f],
            }
            for name in plan.selected
        },
    }


def _planned_files(plan: ReportPlan) -> list[str]:
    names = [f"{n}.{ext}" for n in plan.selected for ext in ("ipynb", "html")]
    return [*names, SUMMARY, INDEX, MANIFEST]


def _absolute_env_paths() -> None:
    for var in PATH_ENV:
        value = os.environ.get(var)
        if value and not Path(value).expanduser().is_absolute():
            os.environ[var] = str(Path(value).expanduser().resolve())


def check_reachable(plan: ReportPlan) -> None:
    """Refuse a plan whose notebooks read live market data when Yahoo Finance cannot be reached.

    Offline is found once, here, in about a second (one probe per service,
    :func:`aipolicy.marketdata.reach.require`), instead of in every market notebook's kernel.

    Raises
    ------
    ReportError
        One line: which notebooks wanted live data, which services cannot be reached and why,
        and the sources that work offline.
    """
    live = [n for n in plan.selected if plan.data_sources.get(n) == "live"]
    if not live:
        return
    from aipolicy.marketdata import reach

    try:
        reach.require(reach.YAHOO)  # every market notebook reads prices; FRED named if down too
    except reach.ServiceUnreachableError as exc:
        who = ("--source live" if plan.options.get("source") == "live"
               else f"data_source live ({', '.join(live)})")
        raise ReportError(f"{who}: {exc}") from None


def run_report(opts: ReportOptions, *, session: DaskSession | None = None) -> ReportResult:
    """Run the report described by ``opts``; see the module docstring.

    Parameters
    ----------
    opts : ReportOptions
        What to run and where to write it.
    session : DaskSession, optional
        A connected Dask session to run the notebooks on (left open). Without it, a
        ``opts.scheduler`` address is connected to after planning and closed at the end;
        without either, the notebooks run in local worker processes.

    Raises
    ------
    ReportError
        Bad options or params file, unknown notebook, no notebooks, unusable output folder,
        unreachable Dask scheduler or workers of another aipolicy version, live market data
        asked for while Yahoo Finance cannot be reached (:func:`check_reachable`).
    KeyboardInterrupt
        Interrupted (Ctrl-C or SIGTERM); nothing complete-looking was left behind.
    """
    wall0 = time.monotonic()
    _absolute_env_paths()
    plan = plan_report(opts, dt.datetime.now(dt.UTC).replace(microsecond=0))
    check_reachable(plan)
    if session is None and opts.scheduler:
        from aipolicy.report.dask_runner import DaskSession

        # connect before writing anything: a bad address leaves no trace
        with DaskSession.connect(opts.scheduler) as own:
            return _run_planned(plan, opts, wall0, own)
    return _run_planned(plan, opts, wall0, session)


def _run_planned(plan: ReportPlan, opts: ReportOptions, wall0: float,
                 session: DaskSession | None) -> ReportResult:
    """Execute a checked plan and write its folder atomically (see :func:`run_report`)."""
    final = plan.final
    parent = final.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{parent}: cannot create the report folder: "
                          f"{exc.strerror or exc}") from None
    under_root = parent.resolve() == plan.root.resolve()
    clean_stale(parent)  # temporary folders of runs that died (kill -9, power loss)
    started_at = plan.started_at.isoformat().replace("+00:00", "Z")
    try:
        tmp = make_tmp(parent, final.name, _planned_files(plan))
    except OSError as exc:
        raise ReportError(f"{parent}: cannot write the report: {exc.strerror or exc}") from None
    progress = Progress(plan.selected, enabled=opts.progress)
    old_handler = None
    if threading.current_thread() is threading.main_thread():
        old_handler = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        entries = _execute(plan, tmp, progress, session, opts.copy_from)
        progress.close()
        summary = build_summary(plan, entries, time.monotonic() - wall0)
        summary["runs_page"] = under_root
        statuses = {n: e["status"] for n, e in summary["notebooks"].items()}
        all_ok = all(s in OK_STATUSES for s in statuses.values())
        write_json(tmp / SUMMARY, summary)
        (tmp / INDEX).write_text(index.render_index(summary), encoding="utf-8")
        manifest = build_manifest(plan, summary)
        manifest["status"] = "ok" if all_ok else "failed"
        write_json(tmp / MANIFEST, manifest)
        # last: the files this run wrote, so that only they are ever replaced or deleted
        write_marker(tmp, files_in(tmp), state="complete", status=manifest["status"],
                     started_at=started_at, owner_pid=os.getpid(), statuses=statuses)
        if plan.replace:
            promote(tmp, final)
        else:
            final = promote_new(tmp, final, lambda: run_name(plan.started_at))
    except BaseException:
        progress.close()
        left = remove_owned(tmp) if tmp.exists() else []
        if left:
            print(f"aipolicy report: warning: kept {tmp}: it holds files aipolicy report did "
                  f"not write ({', '.join(left[:5])})", file=sys.stderr)
        raise
    finally:
        if old_handler is not None:
            signal.signal(signal.SIGTERM, old_handler)
    latest_moved = False
    subset = len(plan.selected) < len(plan.infos)
    if under_root:
        if all_ok and not subset:  # latest: the newest complete run of the whole collection
            latest_moved = update_latest(plan.root, final)
        write_runs_index(plan.root)
    return ReportResult(folder=final, summary=summary, exit_code=0 if all_ok else 1,
                        statuses=statuses, latest_moved=latest_moved,
                        runs_index=plan.root / RUNS_INDEX if under_root else None,
                        collection_size=len(plan.infos))
