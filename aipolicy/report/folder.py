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
        latest -> 2026-11-30T061502Z-3fa9   the newest run whose notebooks all ran ok (or reused)

A run is built in a hidden sibling ``.tmp-<name>-<pid>-<random>/`` and renamed into place at the
end. The runner deletes or replaces a folder only when it carries the marker
(:data:`MARKER`), and then only the files the marker lists; ``--out DIR`` holding anything else
is refused. Temporary folders of runs that died (owner pid gone, or older than
:data:`STALE_AFTER_S`) are removed at the start of the next run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import secrets
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from aipolicy.errors import ReportError
from aipolicy.report.lifeline import pid_alive

MANIFEST = "manifest.json"
SUMMARY = "summary.json"
INDEX = "index.html"
LATEST = "latest"
RUNS_INDEX = "index.html"
MANIFEST_FORMAT = 1
#: Statuses of a notebook that ran to its end: ``partial`` completed but skipped an analysis
#: for lack of data (its page says which); a run of these can become ``latest``.
OK_STATUSES = ("ok", "partial", "reused")
#: The runner's ownership marker in every folder it writes.
MARKER = ".aipolicy-report.json"
MARKER_FORMAT = "aipolicy-report"
MARKER_VERSION = 1
TMP_PREFIX = ".tmp-"
OLD_PREFIX = ".old-"
#: A temporary folder this old is stale even if a process with its owner's pid exists.
STALE_AFTER_S = 24 * 3600.0
_OWNED_NAME = re.compile(r"^\.(tmp|old)-.+-(\d+)-[0-9a-f]{8}$")
#: ``<meta name="generator">`` of the runs page: only a page carrying it is overwritten.
RUNS_GENERATOR = "aipolicy report runs"


def run_name(started_at: dt.datetime) -> str:
    """A run folder's name: UTC start time and 4 random hex digits."""
    return f"{started_at:%Y-%m-%dT%H%M%SZ}-{secrets.token_hex(2)}"


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


def _plain_name(name: Any) -> bool:
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name \
        and "\\" not in name and "\0" not in name


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The runner's marker in ``folder`` (a dict with a ``files`` list), or None."""
    try:
        data = json.loads((Path(folder) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != MARKER_FORMAT:
        return None
    files = data.get("files")
    if not isinstance(files, list) or not all(_plain_name(f) for f in files):
        return None
    return data


def _legacy_files(folder: Path) -> set[str] | None:
    """Files of a report written before the marker existed, from its manifest.

    Only a manifest of the runner's own shape counts (format, completion flag, package
    fingerprint, input hash per notebook): a web app's ``manifest.json`` does not.
    """
    m = read_manifest(folder)
    if m is None or m.get("format") != MANIFEST_FORMAT or "package_fingerprint" not in m:
        return None
    nbs = m.get("notebooks")
    if not isinstance(nbs, dict) or not all(
        isinstance(v, dict) and "input_hash" in v and isinstance(v.get("files", []), list)
        for v in nbs.values()
    ):
        return None
    files = {MANIFEST, SUMMARY, INDEX}
    for v in nbs.values():
        files.update(f for f in v.get("files", []) if _plain_name(f))
    return files


def owned_files(folder: Path) -> set[str] | None:
    """Names of the files the runner wrote in ``folder`` (marker included), or None."""
    marker = read_marker(folder)
    if marker is not None:
        return {*marker["files"], MARKER}
    return _legacy_files(folder)


def check_replaceable(final: Path) -> None:
    """Refuse ``--out`` unless it is new, empty, or a report holding only the runner's files."""
    if final.is_symlink() or (final.exists() and not final.is_dir()):
        raise ReportError(f"--out {final}: exists and is not a folder")
    if not final.is_dir():
        return
    try:
        entries = list(final.iterdir())
    except OSError as exc:
        raise ReportError(f"--out {final}: cannot read the folder: {exc.strerror or exc}") from None
    if not entries:
        return
    owned = owned_files(final)
    if owned is None:
        raise ReportError(
            f"--out {final}: refusing to replace a folder that aipolicy report did not write "
            f"(no {MARKER}); choose an empty or new folder"
        )
    foreign = sorted(e.name for e in entries
                     if e.name not in owned or (e.is_dir() and not e.is_symlink()))
    if foreign:
        shown = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
        raise ReportError(
            f"--out {final}: refusing to replace a folder holding files aipolicy report did "
            f"not write ({shown}); move them away or choose an empty or new folder"
        )


def write_marker(folder: Path, files: Iterable[str], **info: Any) -> None:
    """Write the ownership marker atomically: ``files`` are the names the runner wrote."""
    data = {"format": MARKER_FORMAT, "version": MARKER_VERSION, **info,
            "files": sorted(set(files) - {MARKER})}
    tmp = folder / f"{MARKER}.{secrets.token_hex(4)}"
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, folder / MARKER)


def _proc_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), to tell reused pids apart."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def make_tmp(parent: Path, name: str, planned: Iterable[str]) -> Path:
    """Create the run's hidden temporary folder with a marker naming its owner and files."""
    pid = os.getpid()
    tmp = parent / f"{TMP_PREFIX}{name}-{pid}-{secrets.token_hex(4)}"
    tmp.mkdir()
    write_marker(tmp, planned, state="running", owner_pid=pid, owner_start=_proc_start(pid),
                 started=time.time())
    return tmp


