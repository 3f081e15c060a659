from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from aipolicy.signals import (
    capm,
    capm_table,
    excess_returns,
    newey_west_lags,
    rolling_beta,
    rolling_capm_ols,
    rolling_correlation,
    simple_returns,
)


def _newey_west_by_hand(y, x, lags):
    X = np.column_stack([np.ones_like(x), x])
    n, k = X.shape
    b = np.linalg.solve(X.T @ X, X.T @ y)
    u = y - X @ b
    S = (X * u[:, None]).T @ (X * u[:, None])
    for j in range(1, lags + 1):
        w = 1 - j / (lags + 1)
        G = (X[j:] * u[j:, None]).T @ (X[:-j] * u[:-j, None])
        S += w * (G + G.T)
    bread = np.linalg.inv(X.T @ X)
    cov = bread @ S @ bread  # statsmodels' default: no n / (n - k) correction
    return b, np.sqrt(np.diag(cov))


def test_beta_equals_cov_over_var(market_model_returns):
    a, m = market_model_returns
    res = capm(a, m)
    assert res.beta == pytest.approx(np.cov(a, m, ddof=1)[0, 1] / np.var(m, ddof=1))
    assert res.alpha == pytest.approx(a.mean() - res.beta * m.mean())
    assert res.alpha_ann == pytest.approx(res.alpha * 252)
    assert res.r_squared == pytest.approx(np.corrcoef(a, m)[0, 1] ** 2)


def test_hac_errors_equal_statsmodels_and_newey_west_by_hand(market_model_returns):
    a, m = market_model_returns
    res = capm(a, m, hac_lags=5)
    direct = sm.OLS(a.to_numpy(), sm.add_constant(m.to_numpy())).fit(
        cov_type="HAC", cov_kwds={"maxlags": 5}
    )
    np.testing.assert_allclose([res.alpha_se, res.beta_se], direct.bse, rtol=1e-10)
    np.testing.assert_allclose([res.alpha_t, res.beta_t], direct.tvalues, rtol=1e-10)
    _, se = _newey_west_by_hand(a.to_numpy(), m.to_numpy(), 5)
    np.testing.assert_allclose([res.alpha_se, res.beta_se], se, rtol=1e-8)


def test_hac_errors_exceed_ols_errors_under_autocorrelated_noise(market_model_returns):
    a, m = market_model_returns
    assert capm(a, m).alpha_se > capm(a, m, cov_type="nonrobust").alpha_se


def test_automatic_lag_rule():
    assert newey_west_lags(100) == 4
    assert newey_west_lags(1000) == int(np.floor(4 * 10 ** (2 / 9)))
    assert capm(*_pair(300)).hac_lags == newey_west_lags(300)


def _pair(n):
    rng = np.random.default_rng(1)
    idx = pd.bdate_range("2020-01-01", periods=n)
    m = pd.Series(rng.normal(0, 0.01, n), idx)
    return m * 0.8 + rng.normal(0, 0.01, n), m


def test_capm_with_rf_regresses_excess_returns(market_model_returns):
    a, m = market_model_returns
    res = capm(a, m, rf=0.04)
    ea, em = excess_returns(a, 0.04), excess_returns(m, 0.04)
    assert res.excess
    assert res.alpha == pytest.approx(ea.mean() - res.beta * em.mean())


def test_capm_table_one_row_per_ticker(prices):
    r = simple_returns(prices)
    t = capm_table(r, "MKT")
    assert list(t.index) == ["AAA", "BBB"]
    assert t.loc["AAA", "beta"] == pytest.approx(capm(r["AAA"], r["MKT"]).beta)


def test_rolling_beta_fast_path_agrees_with_rolling_ols_and_pandas(prices):
    r = simple_returns(prices)
    fast = rolling_beta(r[["AAA", "BBB"]], r["MKT"], window=60)
    slow = rolling_capm_ols(r["AAA"], r["MKT"], window=60)
    both = fast["AAA"].notna() & slow["beta"].notna()
    assert both.sum() > 400
    np.testing.assert_allclose(fast.loc[both, "AAA"], slow.loc[both, "beta"], atol=1e-10)
    pd_beta = r["BBB"].rolling(60).cov(r["MKT"]) / r["MKT"].rolling(60).var()
    np.testing.assert_allclose(fast["BBB"].iloc[61:], pd_beta.iloc[61:], atol=1e-10)
    assert fast["AAA"].iloc[:60].isna().all()


def test_rolling_beta_handles_ipo_nans_pairwise(prices):
    r = simple_returns(prices)
    r.iloc[:200, 0] = np.nan
    fast = rolling_beta(r[["AAA"]], r["MKT"], window=60)
    assert fast["AAA"].iloc[:259].isna().all()
    assert fast["AAA"].iloc[260:].notna().all()
    window = r.iloc[300 - 59 : 301]
    expected = window["AAA"].cov(window["MKT"]) / window["MKT"].var()
    assert fast["AAA"].iloc[300] == pytest.approx(expected)


def test_rolling_correlation_matches_pandas(prices):
    r = simple_returns(prices)
    fast = rolling_correlation(r[["AAA"]], r["MKT"], window=90)
    expected = r["AAA"].rolling(90).corr(r["MKT"])
    np.testing.assert_allclose(fast["AAA"].iloc[91:], expected.iloc[91:], atol=1e-10)
