"""Market model / CAPM with Newey-West (HAC) standard errors, rolling beta and correlation.

statsmodels is imported inside the functions that need it, so importing this module is cheap.

Units: returns are fractions per period. ``alpha`` is per period; ``alpha_ann`` is
``alpha * periods_per_year`` (arithmetic annualisation, as empyrical's ``alpha``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError

from ._checks import as_frame, check_periods_per_year, check_time_index
from .returns import excess_returns


def newey_west_lags(n_obs: int) -> int:
    """Newey-West (1994) automatic lag: ``floor(4 * (n / 100) ** (2 / 9))``."""
    if n_obs < 1:
        raise InvalidInputError(f"n_obs must be >= 1, got {n_obs}")
    return int(math.floor(4.0 * (n_obs / 100.0) ** (2.0 / 9.0)))


@dataclass(frozen=True)
class CapmResult:
    """Market-model regression ``r_i = alpha + beta * r_m + e`` (OLS, HAC errors).

    Attributes
    ----------
    alpha : float
        Intercept per period (fraction). ``alpha_ann = alpha * periods_per_year``.
    beta : float
    alpha_se, beta_se : float
        Newey-West (Bartlett kernel) standard errors with ``hac_lags`` lags, exactly
        statsmodels' ``fit(cov_type='HAC', cov_kwds={'maxlags': hac_lags})`` (its default:
        no small-sample n/(n-k) correction); plain OLS errors with ``cov_type='nonrobust'``.
    alpha_t, beta_t, alpha_p, beta_p : float
        t-statistics and two-sided p-values (normal reference, statsmodels' default for HAC).
    r_squared : float
    n_obs : int
    hac_lags : int
    excess : bool
        Whether returns were taken in excess of the risk-free rate.
    """

    alpha: float
    alpha_ann: float
    beta: float
    alpha_se: float
    beta_se: float
    alpha_t: float
    beta_t: float
    alpha_p: float
    beta_p: float
    r_squared: float
    n_obs: int
    hac_lags: int
    excess: bool
    cov_type: str
    results: object = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict:
        """The figures as a plain dict (without the statsmodels results object)."""
        return {
            k: getattr(self, k)
            for k in (
                "alpha",
                "alpha_ann",
                "beta",
                "alpha_se",
                "beta_se",
                "alpha_t",
                "beta_t",
                "alpha_p",
                "beta_p",
                "r_squared",
                "n_obs",
                "hac_lags",
                "excess",
                "cov_type",
            )
        }


def ols_hac(
    y: pd.Series, x: pd.DataFrame | pd.Series, hac_lags: int | None = None, cov_type: str = "HAC"
):
    """OLS of ``y`` on ``x`` plus a constant with HAC (Newey-West) covariance.

    Rows with NaN in ``y`` or ``x`` are dropped. ``hac_lags=None`` uses
    :func:`newey_west_lags`. Returns ``(statsmodels results, lags)``.
    """
    import statsmodels.api as sm

    data = pd.concat([y.rename("__y__"), x], axis=1, sort=True).dropna()
    if len(data) < 3:
        raise InvalidInputError(
            f"need at least 3 dates where both the dependent and explanatory series have values, "
            f"got {len(data)}; check that the series overlap in time"
        )
    exog = sm.add_constant(data.drop(columns="__y__"), has_constant="add")
    lags = newey_west_lags(len(data)) if hac_lags is None else int(hac_lags)
    if lags < 0:
        raise InvalidInputError(f"hac_lags must be >= 0 or None (automatic), got {hac_lags}")
    model = sm.OLS(data["__y__"], exog)
    if cov_type == "HAC":
        res = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    elif cov_type == "nonrobust":
        res = model.fit()
        lags = 0
    else:
        raise InvalidInputError(f"cov_type must be 'HAC' or 'nonrobust', got {cov_type!r}")
    return res, lags


def capm(
    asset: pd.Series,
    market: pd.Series,
    *,
    rf: float | pd.Series | None = None,
    periods_per_year: float = 252,
    hac_lags: int | None = None,
    cov_type: str = "HAC",
) -> CapmResult:
    """Market model (``rf=None``) or CAPM in excess returns (``rf`` given) for one asset.

    Parameters
    ----------
    asset, market : Series
        Simple returns per period (fractions) on a DatetimeIndex; regressed on common non-NaN
        dates.
    rf : float or Series, optional
        Annual risk-free rate as a fraction; both sides become excess returns.
    periods_per_year : float
        For ``alpha_ann`` (252 daily, 12 monthly).
    hac_lags : int, optional
        Newey-West lags; default ``floor(4 (n/100)^(2/9))``.
    cov_type : {'HAC', 'nonrobust'}

    Returns
    -------
    CapmResult
    """
    ppy = check_periods_per_year(periods_per_year)
    for s, name in ((asset, "asset"), (market, "market")):
        if not isinstance(s, pd.Series):
            raise InvalidInputError(f"{name} must be a Series of returns, got {type(s).__name__}")
        check_time_index(s, name)
    excess = rf is not None
    if excess:
        asset = excess_returns(asset, rf, ppy)
        market = excess_returns(market, rf, ppy)
    res, lags = ols_hac(
        asset.astype(float), market.astype(float).rename("market"), hac_lags, cov_type
    )
    a, b = float(res.params.iloc[0]), float(res.params.iloc[1])
    return CapmResult(
        alpha=a,
        alpha_ann=a * ppy,
        beta=b,
        alpha_se=float(res.bse.iloc[0]),
        beta_se=float(res.bse.iloc[1]),
        alpha_t=float(res.tvalues.iloc[0]),
        beta_t=float(res.tvalues.iloc[1]),
        alpha_p=float(res.pvalues.iloc[0]),
        beta_p=float(res.pvalues.iloc[1]),
        r_squared=float(res.rsquared),
        n_obs=int(res.nobs),
        hac_lags=lags,
        excess=excess,
        cov_type=cov_type,
        results=res,
    )


def capm_table(
    returns: pd.DataFrame,
    market: pd.Series | str,
    *,
    rf: float | pd.Series | None = None,
    periods_per_year: float = 252,
    hac_lags: int | None = None,
    cov_type: str = "HAC",
) -> pd.DataFrame:
    """:func:`capm` for every column of ``returns``.

    ``market`` is a Series of returns or the name of a column of ``returns`` (that column is
    then left out of the table). Returns a DataFrame indexed by ticker with columns alpha,
    alpha_ann, beta, alpha_se, beta_se, alpha_t, beta_t, alpha_p, beta_p, r_squared, n_obs,
    hac_lags, excess, cov_type. A column with fewer than 3 common dates gets NaN figures.
    """
    frame = as_frame(returns, "returns")
    if isinstance(market, str):
        if market not in frame.columns:
            raise InvalidInputError(f"market {market!r} is not a column of returns")
        mkt = frame[market]
        frame = frame.drop(columns=market)
    else:
        mkt = market
    rows = {}
    for col in frame.columns:
        try:
            rows[col] = capm(
                frame[col],
                mkt,
                rf=rf,
                periods_per_year=periods_per_year,
                hac_lags=hac_lags,
                cov_type=cov_type,
            ).as_dict()
        except InvalidInputError:
            rows[col] = {
                "n_obs": int(pd.concat([frame[col], mkt], axis=1, sort=True).dropna().shape[0])
            }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "ticker"
    return out


def _rolling_moments(frame: pd.DataFrame, mkt: pd.Series, window: int, min_periods: int):
    """Pairwise-complete rolling covariance and variances, all columns at once.

    Uses pandas' rolling kernels (online, compensated sums: exact zero variance for constant
    windows, no cumulative-sum cancellation).
    """
    y = frame
    x = pd.DataFrame(
        np.broadcast_to(mkt.to_numpy(float)[:, None], y.shape).copy(),
        index=y.index,
        columns=y.columns,
    )
    ok = y.notna() & x.notna()
    y, x = y.where(ok), x.where(ok)
    roll = {"window": window, "min_periods": max(min_periods, 2)}
    cov = y.rolling(**roll).cov(x).to_numpy()
    vx = x.rolling(**roll).var().to_numpy()
    vy = y.rolling(**roll).var().to_numpy()
    # a window whose variance is lost in rounding (returns constant to ~1e-5 relative) has
    # no beta: compare with the window's mean square so the test is scale-free
    msx = (x * x).rolling(**roll).mean().to_numpy()
    msy = (y * y).rolling(**roll).mean().to_numpy()
    vx = np.where(vx > 1e-9 * msx, vx, 0.0)
    vy = np.where(vy > 1e-9 * msy, vy, 0.0)
    enough = np.isfinite(cov)
    return cov, vx, vy, enough


def _rolling_prepare(returns, market, window, min_periods):
    frame = as_frame(returns, "returns")
    if isinstance(market, str):
        mkt = frame[market]
    else:
        check_time_index(market, "market")
        mkt = market.astype(float).reindex(frame.index)
    if not isinstance(window, int | np.integer) or window < 2:
        raise InvalidInputError(f"window must be an integer >= 2 (e.g. 252), got {window!r}")
    mp = window if min_periods is None else int(min_periods)
    if not 2 <= mp <= window:
        raise InvalidInputError(f"min_periods must be between 2 and window={window}, got {mp}")
    return frame, mkt, int(window), mp


def rolling_beta(
    returns: pd.DataFrame | pd.Series,
    market: pd.Series | str,
    window: int = 252,
    min_periods: int | None = None,
) -> pd.DataFrame:
    """Rolling beta ``cov(r_i, r_m) / var(r_m)`` over the last ``window`` rows (fast path).

    Vectorised with pandas rolling kernels (all columns at once); equal to the slope of a rolling OLS
    with intercept (see :func:`rolling_capm_ols` for t-statistics).

    Parameters
    ----------
    returns : DataFrame or Series
        Simple returns (fractions), one column per ticker.
    market : Series or str
        Market returns, or the name of a column of ``returns``.
    window : int
        Rows per window (252 = one trading year).
    min_periods : int, optional
        Minimum dates in the window where both the asset and the market have returns;
        default ``window`` (a full window). Fewer gives NaN.

    Returns
    -------
    DataFrame, same index and columns as ``returns``.
    """
    frame, mkt, window, mp = _rolling_prepare(returns, market, window, min_periods)
    cov, vx, _, enough = _rolling_moments(frame, mkt, window, mp)
    with np.errstate(invalid="ignore", divide="ignore"):
        beta = np.where(enough & (vx > 0), cov / vx, np.nan)
    return pd.DataFrame(beta, index=frame.index, columns=frame.columns)


def rolling_correlation(
    returns: pd.DataFrame | pd.Series,
    market: pd.Series | str,
    window: int = 252,
    min_periods: int | None = None,
) -> pd.DataFrame:
    """Rolling Pearson correlation with the market; arguments and shape as
    :func:`rolling_beta`."""
    frame, mkt, window, mp = _rolling_prepare(returns, market, window, min_periods)
    cov, vx, vy, enough = _rolling_moments(frame, mkt, window, mp)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.where(enough & (vx > 0) & (vy > 0), cov / np.sqrt(vx * vy), np.nan)
    return pd.DataFrame(np.clip(corr, -1.0, 1.0), index=frame.index, columns=frame.columns)


def rolling_capm_ols(
    asset: pd.Series, market: pd.Series, window: int = 252, min_periods: int | None = None
) -> pd.DataFrame:
    """Rolling market model with statsmodels ``RollingOLS`` (slow path, with statistics).

    Returns a DataFrame on the asset's index with columns alpha (per period), beta, alpha_t,
    beta_t (non-robust OLS t-statistics: RollingOLS has no HAC option), r_squared, n_obs.
    Rows with NaN in either series are dropped before rolling, so the window counts common
    dates; rows that were dropped are NaN in the output.
    """
    from statsmodels.regression.rolling import RollingOLS

    check_time_index(asset, "asset")
    check_time_index(market, "market")
    data = pd.concat(
        [asset.astype(float).rename("y"), market.astype(float).rename("x")], axis=1, sort=True
    ).dropna()
    mp = window if min_periods is None else int(min_periods)
    if len(data) < mp:
        out = pd.DataFrame(
            np.nan,
            index=asset.index,
            columns=["alpha", "beta", "alpha_t", "beta_t", "r_squared", "n_obs"],
        )
        return out
    exog = np.column_stack([np.ones(len(data)), data["x"].to_numpy()])
    res = RollingOLS(data["y"].to_numpy(), exog, window=window, min_nobs=mp).fit()
    params, tvals = np.asarray(res.params), np.asarray(res.tvalues)
    out = pd.DataFrame(
        {
            "alpha": params[:, 0],
            "beta": params[:, 1],
            "alpha_t": tvals[:, 0],
            "beta_t": tvals[:, 1],
            "r_squared": np.asarray(res.rsquared),
            "n_obs": np.asarray(res.nobs, dtype=float),
        },
        index=data.index,
    )
    return out.reindex(asset.index)
