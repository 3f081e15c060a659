"""Performance and risk: drawdowns and the per-asset performance table.

Definitions follow empyrical / quantstats so users get the numbers they know:

- ``total_return`` = prod(1 + r) - 1 over the window (= last / first price - 1);
- ``ann_return`` (CAGR) = (1 + total_return) ** (periods_per_year / n) - 1, n = number of returns;
- ``ann_vol`` = std(r, ddof=1) * sqrt(periods_per_year);
- ``sharpe`` = mean(r - rf) / std(r - rf, ddof=1) * sqrt(periods_per_year), rf per period
  converted from the annual rate (see :func:`aipolicy.signals.returns.rf_per_period`);
- ``sortino`` = mean(r - rf) * sqrt(ppy) / sqrt(mean(min(r - rf, 0) ** 2)) (downside deviation
  over all periods, target = rf, as empyrical);
- ``max_drawdown`` = min(W_t / max_{s<=t} W_s - 1) on the wealth path including its start
  (a negative fraction: -0.35 = a 35 % fall), with the peak, trough and recovery dates;
- ``calmar`` = ann_return / |max_drawdown|;
- ``beta`` = OLS slope with intercept of r on the benchmark's r over common dates = cov / var.

All figures are fractions (0.12 = 12 %); ``ann_*`` are per year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError

from ._checks import as_frame, benchmark_series, check_periods_per_year, window_slice
from .returns import rf_per_period, simple_returns

#: Columns notebook 03 records as ``performance``: {ticker: {these}}.
PERFORMANCE_RECORD_COLUMNS = ("ann_return", "ann_vol", "sharpe", "max_drawdown", "beta")

PERFORMANCE_COLUMNS = (
    "first_date",
    "last_date",
    "n_periods",
    "total_return",
    "ann_return",
    "ann_vol",
    "sharpe",
    "sortino",
    "max_drawdown",
    "max_drawdown_peak",
    "max_drawdown_trough",
    "max_drawdown_recovery",
    "calmar",
    "beta",
    "correlation",
)


@dataclass(frozen=True)
class Drawdown:
    """The largest peak-to-trough fall of a wealth path.

    Attributes
    ----------
    max_drawdown : float
        Negative fraction (-0.35 = 35 % below the running peak); 0.0 if it never fell.
    peak, trough : Timestamp or None
        Date of the running peak before the fall and of the lowest point.
    recovery : Timestamp or None
        First date at or above the peak after the trough; None if not recovered in the data.
    """

    max_drawdown: float
    peak: pd.Timestamp | None
    trough: pd.Timestamp | None
    recovery: pd.Timestamp | None


def wealth_index(returns: pd.Series | pd.DataFrame, start_value: float = 1.0):
    """Wealth path ``start_value * prod(1 + r)``; NaN returns count as 0 once started,
    NaN before a column's first return. Same shape as ``returns``."""
    frame = as_frame(returns, "returns")
    started = frame.notna().cummax()
    out = start_value * (1.0 + frame.fillna(0.0)).cumprod()
    out = out.where(started)
    return out.iloc[:, 0].rename(returns.name) if isinstance(returns, pd.Series) else out


def drawdown_series(prices: pd.Series | pd.DataFrame):
    """Drawdown from the running peak: ``p_t / max_{s<=t} p_s - 1`` (fractions, <= 0).

    Parameters
    ----------
    prices : Series or DataFrame
        Price levels or a wealth index (see :func:`wealth_index` to start from returns).
        NaN prices (before IPO, gaps) stay NaN and do not reset the peak.

    Returns
    -------
    Same type and shape as ``prices``.
    """
    frame = as_frame(prices, "prices")
    peak = frame.cummax()
    out = frame / peak - 1.0
    return out.iloc[:, 0].rename(prices.name) if isinstance(prices, pd.Series) else out


def max_drawdown(prices: pd.Series) -> Drawdown:
    """Largest drawdown of one price or wealth path, with its dates (NaN values skipped).

    Returns ``Drawdown(nan, None, None, None)`` for fewer than two prices.
    """
    s = as_frame(prices, "prices").iloc[:, 0].dropna()
    if len(s) < 2:
        return Drawdown(np.nan, None, None, None)
    values = s.to_numpy()
    return _max_drawdown_np(values, s.index)


