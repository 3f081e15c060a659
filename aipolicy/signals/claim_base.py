"""The claims check's vocabulary and plumbing: verdicts and what each means, the result a metric
returns, and the helpers the metrics share (windows, coverage, sources).

The metrics themselves are in :mod:`aipolicy.signals.claim_metrics` (prices, CPI, IPOs),
:mod:`aipolicy.signals.claim_jobs` (the labour market) and
:mod:`aipolicy.signals.claim_passive` (index funds against stock picking).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

SUPPORTED = "supported"
PARTLY = "partly supported"
CONSISTENT = "consistent with secondary reports"
NOT_SUPPORTED = "not supported"
CANNOT = "cannot be checked with this data"
#: Every verdict the check can give. The first three keep their positions of the first release
#: (``VERDICTS[2]`` is still "cannot be checked with this data"); :data:`VERDICT_ORDER` is the
#: order for people, strongest first.
VERDICTS = (SUPPORTED, NOT_SUPPORTED, CANNOT, PARTLY, CONSISTENT)
VERDICT_ORDER = (SUPPORTED, PARTLY, CONSISTENT, NOT_SUPPORTED, CANNOT)
#: What each verdict means, in one sentence each (shown in notebook 06).
VERDICT_MEANINGS: dict[str, str] = {
    SUPPORTED: (
        "the data meet the claim's test over the stated window; a figure measured on part of "
        "the window counts only when it is a bound that already decides the test"
    ),
    PARTLY: (
        "the claim has parts and only some of them pass; the note says which part holds and "
        "which fails or cannot be checked"
    ),
    CONSISTENT: (
        "the figure comes from secondary reports (news or websites) entered in a curated table, "
        "not from prices or filings; it agrees with the claim within the tolerance, but nothing "
        "here verifies it independently"
    ),
    NOT_SUPPORTED: "the data fail the claim's test (or a bound already rules the claim out)",
    CANNOT: (
        "the data do not reach the claim (its window, series or kind); the note says what data "
        "would decide it"
    ),
}


class CannotCheck(Exception):
    """The data do not allow a verdict.

    Parameters
    ----------
    reason : str
        Why not (which series, which dates).
    needs : str, optional
        What data would decide the claim.
    """

    def __init__(self, reason: str, needs: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.needs = needs

    def __str__(self) -> str:
        return self.reason + (f". Would decide it: {self.needs}" if self.needs else "")


@dataclass(frozen=True)
class ClaimResult:
    """What a metric found for one claim.

    Attributes
    ----------
    computed : float
        The metric's value in its units (see each metric).
    note : str
        How it was computed, with the figures behind it.
    data_source : str
        Where the data came from (a frame's provenance or a curated row's public source).
    as_of : date-like
        The last data point used.
    frame : DataFrame or None
        The frame used (its ``attrs`` flag synthetic data).
    window : str
        The window the verdict is about and the data actually used.
    verdict : str or None
        A verdict the metric decided itself (a bound, a claim in parts, a secondary source);
        None: compare ``computed`` with the claim's threshold.
    """

    computed: float
    note: str
    data_source: str
    as_of: Any
    frame: pd.DataFrame | None
    window: str = ""
    verdict: str | None = None


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


def bound_verdict(computed: float, claim: Mapping, *, lower_bound: bool) -> str | None:
    """The verdict a bound decides, or None when it decides nothing.

    A lower bound on the true value confirms "at least" claims it meets and refutes "at most"
    claims it breaks; an upper bound does the reverse.
    """
    outcome = verdict(computed, claim["comparison"], claim["threshold"], claim["tolerance"])
    at_least = claim["comparison"] in (">=", ">")
    at_most = claim["comparison"] in ("<=", "<")
    if lower_bound:
        decisive = (at_least and outcome == SUPPORTED) or (at_most and outcome == NOT_SUPPORTED)
    else:
        decisive = (at_least and outcome == NOT_SUPPORTED) or (at_most and outcome == SUPPORTED)
    return outcome if decisive else None


# ----------------------------------------------------------------------------- helpers
def attr_source(frame: pd.DataFrame | None, key: str | None = None) -> str:
    """The data source of ``frame`` (of column ``key`` when its provenance names it).

    A local data folder is named by its last component only ("CSV files in folder realdata"),
    so no path of this machine reaches a table or a report.
    """
    if frame is None:
        return ""
    attrs = getattr(frame, "attrs", {}) or {}
    prov = attrs.get("provenance")
    if isinstance(prov, Mapping) and key is not None and key in prov:
        text = str(prov[key])
    elif isinstance(prov, str) and prov:
        text = prov
    else:
        src = attrs.get("source")
        if isinstance(prov, Mapping) and prov and src is None:
            text = "; ".join(f"{k}: {v}" for k, v in list(prov.items())[:3])
        else:
            text = str(src) if src else "unknown (frame has no attrs['source'])"
    folder = str(attrs.get("data_dir") or "").rstrip("/")
    if folder and folder in text:
        text = text.replace(folder, f"folder {folder.rsplit('/', 1)[-1]}")
    return text


def is_synthetic(frame: pd.DataFrame | None) -> bool:
    """True when ``frame.attrs['synthetic']`` flags generated data."""
    if frame is None:
        return False
    syn = (getattr(frame, "attrs", {}) or {}).get("synthetic")
    return bool(
        syn is True
        or (isinstance(syn, Mapping) and any(syn.values()))
        or (isinstance(syn, Sequence) and not isinstance(syn, str) and len(syn))
    )


#: The prefix of a note computed on synthetic data.
SYNTHETIC_NOTE = "SYNTHETIC sample data: the verdict describes the sample, not the market. "


def synthetic_note(frame: pd.DataFrame | None) -> str:
    """The prefix that marks a note computed on synthetic data ("" otherwise)."""
    return SYNTHETIC_NOTE if is_synthetic(frame) else ""


def day(value: Any) -> str:
    """``YYYY-MM-DD`` of a date-like value."""
    return f"{pd.Timestamp(value):%Y-%m-%d}"


def span(first: Any, last: Any) -> str:
    """``"2025-05-12 to 2026-05-11"``."""
    return f"{day(first)} to {day(last)}"


def claim_window(claim: Mapping, data_end: pd.Timestamp | None = None):
    """(start, end) of a claim's ``{start, end}`` window; ``end: latest`` is ``data_end``."""
    w = claim["window"]
    start = pd.Timestamp(w["start"]) if w.get("start") not in (None, "", "earliest") else None
    end_raw = w.get("end")
    end = data_end if end_raw in (None, "", "latest") else pd.Timestamp(end_raw)
    return start, end


