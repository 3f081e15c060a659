from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aipolicy.errors import InvalidInputError
from aipolicy.signals import event_study, ipo_bhar, ipo_peer_car, next_session


def _planted(n=600, jump=0.08, seed=7):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2021-01-01", periods=n, name="Date")
    m = rng.normal(0.0003, 0.01, n)
    a = 0.0001 + 1.2 * m + rng.normal(0, 0.01, n)
    b = -0.0001 + 0.8 * m + rng.normal(0, 0.01, n)
    r = pd.DataFrame({"A": a, "B": b, "MKT": m}, idx)
    day = idx[400]
    r.loc[day, "A"] += jump
    return r, day


def test_planted_abnormal_return_found_and_significant():
    r, day = _planted()
    res = event_study(r, "MKT", [("A", day)], windows=[(0, 0), (-1, 1), (-10, -2)])
    car = res.car.set_index("window")
    assert car.loc["(0,0)", "car"] == pytest.approx(0.08, abs=0.03)
    assert car.loc["(0,0)", "t_stat"] > 4 and car.loc["(0,0)", "p_value"] < 0.001
    assert abs(car.loc["(-10,-2)", "t_stat"]) < 3
    assert car.loc["(0,0)", "beta"] == pytest.approx(1.2, abs=0.15)
    # the estimation window ends gap sessions before day 0 and excludes the jump
    assert car.loc["(0,0)", "n_estimation"] == 250


def test_market_model_estimates_equal_ols_on_estimation_window():
    r, day = _planted()
    res = event_study(r, "MKT", [("B", day)], windows=[(0, 2)], estimation_window=200, gap=20)
    p0 = r.index.get_loc(day)
    est = r.iloc[p0 - 220 : p0 - 20]
    beta = np.cov(est["B"], est["MKT"], ddof=1)[0, 1] / est["MKT"].var()
    alpha = est["B"].mean() - beta * est["MKT"].mean()
    row = res.car.iloc[0]
    assert row["beta"] == pytest.approx(beta) and row["alpha"] == pytest.approx(alpha)
    ar = r["B"].iloc[p0 : p0 + 3] - alpha - beta * r["MKT"].iloc[p0 : p0 + 3]
    assert row["car"] == pytest.approx(ar.sum())
    resid = est["B"] - alpha - beta * est["MKT"]
    assert row["se"] == pytest.approx(np.sqrt((resid**2).sum() / 198 * 3))


def test_weekend_event_moves_to_next_session():
    r, day = _planted()
    saturday = pd.Timestamp("2022-07-02")
    assert next_session(r.index, saturday) == pd.Timestamp("2022-07-04")
    res = event_study(r, "MKT", [("A", saturday)], windows=[(0, 0)])
    assert res.car.iloc[0]["session"] == pd.Timestamp("2022-07-04")


def test_average_car_across_events_and_failed_events_noted():
    r, day = _planted()
    events = pd.DataFrame({"ticker": ["A", "B", "ZZZ", "A"], "date": [day, day, day, r.index[10]]})
    res = event_study(r, "MKT", events, windows=[(0, 0)])
    notes = res.car.set_index("ticker")["note"]
    assert "not in returns" in notes["ZZZ"]
    assert res.average.iloc[0]["n_events"] == 2
    cars = res.car.dropna(subset=["car"])["car"]
    assert res.average.iloc[0]["mean_car"] == pytest.approx(cars.mean())
    assert list(res.abnormal.columns) == [f"A@{day:%Y-%m-%d}", f"B@{day:%Y-%m-%d}"]


def test_gap_shorter_than_pre_event_window_rejected():
    r, day = _planted()
    with pytest.raises(InvalidInputError, match="gap"):
        event_study(r, "MKT", [("A", day)], windows=[(-10, 1)], gap=5)


def test_ipo_bhar_from_first_close():
    idx = pd.bdate_range("2024-01-01", periods=40, name="Date")
    ipo = np.r_[np.full(10, np.nan), 20 * 1.01 ** np.arange(30)]
    bench = 100 * 1.001 ** np.arange(40)
    prices = pd.DataFrame({"NEW": ipo, "^GSPC": bench}, idx)
    ipos = pd.DataFrame(
        {
            "ticker": ["NEW", "GONE"],
            "first_trade_date": [idx[10], idx[5]],
            "offer_price": [16.0, 10.0],
        }
    )
    out = ipo_bhar(prices, ipos, "^GSPC", horizons=(5, 29, 30))
    row = out.loc["NEW"]
    assert row["first_close"] == 20 and row["first_day_return"] == pytest.approx(0.25)
    assert row["bhar_5"] == pytest.approx(1.01**5 - 1.001**5)
    assert row["ret_29"] == pytest.approx(1.01**29 - 1)
    assert np.isnan(row["bhar_30"])  # fewer than 30 sessions: no partial horizon
    assert np.isnan(out.loc["GONE", "first_close"])


def test_ipo_peer_car_detects_money_pulled_from_peers():
    r, day = _planted(jump=0.0)
    r.loc[day, ["A", "B"]] -= 0.05
    ipos = pd.DataFrame({"ticker": ["NEW"], "first_trade_date": [day]})
    res = ipo_peer_car(r, "MKT", ipos, ["A", "B", "NEW"], windows=[(0, 0)])
    port = res.portfolio.car.iloc[0]
    assert port["event_id"] == "NEW"
    assert port["car"] == pytest.approx(-0.05, abs=0.02) and port["t_stat"] < -4
    assert set(res.individual.car["event_id"]) == {"A@NEW", "B@NEW"}


def test_ipo_bhar_refuses_a_first_price_after_the_listing_when_data_starts_late():
    # the data starts 5 sessions after NEW listed: its first price here is not its first close
    idx = pd.bdate_range("2024-01-08", periods=40, name="Date")
    prices = pd.DataFrame({"NEW": 20 * 1.01 ** np.arange(40), "^GSPC": 100.0 + np.arange(40)}, idx)
    ipos = pd.DataFrame(
        {"ticker": ["NEW"], "first_trade_date": [pd.Timestamp("2024-01-01")], "offer_price": [16.0]}
    )
    row = ipo_bhar(prices, ipos, "^GSPC", horizons=(5,)).loc["NEW"]
    assert np.isnan(row["first_close"]) and np.isnan(row["bhar_5"])
    assert "not the first trade date 2024-01-01" in row["note"]


def test_ipo_bhar_refuses_when_the_listing_session_has_no_price():
    idx = pd.bdate_range("2024-01-01", periods=40, name="Date")
    new = 20 * 1.01 ** np.arange(40)
    new[:13] = np.nan  # listed on idx[10] but the first three sessions are missing
    prices = pd.DataFrame({"NEW": new, "^GSPC": 100.0 + np.arange(40)}, idx)
    ipos = pd.DataFrame({"ticker": ["NEW"], "first_trade_date": [idx[10]]})
    row = ipo_bhar(prices, ipos, "^GSPC", horizons=(5,)).loc["NEW"]
    assert np.isnan(row["bhar_5"])
    assert "no NEW price on the first session" in row["note"]
