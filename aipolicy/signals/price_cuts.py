"""Do API price cuts move AI-infrastructure stocks? An event study of baskets around cut dates.

For each basket (equal weights, rebalanced monthly, as in the scorecard) and each event date,
:func:`aipolicy.signals.events.event_study` gives the cumulative abnormal return (CAR) over
each window under three models of the normal return:

- **market model**: alpha + beta x the benchmark, fitted over 250 sessions ending 30 before
  day 0;
- **market-adjusted**: the benchmark's return (alpha 0, beta 1);
- **sector-adjusted**: the sector index's return (``^SOX``, the semiconductor index), so that a
  chip rally that day is not counted as the event's.

**Only estimable events count.** An event needs the market model's estimation window (at least
half of its 250 sessions inside the data) and its headline window (-1, +1); the others are
returned in ``dropped`` with the reason, and a page built on them must say it is partial.

**Confounders.** Each event's widest window (-1, +5 sessions) is screened against the curated
earnings dates (:mod:`aipolicy.marketdata.earnings`): a report of a basket member or an index
leader whose price reaction (the report's session when before the open, the next one when after
the close) falls in the window *confounds* it. Every average is given twice: over all estimable
events and over the *clean* ones (screened, and no report in the window). A window the table
does not cover is *not screened* and counts only in "all".

**Inference.** With fewer than :data:`MIN_INFERENCE_EVENTS` estimable events no mean CAR is a
finding: :attr:`PriceCutResult.inference` is False and a page should show the events one by one.
Across cells (baskets x windows x models) the p-values of the cross-sectional t are adjusted for
multiple tests by Holm's step-down method (``p_holm``, within each sample).

All returns and CARs are simple-return fractions (0.05 = 5 %).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError

from .baskets import basket_return_frame
from .events import car_statistics, event_study, window_label

#: Fewer estimable events than this: no mean CAR is inference; show the events one by one.
MIN_INFERENCE_EVENTS = 20
DEFAULT_WINDOWS: tuple[tuple[int, int], ...] = ((-1, 1), (0, 5))
#: The window every event must cover to count (sessions around day 0).
HEADLINE_WINDOW: tuple[int, int] = (-1, 1)
#: The sessions screened for earnings reactions.
SCREEN_WINDOW: tuple[int, int] = (-1, 5)
#: Model label -> what it takes as the normal return.
MODELS: dict[str, str] = {
    "market model": "alpha + beta x the benchmark, fitted over the estimation window",
    "market-adjusted": "the benchmark's return",
    "sector-adjusted": "the sector index's return",
}


@dataclass(frozen=True)
class PriceCutResult:
    """Output of :func:`price_cut_car`.

    Attributes
    ----------
    car : DataFrame
        One row per (basket, estimable event, model, window): ``basket``, ``event_date``,
        ``session``, ``model``, ``window``, ``car``, ``se``, ``t_stat``, ``p_value``,
        ``blended_change``, ``status`` (``clean``, ``confounded``, ``not screened``),
        ``confounders``, ``note``.
    summary : DataFrame
        One row per (basket, model, window, sample in {"all", "clean"}): ``n_events``,
        ``mean_car``, ``t_cross``, ``p_cross``, ``p_holm``, ``note``.
    events : DataFrame
        One row per event date: ``event_date``, ``session``, ``blended_change``,
        ``estimable``, ``reason`` (why not), ``status``, ``confounders``.
    """

    car: pd.DataFrame
    summary: pd.DataFrame
    events: pd.DataFrame

    @property
    def n_estimable(self) -> int:
        """Event dates with estimates."""
        return int(self.events["estimable"].sum()) if len(self.events) else 0

    @property
    def n_clean(self) -> int:
        """Estimable event dates whose windows are screened and hold no earnings reaction."""
        ev = self.events
        return int((ev["estimable"] & (ev["status"] == "clean")).sum()) if len(ev) else 0

    @property
    def dropped(self) -> pd.DataFrame:
        """The event dates that could not be estimated, with the reason."""
        return self.events[~self.events["estimable"]].reset_index(drop=True)

    @property
    def inference(self) -> bool:
        """True when at least :data:`MIN_INFERENCE_EVENTS` events are estimable."""
        return self.n_estimable >= MIN_INFERENCE_EVENTS


def holm(p: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjustment of p-values (NaN kept; adjusted values capped at 1)."""
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    m, running = len(order), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def _reaction(sessions: pd.DatetimeIndex, day: pd.Timestamp, timing: str) -> int | None:
    """Position in ``sessions`` of the session that reacts to a report (None after the data)."""
    pos = int(sessions.searchsorted(day, side="right" if timing == "amc" else "left"))
    return pos if pos < len(sessions) else None


