"""The market notebooks' tables (03-06), formatted for people.

Each view takes the DataFrame the notebook already computes with :mod:`aipolicy.signals` (or
:mod:`aipolicy.costs`) and returns a :class:`~aipolicy.nb.tables.Table`: returns, volatility,
drawdowns and shares in percent (inputs are fractions), Sharpe ratios and betas with 2 decimals,
counts and ranks as whole numbers, dates as ``YYYY-MM-DD``, money in USD, and a footnote saying
what ``—`` or ``n/a`` means. The views pick the columns they know from whatever subset they are
given, in a fixed order; nothing here computes a statistic.

Views
-----
``performance_view(perf)``                 03: per-ticker or per-basket performance
``momentum_view(mom)``                     03: momentum scores and ranks
``passive_active_view(pva)``               03: index vs equal weight vs momentum rotation
``regime_view(regime, rows=6)``            04: the latest months' inflation regime
``inflation_regression_view(reg)``         04: returns on inflation surprises
``real_returns_view(ann)``                 04: nominal and real annualised returns
``breakeven_trends_view(econ)``            06: self-hosting break-even under price trends
``basket_scorecard_view(card)``            06: the basket scorecard

Notebook 05's IPO tables are in :mod:`aipolicy.nb.views.ipo_tables`, notebook 06's claims table in
:mod:`aipolicy.nb.views.claims_table`, the investor tables in :mod:`aipolicy.nb.views.investor_tables`.
"""

from __future__ import annotations

import pandas as pd

from aipolicy.nb.tables import Col, Table, any_missing, as_of_caption, people_table, pick_columns

__all__ = [
    "STRATEGY_NAMES",
    "basket_scorecard_view",
    "breakeven_trends_view",
    "inflation_regression_view",
    "momentum_view",
    "passive_active_view",
    "performance_view",
    "real_returns_view",
    "regime_view",
    "strategy_name",
]


# --------------------------------------------------------------------------- 03
_PERFORMANCE = {
    "n_periods": Col("int", header="sessions"),
    "ann_return": Col("pct", header="annual return"),
    "ann_vol": Col("pct", header="annual volatility"),
    "sharpe": Col("number", header="Sharpe", decimals=2, missing="n/a"),
    "max_drawdown": Col("pct", header="max drawdown"),
    "beta": Col("number", header="beta", decimals=2, missing="n/a"),
}


def performance_view(perf: pd.DataFrame) -> Table:
    """Per-ticker (or per-basket) performance from :func:`aipolicy.signals.performance_table`.

    Parameters
    ----------
    perf : DataFrame
        Indexed by ticker; any of ``n_periods`` (sessions), ``ann_return``, ``ann_vol``,
        ``max_drawdown`` (fractions), ``sharpe``, ``beta``.

    Returns
    -------
    Table
        Sessions as a whole number, annualised return, volatility and maximum drawdown in
        percent (1 decimal), Sharpe ratio and beta with 2 decimals.
    """
    frame = pick_columns(perf, _PERFORMANCE)
    notes = ["n/a: too few returns to estimate."] if any_missing(frame) else []
    cols = {k: Col(v.kind, header=v.header, decimals=v.decimals, missing="n/a")
            for k, v in _PERFORMANCE.items()}
    return people_table(frame, cols, index="ticker", footnote=notes)


def momentum_view(mom: pd.DataFrame) -> Table:
    """Momentum scores from :func:`aipolicy.signals.momentum_scores`.

    Parameters
    ----------
    mom : DataFrame
        Indexed by ticker; ``mom_12_1``, ``mom_6_1``, ``mom_3`` (fractions), ``composite``
        (mean percentile rank, 0-1), ``rank`` (1 = strongest); ``attrs['as_of']`` becomes the
        caption.

    Returns
    -------
    Table
        Momentum in percent (signed, 1 decimal), composite with 2 decimals, rank as a whole
        number; ``n/a`` where a ticker lacks the history for a horizon.
    """
    cols = {
        "mom_12_1": Col("pct", header="12-1 momentum", signed=True, missing="n/a"),
        "mom_6_1": Col("pct", header="6-1 momentum", signed=True, missing="n/a"),
        "mom_3": Col("pct", header="3-month momentum", signed=True, missing="n/a"),
        "composite": Col("number", header="composite score", unit="0-1", decimals=2,
                         missing="n/a"),
        "rank": Col("int", missing="n/a"),
    }
    frame = pick_columns(mom, cols)
    notes = ["n/a: not enough price history for that horizon."] if any_missing(frame) else []
    return people_table(frame, cols, index="ticker", caption=as_of_caption(mom),
                        footnote=notes)


