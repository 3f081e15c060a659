"""Which files the report runner owns: its marker, ``--out`` checks, temporary folders.

The runner deletes or replaces a folder only when it carries the marker (:data:`MARKER`), and
then only the files the marker lists (a report written before the marker existed is known by
its manifest's shape). Temporary folders of runs that died (owner pid gone, or older than
:data:`STALE_AFTER_S`) are removed by :func:`clean_stale`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aipolicy.errors import ReportError
from aipolicy.report.lifeline import pid_alive
from aipolicy.report.manifest import INDEX, MANIFEST, MANIFEST_FORMAT, SUMMARY, read_manifest

#: The runner's ownership marker in every folder it writes.
MARKER = ".aipolicy-report.json"
MARKER_FORMAT = "aipolicy-report"
MARKER_VERSION = 1
TMP_PREFIX = ".tmp-"
OLD_PREFIX = ".old-"
#: A temporary folder this old is stale even if a process with its owner's pid exists.
STALE_AFTER_S = 24 * 3600.0
_OWNED_NAME = re.compile(r"^\.(tmp|old)-.+-(\d+)-[0-9a-f]{8}$")


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


def out_entries(folder: Path) -> list[Path] | None:
    """What ``--out`` holds: None when it does not exist yet, else its entries.

    Raises
    ------
    ReportError
        It is a symlink or a file, or cannot be read.
    """
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise ReportError(f"--out {folder}: exists and is not a folder")
    if not folder.is_dir():
        return None
    try:
        return list(folder.iterdir())
    except OSError as exc:
        raise ReportError(f"--out {folder}: cannot read the folder: {exc.strerror or exc}") \
            from None


def check_replaceable(final: Path) -> None:
    """Refuse ``--out`` unless it is new, empty, or a report holding only the runner's files."""
    entries = out_entries(final)
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
