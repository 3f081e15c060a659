from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from aipolicy.errors import InvalidInputError
from aipolicy.signals import (
    cpi_yoy,
    deflate_prices,
    highest_in_n_months,
    inflation_regime,
    inflation_regression,
    inflation_surprise,
    real_returns,
    rolling_high_flags,
)


def _cpi_from_yoy(yoy_by_month: dict[str, float], start="2019-01", level=100.0) -> pd.Series:
    """CPI index whose month-over-month growth is constant within each calendar year... simpler:
    build CPI so that CPI_m = CPI_{m-12} * (1 + yoy_m)."""
    months = pd.period_range(start, "2026-06", freq="M")
    cpi = {}
    for i, m in enumerate(months):
        if i < 12:
            cpi[m] = level * (1.002**i)
        else:
            cpi[m] = cpi[months[i - 12]] * (1 + yoy_by_month.get(str(m), 0.02))
    s = pd.Series(cpi)
    s.index = s.index.to_timestamp()
    s.index.name = "Date"
    return s.rename("CPIAUCSL")


def test_yoy_is_twelve_month_ratio_and_missing_month_not_filled():
    cpi = _cpi_from_yoy({"2023-05": 0.05})
    yoy = cpi_yoy(cpi)
    assert yoy.loc["2023-05-01"] == pytest.approx(0.05)
    assert yoy.iloc[:12].isna().all()
    holed = cpi.drop(pd.Timestamp("2022-05-01"))
    y2 = cpi_yoy(holed)
    assert np.isnan(y2.loc["2022-05-01"]) and np.isnan(y2.loc["2023-05-01"])


def test_yoy_accepts_daily_fred_frame_column_with_nans():
    cpi = _cpi_from_yoy({})
    daily = cpi.reindex(pd.date_range(cpi.index[0], cpi.index[-1], freq="D"))
    pd.testing.assert_series_equal(cpi_yoy(daily), cpi_yoy(cpi))


def test_two_values_in_one_month_rejected():
    idx = pd.DatetimeIndex(["2024-01-01", "2024-01-15"])
    with pytest.raises(InvalidInputError, match="monthly"):
        cpi_yoy(pd.Series([1.0, 2.0], idx))


def test_three_year_high_detection():
    yoy = {"2023-04": 0.045, "2026-04": 0.040}
    info = highest_in_n_months(cpi_yoy(_cpi_from_yoy(yoy)), "2026-04", 36)
    assert info.months_since_higher == 36
    assert info.last_higher_date == pd.Timestamp("2023-04-01")
    assert info.is_highest_in_window
    higher_recently = dict(yoy, **{"2024-06": 0.041})
    info2 = highest_in_n_months(cpi_yoy(_cpi_from_yoy(higher_recently)), "2026-04", 36)
    assert info2.months_since_higher == 22 and not info2.is_highest_in_window
    flags = rolling_high_flags(cpi_yoy(_cpi_from_yoy(yoy)), 36)
    assert flags.loc["2026-04-01"]


def test_surprise_columns_by_hand():
    cpi = _cpi_from_yoy({"2024-01": 0.03, "2024-02": 0.035})
    s = inflation_surprise(cpi)
    yoy = cpi_yoy(cpi)
    assert s.loc["2024-02-01", "d_yoy"] == pytest.approx(0.005)
    expected = yoy.loc["2024-02-01"] - yoy.loc["2023-02-01":"2024-01-01"].mean()
    assert s.loc["2024-02-01", "dev_trailing"] == pytest.approx(expected)


def test_regime_labels():
    idx = pd.date_range("2024-01-01", periods=6, freq="MS", name="Date")
    yoy = pd.Series([0.01, 0.015, 0.03, 0.05, 0.05, 0.049], idx)
    reg = inflation_regime(yoy, trend_months=1)
    assert list(reg["level"]) == ["low", "low", "moderate", "high", "high", "high"]
    assert list(reg["trend"])[1:] == ["rising", "rising", "rising", "stable", "stable"]
    assert pd.isna(reg["trend"].iloc[0])
    assert reg["regime"].iloc[3] == "high, rising"
    with pytest.raises(InvalidInputError, match="percent"):
        inflation_regime(yoy * 100)


