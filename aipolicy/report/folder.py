"""The report folder on disk: manifest, summary, reuse of unchanged notebooks, atomic promotion.

Layout of a report folder::

    reports/2025-01-07/          (or --out DIR)
        01_build_vs_buy.ipynb    executed notebook (papermill; error marker when it failed)
        01_build_vs_buy.html     nbconvert HTML (code hidden with --no-input)
        ...
        summary.json             every recorded figure, status and duration, by notebook
        index.html               the page to open
        manifest.json            input hashes; written last: its presence marks a complete report
    reports/latest -> 2025-01-07 (updated atomically when the folder is under the reports dir)
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sys
from pathlib import Path
from typing import Any

from aipolicy.errors import ReportError

MANIFEST = "manifest.json"
SUMMARY = "summary.json"
INDEX = "index.html"
LATEST = "latest"
MANIFEST_FORMAT = 1
OK_STATUSES = ("ok", "reused")


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


def check_replaceable(final: Path) -> None:
    if final.is_symlink() or (final.exists() and not final.is_dir()):
        raise ReportError(f"--out {final}: exists and is not a folder")
    if final.is_dir() and any(final.iterdir()) and not (final / MANIFEST).exists():
        raise ReportError(
            f"--out {final}: refusing to replace a folder that is not an aipolicy report "
            f"(no {MANIFEST}); choose an empty or new folder"
        )


def update_latest(root: Path, final: Path) -> None:
    link = root / LATEST
    tmp_link = root / f".{LATEST}-{secrets.token_hex(4)}"
    try:
        os.symlink(final.name, tmp_link, target_is_directory=True)
        os.replace(tmp_link, link)
    except OSError as exc:  # e.g. no symlinks on this filesystem, or 'latest' is a real folder
        with contextlib.suppress(OSError):
            tmp_link.unlink()
        print(f"aipolicy report: warning: could not update {link}: {exc}", file=sys.stderr)


def promote(tmp: Path, final: Path) -> None:
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
