"""The report folder on disk: ownership marker, manifest, summary, reuse, atomic promotion.

Layout of the reports folder::

    reports/
        2026-11-30T061502Z-3fa9/     one folder per run: UTC start time and a random suffix
            01_build_vs_buy.ipynb    executed notebook (papermill; error marker when it failed)
            01_build_vs_buy.html     nbconvert HTML (code hidden with --no-input)
            ...
            summary.json             every recorded figure, status and duration, by notebook
            index.html               the page to open
            manifest.json            input hashes and the run's status (for --reuse)
            .aipolicy-report.json    the runner's marker: the files it wrote (written last)
        index.html                   every run, newest first, with its status (rewritten atomically)
        latest -> 2026-11-30T061502Z-3fa9   the newest run of every notebook, all ok (or reused)

A run is built in a hidden sibling ``.tmp-<name>-<pid>-<random>/`` and renamed into place at the
end. The runner deletes or replaces a folder only when it carries the marker
(:data:`MARKER`), and then only the files the marker lists; ``--out DIR`` holding anything else
is refused. Temporary folders of runs that died (owner pid gone, or older than
:data:`STALE_AFTER_S`) are removed at the start of the next run.

The code lives in three modules, re-exported here: :mod:`aipolicy.report.manifest` (file
names, manifest), :mod:`aipolicy.report.ownership` (marker, ``--out`` checks, temporary
folders) and :mod:`aipolicy.report.runs` (promotion, ``latest``, the runs page); this module
keeps the run names and ``--reuse``.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import shutil
from pathlib import Path
from typing import Any

from aipolicy.report.manifest import (
    INDEX,
    LATEST,
    MANIFEST,
    MANIFEST_FORMAT,
    OK_STATUSES,
    RUNS_INDEX,
    SUMMARY,
    read_manifest,
)
from aipolicy.report.ownership import (
    MARKER,
    MARKER_FORMAT,
    MARKER_VERSION,
    OLD_PREFIX,
    STALE_AFTER_S,
    TMP_PREFIX,
    check_replaceable,
    clean_stale,
    make_tmp,
    owned_files,
    read_marker,
    remove_owned,
    write_marker,
)
from aipolicy.report.runs import (
    RUNS_GENERATOR,
    list_runs,
    promote,
    promote_new,
    update_latest,
    write_runs_index,
)

__all__ = [
    "INDEX", "LATEST", "MANIFEST", "MANIFEST_FORMAT", "MARKER", "MARKER_FORMAT", "MARKER_VERSION",
    "OK_STATUSES", "OLD_PREFIX", "RUNS_GENERATOR", "RUNS_INDEX", "STALE_AFTER_S", "SUMMARY",
    "TMP_PREFIX", "check_replaceable", "clean_stale", "copy_outputs", "files_in", "list_runs",
    "make_tmp", "owned_files", "promote", "promote_new", "read_manifest", "read_marker",
    "remove_owned", "run_name", "try_reuse", "update_latest", "write_json", "write_marker",
    "write_runs_index",
]  # fmt: skip


def run_name(started_at: dt.datetime) -> str:
    """A run folder's name: UTC start time and 4 random hex digits."""
    return f"{started_at:%Y-%m-%dT%H%M%SZ}-{secrets.token_hex(2)}"


def files_in(folder: Path) -> list[str]:
    """Regular files directly in ``folder`` (the runner writes no sub-folders)."""
    return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.is_symlink())


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n", encoding="utf-8")


def try_reuse(
    name: str, input_hash: str | None, previous: tuple[Path, dict[str, Any]] | None, tmp: Path
) -> dict[str, Any] | None:
    """Copy a notebook's outputs from the previous report when its inputs are unchanged."""
    if previous is None or input_hash is None:
        return None
    folder, manifest = previous
    old = (manifest.get("notebooks") or {}).get(name) or {}
    if old.get("input_hash") != input_hash or old.get("status") not in OK_STATUSES:
        return None
    return copy_outputs(name, folder, old, tmp)


def copy_outputs(name: str, folder: Path, old: dict[str, Any], tmp: Path,
                 reused_from: str | None = None) -> dict[str, Any] | None:
    """Copy a notebook's files listed in ``old`` (its manifest entry in ``folder``) into
    ``tmp``; its summary entry with status ``reused``, or None when a file is missing.

    ``reused_from`` names where it came from on the page (default: the folder's name).
    """
    files = old.get("files") or []
    if f"{name}.ipynb" not in files or not all((folder / f).is_file() for f in files):
        return None
    for f in files:
        shutil.copy2(folder / f, tmp / f)
    try:
        old_summary = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
        old_entry = old_summary["notebooks"][name]
        records = old_entry.get("records") or {}
        figures = old_entry["figures"]
        reused_from = reused_from or old_entry.get("reused_from") or folder.name
    except (OSError, ValueError, KeyError, TypeError):
        from aipolicy.record import read_records_and_figures

        records, figures = read_records_and_figures(tmp / f"{name}.ipynb")
        reused_from = reused_from or folder.name
    return {
        "status": "reused",
        "duration_s": old.get("duration_s"),
        "error": None,
        "records": records,
        "figures": figures,
        "html": f"{name}.html" if f"{name}.html" in files else None,
        "ipynb": f"{name}.ipynb",
        "reused_from": reused_from,
    }
