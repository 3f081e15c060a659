"""Small hand-made frames for the signals tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def make_prices(
    n: int = 600, tickers=("AAA", "BBB", "MKT"), seed: int = 0, start: str = "2020-01-01"
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range(start, periods=n, name="Date")
    rets = rng.normal(0.0004, 0.015, size=(n, len(tickers)))
    prices = 100 * np.cumprod(1 + rets, axis=0)
    return pd.DataFrame(prices, index=idx, columns=list(tickers))


@pytest.fixture
def prices() -> pd.DataFrame:
    return make_prices()


@pytest.fixture
def market_model_returns():
    """Market returns and an asset with alpha 0.0002, beta 1.3 plus AR(1) noise."""
    rng = np.random.default_rng(42)
    n = 1000
    idx = pd.bdate_range("2018-01-01", periods=n, name="Date")
    m = rng.normal(0.0003, 0.01, n)
    e = np.zeros(n)
    shocks = rng.normal(0, 0.008, n)
    for t in range(1, n):
        e[t] = 0.4 * e[t - 1] + shocks[t]
    a = 0.0002 + 1.3 * m + e
    return pd.Series(a, idx, name="ASSET"), pd.Series(m, idx, name="MKT")
