from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aipolicy.signals import (
    PERFORMANCE_COLUMNS,
    drawdown_series,
    max_drawdown,
    performance_record,
    performance_table,
    simple_returns,
)


def test_drawdown_on_hand_made_path():
    idx = pd.bdate_range("2024-01-01", periods=7, name="Date")
    p = pd.Series([100.0, 120.0, 90.0, 60.0, 100.0, 130.0, 110.0], idx)
    dd = drawdown_series(p)
    np.testing.assert_allclose(dd, [0, 0, -0.25, -0.5, -1 / 6, 0, -20 / 130])
    info = max_drawdown(p)
    assert info.max_drawdown == pytest.approx(-0.5)
    assert info.peak == idx[1] and info.trough == idx[3] and info.recovery == idx[5]


def test_unrecovered_drawdown_has_no_recovery_date_and_rising_path_has_none():
    idx = pd.bdate_range("2024-01-01", periods=3, name="Date")
    assert max_drawdown(pd.Series([10.0, 8.0, 9.0], idx)).recovery is None
    flat = max_drawdown(pd.Series([1.0, 2.0, 3.0], idx))
    assert flat.max_drawdown == 0.0 and flat.peak is None


def test_performance_table_matches_hand_formulas(prices):
    rf = 0.03
    t = performance_table(prices, "MKT", rf=rf)
    assert list(t.columns) == list(PERFORMANCE_COLUMNS)
    r = prices["AAA"].pct_change().dropna().to_numpy()
    m = prices["MKT"].pct_change().dropna().to_numpy()
    n = r.size
    rf_d = (1 + rf) ** (1 / 252) - 1
    ex = r - rf_d
    row = t.loc["AAA"]
    assert row["n_periods"] == n
    assert row["total_return"] == pytest.approx(prices["AAA"].iloc[-1] / prices["AAA"].iloc[0] - 1)
    assert row["ann_return"] == pytest.approx(np.prod(1 + r) ** (252 / n) - 1)
    assert row["ann_vol"] == pytest.approx(r.std(ddof=1) * np.sqrt(252))
    assert row["sharpe"] == pytest.approx(ex.mean() / ex.std(ddof=1) * np.sqrt(252))
    downside = np.sqrt(np.mean(np.minimum(ex, 0) ** 2))
    assert row["sortino"] == pytest.approx(ex.mean() * np.sqrt(252) / downside)
    wealth = prices["AAA"].to_numpy()
    mdd = np.min(wealth / np.maximum.accumulate(wealth) - 1)
    assert row["max_drawdown"] == pytest.approx(mdd)
    assert row["calmar"] == pytest.approx(row["ann_return"] / abs(mdd))
    assert row["beta"] == pytest.approx(np.cov(r, m, ddof=1)[0, 1] / np.var(m, ddof=1))
    assert row["correlation"] == pytest.approx(np.corrcoef(r, m)[0, 1])


def test_sharpe_with_zero_rf_is_mean_over_std(prices):
    r = prices["BBB"].pct_change().dropna()
    t = performance_table(prices[["BBB"]])
    assert t.loc["BBB", "sharpe"] == pytest.approx(r.mean() / r.std() * np.sqrt(252))
    assert np.isnan(t.loc["BBB", "beta"])


def test_window_and_returns_input_give_same_numbers(prices):
    a = performance_table(prices, "MKT", start="2020-03-02", end="2021-03-31")
    sub = prices.loc["2020-03-02":"2021-03-31"]
    b = performance_table(simple_returns(sub).iloc[1:], "MKT", input="returns")
    cols = ["total_return", "ann_return", "ann_vol", "sharpe", "sortino", "max_drawdown", "beta"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    assert a.loc["AAA", "first_date"] == sub.index[1]


def test_ipo_column_measured_on_its_own_span(prices):
    p = prices.copy()
    p.iloc[:100, 0] = np.nan
    t = performance_table(p, "MKT")
    assert t.loc["AAA", "n_periods"] == len(p) - 101
    assert t.loc["AAA", "first_date"] == p.index[101]


def test_performance_record_is_notebook_shape(prices):
    rec = performance_record(performance_table(prices, "MKT"))
    assert set(rec) == {"AAA", "BBB", "MKT"}
    assert set(rec["AAA"]) == {"ann_return", "ann_vol", "sharpe", "max_drawdown", "beta"}
    assert rec["MKT"]["beta"] == pytest.approx(1.0)
    assert all(isinstance(v, float) for v in rec["AAA"].values())