def screen_earnings(
    sessions: pd.DatetimeIndex,
    dates: Sequence,
    earnings: pd.DataFrame | None,
    spans: pd.DataFrame | None,
    window: tuple[int, int] = SCREEN_WINDOW,
) -> pd.DataFrame:
    """Which event windows hold an earnings reaction of a screened company.

    Parameters
    ----------
    sessions : DatetimeIndex
        The trading calendar (the returns' index).
    dates : sequence of date-like
        Event dates (day 0 is the first session on or after each).
    earnings : DataFrame, optional
        :func:`aipolicy.marketdata.earnings.load_earnings`: ``ticker``, ``report_date``,
        ``timing``.
    spans : DataFrame, optional
        :func:`aipolicy.marketdata.earnings.screened_spans`: ``start``, ``end``, ``tickers``.
    window : (int, int)
        Sessions around day 0 screened.

    Returns
    -------
    DataFrame
        ``event_date``, ``status`` (``confounded``, ``clean`` or ``not screened``) and
        ``confounders`` (``"GOOGL 2026-04-29 amc; ..."``, empty when none).
    """
    rows = []
    for d in dates:
        d = pd.Timestamp(d)
        p0 = int(sessions.searchsorted(d, side="left"))
        lo, hi = p0 + window[0], p0 + window[1]
        hits = []
        if earnings is not None and lo >= 0 and p0 < len(sessions):
            for _, e in earnings.iterrows():
                pos = _reaction(sessions, e["report_date"], e["timing"])
                if pos is not None and lo <= pos <= hi:
                    hits.append(f"{e['ticker']} {e['report_date']:%Y-%m-%d} {e['timing']}")
        first = sessions[max(lo, 0)] if len(sessions) else d
        last = sessions[min(hi, len(sessions) - 1)] if len(sessions) else d
        covered = spans is not None and bool(
            ((spans["start"] <= first) & (spans["end"] >= last)).any()
        )
        status = "confounded" if hits else ("clean" if covered else "not screened")
        rows.append({"event_date": d, "status": status, "confounders": "; ".join(hits)})
    return pd.DataFrame(rows, columns=["event_date", "status", "confounders"])


def _model_frames(
    returns: pd.DataFrame, benchmark: str, sector: str | None, members: Mapping[str, Sequence[str]]
) -> dict[str, tuple[pd.DataFrame, str, str]]:
    """Model label -> (basket return frame with its reference column, reference, model)."""
    frame = basket_return_frame(returns, members, benchmark)
    out = {
        "market model": (frame, benchmark, "market"),
        "market-adjusted": (frame, benchmark, "adjusted"),
    }
    if sector is not None and sector in returns.columns and sector not in members:
        with_sector = frame.join(returns[[sector]], how="left")
        out["sector-adjusted"] = (with_sector, sector, "adjusted")
    return out


def _summarise(car: pd.DataFrame) -> pd.DataFrame:
    """Cross-event statistics per (basket, model, window, sample), Holm within each sample."""
    rows = []
    for (b, m, w), sub in car.groupby(["basket", "model", "window"], sort=False):
        for sample, part in (("all", sub), ("clean", sub[sub["status"] == "clean"])):
            stats = car_statistics(part)
            n = stats["n_events"]
            note = (
                ""
                if n >= MIN_INFERENCE_EVENTS
                else (f"{n} event(s): fewer than {MIN_INFERENCE_EVENTS}, no inference")
            )
            rows.append(
                {
                    "basket": b,
                    "model": m,
                    "window": w,
                    "sample": sample,
                    **{k: stats[k] for k in ("n_events", "mean_car", "t_cross", "p_cross")},
                    "note": note,
                }
            )
    out = pd.DataFrame(rows)
    if len(out):
        out["p_holm"] = np.nan
        for sample in ("all", "clean"):
            sel = out["sample"] == sample
            out.loc[sel, "p_holm"] = holm(out.loc[sel, "p_cross"].to_numpy())
    return out


