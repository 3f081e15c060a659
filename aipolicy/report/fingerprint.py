"""Input hashes for ``--reuse``: notebook content, parameters, data and package.

A notebook is reused when the hash of its inputs equals the one stored in the previous
complete report's ``manifest.json``. The data part depends on the effective ``data_source``:

- ``sample``: the content of the sample folder (``AIPOLICY_SAMPLE_DIR`` or ``data/sample``);
- ``csv``: the content of ``data_dir``;
- ``cache``: the content of the cache folder;
- ``live`` and ``auto``: unknown before fetching, so these notebooks always re-run.

Notebooks without a ``data_source`` parameter (the cost notebooks) read no market data; their
hash covers notebook, parameters and package only. The package part is the version plus a
content hash of the package's files, so an edited module counts as a change.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from aipolicy import __version__, config

PACKAGE_SUFFIXES = (".py", ".csv", ".yaml", ".yml", ".json", ".parquet")


def tree_hash(folder: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """Content hash of every file under ``folder`` (relative names and bytes), sorted."""
    folder = Path(folder)
    h = hashlib.sha256()
    if not folder.exists():
        h.update(f"missing:{folder}".encode())
        return h.hexdigest()
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if suffixes is not None and path.suffix not in suffixes:
            continue
        h.update(path.relative_to(folder).as_posix().encode())
        h.update(b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


PIN_ENV = "AIPOLICY_PACKAGE_FINGERPRINT"


@cache
def _package_tree() -> str:
    return tree_hash(config.PACKAGE_DIR, PACKAGE_SUFFIXES)


def package_fingerprint() -> str:
    """Version plus content hash of the installed ``aipolicy`` package.

    ``AIPOLICY_PACKAGE_FINGERPRINT`` pins the content part (tests use it, since other code may
    change while they run; so may a deployment that knows its code changes leave results
    alone).
    """
    return f"{__version__}:{os.environ.get(PIN_ENV) or _package_tree()}"


def data_fingerprint(effective_params: Mapping[str, Any], is_market: bool) -> str | None:
    """Fingerprint of the data a notebook will read, or None when it cannot be known (live)."""
    if not is_market:
        return "no-market-data"
    source = effective_params.get("data_source")
    if source == "sample":
        return "sample:" + tree_hash(config.sample_dir())
    if source == "csv":
        data_dir = effective_params.get("data_dir")
        if not data_dir:
            return None
        return "csv:" + tree_hash(Path(str(data_dir)))
    if source == "cache":
        return "cache:" + tree_hash(config.cache_dir())
    return None


def input_hash(
    notebook_bytes: bytes,
    effective_params: Mapping[str, Any],
    data_fp: str | None,
    render_options: Mapping[str, Any],
) -> str | None:
    """Hash of everything a notebook's outputs depend on; None when not reusable."""
    if data_fp is None:
        return None
    h = hashlib.sha256()
    h.update(hashlib.sha256(notebook_bytes).digest())
    h.update(json.dumps(effective_params, sort_keys=True, default=str).encode())
    h.update(data_fp.encode())
    h.update(package_fingerprint().encode())
    h.update(json.dumps(dict(render_options), sort_keys=True).encode())
    return h.hexdigest()
