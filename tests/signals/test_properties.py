"""Invariants, checked on generated price paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from aipolicy.signals import (
    basket_returns,
    drawdown_series,
    performance_table,
    rolling_beta,
    simple_returns,
)

rets_arrays = arrays(
    np.float64,
    st.integers(30, 120),
    elements=st.floats(-0.2, 0.2, allow_nan=False, allow_subnormal=False),
)


def _prices(r: np.ndarray, start: float = 100.0) -> pd.Series:
    idx = pd.bdate_range("2022-01-03", periods=r.size + 1, name="Date")
    return pd.Series(start * np.cumprod(np.r_[1.0, 1.0 + r]), idx, name="X")


@given(rets_arrays, st.floats(0.01, 1e4))
def test_scaling_prices_leaves_returns_and_ratios_unchanged(r, scale):
    p = _prices(r)
    np.testing.assert_allclose(simple_returns(p * scale), simple_returns(p), rtol=1e-9, atol=1e-12)
    a = performance_table(p.to_frame())
    b = performance_table((p * scale).to_frame())
    cols = ["total_return", "ann_vol", "max_drawdown"]
    np.testing.assert_allclose(a[cols].to_numpy(), b[cols].to_numpy(), rtol=1e-8, atol=1e-12)


@given(rets_arrays, st.sampled_from(["M", "W", "D", None]))
def test_basket_of_one_asset_equals_the_asset(r, rebalance):
    ret = simple_returns(_prices(r)).to_frame()
    got = basket_returns(ret, rebalance=rebalance)
    np.testing.assert_allclose(got.iloc[1:], ret["X"].iloc[1:], rtol=1e-9, atol=1e-12)


@given(rets_arrays)
def test_drawdown_is_between_minus_one_and_zero(r):
    dd = drawdown_series(_prices(r))
    assert (dd <= 1e-12).all() and (dd > -1).all()


@given(rets_arrays, st.floats(0.1, 3.0))
def test_beta_of_scaled_market_is_the_scale(r, k):
    m = simple_returns(_prices(r))
    beta = rolling_beta((m * k).to_frame(), m, window=20)["X"]
    # windows where the market actually moves (daily std above 1 bp)
    moving = m.rolling(20).std() > 1e-4
    assert np.allclose(beta[moving], k, rtol=1e-6)
