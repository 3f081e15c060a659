"""Notebook 06's scorecard: self-hosting economics next to market signals, per basket.

:func:`basket_scorecard` is a pure function of prices (and CPI). Per equal-weight basket:
total return, 12-1 and 3-month momentum, relative strength against the benchmark, sensitivity
of monthly excess returns to the previous month's inflation surprise (Newey-West errors) and
the latest inflation regime; the economics columns repeat the break-even figures (the same for
every basket) beside a one-line exposure that says which side of the build-vs-buy decision the
basket sells to. The break-even figures come in as a table (``economics``) from
:func:`aipolicy.costs.economics.trends.breakeven_trends`: this package does not import the cost models.

The scorecard is descriptive: it counts positive market signals; it does not weigh them into a
recommendation. Units: fractions (0.12 = 12 %), tokens per day, months.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError

from .baskets import basket_members, basket_returns, relative_strength
from .inflation import inflation_regime, inflation_regression, inflation_surprise
from .momentum import momentum
from .returns import excess_returns, resample_returns, simple_returns

#: Basket -> which side of the build-vs-buy decision it sells to (aipolicy judgment).
EXPOSURES: dict[str, str] = {
    "chips": "sells accelerators and memory to both API providers and self-hosters",
    "hardware": "sells servers, networking and GPU cloud capacity to both sides",
    "infrastructure": "sells compute to both API providers and self-hosters",
    "platforms": "sells API tokens and cloud capacity; buys the chips",
}

#: Fewest months of overlap for the inflation regression.
MIN_INFLATION_MONTHS = 24


def _last_ratio(s: pd.Series, sessions: int) -> float:
    s = s.dropna()
    if len(s) <= sessions:
        return np.nan
    return float(s.iloc[-1] / s.iloc[-1 - sessions] - 1.0)


def _inflation_inputs(cpi: pd.Series | None) -> tuple[str | None, pd.Series | None]:
    """The latest inflation regime and the monthly inflation surprise of a CPI series.

    Parameters
    ----------
    cpi : Series, optional
        Monthly CPI levels (index: month dates); more than 13 values are needed.

    Returns
    -------
    (str or None, Series or None)
        ``"<regime> (YYYY-MM)"`` of the latest month with a regime, and the month-on-month
        change in CPI YoY (fractions, index: month starts); None, None without enough CPI.
    """
    if cpi is None or len(cpi.dropna()) <= 13:
        return None, None
    surp = inflation_surprise(cpi.dropna())
    reg = inflation_regime(surp["yoy"]).dropna(subset=["regime"])
    regime_label = (
        str(reg["regime"].iloc[-1]) + f" ({reg.index[-1]:%Y-%m})" if len(reg) else None
    )
    return regime_label, surp["d_yoy"]


def _market_signals(r: pd.Series, bench: pd.Series, rs_sessions: int) -> dict[str, float]:
    """A basket's total return, momentum and relative strength.

    Parameters
    ----------
    r, bench : Series
        Daily simple returns of the basket and of the benchmark (index: dates).
    rs_sessions : int
        Sessions over which the change in relative strength is measured.

    Returns
    -------
    dict
        ``total_return``, ``mom_12_1``, ``mom_3`` (fractions), ``relative_strength`` (wealth
        ratio, 1 = level) and ``rs_change_3m`` (fraction); NaN where the data is too short.
    """
    started = r.notna().cummax()
    wealth = (1.0 + r.fillna(0.0)).cumprod().where(started).dropna()
    mom12 = float(momentum(wealth, 252, 21).iloc[-1]) if len(wealth) > 252 else np.nan
    mom3 = float(momentum(wealth, 63, 0).iloc[-1]) if len(wealth) > 63 else np.nan
    rs = relative_strength(r, bench).dropna()
    return {
        "total_return": float(wealth.iloc[-1] - 1.0) if len(wealth) else np.nan,
        "mom_12_1": mom12,
        "mom_3": mom3,
        "relative_strength": float(rs.iloc[-1]) if len(rs) else np.nan,
        "rs_change_3m": _last_ratio(rs, rs_sessions),
    }


def _inflation_beta(r: pd.Series, surprise: pd.Series | None, rf_annual: float
                    ) -> tuple[float, float, int]:
    """Sensitivity of a basket's monthly excess returns to the previous month's surprise.

    Parameters
    ----------
    r : Series
        Daily simple returns of the basket (index: dates).
    surprise : Series, optional
        Monthly change in CPI YoY (index: month starts); None gives NaN, NaN, 0.
    rf_annual : float
        Annual risk-free rate (fraction).

    Returns
    -------
    (float, float, int)
        Beta, its Newey-West t-statistic and the months used; NaN betas with fewer than
        :data:`MIN_INFLATION_MONTHS` months of overlap (the months of overlap then).
    """
    if surprise is None:
        return np.nan, np.nan, 0
    monthly = excess_returns(resample_returns(r.dropna(), "M"), rf_annual, 12)
    # label months by their first day and align on the surprise's months, so the
    # regression joins two identical indexes
    monthly.index = monthly.index.to_period("M").to_timestamp(how="start")
    monthly = monthly.reindex(surprise.index)
    lagged = surprise.shift(1)
    n_months = int((monthly.notna() & lagged.notna()).sum())
    if n_months < MIN_INFLATION_MONTHS:
        return np.nan, np.nan, n_months
    res = inflation_regression(monthly, surprise, lag=1).iloc[0]
    return float(res["beta"]), float(res["beta_t"]), int(res["n_obs"])


def basket_scorecard(
    prices: pd.DataFrame,
    baskets: Mapping[str, Sequence[str]],
    benchmark: str,
    *,
    cpi: pd.Series | None = None,
    rf_annual: float = 0.0,
    economics: pd.DataFrame | None = None,
    rs_sessions: int = 63,
) -> pd.DataFrame:
    """Market signals per equal-weight basket, beside the self-hosting economics.

    Parameters
    ----------
    prices : DataFrame
        Daily prices over the evaluation window, including ``benchmark``.
    baskets : mapping
        Basket name -> member tickers (members absent from ``prices`` are skipped; a basket
        without members is left out).
    benchmark : str
        Column of ``prices`` for relative strength.
    cpi : Series, optional
        Monthly CPI levels (all history) for the inflation columns.
    rf_annual : float
        Annual risk-free rate (fraction) for excess returns in the inflation regression.
    economics : DataFrame, optional
        Output of :func:`aipolicy.costs.economics.trends.breakeven_trends` (index ``today``,
        ``api price cut``; column ``breakeven_tokens_per_day``).
    rs_sessions : int
        Sessions over which the change in relative strength is measured (63 = 3 months).

    Returns
    -------
    DataFrame indexed by basket with columns: members (comma string), n_members,
    total_return, mom_12_1, mom_3 (basket wealth momentum, fractions), relative_strength
    (wealth ratio to the benchmark over the window, 1 = level), rs_change_3m (its change over
    ``rs_sessions``), inflation_beta, inflation_beta_t, inflation_months (regression of monthly
    excess returns on the previous month's change in CPI YoY), inflation_regime (latest),
    breakeven_tokens_per_day_today, breakeven_tokens_per_day_trend (after the API price cut),
    exposure, signals_positive, signals_available and reading.
    """
    if benchmark not in prices.columns:
        raise InvalidInputError(f"benchmark {benchmark!r} is not a column of prices")
    rets = simple_returns(prices, span_gaps=True)
    bench = rets[benchmark]
    regime_label, surprise = _inflation_inputs(cpi)
    today = trend = np.nan
    if economics is not None:
        today = float(economics.loc["today", "breakeven_tokens_per_day"])
        trend = float(economics.loc["api price cut", "breakeven_tokens_per_day"])
    rows = {}
    for name, present in basket_members(prices, baskets).items():
        r = basket_returns(rets[present], rebalance="M", name=name)
        signals = _market_signals(r, bench, rs_sessions)
        beta, beta_t, n_months = _inflation_beta(r, surprise, rf_annual)
        checks = [v > 0 for v in (signals["mom_12_1"], signals["mom_3"], signals["rs_change_3m"])
                  if np.isfinite(v)]
        rows[name] = {
            "members": ",".join(present),
            "n_members": len(present),
            **signals,
            "inflation_beta": beta,
            "inflation_beta_t": beta_t,
            "inflation_months": int(n_months),
            "inflation_regime": regime_label,
            "breakeven_tokens_per_day_today": today,
            "breakeven_tokens_per_day_trend": trend,
            "exposure": EXPOSURES.get(name, ""),
            "signals_positive": int(sum(checks)),
            "signals_available": len(checks),
            "reading": f"{int(sum(checks))} of {len(checks)} market signals positive"
            if checks
            else "no market signal computable",
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "basket"
    return out
