"""Baskets: equal-weight or weighted portfolios with periodic rebalancing, relative strength.

Default basket definitions for the AI-infrastructure story are in :data:`BASKETS`, built from
the ticker universe (:mod:`aipolicy.marketdata.universe`). :func:`basket_members` keeps the
members a price frame holds; :func:`basket_return_frame` turns named baskets into one frame of
basket returns.

Conventions: returns are simple, fractions per period. A basket is rebalanced to its target
weights at the close of the last session of each period (month by default), so the weights
apply from the first return of the next period; between rebalances weights drift with prices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError
from aipolicy.marketdata import universe as U

from ._checks import as_frame, freq_alias, require_columns


def _union(*groups: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(t for g in groups for t in g))


#: IPO names that are not chip designers: AI hardware and GPU clouds.
_IPO_HARDWARE = [t for t in U.IPO_TICKERS if t not in U.CHIP_TICKERS]

#: Named baskets used by notebooks 03-06, built from :mod:`aipolicy.marketdata.universe`
#: (tickers absent from the data are skipped by callers).
BASKETS: dict[str, list[str]] = {
    # "picks and shovels": chip designers, foundries, memory, equipment
    "chips": list(U.CHIP_TICKERS),
    # AI data-centre hardware and neoclouds
    "infrastructure": _union(U.HARDWARE_TICKERS, _IPO_HARDWARE),
    # platform companies that buy the chips and sell AI services
    "platforms": list(U.PLATFORM_TICKERS),
    # everything above that is AI infrastructure (chips + hardware)
    "ai_infrastructure": _union(U.CHIP_TICKERS, U.HARDWARE_TICKERS, _IPO_HARDWARE),
}


@dataclass(frozen=True)
class PortfolioRun:
    """Result of running target weights through returns.

    Attributes
    ----------
    returns : Series
        Portfolio simple returns per period, after trading costs (fractions). NaN before the
        first period in which anything is held.
    weights : DataFrame
        Target weights set at each rebalance (index: first date the weights apply).
    turnover : Series
        One-way turnover at each rebalance: 0.5 * sum |w_target - w_drifted| (fraction of the
        portfolio bought = sold; the first purchase from cash counts 0.5).
    traded : Series
        sum |w_target - w_drifted| at each rebalance (buys + sells, fraction of value); the
        cost charged is ``cost_per_trade * traded``.
    costs : Series
        Cost charged at each rebalance (fraction of portfolio value).
    """

    returns: pd.Series
    weights: pd.DataFrame
    turnover: pd.Series
    traded: pd.Series
    costs: pd.Series


def period_starts(index: pd.DatetimeIndex, rebalance: str | None) -> pd.DatetimeIndex:
    """First session of each period ('D', 'W', 'M', 'Q', 'A'); ``None`` = only the first date."""
    if len(index) == 0:
        return index
    if rebalance is None:
        return index[:1]
    alias = freq_alias(rebalance)
    if alias is None:
        return index
    keys = index.to_period({"ME": "M", "QE": "Q", "YE": "Y"}.get(alias, alias))
    first = ~pd.Index(keys).duplicated()
    return index[np.asarray(first)]


def run_weights(
    returns: pd.DataFrame, targets: pd.DataFrame, *, cost_per_trade: float = 0.0
) -> PortfolioRun:
    """Hold ``targets`` (rows: dates from which the weights apply) through ``returns``.

    Parameters
    ----------
    returns : DataFrame
        Simple returns per period, one column per asset.
    targets : DataFrame
        Target weights; index must be dates in ``returns.index``; columns a subset of
        ``returns.columns``. Each row must sum to 1 (or 0 = all cash). Weights apply from that
        date's return until the next row's date.
    cost_per_trade : float
        Cost as a fraction of the value traded (0.001 = 10 bp per unit bought or sold), charged
        on the first return of each period, including the first purchase.

    Notes
    -----
    A held asset with a NaN return on some day is treated as flat that day (its value is
    kept); choose targets so that assets are held only once they trade.
    """
    if cost_per_trade < 0 or not np.isfinite(cost_per_trade):
        raise InvalidInputError(f"cost_per_trade must be a fraction >= 0, got {cost_per_trade}")
    cols = require_columns(returns, targets.columns, "returns")
    R = returns[cols].to_numpy(float)
    idx = returns.index
    pos = idx.get_indexer(targets.index)
    if (pos < 0).any():
        raise InvalidInputError("targets index must be dates present in returns.index")
    W = targets.to_numpy(float)
    out = np.full(len(idx), np.nan)
    drift = np.zeros(len(cols))
    traded, costs = [], []
    bounds = list(pos) + [len(idx)]
    for k in range(len(pos)):
        a, b = bounds[k], bounds[k + 1]
        w = np.nan_to_num(W[k])
        trade = float(np.abs(w - drift).sum())
        cost = cost_per_trade * trade
        traded.append(trade)
        costs.append(cost)
        block = np.nan_to_num(R[a:b])
        if w.sum() == 0:
            out[a:b] = 0.0
            drift = np.zeros(len(cols))
            continue
        growth = w * np.cumprod(1.0 + block, axis=0)
        value = growth.sum(axis=1)
        prev = np.concatenate([[w.sum()], value[:-1]])
        r = value / prev - 1.0
        r[0] = (1.0 - cost) * (1.0 + r[0]) - 1.0
        out[a:b] = r
        drift = growth[-1] / value[-1] if value[-1] != 0 else np.zeros(len(cols))
    traded_s = pd.Series(traded, index=targets.index, name="traded")
    return PortfolioRun(
        returns=pd.Series(out, index=idx, name="portfolio"),
        weights=targets,
        turnover=(traded_s / 2.0).rename("turnover"),
        traded=traded_s,
        costs=pd.Series(costs, index=targets.index, name="cost"),
    )


def weight_targets(
    returns: pd.DataFrame, rebalance: str | None = "M", weights: pd.Series | None = None
) -> pd.DataFrame:
    """Target weights at the first session of each period (equal, or ``weights``
    renormalised) over members that have a return that session.

    The first period starts at the first row where any member has a return (so the leading
    all-NaN row of ``simple_returns`` output does not delay the start to the next month).
    """
    has_any = returns.notna().any(axis=1).to_numpy()
    if not has_any.any():
        return pd.DataFrame(columns=returns.columns, dtype=float)
    sub = returns.iloc[int(np.argmax(has_any)) :]
    w = (
        pd.Series(1.0, index=returns.columns)
        if weights is None
        else weights.reindex(returns.columns).fillna(0.0)
    )
    starts = period_starts(sub.index, rebalance)
    avail = sub.loc[starts].notna().to_numpy()
    raw = np.where(avail, w.to_numpy()[None, :], 0.0)
    sums = raw.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        tw = np.where(sums > 0, raw / sums, 0.0)
    keep = sums[:, 0] > 0
    return pd.DataFrame(tw[keep], index=starts[keep], columns=returns.columns)


def _normalise_weights(weights, columns) -> pd.Series:
    if isinstance(weights, Mapping):
        weights = pd.Series(dict(weights), dtype=float)
    if not isinstance(weights, pd.Series):
        raise InvalidInputError(
            f"weights must be a dict or Series {{ticker: weight}}, got {type(weights).__name__}"
        )
    require_columns(pd.DataFrame(columns=columns), weights.index, "returns")
    w = weights.astype(float)
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise InvalidInputError(
            f"weights must be finite, >= 0 and sum to more than 0, got {w.to_dict()}"
        )
    return w


def basket_returns(
    returns: pd.DataFrame,
    tickers: Sequence[str] | None = None,
    *,
    weights: Mapping[str, float] | pd.Series | None = None,
    rebalance: str | None = "M",
    cost_per_trade: float = 0.0,
    name: str = "basket",
) -> pd.Series:
    """Returns of a basket rebalanced every period to equal or given weights.

    Parameters
    ----------
    returns : DataFrame
        Simple daily returns (fractions), one column per ticker.
    tickers : sequence of str, optional
        Members; default all columns (or the keys of ``weights``).
    weights : dict or Series, optional
        Target weights {ticker: w >= 0}; default equal weights.
    rebalance : {'M', 'W', 'Q', 'A', 'D'} or None
        Rebalancing frequency (monthly default); None = buy and hold from the first date.
    cost_per_trade : float
        Fraction of traded value charged at each rebalance (0 by default).
    name : str
        Name of the returned Series.

    Returns
    -------
    Series of basket returns (fractions per period), NaN until some member trades.

    Notes
    -----
    NaN policy: at each rebalance only members with a return on the period's first session
    are eligible (a ticker that lists mid-month joins at the next rebalance); the target
    weights are renormalised over eligible members. A held member's missing return counts as
    flat for that day.
    """
    frame = as_frame(returns, "returns")
    if weights is not None:
        w = _normalise_weights(weights, frame.columns)
        members = list(w.index) if tickers is None else list(tickers)
        w = w.reindex(members).fillna(0.0)
    else:
        members = list(frame.columns) if tickers is None else list(tickers)
        require_columns(frame, members, "returns")
        w = pd.Series(1.0, index=members)
    if not members:
        raise InvalidInputError("basket needs at least one ticker")
    sub = frame[members]
    targets = weight_targets(sub, rebalance, w)
    if targets.empty:
        return pd.Series(np.nan, index=sub.index, name=name)
    run = run_weights(sub, targets, cost_per_trade=cost_per_trade)
    return run.returns.rename(name)


def basket_index(
    returns: pd.DataFrame, tickers: Sequence[str] | None = None, start_value: float = 1.0, **kwargs
) -> pd.Series:
    """Wealth index (level) of :func:`basket_returns`, starting at ``start_value``."""
    r = basket_returns(returns, tickers, **kwargs)
    started = r.notna().cummax()
    return (start_value * (1.0 + r.fillna(0.0)).cumprod()).where(started)


def relative_strength(
    returns: pd.DataFrame | pd.Series, against: pd.Series, *, start=None, end=None
) -> pd.DataFrame | pd.Series:
    """Relative strength: wealth of each series divided by the wealth of ``against``.

    Parameters
    ----------
    returns : Series or DataFrame
        Simple returns (e.g. basket returns of chips and platforms as columns).
    against : Series
        Simple returns of the reference (e.g. ^GSPC or another basket).
    start, end : optional window.

    Returns
    -------
    Same type as ``returns``: ``prod(1 + r) / prod(1 + r_against)`` compounded over the dates
    where both have returns (a date where either is missing carries the previous value); NaN
    before the first common return. Rising = outperforming.
    """
    frame = as_frame(returns, "returns")
    ref = as_frame(against, "against").iloc[:, 0].reindex(frame.index)
    frame = frame.loc[
        None if start is None else pd.Timestamp(start) : None if end is None else pd.Timestamp(end)
    ]
    ref = ref.loc[frame.index]
    out = {}
    for col in frame.columns:
        both = frame[col].notna() & ref.notna()
        a = (1.0 + frame[col].where(both, 0.0)).cumprod()
        b = (1.0 + ref.where(both, 0.0)).cumprod()
        out[col] = (a / b).where(both.cummax())
    result = pd.DataFrame(out, index=frame.index)
    if isinstance(returns, pd.Series):
        return result.iloc[:, 0].rename(returns.name)
    return result


def basket_members(
    frame: pd.DataFrame, baskets: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """Each basket's members that have at least one non-NaN value in ``frame``.

    Parameters
    ----------
    frame : DataFrame
        Prices or returns, one column per ticker.
    baskets : mapping
        Basket name -> member tickers.

    Returns
    -------
    dict basket name -> members present (order kept); baskets with no member are dropped.
    """
    out = {
        name: [t for t in members if t in frame.columns and frame[t].notna().any()]
        for name, members in baskets.items()
    }
    return {k: v for k, v in out.items() if v}


def basket_return_frame(
    returns: pd.DataFrame,
    baskets: Mapping[str, Sequence[str]],
    benchmark: str | None = None,
    *,
    rebalance: str | None = "M",
) -> pd.DataFrame:
    """Daily returns of equal-weight baskets (monthly rebalanced), plus the benchmark column.

    Parameters
    ----------
    returns : DataFrame
        Simple daily returns (fractions), dates x tickers.
    baskets : mapping
        Basket name -> member tickers; members absent from ``returns`` are skipped and a
        basket with no member present is left out.
    benchmark : str, optional
        Column of ``returns`` appended unchanged as the last column.
    rebalance : str or None
        As :func:`basket_returns`.

    Returns
    -------
    DataFrame (dates x basket names [+ benchmark]), fractions per day.
    """
    out = pd.DataFrame(index=returns.index)
    for name, members in basket_members(returns, baskets).items():
        out[name] = basket_returns(returns[members], rebalance=rebalance, name=name)
    if benchmark is not None:
        out[benchmark] = returns[benchmark]
    return out