def window_text(claim: Mapping) -> str:
    """The claim's window as written in ``claims.yaml``, for people."""
    w = claim.get("window") or {}
    if "as_of" in w:
        return f"as of {w['as_of']}"
    start = w.get("start") or "earliest"
    end = w.get("end") or "latest"
    if start in ("earliest",) and end == "latest":
        return "all the data"
    return f"{start} to {end}"


def price_series(prices: pd.DataFrame | None, ticker: str) -> pd.Series:
    """A ticker's closes without gaps, or :class:`CannotCheck` naming what is missing."""
    if prices is None:
        raise CannotCheck("no price data given", needs=f"daily closes of {ticker}")
    if ticker not in prices.columns:
        raise CannotCheck(f"ticker {ticker} not in the price data",
                          needs=f"daily closes of {ticker}")
    s = prices[ticker].dropna().astype(float)
    if s.empty:
        raise CannotCheck(f"ticker {ticker} has no prices", needs=f"daily closes of {ticker}")
    return s


def covers(s: pd.Series, start, end, slack_days: int, what: str) -> None:
    """Raise :class:`CannotCheck` unless ``s`` spans [start, end] within ``slack_days``."""
    slack = pd.Timedelta(days=slack_days)
    first, last = s.index[0], s.index[-1]
    if start is not None and first > start + slack:
        raise CannotCheck(f"{what} starts {first.date()}, after the window start {start.date()}",
                          needs=f"{what} from {start.date()} on")
    if end is not None and last < end - slack:
        raise CannotCheck(f"{what} ends {last.date()}, before the window end {end.date()}",
                          needs=f"{what} through {end.date()}")
