"""The report folder's file names and its manifest (what ``--reuse`` reads).

See :mod:`aipolicy.report.folder` for the layout of a report folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
SUMMARY = "summary.json"
INDEX = "index.html"
LATEST = "latest"
RUNS_INDEX = "index.html"
#: The generator mark of the runs page: a ``reports/index.html`` without it is not ours.
RUNS_GENERATOR = "aipolicy report runs"
MANIFEST_FORMAT = 1
#: Statuses of a notebook that ran to its end: ``partial`` completed but skipped an analysis
#: for lack of data (its page says which); a run of these can become ``latest``.
OK_STATUSES = ("ok", "partial", "reused")


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