def _max_drawdown_np(values: np.ndarray, index: pd.DatetimeIndex) -> Drawdown:
    peak_vals = np.maximum.accumulate(values)
    dd = values / peak_vals - 1.0
    trough_i = int(np.argmin(dd))
    mdd = float(dd[trough_i])
    if mdd >= 0.0:
        return Drawdown(0.0, None, None, None)
    peak_i = int(np.argmax(values[: trough_i + 1]))
    after = np.nonzero(values[trough_i:] >= values[peak_i])[0]
    recovery = index[trough_i + after[0]] if after.size else None
    return Drawdown(mdd, index[peak_i], index[trough_i], recovery)


def _stats_one(
    r: np.ndarray, ex: np.ndarray, wealth: np.ndarray, index: pd.DatetimeIndex, ppy: float
) -> dict:
    n = r.size
    total = wealth[-1] / wealth[0] - 1.0
    ann_return = (1.0 + total) ** (ppy / n) - 1.0 if n > 0 and total > -1 else np.nan
    ann_vol = float(np.std(r, ddof=1) * np.sqrt(ppy)) if n > 1 else np.nan
    ex_ok = ex[np.isfinite(ex)]
    if ex_ok.size > 1:
        sd = np.std(ex_ok, ddof=1)
        sharpe = float(np.mean(ex_ok) / sd * np.sqrt(ppy)) if sd > 0 else np.nan
        downside = np.sqrt(np.mean(np.minimum(ex_ok, 0.0) ** 2))
        sortino = float(np.mean(ex_ok) * np.sqrt(ppy) / downside) if downside > 0 else np.nan
    else:
        sharpe = sortino = np.nan
    dd = _max_drawdown_np(wealth, index)
    calmar = ann_return / abs(dd.max_drawdown) if dd.max_drawdown < 0 else np.nan
    return {
        "first_date": index[0],
        "last_date": index[-1],
        "n_periods": n,
        "total_return": float(total),
        "ann_return": float(ann_return),
        "ann_vol": ann_vol,
        "sharpe": sharpe,
        "sortino": sortino,
        "max_drawdown": dd.max_drawdown,
        "max_drawdown_peak": dd.peak,
        "max_drawdown_trough": dd.trough,
        "max_drawdown_recovery": dd.recovery,
        "calmar": float(calmar),
    }


def _beta_correlation(r: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """OLS beta and correlation of returns ``r`` on benchmark returns ``b`` (same dates).

    Parameters
    ----------
    r, b : ndarray
        Per-period simple returns, shape (n,); NaN in ``b`` drops that date.

    Returns
    -------
    (float, float)
        cov / var and the Pearson correlation; NaN for at most 2 common returns or a
        benchmark without variance.
    """
    ok = np.isfinite(b)
    if not (ok.sum() > 2 and np.var(b[ok]) > 0):
        return np.nan, np.nan
    x, y = b[ok], r[ok]
    cov = np.cov(y, x, ddof=1)
    return float(cov[0, 1] / cov[1, 1]), float(cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1]))


def _performance_row(rets: pd.DataFrame, col: str, rf_p: pd.Series,
                     bench_al: pd.Series | None, ppy: float) -> dict:
    """One column's figures of :func:`performance_table`, measured on its own span.

    Parameters
    ----------
    rets : DataFrame
        Simple returns per period (index: dates, one column per asset).
    col : str
        The column measured.
    rf_p : Series
        Risk-free rate per period (fraction), on ``rets``' index.
    bench_al : Series, optional
        Benchmark returns on ``rets``' index (NaN where it has none).
    ppy : float
        Periods per year.

    Returns
    -------
    dict
        :data:`PERFORMANCE_COLUMNS` (all NaN but ``n_periods`` for fewer than 2 returns).
    """
    s = rets[col]
    mask = s.notna().to_numpy()
    if mask.sum() < 2:
        row = {k: np.nan for k in PERFORMANCE_COLUMNS}
        row["n_periods"] = int(mask.sum())
        return row
    r = s.to_numpy()[mask]
    idx = rets.index[mask]
    ex = r - rf_p.to_numpy()[mask]
    # wealth path including its start, dated at the period before the first return
    first_pos = int(np.argmax(mask))
    start_date = rets.index[first_pos - 1] if first_pos > 0 else idx[0]
    wealth = np.concatenate([[1.0], np.cumprod(1.0 + r)])
    w_index = pd.DatetimeIndex([start_date]).append(idx)
    row = _stats_one(r, ex, wealth, w_index, ppy)
    row["first_date"] = idx[0]
    if bench_al is not None:
        row["beta"], row["correlation"] = _beta_correlation(r, bench_al.to_numpy()[mask])
    else:
        row["beta"] = row["correlation"] = np.nan
    return row


