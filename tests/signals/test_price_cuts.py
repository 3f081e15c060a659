"""Event study of baskets around price-cut dates: planted abnormal returns are found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aipolicy.errors import InvalidInputError
from aipolicy.signals.price_cuts import MIN_EVENTS, price_cut_car


def _paths(events, jump=0.05, n=900, seed=3):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2022-01-03", periods=n)
    mkt = rng.normal(0.0004, 0.01, n)
    r = pd.DataFrame({"MKT": mkt}, index=idx)
    for t in ("A", "B", "C"):
        r[t] = 0.0002 + 1.2 * mkt + rng.normal(0, 0.004, n)
    for d in events:
        r.loc[pd.Timestamp(d), ["A", "B"]] += jump  # chips jump on each cut day
    return r


def test_planted_abnormal_returns_are_found_around_planted_cuts():
    dates = pd.bdate_range("2023-03-01", periods=6, freq="40B")
    ev = pd.DataFrame({"date": dates, "blended_change": [-0.8, -0.6, -0.2, -0.3, -0.9, -0.1]})
    res = price_cut_car(_paths(dates), "MKT", ev, {"chips": ["A", "B"], "other": ["C"]},
                        windows=((0, 0), (-1, 1)))
    s = res.summary.set_index(["basket", "window", "size"])
    chips = s.loc[("chips", "(0,0)", "all")]
    assert chips["n_events"] == 6 and chips["mean_car"] == pytest.approx(0.05, abs=0.01)
    assert chips["t_cross"] > 5 and chips["note"] == ""
    other = s.loc[("other", "(0,0)", "all")]
    assert abs(other["mean_car"]) < 0.01 and abs(other["t_cross"]) < 3
    assert s.loc[("chips", "(0,0)", "large"), "n_events"] == 3  # -0.8, -0.6, -0.9
    assert "too few" in s.loc[("chips", "(0,0)", "large"), "note"]
    per = res.car[(res.car["basket"] == "chips") & (res.car["window"] == "(0,0)")]
    assert len(per) == 6 and (per["car"] > 0.03).all()


def test_too_few_events_are_said_and_bad_input_is_named():
    dates = pd.to_datetime(["2023-06-01"])
    ev = pd.DataFrame({"date": dates, "blended_change": [-0.5]})
    res = price_cut_car(_paths(dates), "MKT", ev, {"chips": ["A", "B"]})
    assert (res.summary["n_events"] < MIN_EVENTS).all()
    assert res.summary["note"].str.contains("too few for a test to mean much").all()
    with pytest.raises(InvalidInputError, match="benchmark 'SPX'"):
        price_cut_car(_paths(dates), "SPX", ev, {"chips": ["A"]})
    with pytest.raises(InvalidInputError, match="blended_change"):
        price_cut_car(_paths(dates), "MKT", ev[["date"]], {"chips": ["A"]})
