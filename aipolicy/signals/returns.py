"""Returns: simple and log, resampling, per-period risk-free rates, excess and cumulative returns.

All returns are **fractions per period** (0.01 = 1 % a day for daily data). Annual rates given
as input (risk-free, FRED's DGS10 / FEDFUNDS after dividing by 100) are **fractions per year**.

NaN policy (every function): each column is computed on its own non-NaN span; values before a
ticker's first price (IPO) stay NaN. Missing prices are never forward-filled unless asked with
``span_gaps=True``, which measures the return from the last known price to the next one (one
return for the whole gap, booked on the day trading resumes; the missing day stays NaN).
"""

from __future__ import annotations

from typing import Literal, overload

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError

from ._checks import (
    PERIODS_PER_YEAR,
    as_frame,
    check_periods_per_year,
    check_positive_prices,
    check_time_index,
    freq_alias,
)

Frame = pd.DataFrame | pd.Series


def _restore(result: pd.DataFrame, original: Frame) -> Frame:
    if isinstance(original, pd.Series):
        out = result.iloc[:, 0]
        out.name = original.name
        return out
    return result


@overload
def simple_returns(prices: pd.Series, *, span_gaps: bool = ...) -> pd.Series: ...
@overload
def simple_returns(prices: pd.DataFrame, *, span_gaps: bool = ...) -> pd.DataFrame: ...


def simple_returns(prices: Frame, *, span_gaps: bool = False) -> Frame:
    """Simple returns ``p_t / p_{t-1} - 1`` per column.

    Parameters
    ----------
    prices : DataFrame or Series
        Price levels (adjusted close), DatetimeIndex, one column per ticker; must be > 0
        where present.
    span_gaps : bool, default False
        False: a missing price makes the return of that day and of the next day NaN.
        True: the return after a gap is measured from the last known price (no fake zero
        returns; the missing day itself stays NaN).

    Returns
    -------
    Same type and shape as ``prices``; fractions per period. The first row, and every row
    before a column's first price, is NaN.
    """
    frame = as_frame(prices, "prices")
    check_positive_prices(frame, "prices")
    if span_gaps:
        prev = frame.ffill().shift(1)
        out = frame / prev - 1.0
        out = out.where(frame.notna())
    else:
        out = frame / frame.shift(1) - 1.0
    return _restore(out, prices)


def log_returns(prices: Frame, *, span_gaps: bool = False) -> Frame:
    """Log returns ``ln(p_t / p_{t-1})`` per column (fractions per period, continuously
    compounded). Shape and NaN policy as :func:`simple_returns`."""
    simple = simple_returns(prices, span_gaps=span_gaps)
    return np.log1p(simple)


def prices_to_returns(
    prices: Frame, kind: Literal["simple", "log"] = "simple", *, span_gaps: bool = False
) -> Frame:
    """Dispatch to :func:`simple_returns` or :func:`log_returns` by ``kind``."""
    if kind == "simple":
        return simple_returns(prices, span_gaps=span_gaps)
    if kind == "log":
        return log_returns(prices, span_gaps=span_gaps)
    raise InvalidInputError(f"kind must be 'simple' or 'log', got {kind!r}")


def resample_prices(prices: Frame, freq: str = "M") -> Frame:
    """Last available price in each period.

    Parameters
    ----------
    prices : DataFrame or Series
        Daily price levels.
    freq : {'W', 'M', 'Q', 'A'}
        Weekly (periods ending Friday), monthly, quarterly, yearly. Labels are the calendar
        period ends (e.g. 2024-01-31) as pandas does.

    Returns
    -------
    Same type; one row per period; NaN for a period in which a column has no price.
    """
    frame = as_frame(prices, "prices")
    alias = freq_alias(freq)
    if alias is None:
        return prices
    out = frame.resample(alias).last()
    out.index.name = frame.index.name
    return _restore(out, prices)


def resample_returns(
    returns: Frame, freq: str = "M", kind: Literal["simple", "log"] = "simple"
) -> Frame:
    """Compound per-period returns into weekly / monthly / quarterly / yearly returns.

    Parameters
    ----------
    returns : DataFrame or Series
        Daily returns, fractions. ``kind`` says whether they are simple or log returns.
    freq : {'W', 'M', 'Q', 'A'}
        Target frequency (labels are calendar period ends).
    kind : {'simple', 'log'}
        Simple returns are compounded (prod(1 + r) - 1); log returns are summed.

    Returns
    -------
    Same type, one row per period. NaN days are skipped; a period in which a column has no
    return at all is NaN (not 0). The first period of a column may be partial (IPO month).
    """
    frame = as_frame(returns, "returns")
    alias = freq_alias(freq)
    if alias is None:
        return returns
    grouped = frame.resample(alias)
    if kind == "simple":
        out = np.log1p(frame).resample(alias).sum(min_count=1)
        out = np.expm1(out)
    elif kind == "log":
        out = grouped.sum(min_count=1)
    else:
        raise InvalidInputError(f"kind must be 'simple' or 'log', got {kind!r}")
    out.index.name = frame.index.name
    return _restore(out, returns)


