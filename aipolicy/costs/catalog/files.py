"""Catalog files: where they are, what each must hold, and loading them validated.

The CSV files live in :data:`aipolicy.config.CATALOG_DIR` (``aipolicy/catalogs``); see
:mod:`aipolicy.costs.catalog.tables` for the table of files and for the lookups built on them.
Every row carries ``source`` and ``as_of``; ``as_of`` is an ISO date (``YYYY-MM-DD``,
``YYYY-MM`` or ``YYYY``) or the literal ``undated``. A malformed row raises
:class:`~aipolicy.errors.CatalogError` naming the file, the line and the column (``field``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

import pandas as pd

from aipolicy.config import CATALOG_DIR
from aipolicy.errors import CatalogError

__all__ = ["CATALOG_FILES", "KNOWN_UNITS", "load_catalog", "parse_as_of"]

#: Units a long-format catalog row may carry.
KNOWN_UNITS = frozenset(
    {
        "USD", "USD/month", "USD/kWh", "USD/FTE-month", "USD/server-month", "USD/GPU-hour",
        "USD/kW-month",
        "FTE", "ratio", "ratio/year", "months", "years", "W", "GB", "GB/s", "TFLOPS",
        "B params", "tokens", "count",
    }
)

CATALOG_FILES: dict[str, str] = {
    "hosted_models": "hosted_models.csv",
    "retirements": "retirements.csv",
    "releases": "releases.csv",
    "gpus": "gpus.csv",
    "gpu_rental": "gpu_rental.csv",
    "servers": "servers.csv",
    "open_models": "open_models.csv",
    "throughput": "throughput.csv",
    "cost_defaults": "cost_defaults.csv",
    "quality": "quality.csv",
    "latency_sweeps": "latency_sweeps.csv",
    "api_latency": "api_latency.csv",
    "model_events": "model_events.csv",
    "reasoning_tokens": "reasoning_tokens.csv",
}

_NUMERIC: dict[str, tuple[str, ...]] = {
    "hosted_models": ("input_per_mtok_usd", "output_per_mtok_usd", "cached_input_per_mtok_usd"),
    "retirements": (),
    "releases": (),
    "gpus": ("value",),
    "gpu_rental": ("gpu_hour_usd",),
    "servers": ("gpus_per_server", "price_usd", "installation_usd"),
    "open_models": ("value",),
    "throughput": ("tp", "input_tokens", "output_tokens", "reported_tok_s"),
    "cost_defaults": ("value",),
    "quality": ("rating", "ci_low", "ci_high", "rank", "style_rating", "style_ci_low",
                "style_ci_high"),
    "latency_sweeps": ("tp", "input_tokens", "output_tokens", "concurrency", "qps", "req_s",
                       "output_tok_s", "itl_ms", "tok_s_per_user", "ttft_ms"),
    "api_latency": ("output_tokens_per_s", "ttft_s"),
    "model_events": ("input_per_mtok_usd", "output_per_mtok_usd",
                     "reference_input_per_mtok_usd", "reference_output_per_mtok_usd"),
    "reasoning_tokens": ("tokens_per_request",),
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "hosted_models": ("model", "provider", "model_ref"),
    "retirements": ("model", "provider", "retires_on"),
    "releases": ("model", "provider", "released_on"),
    "gpus": ("gpu", "parameter", "value", "unit"),
    "gpu_rental": ("gpu", "provider", "gpu_hour_usd"),
    "servers": ("server", "gpu", "gpus_per_server", "price_usd"),
    "open_models": ("model", "parameter", "value", "unit"),
    "throughput": ("model", "gpu", "tp", "reported_tok_s", "reported_per", "version"),
    "cost_defaults": ("parameter", "value", "unit"),
    "quality": ("model", "kind", "arena_key"),
    "latency_sweeps": ("model", "gpu", "tp", "input_tokens", "output_tokens", "sweep",
                       "tok_s_per_user"),
    "api_latency": ("model", "provider"),
    "model_events": ("date", "provider", "model", "kind", "input_per_mtok_usd",
                     "output_per_mtok_usd", "reference_model", "reference_input_per_mtok_usd",
                     "reference_output_per_mtok_usd"),
    "reasoning_tokens": ("model", "tokens_per_request"),
}
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def parse_as_of(text: str) -> dt.date | None:
    """Parse an ``as_of`` value (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or ``undated``).

    Returns the first day of the period, or ``None`` for ``undated``; raises ``ValueError``.
    """
    text = str(text).strip()
    if text == "undated":
        return None
    if not _DATE_RE.match(text):
        raise ValueError(f"{text!r} is not YYYY-MM-DD, YYYY-MM, YYYY or 'undated'")
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def _validate(name: str, frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Check one catalog frame; raise :class:`CatalogError` naming file, row and column."""
    for col in ("source", "as_of", *_REQUIRED[name]):
        if col not in frame.columns:
            raise CatalogError(f"{path.name}: missing column {col!r}; expected columns include "
                               f"{', '.join(_REQUIRED[name])}, source, as_of", field=col)
    frame = frame.copy()
    for col in _NUMERIC[name]:
        if col not in frame.columns:
            continue
        numbers = pd.to_numeric(frame[col], errors="coerce")
        for idx in frame.index:
            raw = frame.at[idx, col]
            line = idx + 2  # header is line 1
            if pd.isna(raw) or str(raw).strip() == "":
                if col in _REQUIRED[name]:
                    raise CatalogError(f"{path.name} line {line}: column {col!r} is empty; "
                                       "a number is required", field=col)
                continue
            value = numbers.at[idx]
            if pd.isna(value) or not math.isfinite(value):
                raise CatalogError(f"{path.name} line {line}: column {col!r} = {raw!r} is not a "
                                   "number", field=col, value=raw)
            if value < 0:
                raise CatalogError(f"{path.name} line {line}: column {col!r} = {value} is "
                                   "negative; prices, sizes and rates must be >= 0", field=col,
                                   value=value)
        frame[col] = numbers.astype(float)
    for idx in frame.index:
        line = idx + 2
        src = frame.at[idx, "source"]
        if pd.isna(src) or not str(src).strip():
            raise CatalogError(f"{path.name} line {line}: empty 'source'; every figure needs one",
                               field="source")
        for col in ("as_of", "valid_from", "valid_to", "retires_on", "date", "released_on"):
            if col not in frame.columns:
                continue
            raw = frame.at[idx, col]
            if col != "as_of" and (pd.isna(raw) or not str(raw).strip()):
                continue
            try:
                if col != "as_of" and str(raw).strip() == "undated":
                    raise ValueError("validity bounds must be dates")
                parse_as_of(str(raw))
            except ValueError as exc:
                raise CatalogError(f"{path.name} line {line}: column {col!r}: {exc}",
                                   field=col, value=raw) from None
        if "unit" in frame.columns and frame.at[idx, "unit"] not in KNOWN_UNITS:
            raise CatalogError(f"{path.name} line {line}: unknown unit {frame.at[idx, 'unit']!r}; "
                               f"known units: {', '.join(sorted(KNOWN_UNITS))}", field="unit",
                               value=frame.at[idx, "unit"])
    for col in ("note", "valid_from", "valid_to", "precision", "engine", "tier", "retires_on",
                "released_on"):
        if col in frame.columns:
            frame[col] = frame[col].fillna("").astype(str)
    frame["as_of"] = frame["as_of"].astype(str)
    return frame


