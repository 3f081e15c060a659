"""Generator of the synthetic sample data set in ``data/sample/`` (``aipolicy sample``).

The data are **synthetic**: a seeded factor model, not market prices. They exist so that the
notebooks, tests and benchmarks run offline on data that behave like markets.

Model (daily log returns on an NYSE-like trading calendar, 2016-01-04 to 2026-10-30)::

    r_i,t = g_i / 252 + beta_i * m_t + lambda_i * s_t + sigma_i * e_i,t

``m`` is a market factor and ``s`` a semiconductor factor, independent of each other; ``e_i``
is idiosyncratic noise. Each of ``m``, ``s`` and ``e_i`` is a GARCH(1,1) process
(alpha=0.08, beta=0.90) driven by Student-t innovations (5 degrees of freedom), demeaned and
scaled to unit sample variance, so the series have fat tails and volatility clustering while
each name's annualised volatility lands on its target. Scripted episodes (the late-2018
sell-off, the 2020 crash and rebound, the 2022 bear market, the 2023-24 AI rally in chips)
shift the factor means over those windows. ``^GSPC`` is the market factor itself; ``^SOX``
is the equal-weighted log-return average of 15 established chip names; ``SMH`` tracks
``^SOX``; IPO names start on their first trade date with the first Open at the offer price
(from the curated IPO table). Macro series follow anchor paths shaped like 2016-2026 history
plus noise. Files are written with pyarrow with fixed options and no pandas metadata, so a
regeneration with the same pyarrow version is byte-identical.

This module writes the files; the inputs are in :mod:`.synthetic_params` and the model in
:mod:`.synthetic_model` (both re-exported here: ``SEED``, ``GROUPS``, ``build_prices``...).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

from aipolicy.marketdata import universe as U
from aipolicy.marketdata.synthetic_model import build_fred, build_prices, trading_days
from aipolicy.marketdata.synthetic_params import GENERATOR_VERSION, GROUPS, SEED

__all__ = [
    "GENERATOR_VERSION",
    "GROUPS",
    "SEED",
    "build_fred",
    "build_prices",
    "fred_table",
    "generate",
    "price_table",
    "trading_days",
]


# --------------------------------------------------------------------------- writing
def _write_parquet(table: Any, path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(
        table, path, compression="zstd", compression_level=9, use_dictionary=False,
        write_statistics=True, store_schema=False, version="2.6",
    )  # fmt: skip


def _meta(kind: str, symbol: str) -> dict[bytes, bytes]:
    info = {"symbol": symbol, "kind": kind, "synthetic": True, "seed": SEED,
            "generator": f"aipolicy.marketdata.synthetic v{GENERATOR_VERSION}"}  # fmt: skip
    return {b"aipolicy": json.dumps(info, sort_keys=True).encode()}


def price_table(symbol: str, frame: Any) -> Any:
    """Arrow table of one symbol: Date (timestamp[ns]), Open, High, Low, Close (float64), Volume (int64)."""
    import pyarrow as pa

    arrays = [pa.array(frame.index.to_numpy().astype("datetime64[ns]"), pa.timestamp("ns"))]
    arrays += [
        pa.array(frame[c].to_numpy(), pa.float64()) for c in ("Open", "High", "Low", "Close")
    ]
    arrays.append(pa.array(frame["Volume"].to_numpy(), pa.int64()))
    schema = pa.schema(
        [("Date", pa.timestamp("ns"))] + [(c, pa.float64()) for c in ("Open", "High", "Low", "Close")]
        + [("Volume", pa.int64())], metadata=_meta("prices", symbol),
    )  # fmt: skip
    return pa.Table.from_arrays(arrays, schema=schema)


def fred_table(series_id: str, series: Any) -> Any:
    """Arrow table of one FRED series: Date (timestamp[ns]) and the value (float64, null for '.')."""
    import numpy as np
    import pyarrow as pa

    values = series.to_numpy(dtype="float64")
    schema = pa.schema([("Date", pa.timestamp("ns")), (series_id, pa.float64())],
                       metadata=_meta("fred", series_id))  # fmt: skip
    return pa.Table.from_arrays(
        [pa.array(series.index.to_numpy().astype("datetime64[ns]"), pa.timestamp("ns")),
         pa.array(values, pa.float64(), mask=np.isnan(values))], schema=schema,
    )  # fmt: skip


def generate(out_dir: Path | str, *, seed: int = SEED) -> list[Path]:
    """Generate the whole sample into ``out_dir`` (``prices/``, ``fred/``, ``manifest.csv``).

    The README is not written here (it is prose, committed by hand). Returns the files written.
    """
    out = Path(out_dir)
    (out / "prices").mkdir(parents=True, exist_ok=True)
    (out / "fred").mkdir(parents=True, exist_ok=True)
    rows: list[list[str]] = []
    written: list[Path] = []
    for sym, frame in build_prices(seed).items():
        path = out / "prices" / f"{U.safe_name(sym)}.parquet"
        _write_parquet(price_table(sym, frame), path)
        rows.append(["prices", sym, path.relative_to(out).as_posix(), frame.index[0].strftime("%Y-%m-%d"),
                     frame.index[-1].strftime("%Y-%m-%d"), str(len(frame))])  # fmt: skip
        written.append(path)
    for sid, series in build_fred(seed).items():
        path = out / "fred" / f"{sid}.parquet"
        _write_parquet(fred_table(sid, series), path)
        rows.append(["fred", sid, path.relative_to(out).as_posix(), series.index[0].strftime("%Y-%m-%d"),
                     series.index[-1].strftime("%Y-%m-%d"), str(len(series))])  # fmt: skip
        written.append(path)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["kind", "symbol", "file", "first", "last", "rows", "sha256"])
    for row in rows:
        w.writerow([*row, hashlib.sha256((out / row[2]).read_bytes()).hexdigest()])
    (out / "manifest.csv").write_text(buf.getvalue())
    written.append(out / "manifest.csv")
    return written
