"""The runs of a reports folder: promotion into place, ``latest`` and the runs page.

A run is built in a hidden temporary folder and renamed into place at the end
(:func:`promote_new`, or :func:`promote` for ``--out``); ``latest`` moves only forward in
time (:func:`update_latest`); ``index.html`` lists every run, newest first
(:func:`write_runs_index`), and is rewritten only when the runner wrote it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aipolicy.errors import ReportError
from aipolicy.report.manifest import (
    INDEX,
    LATEST,
    OK_STATUSES,
    RUNS_GENERATOR,
    RUNS_INDEX,
    SUMMARY,
    read_manifest,
)
from aipolicy.report.ownership import (
    OLD_PREFIX,
    check_replaceable,
    owned_files,
    read_marker,
    remove_owned,
)

#: ``<meta name="generator">`` of the runs page: only a page carrying it is overwritten.


def promote_new(tmp: Path, final: Path, rename: Callable[[], str]) -> Path:
    """Rename ``tmp`` to ``final``, or to a fresh name from ``rename()`` if ``final`` is taken."""
    for _ in range(20):
        if not final.exists() and not final.is_symlink():
            try:
                os.rename(tmp, final)
                return final
            except OSError:
                if not final.exists():
                    raise
        final = final.parent / rename()
    raise ReportError(f"{final.parent}: could not find a free name for the report folder")


def promote(tmp: Path, final: Path) -> None:
    """Put ``tmp`` at ``final`` (``--out``), replacing only a report the runner wrote there."""
    check_replaceable(final)  # again: files may have appeared there during the run
    if not final.exists():
        os.rename(tmp, final)
        return
    trash = final.parent / f"{OLD_PREFIX}{final.name}-{os.getpid()}-{secrets.token_hex(4)}"
    os.rename(final, trash)
    try:
        os.rename(tmp, final)
    except OSError:
        os.rename(trash, final)
        raise
    left = remove_owned(trash)
    if left:
        print(f"aipolicy report: warning: kept {trash}: it holds files aipolicy report did not "
              f"write ({', '.join(left[:5])})", file=sys.stderr)


def _started(folder: Path) -> str:
    marker = read_marker(folder) or {}
    if marker.get("started_at"):
        return str(marker["started_at"])
    m = read_manifest(folder) or {}
    return str(m.get("generated_at") or "")


def update_latest(root: Path, final: Path) -> bool:
    """Point ``root/latest`` at ``final`` unless it points at a run that started later."""
    link = root / LATEST
    with contextlib.suppress(OSError):
        current = link.resolve()
        if link.is_symlink() and current.is_dir() and current != final.resolve() \
                and _started(current) > _started(final):
            return False
    tmp_link = root / f".{LATEST}-{secrets.token_hex(4)}"
    try:
        os.symlink(final.name, tmp_link, target_is_directory=True)
        os.replace(tmp_link, link)
    except OSError as exc:  # e.g. no symlinks on this filesystem, or 'latest' is a real folder
        with contextlib.suppress(OSError):
            tmp_link.unlink()
        print(f"aipolicy report: warning: could not update {link}: {exc}", file=sys.stderr)
        return False
    return True


def list_runs(root: Path) -> list[dict[str, Any]]:
    """Every report folder directly under ``root``, newest first, with its status counts."""
    runs = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return []
    for d in entries:
        if d.name.startswith(".") or d.is_symlink() or not d.is_dir() or owned_files(d) is None:
            continue
        marker = read_marker(d) or {}
        try:
            summary = json.loads((d / SUMMARY).read_text(encoding="utf-8"))
            statuses = {n: str(nb.get("status")) for n, nb in summary["notebooks"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            summary, statuses = {}, {}
        runs.append({
            "name": d.name,
            "started_at": _started(d),
            "generated_at_text": summary.get("generated_at_text") or _started(d),
            "wall_time_s": summary.get("wall_time_s"),
            "statuses": statuses,
            "ok": bool(statuses) and all(s in OK_STATUSES for s in statuses.values()),
            "synthetic": bool(summary.get("synthetic")),
            "has_index": (d / INDEX).is_file(),
            "status": marker.get("status"),
        })
    runs.sort(key=lambda r: (r["started_at"], r["name"]), reverse=True)
    return runs


def write_runs_index(root: Path) -> bool:
    """Rewrite ``root/index.html`` (every run, newest first) atomically; False if not ours."""
    from aipolicy.report import index

    page = root / RUNS_INDEX
    if page.exists() or page.is_symlink():
        try:
            ours = not page.is_symlink() and RUNS_GENERATOR in page.read_text(
                encoding="utf-8", errors="replace")[:4000]
        except OSError:
            ours = False
        if not ours:
            print(f"aipolicy report: warning: not updating {page}: aipolicy report did not "
                  "write it", file=sys.stderr)
            return False
    latest = root / LATEST
    latest_name = None
    with contextlib.suppress(OSError):
        if latest.is_symlink():
            latest_name = Path(os.readlink(latest)).name
    text = index.render_runs(list_runs(root), latest_name)
    tmp = root / f".{RUNS_INDEX}.{os.getpid()}-{secrets.token_hex(4)}"
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, page)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        print(f"aipolicy report: warning: could not update {page}: {exc}", file=sys.stderr)
        return False
    return True
