"""The answers notebooks 03-06 open with, written from the market figures they compute.

Pure functions of computed results (totals, tables, verdicts) and of the ``data_series``
provenance (:func:`aipolicy.nb.banner.series_provenance`), so each answer names its data window
and its source, and says "synthetic" when the prices are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from aipolicy.nb.answer import Answer
from aipolicy.nb.format import fmt_pct
from aipolicy.signals.claim_base import VERDICT_ORDER

SYNTHETIC_CAVEAT = ("the sample data is synthetic: the figures show how the analysis reads, "
                    "not how these stocks did. Run with real data (--source csv or live).")


#: A macro series ending more than this many months before the prices is flagged as stale.
MAX_MACRO_LAG_MONTHS = 2


def macro_lags(series: Sequence[Mapping[str, Any]],
               max_months: int = MAX_MACRO_LAG_MONTHS) -> list[str]:
    """Sentences flagging each series that ends more than ``max_months`` months before the
    prices (the first series whose name starts with ``prices``), e.g. ``"CPI ends 2025-08, 9
    months before the prices (2026-05-08): its latest value is not a current reading"``.

    Parameters
    ----------
    series : sequence of mapping
        ``data_series`` entries (:func:`aipolicy.nb.banner.series_provenance`): ``series``,
        ``last`` (``YYYY-MM`` or ``YYYY-MM-DD``).
    max_months : int
        Largest lag in calendar months that is not flagged.
    """
    prices = next((s for s in series if str(s.get("series", "")).startswith("prices")
                   and s.get("last")), None)
    if prices is None:
        return []
    end = pd.Period(pd.Timestamp(str(prices["last"])), "M")
    out = []
    for s in series:
        if s is prices or not s.get("last") or str(s.get("series", "")).startswith("prices"):
            continue
        lag = (end - pd.Period(pd.Timestamp(str(s["last"])), "M")).n
        if lag > max_months:
            out.append(f"{s['series']} ends {s['last']}, {lag} months before the prices "
                       f"({prices['last']}): its latest value is not a current reading")
    return out


def data_context(series: Sequence[Mapping[str, Any]], extra: str = "") -> str:
    """``"Data: sample (synthetic); prices 2019-01-02 to 2026-10-30; CPI 2016-01 to 2026-09."``

    A series lagging the prices by more than :data:`MAX_MACRO_LAG_MONTHS` months is flagged
    (:func:`macro_lags`) at the end: ``"Stale: CPI ends 2025-08, 9 months before ..."``.
    """
    sources = list(dict.fromkeys(str(s.get("source")) for s in series))
    spans = "; ".join(
        f"{s.get('series')} {s.get('first')} to {s.get('last')}" if s.get("first")
        else f"{s.get('series')} as of {s.get('last')}" for s in series)
    text = f"Data: {', '.join(sources) or 'unknown'}; {spans}"
    text += (f"; {extra}" if extra else "") + "."
    stale = macro_lags(series)
    return text + (" Stale: " + "; ".join(stale) + "." if stale else "")


def caveat(synthetic: bool, otherwise: str) -> str:
    """The synthetic-data caveat when ``synthetic``, else ``otherwise``."""
    return SYNTHETIC_CAVEAT if synthetic else otherwise


def stocks_answer(totals: Mapping[str, float], benchmark: str, first: Any, last: Any,
                  context: str, points: Sequence[str], synthetic: bool) -> Answer:
    """Notebook 03: the baskets' total returns against the index over the window."""
    def tot(name: str) -> str:
        v = totals.get(name)
        return "n/a" if v is None or pd.isna(v) else fmt_pct(v)

    headline = (f"From {pd.Timestamp(first):%Y-%m-%d} to {pd.Timestamp(last):%Y-%m-%d} the "
                f"equal-weight infrastructure basket returned {tot('infrastructure')}, against "
                f"{tot('platforms')} for the platform basket and {tot(benchmark)} for "
                f"{benchmark}.")
    return Answer(
        question=("Have the AI-infrastructure stocks (chips, memory, servers: the picks and "
                  "shovels) beaten the platform companies and the index?"),
        context=context, headline=headline, points=list(points), synthetic=synthetic,
        caveat=caveat(synthetic, "one window and today's ticker list (survivorship); past "
                                 "returns do not forecast."),
    )


