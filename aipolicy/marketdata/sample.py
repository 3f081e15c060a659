"""Reader of the committed synthetic sample (``data/sample/``): manifest, prices, FRED series."""

from __future__ import annotations

import csv
from pathlib import Path

from aipolicy import config
from aipolicy.errors import DataUnavailableError, MalformedDataError
from aipolicy.marketdata.frames import Record, record_from_table


def provenance() -> str:
    """Short human description of the sample, e.g. for ``attrs["provenance"]``."""
    from aipolicy.marketdata.synthetic import SEED

    return f"aipolicy synthetic sample (seed {SEED})"


def sample_root(data_dir: str | Path | None = None) -> Path:
    """The sample folder: ``data_dir`` if given, else :func:`aipolicy.config.sample_dir`."""
    return Path(data_dir) if data_dir is not None else config.sample_dir()


def manifest(data_dir: str | Path | None = None) -> dict[str, dict[str, str]]:
    """``kind:symbol`` -> manifest row (``file``, ``first``, ``last``, ``rows``, ``sha256``)."""
    root = sample_root(data_dir)
    path = root / "manifest.csv"
    try:
        with path.open(newline="") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError as exc:
        raise DataUnavailableError(
            f"source 'sample': {path} does not exist; regenerate the sample with `aipolicy sample` "
            "or point AIPOLICY_SAMPLE_DIR at a folder that holds it"
        ) from exc
    try:
        return {f"{r['kind']}:{r['symbol']}": r for r in rows}
    except KeyError as exc:
        raise MalformedDataError(f"{path}: line 1: column {exc} is missing") from exc


def symbols(kind: str, data_dir: str | Path | None = None) -> list[str]:
    """Symbols of one kind (``"prices"`` or ``"fred"``) in manifest order."""
    return [k.split(":", 1)[1] for k in manifest(data_dir) if k.startswith(kind + ":")]


def read(kind: str, symbol: str, columns: list[str], data_dir: str | Path | None = None,
         entries: dict[str, dict[str, str]] | None = None) -> Record:  # fmt: skip
    """Read one symbol's columns as a record. The symbol must be in the manifest."""
    import pyarrow.parquet as pq

    entries = entries if entries is not None else manifest(data_dir)
    path = sample_root(data_dir) / entries[f"{kind}:{symbol}"]["file"]
    try:
        table = pq.read_table(path, columns=["Date", *columns], use_threads=False)
    except Exception as exc:  # pyarrow raises several types for bad files
        raise MalformedDataError(
            f"{path}: cannot read the sample file ({exc}); run `aipolicy sample`"
        ) from exc
    return record_from_table(table, columns)