#: Strategy key of :func:`aipolicy.signals.passive_vs_active` -> its name for readers.
STRATEGY_NAMES = {"index": "the index", "equal_weight": "equal-weight basket",
                  "momentum_rotation": "momentum rotation"}


def strategy_name(key: str) -> str:
    """The reader's name of a :func:`aipolicy.signals.passive_vs_active` strategy."""
    return STRATEGY_NAMES.get(str(key), str(key).replace("_", " "))


def passive_active_view(pva: pd.DataFrame) -> Table:
    """Index vs equal weight vs momentum rotation, from :func:`aipolicy.signals.passive_vs_active`.

    Parameters
    ----------
    pva : DataFrame
        Indexed by strategy; ``first_date``, ``last_date``, ``ann_return``, ``ann_vol``,
        ``sharpe``, ``max_drawdown``, ``annual_turnover``, ``annual_cost`` (fractions a year),
        ``rank_sharpe``.

    Returns
    -------
    Table
        Dates as ``YYYY-MM-DD``; returns, volatility, drawdown and turnover in percent
        (1 decimal), trading cost in percent a year (2 decimals), Sharpe with 2 decimals, the
        rank as a whole number; strategies by their names (:data:`STRATEGY_NAMES`).
    """
    cols = {
        "first_date": Col("date", header="from"),
        "last_date": Col("date", header="to"),
        "ann_return": Col("pct", header="annual return"),
        "ann_vol": Col("pct", header="annual volatility"),
        "sharpe": Col("number", header="Sharpe", decimals=2, missing="n/a"),
        "max_drawdown": Col("pct", header="max drawdown"),
        "annual_turnover": Col("pct", header="turnover", unit="% a year"),
        "annual_cost": Col("pct", header="trading cost", unit="% a year", decimals=2),
        "rank_sharpe": Col("int", header="rank by Sharpe"),
    }
    frame = pick_columns(pva, cols).rename(index=strategy_name)
    return people_table(frame, cols, index="strategy")


# --------------------------------------------------------------------------- 04
def regime_view(regime: pd.DataFrame, rows: int | None = 6) -> Table:
    """The latest months' inflation regime, from :func:`aipolicy.signals.inflation_regime`.

    Parameters
    ----------
    regime : DataFrame
        Indexed by month (dates or ``YYYY-MM`` labels); ``yoy`` (fraction a year),
        ``change`` (3-month change of ``yoy``, a fraction), ``regime``.
    rows : int or None
        Show the last ``rows`` months (None: all).

    Returns
    -------
    Table
        Months as ``YYYY-MM``; inflation in percent a year and its change in percentage
        points, 2 decimals each; the regime label.
    """
    frame = regime if rows is None else regime.tail(rows)
    frame = frame.copy()
    if isinstance(frame.index, pd.DatetimeIndex):
        frame.index = frame.index.strftime("%Y-%m")
    cols = {
        "yoy": Col("pct", header="inflation", unit="% a year", decimals=2),
        "change": Col("pp", header="3-month change", signed=True),
        "regime": Col("text"),
    }
    return people_table(pick_columns(frame, cols), cols, index="month")


def inflation_regression_view(reg: pd.DataFrame) -> Table:
    """Monthly excess returns regressed on inflation surprises (Newey-West errors).

    Parameters
    ----------
    reg : DataFrame
        Indexed by (``surprise``, ``ticker``) or ``ticker``; ``beta`` (excess return per unit
        of surprise), ``beta_se``, ``beta_t``, ``beta_p``, ``r_squared``, ``n_obs`` (months),
        ``hac_lags``.

    Returns
    -------
    Table
        Beta, its standard error and t with 2 decimals, p-value and R² with 3 decimals,
        months and lags as whole numbers.
    """
    cols = {
        "beta": Col("number", decimals=2, missing="n/a"),
        "beta_se": Col("number", header="std. error (HAC)", decimals=2, missing="n/a"),
        "beta_t": Col("number", header="t", decimals=2, missing="n/a"),
        "beta_p": Col("number", header="p-value", decimals=3, missing="n/a"),
        "r_squared": Col("number", header="R²", decimals=3, missing="n/a"),
        "n_obs": Col("int", header="months"),
        "hac_lags": Col("int", header="HAC lags"),
    }
    frame = pick_columns(reg, cols)
    notes = ["n/a: not estimable with these months."] if any_missing(frame) else []
    return people_table(frame, cols, footnote=notes)


