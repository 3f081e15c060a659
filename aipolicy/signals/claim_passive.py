"""The "index funds often win" claim: what price data can and cannot say about it.

:func:`active_funds_vs_index` is the metric of the seed claim: it is about active funds against
index funds, net of fees, over long horizons, which stock prices cannot decide (it always says
"cannot be checked", naming S&P's SPIVA scorecards as the data that would). The figure below is
given with it as context only.

:func:`index_vs_picks` decides a narrower claim, worded about picking stocks from a universe:

Over the window, every stock of the universe that trades on its first and last session is
bought and held; its return is charged ``active_cost_annual`` a year (the extra cost of active
management over an index fund) and compared with the index's return. ``computed`` is the share
of these single-stock picks that end behind the index: the chance that an investor who picks one
of them at random does worse than the index fund. The note adds the median pick and an
equal-weight basket of the picks (monthly rebalanced, same cost) for comparison.

What it cannot tell: the universe is the list given (this project's AI-infrastructure and
platform stocks, chosen with hindsight: survivors of a theme); the benchmark is a price index
while the stocks' adjusted closes include dividends, which favours the picks by the index's
dividend yield; one window is one draw. Active funds' own net returns (S&P Dow Jones Indices'
SPIVA scorecards) are the direct test.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .baskets import basket_returns
from .claim_base import CannotCheck, ClaimResult, attr_source, claim_window, price_series, span
from .returns import simple_returns


def index_vs_picks(claim: Mapping, prices, fred, ipos) -> ClaimResult:
    """Share of single-stock picks that trail the index after costs (fraction 0-1)."""
    bench = claim.get("benchmark", "^GSPC")
    b = price_series(prices, bench)
    start, end = claim_window(claim, b.index[-1])
    bw = b.loc[start:end]
    min_sessions = int(claim.get("min_sessions", 250))
    min_stocks = int(claim.get("min_stocks", 5))
    cost = float(claim.get("active_cost_annual", 0.0))
    needs = (f"at least {min_sessions} sessions (about a year) of daily closes of {bench} and of "
             f"{min_stocks} or more of the stocks; for active funds themselves, their net "
             "returns (e.g. S&P Dow Jones Indices' SPIVA scorecards)")
    if len(bw) < min_sessions:
        where = span(bw.index[0], bw.index[-1]) if len(bw) else "none"
        raise CannotCheck(f"{bench} has {len(bw)} sessions in the window ({where}); the test "
                          f"needs {min_sessions}", needs=needs)
    d0, d1 = bw.index[0], bw.index[-1]
    present = [t for t in claim["assets"] if t in prices.columns and t != bench]
    absent = [t for t in claim["assets"] if t not in prices.columns]
    px = prices[present].loc[d0:d1]
    held = [t for t in present if pd.notna(px[t].iloc[0]) and pd.notna(px[t].iloc[-1])]
    late = [t for t in present if t not in held]
    if len(held) < min_stocks:
        raise CannotCheck(f"only {len(held)} stocks trade over the whole window "
                          f"{span(d0, d1)} (listed later or missing: {late + absent})",
                          needs=needs)
    years = (len(bw) - 1) / 252.0
    keep = (1.0 - cost) ** years
    net = (px[held].iloc[-1] / px[held].iloc[0]) * keep - 1.0
    index_ret = float(bw.iloc[-1] / bw.iloc[0] - 1.0)
    trail = net < index_ret
    computed = float(trail.mean())
    rets = simple_returns(px[held], span_gaps=True)
    ew = float((1.0 + basket_returns(rets, rebalance="M").fillna(0.0)).prod() * keep - 1.0)
    med = float(net.median())
    note = (
        f"{int(trail.sum())} of {len(held)} stocks bought on {d0.date()} and held to "
        f"{d1.date()} trailed {bench} ({index_ret:+.1%}) after an active cost of {cost:.2%} a "
        f"year; the median pick returned {med:+.1%} ({'behind' if med < index_ret else 'ahead of'}"
        f" the index); best {net.idxmax()} {net.max():+.1%}, worst {net.idxmin()} "
        f"{net.min():+.1%}; an equal-weight basket of them {ew:+.1%}"
        f" ({'behind' if ew < index_ret else 'ahead of'} the index). Universe: "
        f"{', '.join(held)}"
    )
    if late or absent:
        note += f"; left out (listed later or not in the data): {', '.join(late + absent)}"
    note += (". The index is a price index and the stocks' closes are dividend-adjusted, "
             "which favours the picks; the universe is a theme chosen with hindsight")
    window = f"{span(d0, d1)} ({len(bw)} sessions, {len(held)} stocks)"
    return ClaimResult(computed, note, attr_source(prices, bench), d1, prices, window)


def active_funds_vs_index(claim: Mapping, prices, fred, ipos) -> ClaimResult:
    """"Index funds often win": a claim about active funds, which price data cannot decide.

    The claim compares actively managed funds with index funds, net of fees, over the long
    horizons investors hold them; stock prices hold neither the funds' returns nor their fees.
    This always raises :class:`CannotCheck` with the claim's ``needs`` (S&P Dow Jones Indices'
    SPIVA scorecards). When the data allow it, the reason carries the figure
    :func:`index_vs_picks` computes on the claim's universe, labelled as context, not a test:
    the share of single-stock picks that trail the index depends on which stocks and which
    year are chosen.

    Raises
    ------
    CannotCheck
        Always; ``needs`` names the data that would decide the claim.
    """
    needs = str(claim.get("needs") or "active funds' returns net of fees against their "
                                        "benchmark (S&P Dow Jones Indices' SPIVA scorecards)")
    reason = str(claim.get("reason") or "the claim is about active funds net of fees; the "
                                          "data hold stock prices, not fund returns")
    try:
        picks = index_vs_picks(claim, prices, fred, ipos)
    except CannotCheck as exc:
        context = f"no context figure either ({exc.reason})"
    else:
        context = (f"for context only, not a test of the claim: "
                   f"{picks.note.split('; the median')[0]} ({picks.computed:.0%}); another "
                   "universe or another year gives another share")
    raise CannotCheck(f"{reason}; {context}", needs=needs)