def inflation_headline(hi: Mapping[str, Any] | None, missing: str | None = None) -> str:
    """Latest CPI inflation and how many months back a month was as high (or why not)."""
    if hi is None:
        why = missing or "CPI (CPIAUCSL) is not in the chosen data"
        return f"No inflation figure: {why}."
    n = int(hi["highest_in_months"])
    span = f"{n} month{'s' if n != 1 else ''}" + (
        f" ({hi['highest_in_years']:.1f} years)" if n >= 24 else "")
    where = (f"the highest in at least {span} of history" if hi["at_least"]
             else f"the highest in {span}")
    return f"US CPI inflation was {hi['yoy']:.2%} a year in {hi['month']}, {where}."


def inflation_answer(hi: Mapping[str, Any] | None, context: str, points: Sequence[str],
                     synthetic: bool, missing: str | None = None) -> Answer:
    """Notebook 04: where inflation stands, and what it does to stocks and to self-hosting."""
    return Answer(
        question=("How high is US inflation against its history, do AI stocks move with "
                  "inflation surprises, and how much does inflation change the case for "
                  "self-hosting?"),
        context=context, headline=inflation_headline(hi, missing), points=list(points),
        synthetic=synthetic,
        caveat=caveat(synthetic, "a regression on a few years of months has little power; "
                                 "an insignificant slope is not evidence of no effect."),
    )


def ipo_answer(n_listed: int, n_covered: int, n_beat: int, benchmark: str, context: str,
               points: Sequence[str], synthetic: bool) -> Answer:
    """Notebook 05: how many IPOs could be measured, and how they did against the index.

    ``n_beat`` counts the measured IPOs whose buy-and-hold abnormal return over their longest
    measured horizon is positive.
    """
    if n_covered == 0:
        headline = (f"None of the {n_listed} IPOs has prices from its listing on in this data: "
                    "no after-listing return could be measured.")
    else:
        headline = (f"{n_covered} of {n_listed} AI-infrastructure IPOs could be measured from "
                    f"their first close; {n_beat} of them beat {benchmark} over the longest "
                    "horizon measured.")
    return Answer(
        question=("How have the AI-infrastructure IPOs done since their listing, against the "
                  "market, and did they move their listed peers?"),
        context=context, headline=headline, points=list(points),
        synthetic=synthetic,
        caveat=caveat(synthetic, "a handful of IPOs are anecdotes, not a sample; the long-run "
                                 "IPO findings come from thousands of listings."),
    )


def claims_headline(verdicts: Sequence[str]) -> str:
    """``"Of 5 market claims: 2 supported, 1 not supported, 2 cannot be checked ..."``."""
    counts: dict[str, int] = {}
    for v in verdicts:
        counts[v] = counts.get(v, 0) + 1
    order = list(VERDICT_ORDER)
    ranked = sorted(counts, key=lambda v: (order.index(v) if v in order else len(order), v))
    parts = ", ".join(f"{counts[v]} {v}" for v in ranked)
    return f"Of {len(verdicts)} market claims in the seed documents: {parts}."


def claims_answer(verdicts: Sequence[str], context: str, points: Sequence[str],
                  synthetic: bool) -> Answer:
    """Notebook 06: the claims check and what the basket scorecard says."""
    return Answer(
        question=("Do the market claims of the documents this project grew from hold, and what "
                  "do the economics and the price signals say per basket?"),
        context=context, headline=claims_headline(verdicts), points=list(points),
        synthetic=synthetic,
        caveat=caveat(synthetic, "each verdict depends on the claim's definition (window, "
                                 "threshold), written next to it below; nothing here is "
                                 "investment advice."),
    )
