"""The sweep's Parquet dataset: one file per chunk, written atomically, with its metadata.

Layout of ``OUT/``::

    _sweep.json                          the grid, its fingerprint, catalog snapshot, seed
    preset=midmarket/chunk-00000.parquet one file per chunk (hive-partitioned by preset)
    ...

A chunk file is written to a temporary name in its folder and renamed into place, so the
dataset holds whole chunks only: a crash or Ctrl-C leaves at most a ``.tmp-*`` file, which
the next run deletes. Each file's Parquet metadata (key ``aipolicy.sweep``) repeats the
fingerprint, the chunk number and the catalog snapshot; a re-run skips chunks whose file
carries the same fingerprint. ``OUT`` holding a sweep of another grid is refused, never
overwritten.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError
from aipolicy.sweep.grid import Grid

__all__ = ["COLUMNS", "MANIFEST", "META_KEY", "catalog_snapshot", "chunk_path", "conform",
           "read_manifest",
           "done_chunks", "manifest_of", "open_dataset", "read_sweep", "write_chunk", "write_manifest"]

MANIFEST = "_sweep.json"
META_KEY = b"aipolicy.sweep"

_TEXT = ("preset", "slo_spec", "status", "api_model", "open_model", "gpu", "acquisition",
         "match_model", "hosted_model", "throughput_basis", "slo", "cheapest", "runner_up",
         "api_match_note", "hosted_note", "rent_note", "buy_note")
_INT = ("cell", "config")
#: Columns of every chunk, in order (``p_selfhost_cheaper`` and ``savings_p*`` with draws).
#: Money is USD per month, volumes tokens/day or requests/day, break-evens tokens/day.
COLUMNS = (
    "cell", "config", "preset", "open_model", "gpu", "input_tokens", "output_tokens",
    "slo_spec", "slo", "api_model", "acquisition", "status", "tokens_per_day",
    "requests_per_day", "open_quality", "api_quality", "match_model", "match_quality",
    "hosted_model", "throughput_basis", "saturation_req_s", "planned_req_s",
    "gpus_per_replica",
    "api_usd", "api_match_usd", "hosted_usd", "rent_usd", "buy_usd", "hybrid_usd",
    "rent_replicas", "buy_replicas", "buy_servers", "hybrid_replicas", "hybrid_share",
    "cheapest", "cheapest_usd", "runner_up", "margin_share",
    "breakeven_rent_vs_api", "breakeven_rent_vs_api_match", "breakeven_rent_vs_hosted",
    "breakeven_buy_vs_api", "breakeven_buy_vs_api_match", "breakeven_buy_vs_hosted",
    "api_match_note", "hosted_note", "rent_note", "buy_note",
)
MC_COLUMNS = ("p_selfhost_cheaper", "savings_p5", "savings_p25", "savings_p50", "savings_p75",
              "savings_p95")


def conform(frame: pd.DataFrame, *, draws: int) -> pd.DataFrame:
    """The chunk's columns in :data:`COLUMNS` order with fixed dtypes (missing ones filled)."""
    cols = list(COLUMNS) + (list(MC_COLUMNS) if draws else [])
    out = {}
    for c in cols:
        if c in _TEXT:
            v = frame[c] if c in frame else pd.Series("", index=frame.index)
            out[c] = v.astype(str)
        elif c in _INT:
            out[c] = frame[c].astype("int64")
        else:
            out[c] = (frame[c].astype("float64") if c in frame
                      else pd.Series(np.nan, index=frame.index, dtype="float64"))
    return pd.DataFrame(out)


def catalog_snapshot(as_of: str | None = None) -> dict[str, Any]:
    """What the prices and catalogs of this process are on the valuation date ``as_of``
    (YYYY-MM-DD; default the run's): package, price data, catalog hash."""
    from aipolicy import __version__
    from aipolicy.costs.catalog import CATALOG_DIR
    from aipolicy.costs.catalog.prices import snapshot

    snap = snapshot(as_of)
    return {"aipolicy": __version__, "price_data": snap.label, "price_as_of": snap.as_of,
            "price_origin": snap.origin, "catalog_sha256": _catalog_hash(str(CATALOG_DIR))}


