"""The capacity curves installed with the package, so a fresh machine does not compute them.

aiconfigurator-core's curves (see :mod:`aipolicy.costs.capacity.estimator`) are a pure function
of their inputs and the library version; each one costs about a second and a half of CPU the
first time, and finding the engines that have a database for a GPU (and that database's
version) takes seconds more. The curves the presets, the sample notebooks, the fleet search and
the tests ask for, and every GPU's engines with their database versions, are shipped in ``aipolicy/catalogs/capacity_curves.json`` (``{cache key:
curve or engine mapping}``, the same keys as the disk cache's file names), so ``make report`` and ``make test`` on a fresh clone read them instead of
computing them. A curve of another library version has another key and is computed as before;
the snapshot is only ever read (the disk cache takes what is computed).

After a library upgrade or a change of the curve format, ``make curves`` runs the sample report
on a scratch cache and packs what it computed; any cache folder can be packed by hand::

    python -m aipolicy.costs.capacity.curve_snapshot data/cache/capacity [more folders]

Entries already in the snapshot are kept.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

from aipolicy.costs.catalog.files import write_atomic

__all__ = ["SNAPSHOT", "lookup", "pack"]

SNAPSHOT = Path(__file__).resolve().parents[2] / "catalogs" / "capacity_curves.json"


@lru_cache(maxsize=1)
def _entries() -> dict[str, dict]:
    try:
        data = json.loads(SNAPSHOT.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def lookup(key: str) -> dict | None:
    """The installed entry of one cache key (None: not installed): a curve as its JSON
    mapping, or a system's engines and their database versions (``databases-<key>``) as a
    mapping."""
    found = _entries().get(key)
    return dict(found) if isinstance(found, dict) else None


def pack(folders: list[Path], target: Path = SNAPSHOT) -> int:
    """Merge every ``<key>.json`` curve and ``databases-<key>.json`` engine list of ``folders``
    into ``target``; return the entry count.

    Any other file is skipped; the target is replaced atomically.
    """
    entries: dict[str, dict] = {}
    if target.exists():
        entries.update(json.loads(target.read_text()))
    for folder in folders:
        for path in sorted(Path(folder).glob("*.json")):
            data = json.loads(path.read_text())
            engines = path.stem.startswith("databases-") and isinstance(data, dict)
            if engines or (isinstance(data, dict) and "points" in data):
                entries[path.stem] = data
    write_atomic(target, (json.dumps(dict(sorted(entries.items())), separators=(",", ":"))
                          + "\n").encode())
    _entries.cache_clear()
    return len(entries)


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    if len(sys.argv) < 2:
        sys.exit("usage: python -m aipolicy.costs.capacity.curve_snapshot FOLDER [FOLDER ...]")
    print(f"{pack([Path(a) for a in sys.argv[1:]])} curves in {SNAPSHOT}")
