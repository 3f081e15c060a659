"""Signals benchmark: rolling 252-day beta and the performance table for 30 tickers.

Data are made here (seeded): 30 tickers x 10 years of business days, one-factor returns with
a few late listings (NaN before their first day), so the timings include the NaN handling.
Targets (from the signals issue): rolling beta for 30 tickers, median < 1 s; performance
table for 30 tickers < 200 ms (median of the runs).
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

N_TICKERS = 30
N_DAYS = 2610  # ~10 years of business days
RUNS = 7


def make_prices(seed: int = 20240601) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2016-01-01", periods=N_DAYS, name="Date")
    market = rng.normal(0.0004, 0.011, N_DAYS)
    betas = rng.uniform(0.6, 1.8, N_TICKERS)
    rets = market[:, None] * betas + rng.normal(0.0001, 0.015, (N_DAYS, N_TICKERS))
    prices = 50 * np.cumprod(1 + rets, axis=0)
    cols = [f"T{i:02d}" for i in range(N_TICKERS)]
    frame = pd.DataFrame(prices, idx, columns=cols)
    for j, start in zip((3, 7, 11), (400, 1500, 2300), strict=True):  # late listings
        frame.iloc[:start, j] = np.nan
    bench = pd.Series(1000 * np.cumprod(1 + market), idx, name="^GSPC")
    return frame, bench


def _median_time(fn, runs: int = RUNS) -> float:
    fn()  # warm-up (imports, caches)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run() -> list[dict]:
    from aipolicy.signals import (
        performance_table,
        rolling_beta,
        rolling_capm_ols,
        simple_returns,
    )

    prices, bench = make_prices()
    rets = simple_returns(prices)
    mret = simple_returns(bench)
    t_beta = _median_time(lambda: rolling_beta(rets, mret, window=252))
    t_perf = _median_time(lambda: performance_table(prices, bench, rf=0.03))
    t_ols = _median_time(lambda: rolling_capm_ols(rets["T00"], mret, window=252), runs=3)
    fast = rolling_beta(rets[["T00"]], mret, window=252)["T00"]
    slow = rolling_capm_ols(rets["T00"], mret, window=252)["beta"]
    diff = float(np.nanmax(np.abs(fast - slow)))
    return [
        {
            "figure": f"rolling 252-day beta, {N_TICKERS} tickers x {N_DAYS} days (median)",
            "target": "< 1 s",
            "measured": f"{t_beta * 1000:.1f} ms",
            "ok": t_beta < 1.0,
        },
        {
            "figure": f"performance table, {N_TICKERS} tickers x {N_DAYS} days (median)",
            "target": "< 200 ms",
            "measured": f"{t_perf * 1000:.1f} ms",
            "ok": t_perf < 0.2,
        },
        {
            "figure": "RollingOLS beta, 1 ticker (slow path, for comparison)",
            "target": "-",
            "measured": f"{t_ols * 1000:.1f} ms",
            "ok": None,
        },
        {
            "figure": "fast vs RollingOLS beta, max abs difference",
            "target": "< 1e-8",
            "measured": f"{diff:.1e}",
            "ok": diff < 1e-8,
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
