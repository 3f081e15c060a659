"""Passive vs active: an equal-weight basket, a momentum rotation and the index, compared
with the same metrics.

The rotation picks, at the close of the last session of each month, the ``top_n`` tickers
with the highest 12-1 momentum (prices up to that close only, so no look-ahead), holds them
equally weighted through the next month, and pays ``cost_per_trade`` on every unit of value
traded. Whether passive or active wins is whatever the data says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError

from ._checks import as_frame, require_columns, window_slice
from .baskets import PortfolioRun, period_starts, run_weights, weight_targets
from .momentum import momentum
from .performance import performance_table
from .returns import simple_returns


@dataclass(frozen=True)
class RotationResult:
    """Momentum rotation output.

    Attributes
    ----------
    run : PortfolioRun
        Returns (after costs), target weights, turnover, traded value and costs per rebalance.
    picks : DataFrame
        One row per rebalance (date from which held): the tickers held, as a comma string in
        column ``tickers``, and ``n`` held.
    annual_turnover : float
        Mean one-way turnover per rebalance times rebalances per year (fraction per year).
    annual_cost : float
        Costs charged per year (fraction of value per year).
    """

    run: PortfolioRun
    picks: pd.DataFrame
    annual_turnover: float
    annual_cost: float

    @property
    def returns(self) -> pd.Series:
        return self.run.returns


def momentum_rotation(
    prices: pd.DataFrame,
    universe: Sequence[str] | None = None,
    *,
    top_n: int = 3,
    lookback: int = 252,
    skip: int = 21,
    rebalance: str = "M",
    cost_per_trade: float = 0.001,
) -> RotationResult:
    """Monthly momentum rotation among ``universe``.

    Parameters
    ----------
    prices : DataFrame
        Daily price levels.
    universe : sequence of str, optional
        Candidates (default all columns). A ticker is eligible once it has a full lookback.
    top_n : int
        Number of tickers held, equally weighted.
    lookback, skip : int
        Momentum in sessions (252, 21 = 12-1).
    rebalance : {'M', 'W', 'Q'}
    cost_per_trade : float
        Fraction of traded value (0.001 = 10 bp), charged on buys and sells.

    Returns
    -------
    RotationResult. Returns are NaN until the first month with ``top_n`` eligible tickers.
    """
    if not isinstance(top_n, int | np.integer) or top_n < 1:
        raise InvalidInputError(f"top_n must be a positive integer, got {top_n!r}")
    frame = as_frame(prices, "prices")
    cols = list(frame.columns) if universe is None else require_columns(frame, universe, "prices")
    px = frame[cols]
    rets = simple_returns(px, span_gaps=True)
    mom = momentum(px, lookback, skip)
    starts = period_starts(px.index, rebalance)
    targets, picks = [], []
    for d in starts:
        pos = px.index.get_loc(d)
        if pos == 0:
            continue
        score = mom.iloc[pos - 1].dropna()  # known at the previous close
        score = score[rets.iloc[pos].notna().reindex(score.index, fill_value=False)]
        if len(score) < top_n:
            continue
        chosen = list(score.sort_values(ascending=False).index[:top_n])
        w = pd.Series(0.0, index=cols)
        w[chosen] = 1.0 / top_n
        targets.append(w.rename(d))
        picks.append({"Date": d, "tickers": ",".join(chosen), "n": len(chosen)})
    if not targets:
        raise InvalidInputError(
            f"no rebalance date has {top_n} tickers with {lookback} sessions of history; "
            "use more data, a shorter lookback or a smaller top_n"
        )
    tw = pd.DataFrame(targets)
    run = run_weights(rets, tw, cost_per_trade=cost_per_trade)
    per_year = {"M": 12, "W": 52, "Q": 4}.get(str(rebalance).upper(), 12)
    n_reb = len(tw)
    annual_turnover = float(run.turnover.iloc[1:].mean() * per_year) if n_reb > 1 else np.nan
    span_years = max(len(run.returns.dropna()) / 252.0, 1e-9)
    return RotationResult(
        run=run,
        picks=pd.DataFrame(picks).set_index("Date"),
        annual_turnover=annual_turnover,
        annual_cost=float(run.costs.sum() / span_years),
    )


def passive_vs_active(
    prices: pd.DataFrame,
    basket: Sequence[str],
    index: str = "^GSPC",
    *,
    top_n: int = 3,
    cost_per_trade: float = 0.001,
    lookback: int = 252,
    skip: int = 21,
    rf: float | pd.Series | None = 0.0,
    start=None,
    end=None,
) -> pd.DataFrame:
    """Compare the index, an equal-weight basket and a momentum rotation on the same dates.

    Parameters
    ----------
    prices : DataFrame
        Daily prices including ``basket`` members and ``index``.
    basket : sequence of str
        AI-infrastructure tickers (members missing from ``prices`` raise UnknownTickerError;
        filter with ``[t for t in BASKETS['ai_infrastructure'] if t in prices]``).
    index : str
        Index column (the passive alternative, held at no cost).
    top_n, cost_per_trade, lookback, skip
        Rotation settings (see :func:`momentum_rotation`); the equal-weight basket pays the
        same ``cost_per_trade`` on its monthly rebalancing.
    rf : annual risk-free rate (fraction) for Sharpe / Sortino.
    start, end : optional evaluation window; the comparison always starts at the first date
        the rotation is invested, so all three share one window.

    Returns
    -------
    DataFrame indexed by strategy ("index", "equal_weight", "momentum_rotation") with the
    :func:`~aipolicy.signals.performance.performance_table` columns (beta against the index)
    plus ``annual_turnover`` and ``annual_cost`` (fractions per year; 0 for the index) and
    ``rank_sharpe`` (1 = best).
    """
    frame = as_frame(prices, "prices")
    require_columns(frame, list(basket) + [index], "prices")
    rets = simple_returns(frame[list(basket) + [index]], span_gaps=True)
    rot = momentum_rotation(
        frame, basket, top_n=top_n, lookback=lookback, skip=skip, cost_per_trade=cost_per_trade
    )
    ew_run = _ew_run(rets[list(basket)], cost_per_trade)
    first = rot.returns.first_valid_index()
    combined = pd.DataFrame(
        {
            "index": rets[index],
            "equal_weight": ew_run.returns,
            "momentum_rotation": rot.returns,
        }
    ).loc[first:]
    combined = window_slice(combined, start, end, "prices").dropna()
    table = performance_table(combined, "index", rf=rf, input="returns")
    years = max(len(combined) / 252.0, 1e-9)
    ew_costs = ew_run.costs.loc[combined.index[0] : combined.index[-1]]
    ew_turn = ew_run.turnover.loc[combined.index[0] : combined.index[-1]]
    table["annual_turnover"] = [0.0, float(ew_turn.sum() / years), rot.annual_turnover]
    table["annual_cost"] = [0.0, float(ew_costs.sum() / years), rot.annual_cost]
    table["rank_sharpe"] = table["sharpe"].rank(ascending=False, method="min")
    return table


def _ew_run(rets: pd.DataFrame, cost_per_trade: float) -> PortfolioRun:
    return run_weights(rets, weight_targets(rets, "M"), cost_per_trade=cost_per_trade)