def test_inflation_regression_equals_statsmodels_hac():
    rng = np.random.default_rng(3)
    months = pd.date_range("2015-01-31", periods=120, freq="ME", name="Date")
    surprise = pd.Series(rng.normal(0, 0.002, 120), months.to_period("M").to_timestamp())
    ret = pd.Series(0.01 - 4.0 * surprise.to_numpy() + rng.normal(0, 0.03, 120), months)
    out = inflation_regression(ret.to_frame("X"), surprise, hac_lags=3)
    direct = sm.OLS(ret.to_numpy(), sm.add_constant(surprise.to_numpy())).fit(
        cov_type="HAC", cov_kwds={"maxlags": 3}
    )
    assert out.loc["X", "beta"] == pytest.approx(direct.params[1])
    assert out.loc["X", "beta_se"] == pytest.approx(direct.bse[1])
    assert out.loc["X", "n_obs"] == 120


def test_real_returns_deflate_by_monthly_cpi_change():
    cpi = pd.Series([100.0, 101.0, 102.01], pd.date_range("2024-01-01", periods=3, freq="MS"))
    r = pd.Series([0.05, 0.02, 0.01], pd.date_range("2024-01-31", periods=3, freq="ME"))
    real = real_returns(r, cpi)
    assert np.isnan(real.iloc[0])
    np.testing.assert_allclose(real.iloc[1:], [1.02 / 1.01 - 1, 1.01 / 1.01 - 1])
    with pytest.raises(InvalidInputError, match="monthly"):
        real_returns(pd.Series([0.0, 0.0], pd.bdate_range("2024-01-01", periods=2)), cpi)


def test_deflate_prices_uses_month_cpi():
    cpi = pd.Series([100.0, 110.0], pd.date_range("2024-01-01", periods=2, freq="MS"))
    p = pd.Series([100.0, 110.0], pd.DatetimeIndex(["2024-01-15", "2024-02-15"]))
    np.testing.assert_allclose(deflate_prices(p, cpi), [110.0, 110.0])


def test_cpi_high_summary_against_hand_computation():
    from aipolicy.signals import cpi_high_summary

    idx = pd.date_range("2020-01-01", periods=40, freq="MS")
    # YoY path: rising to month 30, then lower, then a final value above months 33-38 only
    levels = 100 * np.cumprod(np.r_[1.0, np.full(39, 1.002)])
    levels[30] *= 1.02  # a spike 9 months before the end (YoY high then)
    levels[39] *= 1.01
    cpi = pd.Series(levels, index=idx)
    yoy = cpi / cpi.shift(12) - 1
    out = cpi_high_summary(cpi, years=1)
    assert out["yoy"] == pytest.approx(yoy.iloc[-1])
    earlier = yoy.iloc[:-1].dropna()
    last_higher = earlier[earlier >= yoy.iloc[-1]].index[-1]
    months = (idx[-1].year - last_higher.year) * 12 + idx[-1].month - last_higher.month
    assert out["months_since_higher"] == months
    assert out["highest_in_years"] == pytest.approx(round(months / 12, 2))
    assert out["at_least"] is False


def test_claims_metric_and_notebook_summary_are_one_computation():
    from aipolicy.signals import check_claims, cpi_yoy_high

    cpi = _cpi_from_yoy({"2025-06": 0.05, "2026-04": 0.045})
    hi = cpi_yoy_high(cpi, "2026-04-15", 36)
    assert hi.month == pd.Timestamp("2026-04-01") and hi.last_higher == pd.Timestamp("2025-06-01")
    assert hi.highest_in_months == 10 and hi.last_higher_yoy == pytest.approx(0.05)
    claim = {"id": "c", "text": "t", "source": "s", "metric": "cpi_yoy_high",
             "assets": ["CPIAUCSL"], "window": {"as_of": "2026-04"}, "comparison": ">=",
             "threshold": 36}  # fmt: skip
    row = check_claims(None, cpi.to_frame(), claims=[claim]).iloc[0]
    assert row["computed"] == hi.highest_in_months and row["verdict"] == "not supported"
    with pytest.raises(InvalidInputError, match="YoY for 2030-01 is not in the data"):
        cpi_yoy_high(cpi, "2030-01")
    with pytest.raises(InvalidInputError, match="fewer than 13 months"):
        cpi_yoy_high(cpi.iloc[:10])
