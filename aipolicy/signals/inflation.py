"""Inflation: CPI year over year, "highest in N months" (:func:`highest_in_n_months` for any
monthly series, :func:`cpi_yoy_high` for CPI inflation), inflation surprise, regimes,
regression of monthly excess returns on the surprise (HAC), real returns.

Inputs: a CPI index-level Series (e.g. ``fred['CPIAUCSL']``), monthly, dated at any day of
the month (FRED uses the first). A daily FRED frame with NaN on non-release days is fine: NaN
rows are dropped first. All outputs are fractions (0.035 = 3.5 % a year), indexed by the first
day of each month (``Date``), one row per calendar month; a month missing from the data is NaN
and is never filled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError

from ._checks import as_frame, check_time_index


def monthly_series(series: pd.Series, name: str = "cpi") -> pd.Series:
    """One value per calendar month on a first-of-month DatetimeIndex (NaN rows dropped,
    missing months inserted as NaN). Raises if two values fall in the same month."""
    if not isinstance(series, pd.Series):
        raise InvalidInputError(
            f"{name} must be a Series (e.g. fred['CPIAUCSL']), got {type(series).__name__}"
        )
    check_time_index(series, name)
    s = series.dropna().astype(float)
    if s.empty:
        raise InvalidInputError(f"{name} has no values")
    periods = s.index.to_period("M")
    if periods.has_duplicates:
        raise InvalidInputError(
            f"{name} must be monthly (one value per month); it has several values in "
            f"{periods[periods.duplicated()][0]}. Resample first, e.g. .resample('MS').last()"
        )
    s.index = periods
    full = pd.period_range(periods.min(), periods.max(), freq="M")
    s = s.reindex(full)
    s.index = s.index.to_timestamp(how="start")
    s.index.name = "Date"
    return s.rename(series.name)


def cpi_yoy(cpi: pd.Series) -> pd.Series:
    """Year-over-year inflation ``CPI_m / CPI_{m-12} - 1`` (fraction), monthly.

    NaN for the first 12 months and wherever either month is missing.
    """
    s = monthly_series(cpi, "cpi")
    return (s / s.shift(12) - 1.0).rename("cpi_yoy")


@dataclass(frozen=True)
class HighInfo:
    """How exceptional a value is against its own history.

    Attributes
    ----------
    date : Timestamp
        Month evaluated (first of month).
    value : float
    months_since_higher : int or None
        Months back to the last month with a value >= ``value``; None if no earlier month is
        as high (then it is the highest in all ``history_months`` available).
    last_higher_date : Timestamp or None
    history_months : int
        Months of non-NaN history before ``date``.
    is_highest_in_window : bool
        True when ``value`` exceeds every value of the previous ``window_months - 1`` months
        (i.e. it is the highest of the ``window_months`` ending at ``date``) and that much
        history exists.
    window_months : int
    """

    date: pd.Timestamp
    value: float
    months_since_higher: int | None
    last_higher_date: pd.Timestamp | None
    history_months: int
    is_highest_in_window: bool
    window_months: int


def highest_in_n_months(series: pd.Series, date, months: int = 36) -> HighInfo:
    """Is the monthly ``series`` at ``date`` the highest of the last ``months`` months?

    "A 3-year high in April 2026" = ``highest_in_n_months(yoy, '2026-04', 36)``: April 2026 is
    above every month from May 2023 to March 2026. Raises InvalidInputError if ``date`` has no
    value.
    """
    if months < 2:
        raise InvalidInputError(f"months must be >= 2, got {months}")
    s = monthly_series(series, "series")
    when = pd.Timestamp(date).to_period("M").to_timestamp(how="start")
    if when not in s.index or pd.isna(s.loc[when]):
        raise InvalidInputError(
            f"series has no value for {when:%Y-%m}; it covers "
            f"{s.first_valid_index():%Y-%m} to {s.last_valid_index():%Y-%m}"
        )
    value = float(s.loc[when])
    before = s.loc[: when - pd.offsets.MonthBegin(1)].dropna()
    higher = before[before >= value]
    last_higher = higher.index[-1] if len(higher) else None
    since = None
    if last_higher is not None:
        since = (when.year - last_higher.year) * 12 + when.month - last_higher.month
    window = s.loc[when - pd.DateOffset(months=months - 1) : when - pd.offsets.MonthBegin(1)]
    full = len(window) == months - 1 and window.notna().all()
    return HighInfo(
        date=when,
        value=value,
        months_since_higher=since,
        last_higher_date=last_higher,
        history_months=len(before),
        window_months=months,
        is_highest_in_window=bool(full and (window < value).all()),
    )


@dataclass(frozen=True)
class CpiHigh:
    """How exceptional one month's CPI year-over-year inflation is (:func:`cpi_yoy_high`).

    Attributes
    ----------
    month, yoy : Timestamp, float
        Month evaluated (first of month) and its YoY inflation (fraction).
    months_since_higher, last_higher, last_higher_yoy : int, Timestamp, float or None
        Months back to the last month with YoY at least as high, that month and its YoY
        (fraction); None when no earlier month is as high.
    history_months : int
        Months of YoY history before ``month``.
    highest_in_months : int
        ``months_since_higher``, or ``history_months`` when no earlier month is as high
        (``at_least`` = True: the true span is at least this long).
    at_least, is_high : bool
        ``is_high``: highest of the ``window_months`` months ending at ``month`` (that much
        history exists).
    window_months : int
    """

    month: pd.Timestamp
    yoy: float
    months_since_higher: int | None
    last_higher: pd.Timestamp | None
    last_higher_yoy: float | None
    history_months: int
    highest_in_months: int
    at_least: bool
    is_high: bool
    window_months: int

    def summary(self) -> dict:
        """Plain record for notebooks: ``month`` (YYYY-MM), ``yoy`` (fraction),
        ``months_since_higher``, ``history_months``, ``highest_in_months``,
        ``highest_in_years`` (rounded to 2 decimals), ``last_higher`` (YYYY-MM or None),
        ``at_least`` and ``is_high``."""
        return {
            "month": f"{self.month:%Y-%m}",
            "yoy": self.yoy,
            "months_since_higher": self.months_since_higher,
            "history_months": self.history_months,
            "highest_in_months": int(self.highest_in_months),
            "highest_in_years": round(self.highest_in_months / 12.0, 2),
            "last_higher": None if self.last_higher is None else f"{self.last_higher:%Y-%m}",
            "at_least": self.at_least,
            "is_high": self.is_high,
        }


def cpi_yoy_high(cpi: pd.Series, as_of=None, months: int = 36) -> CpiHigh:
    """ "CPI inflation highest in N months": the one computation behind notebook 04's summary
    and the ``cpi_yoy_high`` claim metric.

    Parameters
    ----------
    cpi : Series
        Monthly CPI index levels (e.g. ``fred['CPIAUCSL']``).
    as_of : date-like, optional
        Month evaluated; default the latest month with a YoY value.
    months : int
        Window for ``is_high`` (36 = "highest in 3 years"), as :func:`highest_in_n_months`.

    Returns
    -------
    CpiHigh

    Raises
    ------
    InvalidInputError
        Fewer than 13 months of CPI, or no YoY value for ``as_of`` (the message says which
        months have one).
    """
    yoy = cpi_yoy(cpi)
    first, last = yoy.first_valid_index(), yoy.last_valid_index()
    if last is None:
        raise InvalidInputError("cpi: fewer than 13 months of CPI, no year-over-year value")
    when = last if as_of is None else pd.Timestamp(as_of).to_period("M").to_timestamp(how="start")
    if when not in yoy.index or pd.isna(yoy.get(when)):
        raise InvalidInputError(
            f"YoY for {when:%Y-%m} is not in the data (YoY available {first:%Y-%m} to {last:%Y-%m})"
        )
    info = highest_in_n_months(yoy, when, int(months))
    at_least = info.months_since_higher is None
    last_higher = info.last_higher_date
    return CpiHigh(
        month=when,
        yoy=info.value,
        months_since_higher=info.months_since_higher,
        last_higher=last_higher,
        last_higher_yoy=None if last_higher is None else float(yoy.loc[last_higher]),
        history_months=info.history_months,
        highest_in_months=int(info.history_months if at_least else info.months_since_higher),
        at_least=at_least,
        is_high=info.is_highest_in_window,
        window_months=int(months),
    )


def cpi_high_summary(cpi: pd.Series, years: int = 3) -> dict:
    """The latest month's :func:`cpi_yoy_high` over a ``years``-year window, as a plain dict
    (:meth:`CpiHigh.summary`; fractions, YYYY-MM months)."""
    return cpi_yoy_high(cpi, None, int(years) * 12).summary()


def rolling_high_flags(series: pd.Series, months: int = 36) -> pd.Series:
    """Boolean monthly Series: True where the value is above each of the previous
    ``months - 1`` months (NaN-free full window required; else False)."""
    s = monthly_series(series, "series")
    prev_max = s.shift(1).rolling(months - 1, min_periods=months - 1).max()
    return (s > prev_max).rename(f"high_{months}m")


def inflation_surprise(cpi: pd.Series, trailing: int = 12) -> pd.DataFrame:
    """Inflation surprise measures from a CPI level series.

    Returns
    -------
    DataFrame (monthly, first-of-month index) with columns:

    - ``yoy``: CPI year over year (fraction);
    - ``d_yoy``: change in ``yoy`` from the previous month (fraction points; 0.002 = +0.2 pp);
    - ``dev_trailing``: ``yoy`` minus its mean over the previous ``trailing`` months (current
      month excluded; needs all ``trailing`` values).
    """
    yoy = cpi_yoy(cpi)
    prev_mean = yoy.shift(1).rolling(trailing, min_periods=trailing).mean()
    return pd.DataFrame({"yoy": yoy, "d_yoy": yoy.diff(), "dev_trailing": yoy - prev_mean})


def inflation_regime(
    cpi_yoy: pd.Series,
    *,
    high: float = 0.04,
    low: float = 0.02,
    trend_months: int = 3,
    band: float = 0.0025,
) -> pd.DataFrame:
    """Label each month's inflation level and trend.

    Parameters
    ----------
    cpi_yoy : Series
        Monthly YoY inflation, fractions (output of :func:`cpi_yoy`).
    high, low : float
        Level thresholds: ``yoy >= high`` is "high", ``yoy < low`` is "low", else "moderate".
    trend_months : int
        Trend = change of ``yoy`` over this many months.
    band : float
        Changes within +/- band (fraction points; 0.0025 = 0.25 pp) are "stable".

    Returns
    -------
    DataFrame with columns yoy, change (over ``trend_months``), level, trend and regime
    (e.g. "high, rising"); labels are missing (NaN) where the input or the change is NaN.
    """
    if low >= high:
        raise InvalidInputError(f"low ({low}) must be below high ({high}); fractions, 0.04 = 4 %")
    s = monthly_series(cpi_yoy, "cpi_yoy")
    if s.abs().max() > 1.0:
        raise InvalidInputError("cpi_yoy looks like percent (values above 1); pass fractions")
    change = s - s.shift(trend_months)
    level = np.select([s >= high, s < low], ["high", "low"], "moderate").astype(object)
    level[s.isna().to_numpy()] = None
    trend = np.select([change > band, change < -band], ["rising", "falling"], "stable").astype(
        object
    )
    trend[change.isna().to_numpy()] = None
    out = pd.DataFrame({"yoy": s, "change": change, "level": level, "trend": trend}, index=s.index)
    out["regime"] = [
        f"{a}, {b}" if a is not None and b is not None else None
        for a, b in zip(out["level"], out["trend"], strict=True)
    ]
    return out


def _month_key(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    return index.to_period("M").to_timestamp(how="start")


def inflation_regression(
    monthly_returns: pd.DataFrame | pd.Series,
    surprise: pd.Series,
    *,
    lag: int = 0,
    hac_lags: int | None = None,
) -> pd.DataFrame:
    """Regress monthly (excess) returns on an inflation surprise with Newey-West errors.

    Parameters
    ----------
    monthly_returns : DataFrame or Series
        Monthly simple returns, e.g. ``excess_returns(resample_returns(r, 'M'), rf, 12)``.
        Aligned with ``surprise`` by calendar month (month-end or month-start labels both fine).
    surprise : Series
        Monthly surprise, e.g. ``inflation_surprise(cpi)['d_yoy']`` (fraction points).
    lag : int
        Use the surprise of ``lag`` months earlier (CPI for month m is published in m+1:
        ``lag=1`` regresses on information the market had).
    hac_lags : int, optional
        Newey-West lags (default automatic).

    Returns
    -------
    DataFrame indexed by ticker with columns alpha (per month), beta (return per unit of
    surprise: beta = -5 means a +0.1 pp surprise goes with -0.5 % that month), beta_se, beta_t,
    beta_p, r_squared, n_obs, hac_lags.
    """
    from .regression import ols_hac

    frame = as_frame(monthly_returns, "monthly_returns").copy()
    if frame.index.to_period("M").has_duplicates:
        raise InvalidInputError(
            "monthly_returns has several rows in one month; resample first with "
            "resample_returns(returns, 'M')"
        )
    frame.index = _month_key(frame.index)
    x = monthly_series(surprise, "surprise").shift(lag).rename("surprise")
    rows = {}
    for col in frame.columns:
        res, lags = ols_hac(frame[col], x, hac_lags)
        rows[col] = {
            "alpha": float(res.params.iloc[0]),
            "beta": float(res.params.iloc[1]),
            "beta_se": float(res.bse.iloc[1]),
            "beta_t": float(res.tvalues.iloc[1]),
            "beta_p": float(res.pvalues.iloc[1]),
            "r_squared": float(res.rsquared),
            "n_obs": int(res.nobs),
            "hac_lags": lags,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "ticker"
    return out


def monthly_inflation(cpi: pd.Series) -> pd.Series:
    """Month-over-month CPI inflation ``CPI_m / CPI_{m-1} - 1`` (fraction per month)."""
    s = monthly_series(cpi, "cpi")
    return (s / s.shift(1) - 1.0).rename("inflation_mom")


def real_returns(monthly_returns: pd.DataFrame | pd.Series, cpi: pd.Series):
    """CPI-deflated returns ``(1 + r_m) / (1 + pi_m) - 1`` per calendar month (fractions).

    ``monthly_returns`` must hold at most one row per month (use ``resample_returns(r, 'M')``);
    its index is kept. NaN where the month's CPI inflation is unknown (e.g. CPI not published
    yet): inflation is never extrapolated.
    """
    frame = as_frame(monthly_returns, "monthly_returns")
    if frame.index.to_period("M").has_duplicates:
        raise InvalidInputError(
            "real_returns needs monthly returns (one row per month); resample first with "
            "resample_returns(returns, 'M')"
        )
    pi = monthly_inflation(cpi).reindex(_month_key(frame.index)).to_numpy()
    out = (1.0 + frame).div(1.0 + pi, axis=0) - 1.0
    return (
        out.iloc[:, 0].rename(monthly_returns.name)
        if isinstance(monthly_returns, pd.Series)
        else out
    )


def deflate_prices(prices: pd.DataFrame | pd.Series, cpi: pd.Series, base=None):
    """Prices in constant dollars: ``p_t * CPI_base / CPI_{month(t)}``.

    Each day uses its calendar month's CPI (a step deflator); days whose month has no CPI yet
    are NaN. ``base`` = month whose dollars are used (default the last CPI month).
    """
    frame = as_frame(prices, "prices")
    s = monthly_series(cpi, "cpi")
    base_val = (
        s.dropna().iloc[-1]
        if base is None
        else s.loc[pd.Timestamp(base).to_period("M").to_timestamp(how="start")]
    )
    deflator = s.reindex(_month_key(frame.index)).to_numpy()
    out = frame.mul(base_val / deflator, axis=0)
    return out.iloc[:, 0].rename(prices.name) if isinstance(prices, pd.Series) else out
