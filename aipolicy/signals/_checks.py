"""Input checks shared by the signals modules (private).

Every check raises :class:`aipolicy.errors.InvalidInputError` (or ``UnknownTickerError``) with a
message naming the argument, what was wrong and what would be right.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError, UnknownTickerError

#: Accepted resampling aliases -> pandas offset alias.
FREQ_ALIASES = {
    "D": None,
    "W": "W-FRI",
    "W-FRI": "W-FRI",
    "M": "ME",
    "ME": "ME",
    "Q": "QE",
    "QE": "QE",
    "A": "YE",
    "Y": "YE",
    "YE": "YE",
}
#: Periods per year for each accepted alias.
PERIODS_PER_YEAR = {
    "D": 252,
    "W": 52,
    "W-FRI": 52,
    "M": 12,
    "ME": 12,
    "Q": 4,
    "QE": 4,
    "A": 1,
    "Y": 1,
    "YE": 1,
}


def check_time_index(obj: pd.Series | pd.DataFrame, name: str) -> None:
    """Require a sorted, duplicate-free, tz-naive ``DatetimeIndex``."""
    if not isinstance(obj, pd.Series | pd.DataFrame):
        raise InvalidInputError(
            f"{name} must be a pandas Series or DataFrame indexed by date, got {type(obj).__name__}"
        )
    idx = obj.index
    if not isinstance(idx, pd.DatetimeIndex):
        raise InvalidInputError(
            f"{name} must have a DatetimeIndex (dates), got {type(idx).__name__}; "
            "set it with df.set_index(pd.to_datetime(df['Date']))"
        )
    if idx.tz is not None:
        raise InvalidInputError(
            f"{name} index must be tz-naive, got tz={idx.tz}; use .tz_localize(None)"
        )
    if not idx.is_monotonic_increasing:
        raise InvalidInputError(f"{name} index must be sorted ascending; call .sort_index() first")
    if idx.has_duplicates:
        dup = idx[idx.duplicated()][0]
        raise InvalidInputError(
            f"{name} index has duplicate dates (first: {dup.date()}); each date once"
        )


def as_frame(obj: pd.Series | pd.DataFrame, name: str) -> pd.DataFrame:
    """Return ``obj`` as a float DataFrame after the index checks (Series -> one column)."""
    check_time_index(obj, name)
    frame = (
        obj.to_frame(name=obj.name if obj.name is not None else name)
        if isinstance(obj, pd.Series)
        else obj
    )
    bad = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if bad:
        raise InvalidInputError(f"{name} columns must be numeric; non-numeric: {bad[:5]}")
    return frame.astype(float)


def check_positive_prices(frame: pd.DataFrame, name: str) -> None:
    """Prices must be > 0 where present (NaN allowed)."""
    values = frame.to_numpy(dtype=float)
    bad = np.isfinite(values) & (values <= 0)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise InvalidInputError(
            f"{name} must hold positive prices; {frame.columns[c]} is {values[r, c]} on "
            f"{frame.index[r].date()}. Pass prices (not returns) or drop bad rows"
        )
    if np.isinf(values).any():
        raise InvalidInputError(f"{name} contains infinite values; replace them with NaN")


def check_periods_per_year(periods_per_year: float) -> float:
    if not np.isfinite(periods_per_year) or periods_per_year <= 0:
        raise InvalidInputError(
            f"periods_per_year must be a positive number (252 daily, 52 weekly, 12 monthly), "
            f"got {periods_per_year!r}"
        )
    return float(periods_per_year)


def freq_alias(freq: str) -> str | None:
    """Map a user frequency ('D', 'W', 'M', 'Q', 'A') to a pandas alias (None for daily)."""
    key = str(freq).upper()
    if key not in FREQ_ALIASES:
        raise InvalidInputError(
            f"freq must be one of {sorted(FREQ_ALIASES)} (D daily, W weekly, M monthly), got {freq!r}"
        )
    return FREQ_ALIASES[key]


def require_columns(frame: pd.DataFrame, names: Iterable[str], name: str) -> list[str]:
    """Return ``names`` as a list, raising UnknownTickerError for any not in ``frame``."""
    names = list(names)
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise UnknownTickerError(
            f"{name} has no column(s) {missing}; available: {list(frame.columns)[:40]}"
        )
    return names


def window_slice(obj, start, end, name: str):
    """Label-slice ``obj`` to [start, end] (inclusive); both may be None."""
    try:
        start_ts = None if start is None else pd.Timestamp(start)
        end_ts = None if end is None else pd.Timestamp(end)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(
            f"start/end for {name} must be dates like '2023-01-01', got {start!r}, {end!r}"
        ) from exc
    if start_ts is not None and end_ts is not None and start_ts > end_ts:
        raise InvalidInputError(f"start {start_ts.date()} is after end {end_ts.date()} for {name}")
    return obj.loc[start_ts:end_ts]


def benchmark_series(prices_or_returns: pd.DataFrame, benchmark, name: str) -> pd.Series:
    """Resolve ``benchmark`` given as a column name of the frame or as a Series."""
    if isinstance(benchmark, pd.Series):
        check_time_index(benchmark, name)
        return benchmark.astype(float)
    if isinstance(benchmark, str):
        require_columns(prices_or_returns, [benchmark], "prices")
        return prices_or_returns[benchmark].astype(float)
    raise InvalidInputError(
        f"{name} must be a column name (e.g. '^GSPC') or a date-indexed Series, "
        f"got {type(benchmark).__name__}"
    )