def price_cut_car(
    returns: pd.DataFrame,
    benchmark: str,
    events: pd.DataFrame,
    baskets: Mapping[str, Sequence[str]],
    *,
    sector: str | None = None,
    earnings: pd.DataFrame | None = None,
    spans: pd.DataFrame | None = None,
    windows: Sequence[tuple[int, int]] = DEFAULT_WINDOWS,
    estimation_window: int = 250,
    gap: int = 30,
) -> PriceCutResult:
    """CAR of each basket around each price-cut date under three models, screened for earnings.

    Parameters
    ----------
    returns : DataFrame
        Daily simple returns (dates x tickers), holding every basket member, ``benchmark``
        and, for the sector-adjusted model, ``sector``.
    benchmark : str
        Column of ``returns`` used as the market.
    events : DataFrame
        One row per event date: ``date`` and ``blended_change`` (negative for a cut), e.g.
        :func:`aipolicy.costs.economics.model_events.pooled_events`.
    baskets : mapping of str to list of str
        Basket name -> members (members missing from ``returns`` are left out; an empty
        basket is left out).
    sector : str, optional
        Column of ``returns`` of the sector index (``^SOX``); without it no sector-adjusted
        CARs.
    earnings, spans : DataFrame, optional
        The earnings dates and the spans they are complete for (:mod:`aipolicy.marketdata.
        earnings`); without them every window is "not screened".
    windows : sequence of (start, end)
        Event windows in sessions around day 0; :data:`HEADLINE_WINDOW` is always included.
    estimation_window, gap : int
        Market model's estimation window and gap (sessions).

    Returns
    -------
    PriceCutResult
    """
    _check_inputs(returns, benchmark, events)
    windows = list(dict.fromkeys([HEADLINE_WINDOW, *[tuple(w) for w in windows]]))
    members = {k: [t for t in v if t in returns.columns] for k, v in baskets.items()}
    members = {k: v for k, v in members.items() if v}
    ev = events.reset_index(drop=True)
    change = {pd.Timestamp(d): c for d, c in zip(ev["date"], ev["blended_change"], strict=True)}
    screen = screen_earnings(returns.index, list(change), earnings, spans)
    if not members or ev.empty:
        return PriceCutResult(
            pd.DataFrame(),
            pd.DataFrame(),
            _event_table(screen, change, returns.index, set(), "no basket member in the returns"),
        )
    car = _cars(returns, benchmark, sector, members, list(change), windows,
                estimation_window, gap)
    head = car[(car["model"] == "market model") & (car["window"] == window_label(HEADLINE_WINDOW))]
    ok_dates = {pd.Timestamp(d) for d, g in head.groupby("event_date") if g["car"].notna().all()}
    reasons = {
        pd.Timestamp(d): "; ".join(dict.fromkeys(g["note"][g["note"] != ""]))
        for d, g in head.groupby("event_date")
    }
    table = _event_table(screen, change, returns.index, ok_dates, reasons)
    car = car[car["event_date"].map(pd.Timestamp).isin(ok_dates)].copy()
    by = table.set_index("event_date")
    car["blended_change"] = car["event_date"].map(lambda d: change[pd.Timestamp(d)])
    car["status"] = car["event_date"].map(lambda d: by.at[pd.Timestamp(d), "status"])
    car["confounders"] = car["event_date"].map(lambda d: by.at[pd.Timestamp(d), "confounders"])
    keep = [
        "basket",
        "event_date",
        "session",
        "model",
        "window",
        "car",
        "se",
        "t_stat",
        "p_value",
        "blended_change",
        "status",
        "confounders",
        "note",
    ]
    car = car[keep].reset_index(drop=True)
    return PriceCutResult(car, _summarise(car), table)



def _check_inputs(returns: pd.DataFrame, benchmark: str, events: pd.DataFrame) -> None:
    """Refuse a benchmark that is no column of ``returns`` and events without their columns."""
    if benchmark not in returns.columns:
        raise InvalidInputError(
            f"benchmark {benchmark!r} is not a column of returns",
            field="benchmark",
            value=benchmark,
        )
    need = {"date", "blended_change"} - set(events.columns)
    if need:
        raise InvalidInputError(
            f"events need columns 'date' and 'blended_change' (missing {sorted(need)})",
            field="events",
        )


def _cars(returns: pd.DataFrame, benchmark: str, sector: str | None,
          members: dict[str, list[str]], dates: list[pd.Timestamp], windows: list,
          estimation_window: int, gap: int) -> pd.DataFrame:
    """Every basket's CAR around every date under each model (market model, market-adjusted,
    sector-adjusted): one row per basket, date, window and model."""
    parts = []
    for label, (frame, ref, kind) in _model_frames(returns, benchmark, sector, members).items():
        rows = [{"ticker": b, "date": d, "event_id": f"{b}@{d:%Y-%m-%d}"}
                for b in members for d in dates]
        study = event_study(frame, ref, pd.DataFrame(rows), windows=windows,
                            estimation_window=estimation_window, gap=gap, model=kind)
        parts.append(study.car.assign(model=label))
    return pd.concat(parts, ignore_index=True).rename(columns={"ticker": "basket"})

def _event_table(
    screen: pd.DataFrame,
    change: Mapping,
    sessions: pd.DatetimeIndex,
    ok: set,
    reasons: Mapping | str,
) -> pd.DataFrame:
    """One row per event date: its session, cut, whether it is estimable and why not."""
    out = screen.copy()
    out["session"] = [
        sessions[p] if (p := int(sessions.searchsorted(d))) < len(sessions) else pd.NaT
        for d in out["event_date"]
    ]
    out["blended_change"] = [change[pd.Timestamp(d)] for d in out["event_date"]]
    out["estimable"] = [pd.Timestamp(d) in ok for d in out["event_date"]]
    out["reason"] = [
        ""
        if e
        else (
            reasons
            if isinstance(reasons, str)
            else reasons.get(pd.Timestamp(d)) or "window not covered by the returns"
        )
        for d, e in zip(out["event_date"], out["estimable"], strict=True)
    ]
    return out[
        ["event_date", "session", "blended_change", "estimable", "reason", "status", "confounders"]
    ]
