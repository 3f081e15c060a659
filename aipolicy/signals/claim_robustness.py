"""The robustness line of a claim's verdict: the same test on nearby readings of the data.

A verdict an analyst would sign survives small changes that should not matter. Each price
claim is re-checked with:

- **without the last bar**: the last session the verdict used is removed (a final bar can be
  an intraday snapshot, and one day should not carry a claim);
- **against the sector index** (basket claims with a ``sector_index``): the sector measured by
  its own index (``^SOX`` for chips) instead of the hand-picked basket;
- **equal weight without rebalancing** (basket claims): the basket bought in equal parts at
  the start and held, instead of rebalanced monthly.

Monthly series (CPI, payrolls) and curated rows (IPOs) have no such variant; a claim that
cannot be checked has no verdict to test. :func:`robustness` returns the line for people and
whether every variant gives the same verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from .claim_base import CANNOT, CannotCheck, ClaimResult, day, verdict

#: Metric -> the variants that apply to it, in the order shown.
VARIANTS: dict[str, tuple[str, ...]] = {
    "max_rally": ("last_bar",),
    "record_high": ("last_bar",),
    "basket_outperformance": ("last_bar", "sector_index", "buy_and_hold"),
}
#: Metric -> why no variant applies (shown instead of a robustness line).
NOT_APPLICABLE: dict[str, str] = {
    "cpi_yoy_high": "no variant applies: one monthly reading of the series",
    "jobs_market": "no variant applies: one monthly jobs report",
    "ipo_proceeds": "no variant applies: one curated row of deal terms",
}
#: How each metric's figure reads in the line.
_FORMATS: dict[str, str] = {
    "max_rally": "{:+.1%}",
    "record_high": "{:.3f}",
    "basket_outperformance": "{:+.1%}",
}


@dataclass(frozen=True)
class Robustness:
    """The robustness line of one claim.

    Attributes
    ----------
    text : str
        For people: each variant with its figure and verdict, or why none applies.
    robust : bool or None
        True when every variant gives the main verdict, False when one flips it, None when no
        variant applies.
    flips : tuple of str
        The variants whose verdict differs from the main one.
    """

    text: str
    robust: bool | None
    flips: tuple[str, ...] = ()


def _decide(metric: Callable, claim: Mapping, prices, fred, ipos) -> tuple[float, str]:
    """(computed, verdict) of ``metric`` on the given data; (NaN, cannot) when it cannot."""
    try:
        res: ClaimResult = metric(claim, prices, fred, ipos)
    except CannotCheck:
        return float("nan"), CANNOT
    return res.computed, res.verdict or verdict(
        res.computed, claim["comparison"], claim["threshold"], claim["tolerance"]
    )


def _variant(
    kind: str, claim: Mapping, prices: pd.DataFrame, last_used
) -> tuple[str, Mapping, pd.DataFrame] | None:
    """(label, claim, prices) of one variant, or None when the data cannot give it."""
    if kind == "last_bar":
        when = pd.Timestamp(last_used)
        if when not in prices.index:
            return None
        kept = prices.drop(index=when)
        kept.attrs = dict(prices.attrs)
        return f"without the last bar used ({day(when)})", claim, kept
    if kind == "sector_index":
        sector = claim.get("sector_index")
        if not sector or sector not in prices.columns or prices[sector].isna().all():
            return None
        return (
            f"against the sector index ({sector}) instead of the basket",
            {**claim, "assets": [sector]},
            prices,
        )
    if kind == "buy_and_hold":
        return "equal weight without rebalancing", {**claim, "rebalance": None}, prices
    raise ValueError(f"unknown robustness variant {kind!r}")


def robustness(
    metric: Callable, claim: Mapping, prices: pd.DataFrame | None, fred, ipos, main: str, last_used
) -> Robustness:
    """Re-check one claim on each variant of :data:`VARIANTS` that applies.

    Parameters
    ----------
    metric : callable
        The claim's metric (``(claim, prices, fred, ipos) -> ClaimResult``).
    claim : mapping
        The validated claim.
    prices, fred, ipos : DataFrame or None
        The data the verdict was given on.
    main : str
        The verdict given on the data as they are.
    last_used : date-like
        The last data point the verdict used (its ``as_of``).

    Returns
    -------
    Robustness
    """
    name = claim["metric"]
    if main == CANNOT:
        return Robustness("no verdict to test", None)
    if name not in VARIANTS:
        return Robustness(NOT_APPLICABLE.get(name, "no variant applies"), None)
    parts, flips = [], []
    fmt = _FORMATS.get(name, "{:.3g}")
    for kind in VARIANTS[name]:
        v = _variant(kind, claim, prices, last_used) if prices is not None else None
        if v is None:
            parts.append(f"{kind.replace('_', ' ')}: not in the data")
            continue
        label, c, px = v
        computed, outcome = _decide(metric, c, px, fred, ipos)
        figure = "n/a" if computed != computed else fmt.format(computed)
        parts.append(f"{label}: {figure}, {outcome}")
        if outcome != main:
            flips.append(label)
    tested = [p for p in parts if not p.endswith("not in the data")]
    robust = None if not tested else not flips
    if robust is None:
        head = "not tested"
    elif robust:
        head = "holds in every variant"
    else:
        head = f"FRAGILE, the verdict changes in {len(flips)} of {len(tested)} variants"
    return Robustness(f"{head}: " + "; ".join(parts), robust, tuple(flips))
