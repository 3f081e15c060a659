"""Public FRED loader: :func:`load_fred`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from aipolicy.errors import InvalidInputError
from aipolicy.marketdata.provenance import (
    MISSING_MODES,
    as_timestamp,
    check_choice,
    check_source,
    symbol_list,
)

if TYPE_CHECKING:
    import pandas as pd


def load_fred(
    series_ids: str | list[str],
    start: Any = None,
    end: Any = None,
    *,
    source: str = "auto",
    data_dir: str | Path | None = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """FRED series by id, as published (monthly series on the 1st of the month, daily ones daily).

    Parameters
    ----------
    series_ids : str or list of str
        FRED ids, e.g. ``"CPIAUCSL"`` or ``["CPIAUCSL", "DGS10"]``.
    start, end : str, date or Timestamp, optional
        Inclusive bounds on the observation date.
    source : {"sample", "csv", "live", "cache", "auto"}
        ``live`` uses fredapi when ``FRED_API_KEY`` is set, else the keyless ``fredgraph.csv``.
    data_dir : str or Path, optional
        Folder of ``SERIES_ID.csv`` files in FRED's layout (required for ``"csv"``).
    missing : {"raise", "drop"}
        As in :func:`~aipolicy.marketdata.load_prices`.

    Returns
    -------
    pandas.DataFrame
        DatetimeIndex ``Date`` (union of the series' dates), one float64 column per series
        (units as published: index points, thousands, percent); NaN where FRED has ``.`` or a
        series has no observation that day. ``attrs`` as for prices.
    """
    from aipolicy.errors import DataUnavailableError
    from aipolicy.marketdata import sample as sample_mod
    from aipolicy.marketdata.frames import assemble
    from aipolicy.marketdata.sources import attach_provenance, collect

    ids = symbol_list("series_ids", series_ids)
    check_source(source)
    check_choice("missing", missing, MISSING_MODES)
    start_ts, end_ts = as_timestamp("start", start), as_timestamp("end", end)
    if start_ts is not None and end_ts is not None and start_ts > end_ts:
        raise InvalidInputError(f"parameter 'start': {start!r} is after end {end!r}; swap them")
    got = collect("fred", ids, source=source, data_dir=data_dir, missing=missing, columns=["value"],
                  interval="native", start=start_ts)  # fmt: skip
    frame, empty = assemble(got.records, ("value",), start_ts, end_ts)
    if empty and len(empty) == len(got.records):
        raise DataUnavailableError(
            f"source {source!r}: {', '.join(empty)} have no observations in the date range; widen it"
        )
    if empty:
        import warnings

        warnings.warn(
            f"no observations in the date range for {', '.join(empty)}; left out",
            UserWarning,
            stacklevel=2,
        )
    synthetic = source == "sample"
    used = "+".join(got.used)
    if synthetic:
        prov = sample_mod.provenance()
    elif source == "csv":
        prov = f"FRED CSV files in {data_dir}"
    elif used == "cache":
        prov = "local cache of FRED downloads"
    else:
        import os

        prov = (
            "FRED via fredapi" if os.environ.get("FRED_API_KEY") else "FRED fredgraph.csv (keyless)"
        )
        if "cache" in got.used:
            prov += " (some from the local cache)"
    attach_provenance(frame, got, prov=prov, requested=ids, empty=empty, source=source,
                      data_dir=data_dir)
    return frame