@lru_cache(maxsize=4)
def _catalog_hash(directory: str) -> str:
    """Hash of the catalog CSV files (read once per process: every chunk reports it)."""
    h = hashlib.sha256()
    for path in sorted(Path(directory).glob("*.csv")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def catalog_id(snap: dict[str, Any]) -> str:
    """The part of the snapshot that decides results (the fingerprint's catalog input)."""
    return json.dumps({k: snap[k] for k in sorted(snap)}, sort_keys=True)


def chunk_path(out: Path, preset: str, index: int) -> Path:
    """``OUT/preset=<preset>/chunk-<index>.parquet``."""
    return out / f"preset={preset}" / f"chunk-{index:05d}.parquet"


def manifest_of(grid: Grid, fingerprint: str, snap: dict[str, Any]) -> dict[str, Any]:
    """The manifest of a sweep of ``grid`` (what ``_sweep.json`` holds)."""
    return {"fingerprint": fingerprint, "grid": grid.spec, "seed": grid.seed,
            "draws": grid.draws, "cells": grid.n_cells, "chunks": len(grid.chunks),
            "catalog": snap, "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}


def _atomic_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def read_manifest(out: str | Path) -> dict[str, Any] | None:
    """``OUT/_sweep.json`` as a dict, or None when there is none or it cannot be read."""
    try:
        manifest = json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def write_manifest(out: Path, grid: Grid, fingerprint: str, snap: dict[str, Any]) -> None:
    """Write ``OUT/_sweep.json``, or check the one there is of the same grid.

    Raises
    ------
    InvalidInputError
        ``field="out"``: ``OUT`` exists and is not an empty folder or a sweep of this grid.
    """
    out = Path(out)
    path = out / MANIFEST
    if path.exists():
        old = read_manifest(out) or {}
        if old.get("fingerprint") != fingerprint:
            raise InvalidInputError(
                f"--out {out}: holds a sweep of another grid, draws, seed or catalog "
                f"(fingerprint {old.get('fingerprint')!r}, this one {fingerprint!r}); give a "
                "new folder, or delete it to start over", field="out", value=str(out))
    else:
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise InvalidInputError(f"--out {out}: exists and is not a sweep folder; give a new "
                                    "or empty folder", field="out", value=str(out))
        under = next((q for q in out.parents if q.exists() and not q.is_dir()), None)
        if under is not None:
            raise InvalidInputError(f"--out {out}: {under} is a file, not a folder; give a "
                                    "folder path", field="out", value=str(out))
        try:
            _atomic_bytes(path, json.dumps(manifest_of(grid, fingerprint, snap), indent=1,
                                           sort_keys=True).encode())
        except OSError as exc:
            raise InvalidInputError(f"--out {out}: cannot write there ({exc.strerror or exc}); "
                                    "give a folder you may write to", field="out",
                                    value=str(out)) from None
    for stale in out.glob("preset=*/*.tmp-*"):  # left by an interrupted write
        with contextlib.suppress(OSError):
            stale.unlink()


def write_chunk(out: Path, grid: Grid, fingerprint: str, index: int, frame: pd.DataFrame,
                snap: dict[str, Any]) -> Path:
    """Write one chunk's rows atomically; returns its path."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    chunk = grid.chunks[index]
    preset = grid.configs[chunk.configs[0]].preset
    table = pa.Table.from_pandas(frame.drop(columns=["preset"]), preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[META_KEY] = json.dumps({"fingerprint": fingerprint, "chunk": index,
                                 "first_cell": chunk.first_cell, "cells": chunk.n_cells,
                                 "seed": grid.seed, "draws": grid.draws, "catalog": snap,
                                 "grid": grid.spec}, sort_keys=True).encode()
    table = table.replace_schema_metadata(meta)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    path = chunk_path(Path(out), preset, index)
    _atomic_bytes(path, sink.getvalue().to_pybytes())
    return path


def chunk_meta(path: Path) -> dict[str, Any] | None:
    """The ``aipolicy.sweep`` metadata of a chunk file, or None when unreadable."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_schema(path).metadata or {}
        return json.loads(meta[META_KEY])
    except Exception:  # a damaged or foreign file is treated as missing
        return None


def done_chunks(out: Path, grid: Grid, fingerprint: str) -> set[int]:
    """Chunks already written whole for this fingerprint (the rest are (re)computed)."""
    done = set()
    for chunk in grid.chunks:
        path = chunk_path(Path(out), grid.configs[chunk.configs[0]].preset, chunk.index)
        if path.exists():
            meta = chunk_meta(path)
            if meta and meta.get("fingerprint") == fingerprint \
                    and meta.get("chunk") == chunk.index:
                done.add(chunk.index)
    return done


def read_sweep(out: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The dataset's rows (cell order) and its manifest.

    Raises
    ------
    InvalidInputError
        ``field="sweep"``: not a sweep folder, or its chunks are incomplete.
    """
    out = Path(out)
    manifest = read_manifest(out)
    if manifest is None:
        raise InvalidInputError(f"sweep {out}: no {MANIFEST} there; run `aipolicy sweep GRID.yaml "
                                f"--out {out}` first", field="sweep", value=str(out))
    frame = open_dataset(out)
    if len(frame) != manifest["cells"]:
        raise InvalidInputError(f"sweep {out}: {len(frame):,} of {manifest['cells']:,} cells "
                                "written; run the same `aipolicy sweep` again to finish it",
                                field="sweep", value=str(out))
    return frame, manifest


def open_dataset(out: Path) -> pd.DataFrame:
    """All chunk files of ``out`` as one frame in cell order (``preset`` from the folder)."""
    files = sorted(Path(out).glob("preset=*/chunk-*.parquet"))
    if not files:
        return pd.DataFrame(columns=list(COLUMNS))
    parts = []
    for f in files:
        part = pd.read_parquet(f)
        part.insert(2, "preset", f.parent.name.split("=", 1)[1])
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True).sort_values("cell", kind="stable") \
        .reset_index(drop=True)
    return conform(frame, draws=int("p_selfhost_cheaper" in frame))