@lru_cache(maxsize=32)
def _load_cached(name: str, directory: str) -> pd.DataFrame:
    path = Path(directory) / CATALOG_FILES[name]
    if not path.exists():
        raise CatalogError(f"catalog file {path} not found; expected one of "
                           f"{', '.join(CATALOG_FILES.values())} in {directory}")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path.name}: cannot be parsed as CSV ({exc})") from None
    return _validate(name, frame, path)


def load_catalog(name: str, directory: str | Path | None = None) -> pd.DataFrame:
    """Return one validated catalog as a DataFrame (a copy; edit freely).

    Parameters
    ----------
    name : str
        One of :data:`CATALOG_FILES`' keys (``hosted_models``, ``retirements``, ``quality``,
        ``gpus``, ``gpu_rental``, ``servers``, ``open_models``, ``throughput``,
        ``cost_defaults``).
    directory : path, optional
        Folder holding the CSV files; defaults to the package's catalogs.
    """
    if name not in CATALOG_FILES:
        raise CatalogError(f"unknown catalog {name!r}; known: {', '.join(CATALOG_FILES)}",
                           field="name", value=name)
    return _load_cached(name, str(directory or CATALOG_DIR)).copy()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename, so
    a reader never sees half a file; the temporary file goes if the write fails.

    The file keeps the permissions it had, and a new one gets those of any new file (0666
    less the umask), not the owner-only mode of a temporary file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        with contextlib.suppress(OSError):  # a file system without modes keeps its own
            os.chmod(tmp, _mode_of(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_umask() -> int:
    """The process's umask, read once at import (setting it to read it back is not safe once
    other threads create files)."""
    umask = os.umask(0)
    os.umask(umask)
    return umask


_UMASK = _read_umask()


def _mode_of(path: Path) -> int:
    """The permission bits ``path`` has, or those a new file gets (0666 less the umask)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_UMASK