def real_returns_view(ann: pd.DataFrame) -> Table:
    """Nominal and real (CPI-deflated) returns per basket.

    Parameters
    ----------
    ann : DataFrame
        Indexed by basket; ``nominal``, ``real``, ``inflation drag`` (fractions: annualised,
        or totals for spans under a year, as the notebook says).

    Returns
    -------
    Table
        All three in percent, 1 decimal.
    """
    cols = {c: Col("pct", missing="n/a") for c in ("nominal", "real", "inflation drag")}
    return people_table(pick_columns(ann, cols), cols, index="basket")


# --------------------------------------------------------------------------- 06
def breakeven_trends_view(econ: pd.DataFrame) -> Table:
    """The self-hosting break-even under API price trends (:func:`aipolicy.costs.economics.trends.breakeven_trends`).

    Parameters
    ----------
    econ : DataFrame
        Indexed by case; ``api_price_decline_annual`` (fraction), ``api_price_factor``,
        ``reached``, ``breakeven_requests_per_day``, ``breakeven_tokens_per_day`` (NaN when
        not reached), ``source``.

    Returns
    -------
    Table
        The price factor with 2 decimals, break-even in requests/day and M tokens/day
        (``not reached`` when self-hosting never breaks even in the searched volumes).
    """
    cols = {
        "api_price_decline_annual": Col("pct", header="API price decline", unit="% a year",
                                        decimals=0),
        "api_price_factor": Col("number", header="API price factor", unit="× today",
                                decimals=2),
        "reached": Col("bool", header="break-even reached"),
        "breakeven_requests_per_day": Col("number", header="break-even", unit="requests/day",
                                          decimals=0, missing="not reached"),
        "breakeven_tokens_per_day": Col("tokens_per_day", header="break-even",
                                        missing="not reached"),
        "source": Col("source"),
    }
    frame = pick_columns(econ, cols).rename(index={"api price cut": "API price cut"})
    return people_table(frame, cols, index="case")


def basket_scorecard_view(card: pd.DataFrame) -> Table:
    """The basket scorecard (:func:`aipolicy.signals.basket_scorecard`).

    Parameters
    ----------
    card : DataFrame
        Indexed by basket; ``n_members``, ``total_return``, ``mom_12_1``, ``mom_3``,
        ``rs_change_3m`` (fractions), ``relative_strength`` (ratio, 1 = level with the
        benchmark), ``inflation_beta``, ``inflation_beta_t``, ``reading``.

    Returns
    -------
    Table
        Members as a whole number; returns and momentum in percent (signed, 1 decimal);
        relative strength, inflation beta and its t with 2 decimals; ``n/a`` where the data
        does not allow a figure.
    """
    cols = {
        "n_members": Col("int", header="members"),
        "total_return": Col("pct", header="total return", signed=True, missing="n/a"),
        "mom_12_1": Col("pct", header="12-1 momentum", signed=True, missing="n/a"),
        "mom_3": Col("pct", header="3-month momentum", signed=True, missing="n/a"),
        "relative_strength": Col("number", header="relative strength", unit="1 = level",
                                 decimals=2, missing="n/a"),
        "rs_change_3m": Col("pct", header="change in relative strength, 3 months",
                            signed=True, missing="n/a"),
        "inflation_beta": Col("number", header="inflation beta", decimals=2, missing="n/a"),
        "inflation_beta_t": Col("number", header="t", decimals=2, missing="n/a"),
        "reading": Col("text"),
    }
    frame = pick_columns(card, cols)
    notes = ["n/a: the data does not allow this figure (too little history or no CPI)."] \
        if any_missing(frame) else []
    return people_table(frame, cols, index="basket", footnote=notes)