def periods_per_year_for(freq: str) -> int:
    """Periods per year for a frequency alias: D 252, W 52, M 12, Q 4, A 1."""
    key = str(freq).upper()
    if key not in PERIODS_PER_YEAR:
        raise InvalidInputError(f"freq must be one of {sorted(PERIODS_PER_YEAR)}, got {freq!r}")
    return PERIODS_PER_YEAR[key]


def annual_rate_to_per_period(
    rate: float | pd.Series,
    periods_per_year: float = 252,
    method: Literal["compound", "simple"] = "compound",
) -> float | pd.Series:
    """Convert an annual rate (fraction per year) to a rate per period.

    ``compound``: ``(1 + rate) ** (1 / periods_per_year) - 1`` (default; exact for an
    effective annual rate). ``simple``: ``rate / periods_per_year``.

    Raises InvalidInputError when the rate looks like a percentage (any absolute value > 1):
    FRED's DGS10 = 4.2 means 4.2 %, pass ``fred['DGS10'] / 100``.
    """
    ppy = check_periods_per_year(periods_per_year)
    values = np.asarray(rate, dtype=float)
    finite = values[np.isfinite(values)]
    if finite.size and np.abs(finite).max() > 1.0:
        raise InvalidInputError(
            f"risk-free rate must be an annual fraction (0.05 = 5 %), got values up to "
            f"{np.abs(finite).max():g}; it looks like percent: divide by 100"
        )
    if method == "compound":
        return (1.0 + rate) ** (1.0 / ppy) - 1.0
    if method == "simple":
        return rate / ppy
    raise InvalidInputError(f"method must be 'compound' or 'simple', got {method!r}")


def rf_per_period(
    rf: float | pd.Series | None,
    index: pd.DatetimeIndex,
    periods_per_year: float = 252,
    method: Literal["compound", "simple"] = "compound",
) -> pd.Series:
    """Per-period risk-free rate aligned on ``index``.

    Parameters
    ----------
    rf : float, Series or None
        Annual rate as a fraction (0.05 = 5 %). A Series (e.g. ``fred['FEDFUNDS'] / 100``) is
        aligned on ``index`` by carrying the last published value forward (a rate is a level
        known from its date on); dates before its first value are NaN. None means 0.
    index : DatetimeIndex
        The dates of the returns.

    Returns
    -------
    Series on ``index``: fraction per period.
    """
    if rf is None:
        return pd.Series(0.0, index=index)
    if isinstance(rf, pd.Series):
        check_time_index(rf, "rf")
        rf = rf.dropna().astype(float)
        aligned = rf.reindex(rf.index.union(index)).ffill().reindex(index)
        return annual_rate_to_per_period(aligned, periods_per_year, method)
    if isinstance(rf, int | float | np.floating | np.integer):
        value = annual_rate_to_per_period(float(rf), periods_per_year, method)
        return pd.Series(value, index=index)
    raise InvalidInputError(
        f"rf must be None, a number (annual fraction) or a date-indexed Series, got {type(rf).__name__}"
    )


def excess_returns(
    returns: Frame,
    rf: float | pd.Series | None = 0.0,
    periods_per_year: float = 252,
    method: Literal["compound", "simple"] = "compound",
) -> Frame:
    """Returns in excess of the risk-free rate, ``r_t - rf_t`` with ``rf_t`` per period.

    Parameters
    ----------
    returns : DataFrame or Series
        Simple returns per period (fractions).
    rf : float or Series
        **Annual** risk-free rate as a fraction; converted to per period with
        :func:`annual_rate_to_per_period` (compounding by default). Passing the annual rate
        unconverted is the classic way to get a wrong Sharpe ratio; this function does the
        conversion so callers never do.
    periods_per_year : float
        252 for daily, 52 weekly, 12 monthly returns.

    Returns
    -------
    Same type and shape. NaN where the return is NaN or where ``rf`` has no value yet.
    """
    frame = as_frame(returns, "returns")
    per = rf_per_period(rf, frame.index, periods_per_year, method)
    out = frame.sub(per, axis=0)
    return _restore(out, returns)


def cumulative_returns(returns: Frame) -> Frame:
    """Growth of 1 minus 1: ``prod(1 + r) - 1`` up to each date (fractions).

    NaN returns contribute nothing (treated as a zero return) but the output is NaN before a
    column's first return.
    """
    frame = as_frame(returns, "returns")
    started = frame.notna().cummax()
    out = (1.0 + frame.fillna(0.0)).cumprod() - 1.0
    out = out.where(started)
    return _restore(out, returns)


def total_return(prices: Frame, start=None, end=None) -> pd.Series | float:
    """Total return over [start, end] per column: last price / first price - 1 (fractions),
    each column on its own first and last non-NaN price in the window (NaN if < 2 prices)."""
    frame = as_frame(prices, "prices")
    check_positive_prices(frame, "prices")
    frame = frame.loc[
        None if start is None else pd.Timestamp(start) : None if end is None else pd.Timestamp(end)
    ]
    out = {}
    for col in frame.columns:
        s = frame[col].dropna()
        out[col] = s.iloc[-1] / s.iloc[0] - 1.0 if len(s) >= 2 else np.nan
    result = pd.Series(out, dtype=float)
    return float(result.iloc[0]) if isinstance(prices, pd.Series) else result
