from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aipolicy.errors import InvalidInputError, UnknownTickerError
from aipolicy.signals import (
    basket_index,
    basket_returns,
    momentum,
    momentum_scores,
    relative_strength,
    run_weights,
    simple_returns,
)


def test_equal_weight_monthly_rebalanced_matches_loop_by_hand(prices):
    r = simple_returns(prices[["AAA", "BBB"]])
    got = basket_returns(r)
    # by hand: hold 50/50 at each month's first session, let weights drift within the month
    out = pd.Series(np.nan, r.index)
    rr = r.iloc[1:]
    for _, block in rr.groupby(rr.index.to_period("M")):
        v_prev = 1.0
        h = np.array([0.5, 0.5])
        for d, row in block.iterrows():
            h = h * (1 + row.to_numpy())
            out[d] = h.sum() / v_prev - 1
            v_prev = h.sum()
    np.testing.assert_allclose(got.iloc[1:], out.iloc[1:], rtol=1e-12)
    assert np.isnan(got.iloc[0])


def test_daily_rebalanced_basket_is_mean_of_returns(prices):
    r = simple_returns(prices[["AAA", "BBB"]]).iloc[1:]
    got = basket_returns(r, rebalance="D")
    np.testing.assert_allclose(got, r.mean(axis=1), rtol=0, atol=1e-15)


def test_given_weights_buy_and_hold_equals_weighted_wealth(prices):
    r = simple_returns(prices[["AAA", "BBB"]]).iloc[1:]
    got = basket_index(r, weights={"AAA": 0.25, "BBB": 0.75}, rebalance=None)
    growth = (1 + r).cumprod()
    np.testing.assert_allclose(got, 0.25 * growth["AAA"] + 0.75 * growth["BBB"], rtol=1e-12)


def test_ipo_member_joins_at_next_rebalance(prices):
    r = simple_returns(prices[["AAA", "BBB"]])
    r.loc[:"2020-03-15", "BBB"] = np.nan
    got = basket_returns(r)
    march = r.loc["2020-03-02":"2020-03-31"]
    np.testing.assert_allclose(got.loc[march.index], march["AAA"], rtol=1e-12)
    april_first = r.loc["2020-04"].index[0]
    assert got.loc[april_first] == pytest.approx(r.loc[april_first].mean())


def test_cost_charged_on_traded_value(prices):
    r = simple_returns(prices[["AAA", "BBB"]]).iloc[1:]
    targets = pd.DataFrame({"AAA": [1.0, 0.0], "BBB": [0.0, 1.0]}, index=[r.index[0], r.index[10]])
    run = run_weights(r, targets, cost_per_trade=0.01)
    assert list(run.traded) == [1.0, 2.0]
    assert list(run.turnover) == [0.5, 1.0]
    assert run.returns.iloc[10] == pytest.approx(0.98 * (1 + r["BBB"].iloc[10]) - 1)


def test_bad_weights_and_unknown_tickers_raise(prices):
    r = simple_returns(prices)
    with pytest.raises(InvalidInputError, match="weights"):
        basket_returns(r, weights={"AAA": -1.0})
    with pytest.raises(UnknownTickerError, match="ZZZ"):
        basket_returns(r, ["ZZZ"])


def test_relative_strength_is_ratio_of_wealth(prices):
    r = simple_returns(prices)
    rs = relative_strength(r[["AAA"]], r["MKT"])
    expected = prices["AAA"] / prices["AAA"].iloc[0] / (prices["MKT"] / prices["MKT"].iloc[0])
    np.testing.assert_allclose(rs["AAA"].iloc[1:], expected.iloc[1:], rtol=1e-10)


def test_momentum_12_1_skips_last_month(prices):
    m = momentum(prices, 252, 21)
    t = 400
    expected = prices.iloc[t - 21] / prices.iloc[t - 252] - 1
    np.testing.assert_allclose(m.iloc[t], expected)
    assert m.iloc[:252].isna().all().all()


def test_momentum_scores_ranks_strongest_first():
    idx = pd.bdate_range("2020-01-01", periods=300, name="Date")
    g = np.arange(300)
    p = pd.DataFrame(
        {
            "UP": 100 * 1.002**g,
            "FLAT": 100.0 + 0 * g,
            "DOWN": 100 * 0.999**g,
            "NEW": np.r_[np.full(200, np.nan), 50 * 1.01 ** np.arange(100)],
        },
        idx,
    )
    t = momentum_scores(p)
    assert t.loc["UP", "mom_12_1"] == pytest.approx(1.002**231 - 1)
    assert t.loc["UP", "rank_mom_12_1"] == 1 and t.loc["DOWN", "rank_mom_12_1"] == 3
    assert np.isnan(t.loc["NEW", "mom_12_1"]) and np.isnan(t.loc["NEW", "rank_mom_12_1"])
    assert t.loc["NEW", "rank_mom_3"] == 1
    assert t.attrs["as_of"] == idx[-1]


def test_baskets_are_built_from_the_universe():
    from aipolicy.marketdata import universe as U
    from aipolicy.signals import BASKETS

    assert BASKETS["chips"] == list(U.CHIP_TICKERS)
    assert BASKETS["platforms"] == list(U.PLATFORM_TICKERS)
    assert set(BASKETS["ai_infrastructure"]) == set(U.INFRA_TICKERS) | set(U.IPO_TICKERS)
    assert BASKETS["ai_infrastructure"] == list(
        dict.fromkeys(BASKETS["chips"] + BASKETS["infrastructure"])
    )


def test_basket_return_frame_skips_absent_members_and_appends_the_benchmark(prices):
    from aipolicy.signals import basket_members, basket_return_frame

    r = simple_returns(prices)
    baskets = {"ab": ["AAA", "BBB", "NOPE"], "none": ["NOPE"]}
    assert basket_members(r, baskets) == {"ab": ["AAA", "BBB"]}
    out = basket_return_frame(r, baskets, "MKT")
    assert list(out.columns) == ["ab", "MKT"]
    pd.testing.assert_series_equal(
        out["ab"], basket_returns(r[["AAA", "BBB"]], rebalance="M", name="ab")
    )
