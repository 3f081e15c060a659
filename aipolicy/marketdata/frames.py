"""Per-symbol column records and their assembly into the wide frames the loaders return.

A *record* is ``(dates, columns)``: ``dates`` a sorted, unique ``datetime64[ns]`` array and
``columns`` a dict of float64 arrays of the same length (Open, High, Low, Close, Volume for
prices; the series id for FRED). Assembly works on numpy arrays, so joining 30 tickers costs
well under a millisecond more than reading them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

Record = tuple["np.ndarray", dict[str, "np.ndarray"]]


def record_from_table(table: Any, columns: list[str]) -> Record:
    """Record from an Arrow table with a ``Date`` column (nulls become NaN)."""
    import numpy as np

    dates = table.column("Date").to_numpy().astype("datetime64[ns]", copy=False)
    cols: dict[str, np.ndarray] = {}
    for c in columns:
        arr = table.column(c)
        cols[c] = arr.to_numpy(zero_copy_only=False).astype("float64", copy=False) if arr.null_count == 0 \
            else arr.to_pandas().to_numpy(dtype="float64", na_value=np.nan)  # fmt: skip
    return dates, cols


def record_from_frame(frame: pd.DataFrame, columns: list[str]) -> Record:
    """Record from a DatetimeIndex frame; sorts and drops duplicate dates (keeping the last)."""
    import numpy as np

    idx = frame.index
    dates = np.asarray(
        idx.tz_localize(None) if getattr(idx, "tz", None) is not None else idx
    ).astype("datetime64[ns]")
    order = np.argsort(dates, kind="stable")
    dates = dates[order]
    keep = np.ones(len(dates), dtype=bool)
    if len(dates) > 1:
        keep[:-1] = dates[1:] != dates[:-1]
    cols = {c: frame[c].to_numpy(dtype="float64", na_value=np.nan)[order][keep] for c in columns}
    return dates[keep], cols


def has_data(rec: Record, column: str) -> bool:
    """True when the record holds at least one non-NaN value in ``column``."""
    import numpy as np

    arr = rec[1][column]
    return bool(len(arr)) and not bool(np.isnan(arr).all())


def _clip(rec: Record, start: Any, end: Any) -> Record:
    import numpy as np

    dates, cols = rec
    lo = (
        0
        if start is None
        else int(np.searchsorted(dates, np.datetime64(start.value, "ns"), "left"))
    )
    hi = (
        len(dates)
        if end is None
        else int(np.searchsorted(dates, np.datetime64(end.value, "ns"), "right"))
    )
    if lo == 0 and hi == len(dates):
        return rec
    return dates[lo:hi], {k: v[lo:hi] for k, v in cols.items()}


def assemble(
    records: dict[str, Record], fields: tuple[str, ...], start: Any = None, end: Any = None,
    *, multi: bool = False,
) -> tuple[pd.DataFrame, list[str]]:  # fmt: skip
    """Join records on the union of their dates, clipped to ``[start, end]`` (inclusive).

    Parameters
    ----------
    records : dict
        symbol -> record, in the column order wanted.
    fields : tuple of str
        Columns taken from each record (one for a single-level frame).
    multi : bool
        Build a ``(field, symbol)`` column MultiIndex instead of one column per symbol.

    Returns
    -------
    (pandas.DataFrame, list of str)
        The frame (DatetimeIndex ``Date``, ``datetime64[ns]``, sorted; float64 values, NaN
        where a symbol has no row) and the symbols left out because the range held no data.
    """
    import numpy as np
    import pandas as pd

    clipped = {s: _clip(r, start, end) for s, r in records.items()}
    empty = [s for s, r in clipped.items() if not any(has_data(r, f) for f in fields)]
    kept = {s: r for s, r in clipped.items() if s not in empty}
    all_dates = [r[0] for r in kept.values()]
    if not all_dates:
        union = np.array([], dtype="datetime64[ns]")
    elif all(
        len(d) == len(all_dates[0]) and np.array_equal(d, all_dates[0]) for d in all_dates[1:]
    ):
        union = all_dates[0]
    else:
        union = np.unique(np.concatenate(all_dates))
    n = len(union)
    syms = list(kept)
    out = np.full((n, len(syms) * len(fields)), np.nan)
    for j, s in enumerate(syms):
        dates, cols = kept[s]
        pos = None if dates is union or len(dates) == n else np.searchsorted(union, dates)
        for k, f in enumerate(fields):
            col = k * len(syms) + j if multi else j * len(fields) + k
            if pos is None:
                out[:, col] = cols[f]
            else:
                out[pos, col] = cols[f]
    index = pd.DatetimeIndex(union, name="Date")
    if multi:
        columns: Any = pd.MultiIndex.from_product([list(fields), syms], names=["Field", "Ticker"])
    else:
        if len(fields) != 1:
            raise ValueError("a single-level frame takes exactly one field")
        columns = pd.Index(syms)
    return pd.DataFrame(out, index=index, columns=columns, copy=False), empty