def _typed_table(rows: dict) -> pd.DataFrame:
    """The table of :func:`performance_table` from its rows, with its column types.

    Parameters
    ----------
    rows : dict
        {column name: row dict of :func:`_performance_row`}.

    Returns
    -------
    DataFrame
        Indexed by "ticker", columns :data:`PERFORMANCE_COLUMNS`: dates as datetime64,
        ``n_periods`` int, the rest float.
    """
    table = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=list(PERFORMANCE_COLUMNS))
    table.index.name = "ticker"
    for c in (
        "first_date",
        "last_date",
        "max_drawdown_peak",
        "max_drawdown_trough",
        "max_drawdown_recovery",
    ):
        table[c] = pd.to_datetime(table[c])
    float_cols = [
        c
        for c in PERFORMANCE_COLUMNS
        if c
        not in (
            "first_date",
            "last_date",
            "max_drawdown_peak",
            "max_drawdown_trough",
            "max_drawdown_recovery",
            "n_periods",
        )
    ]
    table[float_cols] = table[float_cols].astype(float)
    table["n_periods"] = table["n_periods"].astype(int)
    return table


def performance_table(
    prices: pd.DataFrame | pd.Series,
    benchmark: str | pd.Series | None = None,
    *,
    rf: float | pd.Series | None = 0.0,
    start=None,
    end=None,
    periods_per_year: float = 252,
    input: str = "prices",
) -> pd.DataFrame:
    """Performance and risk figures per column (asset or basket).

    Parameters
    ----------
    prices : DataFrame or Series
        Daily price levels (``input='prices'``, default) or simple returns
        (``input='returns'``), DatetimeIndex, one column per ticker / basket.
    benchmark : str or Series, optional
        Column name in ``prices`` (e.g. ``'^GSPC'``) or a Series of the same kind (prices or
        returns, as ``input``). Used for ``beta`` and ``correlation``; NaN columns without it.
    rf : float or Series
        Annual risk-free rate as a fraction (0.04 = 4 %), or a Series of annual fractions
        (e.g. ``fred['DGS10'] / 100``); converted to per period by compounding.
    start, end : date-like, optional
        Window [start, end] inclusive. With prices, the first return is the one after the first
        price in the window (quantstats/empyrical convention).
    periods_per_year : float
        252 for daily data.
    input : {'prices', 'returns'}

    Returns
    -------
    DataFrame indexed by column name ("ticker"), columns :data:`PERFORMANCE_COLUMNS`:
    first_date, last_date (span of returns used), n_periods, total_return, ann_return, ann_vol,
    sharpe, sortino, max_drawdown (negative fraction), max_drawdown_peak / _trough /
    _recovery (Timestamps or NaT), calmar, beta, correlation. ``table[list(
    PERFORMANCE_RECORD_COLUMNS)].to_dict('index')`` is notebook 03's ``performance`` record.

    Notes
    -----
    NaN policy: each column is measured on its own span (an IPO starts at its first close);
    gaps inside a span are spanned (the return after a gap runs from the last known price),
    never forward-filled into zero returns. A column with fewer than 2 returns gets NaN.
    Beta uses the dates where both the column and the benchmark have returns.
    """
    ppy = check_periods_per_year(periods_per_year)
    if input not in ("prices", "returns"):
        raise InvalidInputError(f"input must be 'prices' or 'returns', got {input!r}")
    frame = as_frame(prices, "prices" if input == "prices" else "returns")
    bench = None
    if benchmark is not None:
        bench = benchmark_series(frame, benchmark, "benchmark")
        bench = window_slice(bench, start, end, "benchmark")
        if input == "prices":
            bench = simple_returns(bench, span_gaps=True)
    frame = window_slice(frame, start, end, "prices")
    rets = simple_returns(frame, span_gaps=True) if input == "prices" else frame
    rf_p = rf_per_period(rf, rets.index, ppy)
    bench_al = bench.reindex(rets.index) if bench is not None else None
    rows = {col: _performance_row(rets, col, rf_p, bench_al, ppy) for col in rets.columns}
    return _typed_table(rows)


def performance_record(
    table: pd.DataFrame, columns: tuple[str, ...] = PERFORMANCE_RECORD_COLUMNS
) -> dict:
    """Notebook 03's record: ``{ticker: {ann_return, ann_vol, sharpe, max_drawdown, beta}}``
    with plain floats (NaN kept as float('nan'))."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InvalidInputError(
            f"table lacks columns {missing}; pass the output of performance_table()"
        )
    return {
        str(t): {c: float(v) for c, v in row.items()} for t, row in table[list(columns)].iterrows()
    }
