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
    regime_label, surprise = None, None
    if cpi is not None and len(cpi.dropna()) > 13:
        surp = inflation_surprise(cpi.dropna())
        reg = inflation_regime(surp["yoy"]).dropna(subset=["regime"])
        regime_label = (
            str(reg["regime"].iloc[-1]) + f" ({reg.index[-1]:%Y-%m})" if len(reg) else None
        )
        surprise = surp["d_yoy"]
    today = trend = np.nan
    if economics is not None:
        today = float(economics.loc["today", "breakeven_tokens_per_day"])
        trend = float(economics.loc["api price cut", "breakeven_tokens_per_day"])
    rows = {}
    for name, present in basket_members(prices, baskets).items():
        r = basket_returns(rets[present], rebalance="M", name=name)
        started = r.notna().cummax()
        wealth = (1.0 + r.fillna(0.0)).cumprod().where(started).dropna()
        mom12 = float(momentum(wealth, 252, 21).iloc[-1]) if len(wealth) > 252 else np.nan
        mom3 = float(momentum(wealth, 63, 0).iloc[-1]) if len(wealth) > 63 else np.nan
        rs = relative_strength(r, bench).dropna()
        rs_last = float(rs.iloc[-1]) if len(rs) else np.nan
        rs_chg = _last_ratio(rs, rs_sessions)
        beta = beta_t = np.nan
        n_months = 0
        if surprise is not None:
            monthly = excess_returns(resample_returns(r.dropna(), "M"), rf_annual, 12)
            # label months by their first day and align on the surprise's months, so the
            # regression joins two identical indexes
            monthly.index = monthly.index.to_period("M").to_timestamp(how="start")
            monthly = monthly.reindex(surprise.index)
            lagged = surprise.shift(1)
            n_months = int((monthly.notna() & lagged.notna()).sum())
            if n_months >= MIN_INFLATION_MONTHS:
                res = inflation_regression(monthly, surprise, lag=1).iloc[0]
                beta, beta_t = float(res["beta"]), float(res["beta_t"])
                n_months = int(res["n_obs"])
        checks = [v > 0 for v in (mom12, mom3, rs_chg) if np.isfinite(v)]
        rows[name] = {
            "members": ",".join(present),
            "n_members": len(present),
            "total_return": float(wealth.iloc[-1] - 1.0) if len(wealth) else np.nan,
            "mom_12_1": mom12,
            "mom_3": mom3,
            "relative_strength": rs_last,
            "rs_change_3m": rs_chg,
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
