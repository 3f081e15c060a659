"""Momentum: 12-1, 6-1 and 3-month price momentum, as a time series and as a ranked table.

Months are counted in sessions: 21 sessions per month (12-1 = return from 252 to 21 sessions
ago, skipping the most recent month to avoid short-term reversal; 3-month = last 63 sessions).
Scores are simple returns (fractions).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError

from ._checks import as_frame, check_positive_prices

SESSIONS_PER_MONTH = 21
#: (name, lookback months, skipped recent months)
DEFAULT_LOOKBACKS: tuple[tuple[str, int, int], ...] = (
    ("mom_12_1", 12, 1),
    ("mom_6_1", 6, 1),
    ("mom_3", 3, 0),
)


def momentum(prices: pd.DataFrame | pd.Series, lookback: int = 252, skip: int = 21):
    """Momentum score series ``p_{t-skip} / p_{t-lookback} - 1`` per column.

    Parameters
    ----------
    prices : DataFrame or Series
        Daily price levels.
    lookback, skip : int
        Sessions; ``skip < lookback``. (252, 21) = 12-1 momentum.

    Returns
    -------
    Same shape; NaN where either price is missing (no filling), i.e. for a ticker's first
    ``lookback`` sessions.
    """
    if not (
        isinstance(lookback, int | np.integer)
        and isinstance(skip, int | np.integer)
        and 0 <= skip < lookback
    ):
        raise InvalidInputError(
            f"need integers 0 <= skip < lookback (sessions), got lookback={lookback}, skip={skip}"
        )
    frame = as_frame(prices, "prices")
    check_positive_prices(frame, "prices")
    out = frame.shift(skip) / frame.shift(lookback) - 1.0
    return out.iloc[:, 0].rename(prices.name) if isinstance(prices, pd.Series) else out


def momentum_scores(
    prices: pd.DataFrame,
    as_of=None,
    *,
    lookbacks: Sequence[tuple[str, int, int]] = DEFAULT_LOOKBACKS,
    tickers: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Momentum table at one date, with ranks.

    Parameters
    ----------
    prices : DataFrame
        Daily price levels, one column per ticker.
    as_of : date-like, optional
        Last session used (the latest session on or before it); default the last row.
    lookbacks : sequence of (name, months, skip_months)
        Default 12-1, 6-1 and 3-month momentum.
    tickers : sequence of str, optional
        Subset of columns to score.

    Returns
    -------
    DataFrame indexed by ticker with, for each lookback ``name``: ``name`` (simple return,
    fraction) and ``rank_<name>`` (1 = strongest; NaN scores are unranked), then
    ``composite`` (mean percentile rank over the available scores, 0-1, higher = stronger)
    and ``rank`` (rank of the composite), sorted by ``rank``. ``attrs['as_of']`` holds the
    session used.
    """
    frame = as_frame(prices, "prices")
    if tickers is not None:
        frame = frame[list(tickers)]
    if as_of is not None:
        frame = frame.loc[: pd.Timestamp(as_of)]
    if frame.empty:
        raise InvalidInputError(f"no prices on or before as_of={as_of}")
    table = pd.DataFrame(index=pd.Index(frame.columns, name="ticker"))
    pct = []
    for name, months, skip in lookbacks:
        score = momentum(frame, months * SESSIONS_PER_MONTH, skip * SESSIONS_PER_MONTH).iloc[-1]
        table[name] = score.astype(float)
        table[f"rank_{name}"] = score.rank(ascending=False, method="min")
        pct.append(score.rank(pct=True))
    table["composite"] = pd.concat(pct, axis=1).mean(axis=1) if pct else np.nan
    table["rank"] = table["composite"].rank(ascending=False, method="min")
    table = table.sort_values("rank", na_position="last")
    table.attrs["as_of"] = frame.index[-1]
    return table
