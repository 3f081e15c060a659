"""Event study of baskets around price-cut dates: planted abnormal returns are found, only
estimable events count, earnings windows are screened, and three models of normal returns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aipolicy.errors import InvalidInputError
from aipolicy.signals.price_cuts import (
    MIN_INFERENCE_EVENTS,
    holm,
    price_cut_car,
    screen_earnings,
)


def _paths(events, jump=0.05, n=900, seed=3, start="2022-01-03"):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range(start, periods=n)
    mkt = rng.normal(0.0004, 0.01, n)
    r = pd.DataFrame({"MKT": mkt}, index=idx)
    r["SEC"] = mkt + rng.normal(0, 0.002, n)
    for t in ("A", "B", "C"):
        r[t] = 0.0002 + 1.2 * mkt + rng.normal(0, 0.004, n)
    for d in events:
        r.loc[pd.Timestamp(d), ["A", "B"]] += jump  # chips jump on each cut day
        r.loc[pd.Timestamp(d), "SEC"] += jump  # ... and so does their sector index
    return r


def _events(dates):
    return pd.DataFrame({"date": dates, "blended_change": -0.5})


def test_planted_abnormal_returns_are_found_under_each_model():
    dates = pd.bdate_range("2023-03-01", periods=22, freq="20B")
    assert len(dates) >= MIN_INFERENCE_EVENTS
    res = price_cut_car(
        _paths(dates),
        "MKT",
        _events(dates),
        {"chips": ["A", "B"], "other": ["C"]},
        sector="SEC",
        windows=((0, 0), (-1, 1)),
    )
    assert res.n_estimable == len(dates) and res.inference and res.dropped.empty
    s = res.summary.set_index(["basket", "model", "window", "sample"])
    for model in ("market model", "market-adjusted"):
        chips = s.loc[("chips", model, "(0,0)", "all")]
        assert chips["mean_car"] == pytest.approx(
            0.05 + (0.2 * 0.0004 if model == "market-adjusted" else 0), abs=0.01
        )
        assert chips["t_cross"] > 5 and chips["note"] == ""
        assert chips["p_holm"] >= chips["p_cross"]
    # against a sector index that jumped too, the chips' abnormal return is gone
    assert abs(s.loc[("chips", "sector-adjusted", "(0,0)", "all"), "mean_car"]) < 0.01
    other = s.loc[("other", "market model", "(0,0)", "all")]
    assert abs(other["mean_car"]) < 0.01
    # no earnings table: every window is "not screened", so no clean sample
    assert (res.events["status"] == "not screened").all() and res.n_clean == 0
    assert (s.xs("clean", level="sample")["n_events"] == 0).all()


def test_events_without_an_estimation_window_are_dropped_with_the_reason():
    # the first event falls 40 sessions into the data: far short of 125 estimation returns
    dates = [pd.bdate_range("2022-01-03", periods=41)[-1], pd.Timestamp("2023-06-01")]
    res = price_cut_car(_paths(dates), "MKT", _events(dates), {"chips": ["A", "B"]})
    assert res.n_estimable == 1 and not res.inference
    (drop,) = res.dropped.itertuples()
    assert drop.event_date == dates[0] and "estimation returns (need 125)" in drop.reason
    assert set(res.car["event_date"]) == {dates[1]}
    assert res.summary["note"].str.contains("fewer than 20, no inference").all()


def test_earnings_reactions_in_the_window_confound_it():
    sessions = pd.bdate_range("2024-01-01", periods=60)
    day0 = sessions[20]  # a Monday, 2024-01-29
    earnings = pd.DataFrame(
        {
            "ticker": ["GOOGL", "AMD", "MU"],
            # after the close on day +4: reacts on day +5 (inside); before the open on day -2:
            # reacts on day -2 (outside); after the close on day +5: reacts on day +6 (outside)
            "report_date": [sessions[24], sessions[18], sessions[25]],
            "timing": ["amc", "bmo", "amc"],
        }
    )
    spans = pd.DataFrame(
        {"start": [sessions[0]], "end": [sessions[40]], "tickers": [("GOOGL", "AMD", "MU")]}
    )
    out = screen_earnings(sessions, [day0, sessions[35], sessions[50]], earnings, spans)
    assert out["status"].tolist() == ["confounded", "clean", "not screened"]
    assert out.loc[0, "confounders"] == f"GOOGL {sessions[24]:%Y-%m-%d} amc"


def test_clean_sample_leaves_the_confounded_events_out():
    dates = pd.bdate_range("2023-03-01", periods=6, freq="40B")
    r = _paths(dates)
    earnings = pd.DataFrame({"ticker": ["A"], "report_date": [dates[0]], "timing": ["bmo"]})
    spans = pd.DataFrame({"start": [r.index[0]], "end": [r.index[-1]], "tickers": [("A",)]})
    res = price_cut_car(
        r, "MKT", _events(dates), {"chips": ["A", "B"]}, earnings=earnings, spans=spans
    )
    assert res.n_clean == 5
    s = res.summary.set_index(["model", "window", "sample"])
    assert s.loc[("market model", "(-1,+1)", "all"), "n_events"] == 6
    assert s.loc[("market model", "(-1,+1)", "clean"), "n_events"] == 5
    assert (res.car.loc[res.car["event_date"] == dates[0], "status"] == "confounded").all()


def test_holm_adjustment_by_hand():
    # sorted 0.01, 0.02, 0.04 with m = 3: 0.03, max(0.03, 0.04), max(0.04, 0.04)
    assert holm([0.04, 0.01, np.nan, 0.02]).tolist()[:2] == pytest.approx([0.04, 0.03])
    assert holm([0.04, 0.01, np.nan, 0.02])[3] == pytest.approx(0.04)
    assert np.isnan(holm([0.04, 0.01, np.nan, 0.02])[2])
    assert holm([0.5, 0.6]).tolist() == [1.0, 1.0]


def test_bad_input_is_named():
    dates = pd.to_datetime(["2023-06-01"])
    with pytest.raises(InvalidInputError, match="benchmark 'SPX'"):
        price_cut_car(_paths(dates), "SPX", _events(dates), {"chips": ["A"]})
    with pytest.raises(InvalidInputError, match="blended_change"):
        price_cut_car(_paths(dates), "MKT", _events(dates)[["date"]], {"chips": ["A"]})
