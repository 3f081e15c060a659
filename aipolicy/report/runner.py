"""Run the report: plan, reuse, execute in worker processes, write the folder atomically.

:func:`run_report` takes three steps, one module each:

1. **plan** (:mod:`aipolicy.report.plan`): check the options, choose the notebooks, resolve
   their parameters and input hashes, pick the output folder; no kernel starts for a run that
   cannot succeed;
2. **execute** (:mod:`aipolicy.report.workers`): reuse unchanged notebooks, run the others
   with papermill in worker processes, several at once;
3. **write** (:mod:`aipolicy.report.folder`): ``summary.json``, ``index.html`` and, last,
   ``manifest.json`` into a hidden sibling ``.tmp-<name>-<random>/``, renamed into place at the
   end; ``latest`` then points at it (see :mod:`aipolicy.report.folder` for the layout).

An interrupted run (Ctrl-C, SIGTERM, an exception) stops the workers and their kernels and
deletes the temporary folder, so no complete-looking folder is left and ``latest`` is unchanged.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aipolicy import __version__
from aipolicy.report import fingerprint, index
from aipolicy.report.folder import (
    INDEX,
    MANIFEST,
    MANIFEST_FORMAT,
    OK_STATUSES,
    SUMMARY,
    promote,
    read_manifest,
    try_reuse,
    update_latest,
    write_json,
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
from aipolicy.report.task import Task
from aipolicy.report.workers import execute_tasks

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


class _Terminated(KeyboardInterrupt):
    """SIGTERM received: handled like Ctrl-C."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Terminated(f"signal {signum}")


def _execute(plan: ReportPlan, tmp: Path, progress: Progress) -> dict[str, dict[str, Any]]:
    """Reuse or run every selected notebook into ``tmp``; return its summary entry by name."""
    entries: dict[str, dict[str, Any]] = {}
    to_run = []
    for name in plan.selected:
        reused = try_reuse(name, plan.hashes[name], plan.previous, tmp)
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
        results = execute_tasks(to_run, min(plan.jobs, len(to_run)), progress)
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
    return entries


def build_summary(plan: ReportPlan, entries: dict[str, dict[str, Any]],
                  wall_time_s: float) -> dict[str, Any]:
    """``summary.json``: run metadata and, per notebook, status, records and parameters."""
    notebooks_summary: dict[str, Any] = {}
    for name in plan.selected:
        entry = {"status": entries[name]["status"]}
        entry.update(entries[name])
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
    plan = plan_report(opts, dt.datetime.now(dt.UTC).replace(microsecond=0))
    final = plan.final
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".tmp-{final.name}-{secrets.token_hex(4)}"
    tmp.mkdir()
    progress = Progress(plan.selected, enabled=opts.progress)
    old_handler = None
    if threading.current_thread() is threading.main_thread():
        old_handler = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        entries = _execute(plan, tmp, progress)
        progress.close()
        summary = build_summary(plan, entries, time.monotonic() - wall0)
        write_json(tmp / SUMMARY, summary)
        (tmp / INDEX).write_text(index.render_index(summary), encoding="utf-8")
        write_json(tmp / MANIFEST, build_manifest(plan, summary))  # last: marks it complete
        promote(tmp, final)
    except BaseException:
        progress.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if old_handler is not None:
            signal.signal(signal.SIGTERM, old_handler)
    if final.parent.resolve() == plan.root.resolve():
        update_latest(plan.root, final)
    statuses = {n: e["status"] for n, e in summary["notebooks"].items()}
    code = 0 if all(s in OK_STATUSES for s in statuses.values()) else 1
    return ReportResult(folder=final, summary=summary, exit_code=code, statuses=statuses)