def files_in(folder: Path) -> list[str]:
    """Regular files directly in ``folder`` (the runner writes no sub-folders)."""
    return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.is_symlink())


def remove_owned(folder: Path) -> list[str]:
    """Delete the files the marker of ``folder`` lists, then the folder if nothing else is left.

    Returns the names left behind (files the runner did not write); [] when the folder is gone.
    """
    owned = owned_files(folder)
    if owned is None:
        owned = set()
    for name in sorted(owned - {MARKER}):
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            path = folder / name
            if path.is_symlink() or path.is_file():
                path.unlink()
    try:
        left = sorted(p.name for p in folder.iterdir() if p.name != MARKER)
    except FileNotFoundError:
        return []
    if left:
        return left
    with contextlib.suppress(FileNotFoundError):
        (folder / MARKER).unlink()
    try:
        folder.rmdir()
    except FileNotFoundError:
        pass
    except OSError:
        return sorted(p.name for p in folder.iterdir())
    return []


def _owner_alive(pid: int, marker: dict[str, Any] | None) -> bool:
    if not pid_alive(pid):
        return False
    recorded = (marker or {}).get("owner_start")
    now = _proc_start(pid)
    return recorded is None or now is None or str(recorded) == now


def clean_stale(parent: Path) -> list[Path]:
    """Remove ``.tmp-*``/``.old-*`` folders of runs that died (owner gone, or older than a day).

    Only folders named by the runner and carrying its marker are touched, and in them only the
    files the marker lists. Returns the folders removed.
    """
    removed: list[Path] = []
    try:
        entries = list(parent.iterdir())
    except OSError:
        return removed
    now = time.time()
    for d in entries:
        match = _OWNED_NAME.match(d.name)
        if match is None or d.is_symlink() or not d.is_dir():
            continue
        marker = read_marker(d)
        if marker is None and _legacy_files(d) is None:
            continue
        pid = int(match.group(2))
        try:
            started = float((marker or {}).get("started") or d.stat().st_mtime)
        except (OSError, TypeError, ValueError):
            continue
        tmp_marker = marker if match.group(1) == "tmp" else None
        if _owner_alive(pid, tmp_marker) and now - started < STALE_AFTER_S:
            continue
        if not remove_owned(d):
            removed.append(d)
    return removed


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
    files = old.get("files") or []
    if f"{name}.ipynb" not in files or not all((folder / f).is_file() for f in files):
        return None
    for f in files:
        shutil.copy2(folder / f, tmp / f)
    from aipolicy.record import read_figures, read_records

    figures = read_figures(tmp / f"{name}.ipynb")
    try:
        old_summary = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
        old_entry = old_summary["notebooks"][name]
        records = old_entry.get("records") or {}
        reused_from = old_entry.get("reused_from") or folder.name
    except (OSError, ValueError, KeyError, TypeError):
        records = read_records(tmp / f"{name}.ipynb")
        reused_from = folder.name
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
