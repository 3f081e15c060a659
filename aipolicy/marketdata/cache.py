"""Local parquet cache of live downloads: one file per (source, symbol, interval, adjustment).

Layout: ``<cache_dir>/<source>/<interval>-<adjustment>/<quoted symbol>.parquet`` where the
symbol is percent-quoted (``^GSPC`` -> ``%5EGSPC``). Each file holds a ``Date`` column plus
the data columns, and the schema metadata key ``aipolicy`` (JSON: symbol, fetched_at, source).

Writes are atomic (a temp file in the same folder, fsync, then ``os.replace``), so readers see
either the old complete file or the new complete file, and concurrent writers cannot leave a
torn file. Empty or all-NaN frames are never stored. A file that cannot be read is moved
aside to ``<name>.corrupt-<UTC timestamp>`` and reported with :class:`CacheCorruptError`.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from aipolicy import config
from aipolicy.errors import CacheCorruptError
from aipolicy.marketdata.provenance import utc_now

if TYPE_CHECKING:
    import pandas as pd

META_KEY = b"aipolicy"


def cache_path(source: str, symbol: str, interval: str, adjustment: str) -> Path:
    """Path of one cache entry under :func:`aipolicy.config.cache_dir` (read at call time)."""
    return (
        config.cache_dir()
        / source
        / f"{interval}-{adjustment}"
        / f"{quote(symbol, safe='')}.parquet"
    )


def cached_symbols(source: str, interval: str, adjustment: str) -> list[str]:
    """Symbols with a cache file for this (source, interval, adjustment), sorted."""
    folder = config.cache_dir() / source / f"{interval}-{adjustment}"
    return sorted(unquote(p.stem) for p in folder.glob("*.parquet")) if folder.is_dir() else []


def write_frame(
    source: str, symbol: str, interval: str, adjustment: str, frame: pd.DataFrame
) -> str | None:
    """Store ``frame`` (DatetimeIndex rows, float/int columns) atomically; return fetched_at.

    Returns ``None`` and writes nothing when the frame is empty or every value is NaN.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if frame is None or frame.empty or not frame.notna().to_numpy().any():
        return None
    fetched_at = utc_now()
    data = frame.copy()
    data.index = data.index.rename("Date")
    table = pa.Table.from_pandas(data.reset_index(), preserve_index=False)
    meta = {"symbol": symbol, "source": source, "interval": interval, "adjustment": adjustment,
            "fetched_at": fetched_at}  # fmt: skip
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), META_KEY: json.dumps(meta).encode()}
    )
    path = cache_path(source, symbol, interval, adjustment)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pq.write_table(table, fh, compression="zstd")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return fetched_at


def _move_aside(path: Path, exc: BaseException) -> CacheCorruptError:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    try:
        os.replace(path, aside)
        where = f"moved aside to {aside}"
    except OSError as move_exc:  # another process may have replaced or removed it already
        where = f"could not be moved aside ({move_exc})"
    return CacheCorruptError(
        f"cache file {path} could not be read ({type(exc).__name__}: {exc}); {where}; "
        "run `aipolicy fetch` when online to refill it"
    )


def read_table(
    source: str, symbol: str, interval: str, adjustment: str, columns: list[str] | None = None
) -> tuple[Any, str | None]:
    """Read one entry as an Arrow table; ``(None, None)`` when there is none.

    Raises
    ------
    CacheCorruptError
        The file exists but cannot be read, lacks a ``Date`` column or is empty; it has been
        moved aside.
    """
    import pyarrow.parquet as pq

    path = cache_path(source, symbol, interval, adjustment)
    if not path.exists():
        return None, None
    try:
        # one open handle: a concurrent os.replace cannot swap the file between footer and pages
        with path.open("rb") as fh:
            table = pq.read_table(
                fh, columns=None if columns is None else ["Date", *columns], use_threads=False
            )
        if "Date" not in table.column_names or table.num_rows == 0:
            raise ValueError("no 'Date' column or no rows")
        meta = json.loads((table.schema.metadata or {}).get(META_KEY, b"{}"))
    except FileNotFoundError:
        return None, None
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise _move_aside(path, exc) from exc
    return table, meta.get("fetched_at")


def read_frame(
    source: str, symbol: str, interval: str, adjustment: str
) -> tuple[pd.DataFrame | None, str | None]:
    """Read one entry as a DataFrame indexed by ``Date``; ``(None, None)`` when there is none."""
    table, fetched_at = read_table(source, symbol, interval, adjustment)
    if table is None:
        return None, None
    frame = table.to_pandas()
    return frame.set_index("Date"), fetched_at
