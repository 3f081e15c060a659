"""Local parquet cache of live downloads: one file per (source, symbol, interval, adjustment).

Layout: ``<cache_dir>/<source>/<interval>-<adjustment>/<quoted symbol>.parquet`` where the
symbol is percent-quoted (``^GSPC`` -> ``%5EGSPC``). Each file holds a ``Date`` column plus
the data columns, and the parquet key-value metadata key ``aipolicy`` (JSON: symbol, source,
interval, adjustment, fetched_at), which is checked on read against the path asked for.

Writes are atomic (a temp file in the same folder, fsync, then ``os.replace``), so readers see
either the old complete file or the new complete file, and concurrent writers cannot leave a
torn file. Empty or all-NaN frames are never stored. On read, three faults are told apart:

- a file that cannot be parsed (or has no ``Date`` column or no rows) is corrupt: it is moved
  aside to ``<name>.corrupt-<UTC timestamp>`` and reported with :class:`CacheCorruptError`;
- a file whose metadata names another symbol (source, interval, adjustment) is moved aside to
  ``<name>.mismatch-<UTC timestamp>`` and reported with :class:`CacheMismatchError`, saying
  what it holds;
- a file that may not be read (permissions) raises :class:`DataPermissionError`, and a valid
  file lacking the columns asked for raises :class:`CacheColumnsError`; both leave the file
  in place.
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
from aipolicy.errors import (
    CacheColumnsError,
    CacheCorruptError,
    CacheMismatchError,
    DataPermissionError,
)
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
    source: str, symbol: str, interval: str, adjustment: str, frame: pd.DataFrame,
    *, fetched_at: str | None = None,
) -> str | None:
    """Store ``frame`` (DatetimeIndex rows, float/int columns) atomically; return fetched_at.

    ``fetched_at`` (ISO UTC) is when the data was downloaded; default now.

    Returns ``None`` and writes nothing when the frame is empty or every value is NaN.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if frame is None or frame.empty or not frame.notna().to_numpy().any():
        return None
    fetched_at = fetched_at or utc_now()
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


def _aside(path: Path, tag: str) -> str:
    """Rename ``path`` to ``<name>.<tag>-<UTC timestamp>``; say where it went."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.name}.{tag}-{stamp}")
    try:
        os.replace(path, aside)
        return f"moved aside to {aside}"
    except OSError as move_exc:  # another process may have replaced or removed it already
        return f"could not be moved aside ({move_exc})"


def _move_aside(path: Path, exc: BaseException) -> CacheCorruptError:
    where = _aside(path, "corrupt")
    return CacheCorruptError(
        f"cache file {path} could not be read ({type(exc).__name__}: {exc}); {where}; "
        "run `aipolicy fetch` when online to refill it"
    )


def _permission_error(path: Path, exc: OSError) -> DataPermissionError:
    return DataPermissionError(
        f"cache file {path} cannot be read: permission denied; the file is left in place; "
        f"give your user read access to it (chmod u+r '{path}') or set "
        "AIPOLICY_CACHE_DIR to a folder you own"
    )


def _describe(meta: dict[str, Any]) -> str:
    return f"{meta.get('symbol', '?')} (source {meta.get('source', '?')}, interval " \
        f"{meta.get('interval', '?')}, adjustment {meta.get('adjustment', '?')})"  # fmt: skip


def _check_label(path: Path, meta: dict[str, Any], expected: dict[str, str]) -> None:
    """Refuse a file whose recorded symbol/source/interval/adjustment contradict its path.

    Files written before the label was checked may carry no ``aipolicy`` metadata or only
    part of it: such a file is trusted as its path says (as it always was) and keys it does
    not record are not compared; only a recorded value that differs is refused. The next
    ``aipolicy fetch`` rewrites the file with the full label.
    """
    wrong = [k for k, v in expected.items() if k in meta and str(meta[k]) != v]
    if not wrong:
        return
    where = _aside(path, "mismatch")
    raise CacheMismatchError(
        f"cache file {path} holds {_describe(meta)}, not {_describe(expected)}; {where}; "
        "run `aipolicy fetch` when online to refill it"
    )


def read_table(
    source: str, symbol: str, interval: str, adjustment: str, columns: list[str] | None = None
) -> tuple[Any, str | None]:
    """Read one entry as an Arrow table; ``(None, None)`` when there is none.

    Raises
    ------
    CacheCorruptError
        The file cannot be parsed, lacks a ``Date`` column or is empty; moved aside.
    CacheMismatchError
        The file's metadata says it holds another symbol (source, interval, adjustment);
        moved aside, the message says what it holds.
    DataPermissionError
        The file may not be read (permissions); left in place.
    CacheColumnsError
        The file is valid but lacks some of ``columns``; left in place.
    """
    import pyarrow.parquet as pq

    path = cache_path(source, symbol, interval, adjustment)
    if not path.exists():
        return None, None
    expected = {"symbol": symbol, "source": source, "interval": interval,
                "adjustment": adjustment}  # fmt: skip
    try:
        # one open handle: a concurrent os.replace cannot swap the file between footer and pages
        fh = path.open("rb")
    except FileNotFoundError:
        return None, None
    except PermissionError as exc:
        raise _permission_error(path, exc) from exc
    # faults found while the file is open are acted on (moved aside) once it is closed
    corrupt: BaseException | None = None
    meta: dict[str, Any] = {}
    table = None
    with fh:
        try:
            pf = pq.ParquetFile(fh)
            names = pf.schema_arrow.names
            meta = json.loads((pf.schema_arrow.metadata or {}).get(META_KEY, b"{}"))
            if not isinstance(meta, dict):
                raise ValueError("its 'aipolicy' metadata is not a JSON object")
            if "Date" not in names:
                raise ValueError(f"no 'Date' column (columns: {', '.join(names)})")
        except PermissionError as exc:
            raise _permission_error(path, exc) from exc
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
            corrupt = exc
        else:
            lacking = [c for c in columns or () if c not in names]
            mislabelled = any(k in meta and str(meta[k]) != v for k, v in expected.items())
            if not lacking and not mislabelled:  # else reported below, once the file is closed
                try:
                    table = pf.read(
                        columns=None if columns is None else ["Date", *columns],
                        use_threads=False,
                    )
                except PermissionError as exc:
                    raise _permission_error(path, exc) from exc
                except Exception as exc:
                    corrupt = exc
                else:
                    if table.num_rows == 0:
                        corrupt = ValueError("no rows")
    if corrupt is not None:
        raise _move_aside(path, corrupt) from corrupt
    _check_label(path, meta, expected)
    if table is None:  # the label matched, so columns were lacking
        kept = [n for n in names if n != "Date"]
        hint = " or ask for fields='close'" if "Close" in kept else ""
        raise CacheColumnsError(
            f"cache file {path} holds {_describe(expected)} with columns {', '.join(kept)} but "
            f"not {', '.join(lacking)}; the file is left in place; run `aipolicy fetch` when "
            f"online to refill it{hint}"
        )
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
