"""The metrics of the claims check (:mod:`aipolicy.signals.claims`): one function per metric.

Each metric takes ``(claim, prices, fred, ipos)`` and returns ``(computed, note, data_source,
as_of, frame used)``, or raises :class:`CannotCheck` saying why the data allow no verdict.

Metrics (units of ``computed`` in brackets):

- ``max_rally`` [fraction]: max over the window of close / lowest earlier close - 1; when the
  data covers only part of the window, the rally inside it is a lower bound, which decides
  "at least" claims it meets and "at most" claims it breaks (else: cannot be checked);
- ``cpi_yoy_high`` [months]: months back from ``as_of`` to the last month with CPI YoY at least
  as high (all available history if none), from :func:`~aipolicy.signals.inflation.cpi_yoy_high`;
- ``record_high`` [ratio]: highest close in the window / highest close in all data to the
  window's end (1.0 = the window holds the record of the data's history);
- ``ipo_proceeds`` [USD]: proceeds_usd from the IPO table;
- ``basket_outperformance`` [fraction]: total return of an equal-weight, monthly rebalanced
  basket minus the benchmark's total return over the window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError

from .baskets import basket_returns
from .inflation import cpi_yoy_high
from .returns import simple_returns

SUPPORTED = "supported"
NOT_SUPPORTED = "not supported"
CANNOT = "cannot be checked with this data"
VERDICTS = (SUPPORTED, NOT_SUPPORTED, CANNOT)


class CannotCheck(Exception):
    """The data does not allow a verdict; the message says why."""


def verdict(computed: float, comparison: str, threshold: float, tolerance: float = 0.0) -> str:
    """Compare ``computed`` with ``threshold`` (tolerance in the metric's units)."""
    if computed is None or not np.isfinite(computed):
        return CANNOT
    ok = {
        ">=": computed >= threshold - tolerance,
        ">": computed > threshold - tolerance,
        "<=": computed <= threshold + tolerance,
        "<": computed < threshold + tolerance,
        "approx": abs(computed - threshold) <= tolerance,
    }[comparison]
    return SUPPORTED if ok else NOT_SUPPORTED


# ----------------------------------------------------------------------------- helpers
def _attr_source(frame: pd.DataFrame | None, key: str | None = None) -> str:
    if frame is None:
        return ""
    attrs = getattr(frame, "attrs", {}) or {}
    prov = attrs.get("provenance")
    if isinstance(prov, Mapping) and key is not None and key in prov:
        return str(prov[key])
    if isinstance(prov, str) and prov:
        return prov
    src = attrs.get("source")
    if isinstance(prov, Mapping) and prov and src is None:
        return "; ".join(f"{k}: {v}" for k, v in list(prov.items())[:3])
    return str(src) if src else "unknown (frame has no attrs['source'])"


def _synthetic_note(frame: pd.DataFrame | None) -> str:
    if frame is None:
        return ""
    syn = (getattr(frame, "attrs", {}) or {}).get("synthetic")
    if (
        syn is True
        or (isinstance(syn, Mapping) and any(syn.values()))
        or (isinstance(syn, Sequence) and not isinstance(syn, str) and len(syn))
    ):
        return "SYNTHETIC sample data: the verdict describes the sample, not the market. "
    return ""


def _window(claim: dict, data_end: pd.Timestamp | None = None):
    w = claim["window"]
    start = pd.Timestamp(w["start"]) if w.get("start") not in (None, "") else None
    end_raw = w.get("end")
    if end_raw in (None, "", "latest"):
        end = data_end
    else:
        end = pd.Timestamp(end_raw)
    return start, end


def _price_series(prices: pd.DataFrame | None, ticker: str) -> pd.Series:
    if prices is None:
        raise CannotCheck("no price data given")
    if ticker not in prices.columns:
        raise CannotCheck(f"ticker {ticker} not in the price data")
    s = prices[ticker].dropna().astype(float)
    if s.empty:
        raise CannotCheck(f"ticker {ticker} has no prices")
    return s


def _covers(s: pd.Series, start, end, slack_days: int, what: str) -> None:
    slack = pd.Timedelta(days=slack_days)
    first, last = s.index[0], s.index[-1]
    if start is not None and first > start + slack:
        raise CannotCheck(f"{what} starts {first.date()}, after the window start {start.date()}")
    if end is not None and last < end - slack:
        raise CannotCheck(f"{what} ends {last.date()}, before the window end {end.date()}")


# ----------------------------------------------------------------------------- metrics
def _max_rally(claim, prices, fred, ipos):
    t = claim["assets"][0]
    s = _price_series(prices, t)
    start, end = _window(claim, s.index[-1])
    try:
        _covers(s, start, end, int(claim.get("coverage_days", 7)), f"{t} prices")
        gap = None
    except CannotCheck as exc:
        gap = str(exc)
    w = s.loc[start:end]
    if len(w) < 2:
        raise CannotCheck(gap or f"fewer than 2 {t} prices in the window")
    ratio = w / w.cummin() - 1.0
    peak_date = ratio.idxmax()
    low_date = w.loc[:peak_date].idxmin()
    computed = float(ratio.max())
    note = (
        f"{t} low {w.loc[low_date]:.2f} on {low_date.date()}, high {w.loc[peak_date]:.2f} on "
        f"{peak_date.date()}; last close {w.iloc[-1]:.2f} on {w.index[-1].date()} "
        f"({w.iloc[-1] / w.loc[low_date] - 1:+.0%} from the low)"
    )
    if gap is not None:
        # The largest rally inside part of the window is a lower bound on the largest rally
        # over the whole window: it can confirm "at least X" and refute "at most X", nothing
        # else.
        outcome = verdict(computed, claim["comparison"], claim["threshold"], claim["tolerance"])
        decisive = (claim["comparison"] in (">=", ">") and outcome == SUPPORTED) or (
            claim["comparison"] in ("<=", "<") and outcome == NOT_SUPPORTED
        )
        if not decisive:
            raise CannotCheck(
                f"{gap}; the {computed:.0%} rally inside the data is only a lower bound: {note}"
            )
        note = (
            f"partial window ({gap}): the rally inside the data is a lower bound on the "
            f"window's largest rally, and it already decides the claim; {note}"
        )
    return computed, note, _attr_source(prices, t), w.index[-1], prices


def _cpi_yoy_high(claim, prices, fred, ipos):
    sid = claim["assets"][0]
    if fred is None:
        raise CannotCheck("no FRED data given")
    if sid not in fred.columns:
        raise CannotCheck(f"series {sid} not in the FRED data")
    cpi = fred[sid].dropna()
    if cpi.empty:
        raise CannotCheck(f"series {sid} has no values")
    try:
        hi = cpi_yoy_high(cpi, claim["window"]["as_of"], int(claim["threshold"]))
    except InvalidInputError as exc:
        raise CannotCheck(f"{sid} {exc}") from exc
    as_of = hi.month
    if hi.at_least:
        if hi.history_months < claim["threshold"]:
            raise CannotCheck(
                f"{sid} YoY {hi.yoy:.2%} in {as_of:%Y-%m} is the highest of only "
                f"{hi.history_months} earlier months of history"
            )
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
    return float(hi.highest_in_months), note, _attr_source(fred, sid), as_of, fred


def _record_high(claim, prices, fred, ipos):
    t = claim["assets"][0]
    s = _price_series(prices, t)
    start, end = _window(claim, s.index[-1])
    slack = int(claim.get("coverage_days", 7))
    _covers(s, start, end, slack, f"{t} prices")
    hist = claim.get("history_start")
    if hist is not None and s.index[0] > pd.Timestamp(hist) + pd.Timedelta(days=slack):
        raise CannotCheck(
            f"{t} history starts {s.index[0].date()}; a record needs data from {hist} on"
        )
    upto = s.loc[:end]
    w = upto.loc[start:]
    if w.empty:
        raise CannotCheck(f"no {t} prices in the window")
    computed = float(w.max() / upto.max())
    note = (
        f"window high {w.max():.2f} on {w.idxmax().date()}; highest close in data "
        f"{upto.max():.2f} on {upto.idxmax().date()}; a record within data starting "
        f"{s.index[0].date()} (not necessarily all time)"
    )
    return computed, note, _attr_source(prices, t), w.index[-1], prices


def _ipo_proceeds(claim, prices, fred, ipos):
    t = claim["assets"][0]
    if ipos is None:
        raise CannotCheck("no IPO table given")
    if "ticker" not in ipos.columns or "proceeds_usd" not in ipos.columns:
        raise CannotCheck("IPO table lacks ticker / proceeds_usd columns")
    rows = ipos[ipos["ticker"] == t]
    if rows.empty:
        raise CannotCheck(f"{t} not in the IPO table")
    row = rows.iloc[-1]
    proceeds = pd.to_numeric(pd.Series([row["proceeds_usd"]]), errors="coerce").iloc[0]
    if pd.isna(proceeds):
        raise CannotCheck(f"{t} has no proceeds_usd in the IPO table")
    src = (
        str(row["source"])
        if "source" in row and pd.notna(row.get("source"))
        else _attr_source(ipos)
    )
    as_of = row.get("as_of") if pd.notna(row.get("as_of", np.nan)) else row.get("first_trade_date")
    verified = row.get("verified", None)
    note = (
        f"{t} proceeds ${proceeds / 1e9:.2f}B vs claimed ${claim['threshold'] / 1e9:.2f}B "
        f"(tolerance ${claim['tolerance'] / 1e9:.3f}B)"
    )
    if verified is not None and not (isinstance(verified, float) and np.isnan(verified)):
        note += f"; verified={verified}"
    return float(proceeds), note, src, as_of, ipos


def _basket_outperformance(claim, prices, fred, ipos):
    if prices is None:
        raise CannotCheck("no price data given")
    bench = claim.get("benchmark", "^GSPC")
    b = _price_series(prices, bench)
    members = [m for m in claim["assets"] if m in prices.columns and prices[m].notna().any()]
    absent = [m for m in claim["assets"] if m not in members]
    if len(members) * 2 < len(claim["assets"]):
        raise CannotCheck(
            f"only {len(members)} of {len(claim['assets'])} basket members "
            f"in the data (missing {absent})"
        )
    start, end = _window(claim, b.index[-1])
    slack = int(claim.get("coverage_days", 7))
    _covers(b, start, end, slack, f"{bench} prices")
    px = prices[members + [bench]].loc[start:end]
    early = [
        m for m in members if prices[m].first_valid_index() <= start + pd.Timedelta(days=slack)
    ]
    if not early:
        raise CannotCheck("no basket member has prices at the window start")
    rets = simple_returns(px, span_gaps=True)
    basket = basket_returns(rets[members], rebalance="M").loc[px.index[1] :]
    bw = px[bench].dropna()
    bench_total = float(bw.iloc[-1] / bw.iloc[0] - 1.0)
    basket_total = float((1.0 + basket.fillna(0.0)).prod() - 1.0)
    note = (
        f"equal-weight basket {basket_total:+.1%} vs {bench} {bench_total:+.1%} from "
        f"{px.index[0].date()} to {px.index[-1].date()} ({len(members)} members"
    )
    late = [m for m in members if m not in early]
    note += f"; joined after listing: {late}" if late else ""
    note += f"; absent: {absent})" if absent else ")"
    return basket_total - bench_total, note, _attr_source(prices, bench), px.index[-1], prices


METRICS: dict[str, Callable] = {
    "max_rally": _max_rally,
    "cpi_yoy_high": _cpi_yoy_high,
    "record_high": _record_high,
    "ipo_proceeds": _ipo_proceeds,
    "basket_outperformance": _basket_outperformance,
}
