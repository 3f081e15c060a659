"""The metrics of the claims check (:mod:`aipolicy.signals.claims`): one function per metric.

Each metric takes ``(claim, prices, fred, ipos)`` and returns a
:class:`~aipolicy.signals.claim_base.ClaimResult`, or raises
:class:`~aipolicy.signals.claim_base.CannotCheck` saying why the data allow no verdict and what
data would decide it. The vocabulary of verdicts is in :mod:`aipolicy.signals.claim_base`.

Metrics (units of ``computed`` in brackets):

- ``max_rally`` [fraction]: max over the window of close / lowest earlier close - 1; when the
  data covers only part of the window, the rally inside it is a lower bound, which decides
  "at least" claims it meets and "at most" claims it breaks (else: cannot be checked);
- ``cpi_yoy_high`` [months]: months back from ``as_of`` to the last month with CPI YoY at least
  as high (all available history if none), from :func:`~aipolicy.signals.inflation.cpi_yoy_high`;
- ``record_high`` [ratio]: highest close in the window / the all-time high before it, taken as
  the highest earlier close in the data and, when the data starts late, the curated record that
  stood at the data's start (:mod:`aipolicy.signals.index_records`); > 1 = a new all-time high.
  Without a curated record the data's own history is only a lower bound on the all-time high,
  which can rule a record out but never confirm it;
- ``ipo_proceeds`` [USD]: offer price x shares offered from the IPO table (its proceeds_usd
  when either is missing); a curated row from secondary reports gives at best "consistent with
  secondary reports";
- ``basket_outperformance`` [fraction]: total return of an equal-weight, monthly rebalanced
  basket minus the benchmark's total return, from the last close before the window's start;
- ``jobs_market`` [thousand jobs a month], ``index_vs_picks`` [share of stocks] and
  ``active_funds_vs_index`` [none: always cannot be checked, naming SPIVA]: see
  :mod:`aipolicy.signals.claim_jobs` and :mod:`aipolicy.signals.claim_passive`;
- ``attribution`` [none]: a causal reading the data cannot test ("fuelled by AI"); always
  cannot be checked, with the claim's ``needs``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError
from aipolicy.marketdata.ipos import is_primary_source

from .baskets import basket_returns
from .claim_base import (
    CANNOT,
    CONSISTENT,
    NOT_SUPPORTED,
    SUPPORTED,
    VERDICT_MEANINGS,
    VERDICT_ORDER,
    VERDICTS,
    CannotCheck,
    ClaimResult,
    attr_source,
    bound_verdict,
    claim_window,
    covers,
    day,
    is_synthetic,
    price_series,
    span,
    synthetic_note,
    verdict,
)
from .claim_jobs import jobs_market
from .claim_passive import active_funds_vs_index, index_vs_picks
from .index_records import IndexRecord, record_standing_before
from .inflation import cpi_yoy_high
from .returns import simple_returns

__all__ = [
    "CANNOT",
    "CONSISTENT",
    "METRICS",
    "METRIC_INPUTS",
    "NEEDS_OTHER_DATA",
    "NOT_SUPPORTED",
    "SUPPORTED",
    "VERDICTS",
    "VERDICT_MEANINGS",
    "VERDICT_ORDER",
    "CannotCheck",
    "ClaimResult",
    "verdict",
]

# kept for callers of the first release
_attr_source = attr_source
_synthetic_note = synthetic_note


# ----------------------------------------------------------------------------- metrics
def _max_rally(claim, prices, fred, ipos) -> ClaimResult:
    t = claim["assets"][0]
    s = price_series(prices, t)
    start, end = claim_window(claim, s.index[-1])
    try:
        covers(s, start, end, int(claim.get("coverage_days", 7)), f"{t} prices")
        gap = None
    except CannotCheck as exc:
        gap = exc
    w = s.loc[start:end]
    if len(w) < 2:
        raise gap or CannotCheck(f"fewer than 2 {t} prices in the window",
                                 needs=f"{t} closes over {span(start, end)}")
    ratio = w / w.cummin() - 1.0
    peak_date = ratio.idxmax()
    low_date = w.loc[:peak_date].idxmin()
    computed = float(ratio.max())
    note = (
        f"{t} low {w.loc[low_date]:.2f} on {low_date.date()}, high {w.loc[peak_date]:.2f} on "
        f"{peak_date.date()}; last close {w.iloc[-1]:.2f} on {w.index[-1].date()} "
        f"({w.iloc[-1] / w.loc[low_date] - 1:+.0%} from the low)"
    )
    window = f"{span(start, end)} (data {span(w.index[0], w.index[-1])})"
    decided = None
    if gap is not None:
        # The largest rally inside part of the window is a lower bound on the largest rally
        # over the whole window: it can confirm "at least X" and refute "at most X", nothing
        # else.
        decided = bound_verdict(computed, claim, lower_bound=True)
        if decided is None:
            raise CannotCheck(
                f"{gap.reason}; the {computed:.0%} rally inside the data is only a lower "
                f"bound: {note}", needs=gap.needs)
        note = (
            f"partial window ({gap.reason}): the rally inside the data is a lower bound on the "
            f"window's largest rally, and it already decides the claim; {note}"
        )
        window += ", a lower bound"
    return ClaimResult(computed, note, attr_source(prices, t), w.index[-1], prices, window,
                       decided)


def _cpi_yoy_high(claim, prices, fred, ipos) -> ClaimResult:
    sid = claim["assets"][0]
    as_of_month = str(claim["window"]["as_of"])
    months = int(claim["threshold"])
    needs = (f"{sid} monthly values through {as_of_month} (FRED publishes a month's CPI about "
             f"two weeks after it ends) and the {months + 12} months before it")
    if fred is None:
        raise CannotCheck("no FRED data given", needs=needs)
    if sid not in fred.columns:
        raise CannotCheck(f"series {sid} not in the FRED data", needs=needs)
    cpi = fred[sid].dropna()
    if cpi.empty:
        raise CannotCheck(f"series {sid} has no values", needs=needs)
    try:
        hi = cpi_yoy_high(cpi, claim["window"]["as_of"], months)
    except InvalidInputError as exc:
        raise CannotCheck(f"{sid} {exc}", needs=needs) from exc
    as_of = hi.month
    window = f"{as_of:%Y-%m} against the {months} months before"
    if hi.at_least:
        if hi.history_months < claim["threshold"]:
            raise CannotCheck(
                f"{sid} YoY {hi.yoy:.2%} in {as_of:%Y-%m} is the highest of only "
                f"{hi.history_months} earlier months of history", needs=needs)
        note = (
            f"YoY {hi.yoy:.2%} in {as_of:%Y-%m}: highest in all {hi.history_months} "
            "months of YoY history"
        )
    else:
        n = hi.months_since_higher
        note = (
            f"YoY {hi.yoy:.2%} in {as_of:%Y-%m}; last month at least as high: "
            f"{hi.last_higher:%Y-%m} ({hi.last_higher_yoy:.2%}), "
            f"{n} month{'s' if n != 1 else ''} earlier"
        )
    return ClaimResult(float(hi.highest_in_months), note, attr_source(fred, sid), as_of, fred,
                       window)


def _high_before(t: str, s: pd.Series, w: pd.Series, rec: IndexRecord | None,
                 needs: str) -> tuple[float, pd.Timestamp, str]:
    """The all-time high before a window: the highest earlier close in the data or the
    sourced record, whichever is higher.

    Parameters
    ----------
    t : str
        The ticker (for the message).
    s, w : Series
        Its closes (index: dates), all of them and those in the window.
    rec : IndexRecord, optional
        The sourced record that stood at the data's start.
    needs : str
        What data would decide the claim (for :class:`CannotCheck`).

    Returns
    -------
    (float, Timestamp, str)
        The high (price units of ``s``), its date, and where it comes from ("the data" or "the
        sourced record").
    """
    earlier = s.loc[: w.index[0]].iloc[:-1]  # data closes before the first window close
    refs = []
    if len(earlier):
        refs.append((float(earlier.max()), earlier.idxmax(), "the data"))
    if rec is not None:
        refs.append((rec.record_close, rec.record_date, "the sourced record"))
    if not refs:
        raise CannotCheck(f"{t} data start {day(s.index[0])}, inside the window, with no "
                          "earlier close and no sourced record to compare with", needs=needs)
    return max(refs, key=lambda r: r[0])


def _against_record(claim: dict, prices: pd.DataFrame, s: pd.Series, rec: IndexRecord,
                    computed: float, note: str, window: str, *, partial: bool, needs: str
                    ) -> tuple[str, str, str | None]:
    """Note, window text and verdict of a record-high claim bounded by a sourced record.

    Parameters
    ----------
    claim, prices : dict, DataFrame
        The claim and the price data; ``s`` the ticker's closes (index: dates).
    rec : IndexRecord
        The sourced record standing at the data's start.
    computed : float
        Window high / all-time high before the window (a ratio).
    note, window : str
        The result's note and window text so far.
    partial : bool
        Whether the data leaves part of the window uncovered.
    needs : str
        What data would cover the window (for :class:`CannotCheck`).

    Returns
    -------
    (str, str, str or None)
        The note and window text, and the verdict (None: by the comparison as usual).
    """
    first = s.index[0]
    note += (f"; closes before the data's start ({day(first)}) are bounded by the sourced "
             f"record {rec.cite()}")
    on_date = s.get(rec.record_date)
    if (on_date is not None and not is_synthetic(prices)
            and abs(on_date / rec.record_close - 1) > 0.005):
        note += (f"; the data's close on {day(rec.record_date)} is {on_date:,.2f}, not the "
                 "sourced record: the data may be another series")
    if not partial:
        return note, window, None
    # the unseen part of the window may hold a record: only a record seen decides
    decided = bound_verdict(computed, claim, lower_bound=True)
    if decided is None:
        raise CannotCheck(f"no close above the all-time high in the part of the window "
                          f"the data covers ({note})", needs=needs)
    note = ("partial window: a close above the all-time high inside the data already "
            f"decides the claim; {note}")
    return note, window + ", a lower bound", decided


def _without_record(claim: dict, t: str, first: pd.Timestamp, before: float, computed: float,
                    note: str, *, partial: bool, needs: str) -> tuple[str, str | None]:
    """Note and verdict of a record-high claim with no sourced record before the data.

    Without the history before the data, the data's own high is a lower bound on the
    all-time high: the ratio is an upper bound that can rule a record out, never in.

    Parameters
    ----------
    claim, t, first : dict, str, Timestamp
        The claim, the ticker and the data's first date.
    before : float
        The highest close in the data before the window (price units).
    computed, note : float, str
        Window high / ``before`` (a ratio), and the result's note so far.
    partial : bool
        Whether the data leaves part of the window uncovered.
    needs : str
        What data would decide the claim (for :class:`CannotCheck`).

    Returns
    -------
    (str, str)
        The note and the verdict the upper bound decides.
    """
    decided = None if partial else bound_verdict(computed, claim, lower_bound=False)
    if decided is None:
        raise CannotCheck(
            f"{t} data start {day(first)}: the highest earlier close in the data "
            f"({before:,.2f}) is only a lower bound on the all-time high; {note}",
            needs=needs)
    note = ("the window stays below an earlier close, so it holds no all-time high whatever "
            f"came before the data; {note}")
    return note, decided


def _record_high(claim, prices, fred, ipos) -> ClaimResult:
    t = claim["assets"][0]
    s = price_series(prices, t)
    first, last = s.index[0], s.index[-1]
    start, end = claim_window(claim, last)
    slack = pd.Timedelta(days=int(claim.get("coverage_days", 7)))
    w = s.loc[start:end]
    needs_window = f"{t} closes over {span(start, end)}"
    if w.empty:
        raise CannotCheck(f"no {t} close in the window {span(start, end)} (data "
                          f"{span(first, last)})", needs=needs_window)
    partial = last < end - slack or first > start + slack
    rec = record_standing_before(t, first)
    needs_history = (f"{t} closes before {day(first)} (its whole history), or a sourced record "
                     f"that still stood on {day(first)} in aipolicy/signals/index_records.yaml")
    before, before_date, where = _high_before(t, s, w, rec, needs_history)
    high, high_date = float(w.max()), w.idxmax()
    computed = high / before
    note = (f"{t} window high {high:,.2f} on {day(high_date)} vs the all-time high before the "
            f"window {before:,.2f} on {day(before_date)}, from {where} "
            f"({computed - 1:+.1%})")
    src = attr_source(prices, t)
    window = f"{span(start, end)} (data {span(w.index[0], w.index[-1])})"
    if rec is not None:
        src += f"; prior record: {rec.url}"
        note, window, decided = _against_record(claim, prices, s, rec, computed, note, window,
                                                partial=partial, needs=needs_window)
    else:
        note, decided = _without_record(claim, t, first, before, computed, note,
                                        partial=partial, needs=needs_history)
    return ClaimResult(computed, note, src, w.index[-1], prices, window, decided)




def _ipo_proceeds(claim, prices, fred, ipos) -> ClaimResult:
    t = claim["assets"][0]
    needs = (f"the {t} deal terms (offer price x shares offered) from its final prospectus "
             "(424B4) on SEC EDGAR, or a curated IPO row with proceeds")
    if ipos is None:
        raise CannotCheck("no IPO table given", needs=needs)
    if "ticker" not in ipos.columns:
        raise CannotCheck("IPO table lacks a ticker column", needs=needs)
    rows = ipos[ipos["ticker"] == t]
    if rows.empty:
        raise CannotCheck(f"{t} not in the IPO table", needs=needs)
    row = rows.iloc[-1]

    def num(col):
        v = pd.to_numeric(pd.Series([row.get(col)]), errors="coerce").iloc[0]
        return None if pd.isna(v) else float(v)

    offer, shares, reported = num("offer_price"), num("shares"), num("proceeds_usd")
    if offer is not None and shares is not None:
        computed = offer * shares
        # large numbers as the pages spell them: "30.0 M", "$5.55 bn" (aipolicy.record.SCALES)
        how = (f"{t} {shares / 1e6:,.1f} M shares x ${offer:,.2f} offer price = "
               f"${computed / 1e9:.2f} bn gross proceeds")
        if reported is not None:
            how += f" (the table's proceeds: ${reported / 1e9:.2f} bn)"
    elif reported is not None:
        computed, how = reported, f"{t} proceeds ${reported / 1e9:.2f} bn from the IPO table"
    else:
        raise CannotCheck(f"{t} has neither offer price x shares nor proceeds in the IPO table",
                          needs=needs)
    src = (
        str(row["source"])
        if "source" in row and pd.notna(row.get("source"))
        else attr_source(ipos)
    )
    as_of = row.get("as_of") if pd.notna(row.get("as_of", np.nan)) else row.get("first_trade_date")
    note = (f"{how} vs claimed ${claim['threshold'] / 1e9:.2f} bn "
            f"(tolerance ${claim['tolerance'] / 1e9:.3f} bn)")
    decided = None
    if not is_primary_source(src):
        outcome = verdict(computed, claim["comparison"], claim["threshold"], claim["tolerance"])
        decided = CONSISTENT if outcome == SUPPORTED else outcome
        note += ("; the figures come from secondary reports, not the prospectus: at best "
                 f"consistent with them. Would confirm it: {needs}")
    window = f"IPO priced {day(row['pricing_date'])}" if pd.notna(
        row.get("pricing_date", np.nan)) else "the IPO"
    return ClaimResult(computed, note, src, as_of, ipos, window, decided)


def _basket_outperformance(claim, prices, fred, ipos) -> ClaimResult:
    if prices is None:
        raise CannotCheck("no price data given", needs="daily closes of the basket and index")
    bench = claim.get("benchmark", "^GSPC")
    b = price_series(prices, bench)
    members = [m for m in claim["assets"] if m in prices.columns and prices[m].notna().any()]
    absent = [m for m in claim["assets"] if m not in members]
    start, end = claim_window(claim, b.index[-1])
    needs = f"daily closes of {', '.join(claim['assets'])} and {bench} over {span(start, end)}"
    if len(members) * 2 < len(claim["assets"]):
        raise CannotCheck(
            f"only {len(members)} of {len(claim['assets'])} basket members "
            f"in the data (missing {absent})", needs=needs)
    slack = int(claim.get("coverage_days", 7))
    covers(b, start, end, slack, f"{bench} prices")
    # returns count from the last close before the window starts ("over 2026" = from the
    # 2025-12-31 close), when the data has it
    before = b.loc[: start - pd.Timedelta(days=1)] if start is not None else b.iloc[:0]
    base = before.index[-1] if len(before) else b.index[b.index >= (start or b.index[0])][0]
    px = prices[members + [bench]].loc[base:end]
    early = [m for m in members if prices[m].first_valid_index() <= base + pd.Timedelta(
        days=slack)]
    if not early:
        raise CannotCheck("no basket member has prices at the window start", needs=needs)
    rets = simple_returns(px, span_gaps=True)
    rebalance = claim.get("rebalance", "M")
    basket = basket_returns(rets[members], rebalance=rebalance).loc[px.index[1]:]
    bw = px[bench].dropna()
    bench_total = float(bw.iloc[-1] / bw.iloc[0] - 1.0)
    basket_total = float((1.0 + basket.fillna(0.0)).prod() - 1.0)
    note = (
        f"equal-weight basket{' (bought and held)' if rebalance is None else ''} "
        f"{basket_total:+.1%} vs {bench} {bench_total:+.1%} from the "
        f"{px.index[0].date()} close to {px.index[-1].date()} ({len(members)} members"
    )
    late = [m for m in members if m not in early]
    note += f"; joined after listing: {late}" if late else ""
    note += f"; absent: {absent})" if absent else ")"
    window = f"{span(start, end)} (returns from the {day(px.index[0])} close to {day(px.index[-1])})"
    return ClaimResult(basket_total - bench_total, note, attr_source(prices, bench),
                       px.index[-1], prices, window)


def _attribution(claim, prices, fred, ipos) -> ClaimResult:
    raise CannotCheck(
        str(claim.get("reason") or "a causal attribution, which price data cannot test"),
        needs=claim.get("needs"))


METRICS: dict[str, Callable] = {
    "max_rally": _max_rally,
    "cpi_yoy_high": _cpi_yoy_high,
    "record_high": _record_high,
    "ipo_proceeds": _ipo_proceeds,
    "basket_outperformance": _basket_outperformance,
    "jobs_market": jobs_market,
    "index_vs_picks": index_vs_picks,
    "active_funds_vs_index": active_funds_vs_index,
    "attribution": _attribution,
}
#: Which input frame each metric reads: "prices", "fred", "ipos" or None.
METRIC_INPUTS: dict[str, str | None] = {
    "max_rally": "prices",
    "cpi_yoy_high": "fred",
    "record_high": "prices",
    "ipo_proceeds": "ipos",
    "basket_outperformance": "prices",
    "jobs_market": "fred",
    "index_vs_picks": "prices",
    "active_funds_vs_index": "prices",
    "attribution": "prices",
}
#: Metrics whose claims no market data can decide (a cause, active funds' net returns): their
#: "cannot be checked" is the claim's nature, not a gap in the data loaded.
NEEDS_OTHER_DATA: tuple[str, ...] = ("attribution", "active_funds_vs_index")
