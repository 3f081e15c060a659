from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aipolicy.errors import InvalidInputError
from aipolicy.signals import momentum_rotation, passive_vs_active


def _trend_prices(n=700, seed=5):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2019-01-01", periods=n, name="Date")
    drifts = {"W1": 0.002, "W2": 0.0015, "L1": -0.001, "L2": -0.0005, "IDX": 0.0004}
    data = {t: 100 * np.cumprod(1 + mu + rng.normal(0, 0.005, n)) for t, mu in drifts.items()}
    return pd.DataFrame(data, idx)


def test_rotation_picks_trending_winners_without_look_ahead():
    p = _trend_prices()
    rot = momentum_rotation(p, ["W1", "W2", "L1", "L2"], top_n=2, cost_per_trade=0.0)
    assert set(rot.picks["tickers"].iloc[-1].split(",")) == {"W1", "W2"}
    first = rot.picks.index[0]
    # weights set for `first` use momentum known at the previous close only
    pos = p.index.get_loc(first)
    assert pos - 1 >= 252
    assert rot.returns.loc[:first].iloc[:-1].isna().all()


def test_rotation_costs_reduce_returns_by_traded_value():
    p = _trend_prices()
    free = momentum_rotation(p, ["W1", "W2", "L1", "L2"], top_n=1, cost_per_trade=0.0)
    paid = momentum_rotation(p, ["W1", "W2", "L1", "L2"], top_n=1, cost_per_trade=0.01)
    d = free.run.weights.index[0]
    assert (1 + paid.returns.loc[d]) == pytest.approx(0.99 * (1 + free.returns.loc[d]))
    assert paid.annual_cost > 0


def test_passive_vs_active_can_show_either_outcome():
    up = _trend_prices()
    table = passive_vs_active(up, ["W1", "W2", "L1", "L2"], "IDX", top_n=2)
    assert list(table.index) == ["index", "equal_weight", "momentum_rotation"]
    assert table.loc["momentum_rotation", "total_return"] > table.loc["index", "total_return"]
    assert table.loc["index", "annual_turnover"] == 0.0
    assert table["first_date"].nunique() == 1 and table["last_date"].nunique() == 1

    # reversal: last year's winners turn down, the index wins over the following months
    n, half = 800, 500
    idx = pd.bdate_range("2019-01-01", periods=n, name="Date")
    up_then_down = np.cumprod(np.r_[np.full(half, 1.003), np.full(n - half, 0.996)])
    down_then_up = np.cumprod(np.r_[np.full(half, 0.999), np.full(n - half, 1.003)])
    rev = (
        pd.DataFrame(
            {
                "W1": up_then_down,
                "W2": up_then_down * 1.01,
                "L1": down_then_up,
                "L2": down_then_up * 1.01,
                "IDX": np.cumprod(1.0004 + np.random.default_rng(0).normal(0, 0.003, n)),
            },
            idx,
        )
        * 100
    )
    table2 = passive_vs_active(
        rev, ["W1", "W2", "L1", "L2"], "IDX", top_n=2, start=idx[half], end=idx[half + 120]
    )
    assert table2.loc["index", "total_return"] > table2.loc["momentum_rotation", "total_return"]
    assert table2.loc["index", "rank_sharpe"] < table2.loc["momentum_rotation", "rank_sharpe"]


def test_rotation_without_enough_history_explains():
    p = _trend_prices(n=100)
    with pytest.raises(InvalidInputError, match="history"):
        momentum_rotation(p, top_n=2)
