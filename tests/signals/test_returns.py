from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aipolicy.errors import InvalidInputError
from aipolicy.signals import (
    annual_rate_to_per_period,
    cumulative_returns,
    excess_returns,
    log_returns,
    resample_prices,
    resample_returns,
    rf_per_period,
    simple_returns,
    total_return,
)


def test_simple_and_log_returns_match_hand_computation():
    idx = pd.bdate_range("2024-01-01", periods=4, name="Date")
    p = pd.Series([100.0, 110.0, 99.0, 99.0], idx, name="X")
    r = simple_returns(p)
    assert np.isnan(r.iloc[0])
    np.testing.assert_allclose(r.iloc[1:], [0.10, -0.10, 0.0])
    np.testing.assert_allclose(log_returns(p).iloc[1:], np.log([1.1, 0.9, 1.0]))
    assert r.name == "X"


def test_pre_ipo_nan_stays_nan_and_first_return_after_listing():
    idx = pd.bdate_range("2024-01-01", periods=5, name="Date")
    df = pd.DataFrame({"OLD": [1.0, 2, 3, 4, 5], "IPO": [np.nan, np.nan, 10, 11, 12.1]}, idx)
    r = simple_returns(df)
    assert r["IPO"].iloc[:3].isna().all()
    np.testing.assert_allclose(r["IPO"].iloc[3:], [0.1, 0.1])


def test_gap_is_not_forward_filled_unless_span_gaps():
    idx = pd.bdate_range("2024-01-01", periods=4, name="Date")
    p = pd.Series([100.0, np.nan, 121.0, 133.1], idx)
    plain = simple_returns(p)
    assert plain.iloc[1:3].isna().all()
    spanned = simple_returns(p, span_gaps=True)
    assert np.isnan(spanned.iloc[1])
    np.testing.assert_allclose(spanned.iloc[2:], [0.21, 0.1])


def test_non_positive_price_is_rejected_with_ticker_and_date():
    idx = pd.bdate_range("2024-01-01", periods=3, name="Date")
    with pytest.raises(InvalidInputError, match="BAD.*2024-01-02"):
        simple_returns(pd.DataFrame({"BAD": [1.0, -1.0, 2.0]}, idx))


def test_unsorted_or_non_date_index_rejected():
    with pytest.raises(InvalidInputError, match="DatetimeIndex"):
        simple_returns(pd.Series([1.0, 2.0]))
    idx = pd.DatetimeIndex(["2024-01-02", "2024-01-01"])
    with pytest.raises(InvalidInputError, match="sorted"):
        simple_returns(pd.Series([1.0, 2.0], idx))


def test_monthly_resampling_compounds_daily_returns(prices):
    r = simple_returns(prices)
    m = resample_returns(r, "M")
    mp = resample_prices(prices, "M")
    # month-over-month price change equals compounded daily returns (after the first month)
    expected = mp / mp.shift(1) - 1
    np.testing.assert_allclose(m.iloc[1:].to_numpy(), expected.iloc[1:].to_numpy(), rtol=1e-10)
    lm = resample_returns(log_returns(prices), "W", kind="log")
    wp = resample_prices(prices, "W")
    np.testing.assert_allclose(
        lm.iloc[1:].to_numpy(), np.log(wp / wp.shift(1)).iloc[1:].to_numpy(), rtol=1e-10
    )


def test_resample_leaves_empty_periods_nan_not_zero():
    idx = pd.bdate_range("2024-01-01", "2024-03-29", name="Date")
    r = pd.Series(0.01, idx)
    r.loc["2024-02"] = np.nan
    m = resample_returns(r, "M")
    assert np.isnan(m.loc["2024-02"].iloc[0])


def test_annual_rate_converted_per_period_by_compounding():
    assert annual_rate_to_per_period(0.05, 252) == pytest.approx(1.05 ** (1 / 252) - 1)
    assert annual_rate_to_per_period(0.05, 12, "simple") == pytest.approx(0.05 / 12)


def test_percent_rate_rejected_with_hint():
    with pytest.raises(InvalidInputError, match="divide by 100"):
        annual_rate_to_per_period(4.2, 252)


def test_excess_returns_align_monthly_rate_series_by_carrying_forward():
    idx = pd.bdate_range("2024-01-01", "2024-02-29", name="Date")
    r = pd.Series(0.001, idx)
    rate = pd.Series([0.05, 0.10], pd.DatetimeIndex(["2024-01-01", "2024-02-01"]))
    ex = excess_returns(r, rate, 252)
    assert ex.loc["2024-01-15"] == pytest.approx(0.001 - (1.05 ** (1 / 252) - 1))
    assert ex.loc["2024-02-15"] == pytest.approx(0.001 - (1.10 ** (1 / 252) - 1))
    before = rf_per_period(rate, pd.DatetimeIndex(["2023-12-29"]))
    assert before.isna().all()


def test_cumulative_and_total_return_agree():
    idx = pd.bdate_range("2024-01-01", periods=4, name="Date")
    p = pd.Series([100.0, 110.0, 99.0, 120.0], idx)
    assert total_return(p) == pytest.approx(0.2)
    assert cumulative_returns(simple_returns(p)).iloc[-1] == pytest.approx(0.2)
