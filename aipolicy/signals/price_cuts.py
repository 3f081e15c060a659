"""Do API price cuts move AI-infrastructure stocks? An event study of baskets around cut dates.

For each basket (equal weights, rebalanced monthly, as in the scorecard) and each price-cut date,
the market model of :func:`aipolicy.signals.events.event_study` (estimation window and gap as
there: 250 sessions ending 30 sessions before day 0) gives the cumulative abnormal return (CAR)
over each window. Events are dates, not models: several cuts on one day (or within a few days)
are one event (:func:`aipolicy.costs.economics.price_events.one_per_date` does the clustering before), so
no market day is counted twice for a basket.

Across events, per basket and window: the mean CAR, its cross-sectional t (robust to
event-induced variance) and the pooled t (sum of CARs over the root of the summed variances,
assuming independent events); and the same pooled by cut size (large cuts, of at least
``large_cut`` of the blended price, and smaller ones). With fewer than :data:`MIN_EVENTS` events
with estimates, the note says the test cannot mean much.

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

#: Fewer events with estimates than this: a t-statistic says little (stated in ``note``).
MIN_EVENTS = 5
DEFAULT_WINDOWS: tuple[tuple[int, int], ...] = ((-1, 1), (0, 5))


@dataclass(frozen=True)
class PriceCutResult:
    """Output of :func:`price_cut_car`.

    Attributes
    ----------
    car : DataFrame
        One row per (basket, event date, window): ``basket``, ``event_date``, ``session``,
        ``window``, ``car``, ``t_stat``, ``p_value``, ``blended_change``, ``size``, ``note``.
    summary : DataFrame
        One row per (basket, window, size in {"all", "large", "small"}): ``n_events``,
        ``mean_car``, ``t_cross``, ``p_cross``, ``t_pooled``, ``p_pooled``, ``note``.
    """

    car: pd.DataFrame
    summary: pd.DataFrame


def _summarise(sub: pd.DataFrame) -> dict[str, float | int | str]:
    stats = car_statistics(sub)
    n = stats["n_events"]
    note = "" if n >= MIN_EVENTS else (
        f"only {n} event(s) with estimates: too few for a test to mean much")
    keep = ("n_events", "mean_car", "t_cross", "p_cross", "t_pooled", "p_pooled")
    return {**{k: stats[k] for k in keep}, "note": note}


def price_cut_car(
    returns: pd.DataFrame,
    benchmark: str,
    events: pd.DataFrame,
    baskets: Mapping[str, Sequence[str]],
    *,
    windows: Sequence[tuple[int, int]] = DEFAULT_WINDOWS,
    large_cut: float = 0.5,
    estimation_window: int = 250,
    gap: int = 30,
) -> PriceCutResult:
    """CAR of each basket around each price-cut date, and their averages.

    Parameters
    ----------
    returns : DataFrame
        Daily simple returns (dates x tickers), holding every basket member and ``benchmark``.
    benchmark : str
        Column of ``returns`` used as the market.
    events : DataFrame
        One row per event date: ``date`` and ``blended_change`` (negative for a cut), e.g.
        :func:`aipolicy.costs.economics.price_events.one_per_date` of the cuts.
    baskets : mapping of str to list of str
        Basket name -> members (members missing from ``returns`` are left out; an empty
        basket is left out).
    windows : sequence of (start, end)
        Event windows in sessions around day 0.
    large_cut : float
        Cuts of at least this fraction of the blended price are "large".
    estimation_window, gap : int
        Market model's estimation window and gap (sessions).

    Returns
    -------
    PriceCutResult
    """
    if benchmark not in returns.columns:
        raise InvalidInputError(f"benchmark {benchmark!r} is not a column of returns",
                                field="benchmark", value=benchmark)
    need = {"date", "blended_change"} - set(events.columns)
    if need:
        raise InvalidInputError(f"events need columns 'date' and 'blended_change' (missing "
                                f"{sorted(need)})", field="events")
    members = {k: [t for t in v if t in returns.columns] for k, v in baskets.items()}
    members = {k: v for k, v in members.items() if v}
    frame = basket_return_frame(returns, members, benchmark)
    ev = events.reset_index(drop=True)
    size = np.where(-ev["blended_change"] >= large_cut, "large", "small")
    rows = [{"ticker": b, "date": d, "event_id": f"{b}@{pd.Timestamp(d):%Y-%m-%d}"}
            for b in members for d in ev["date"]]
    if not rows:
        empty = pd.DataFrame(columns=["basket", "event_date", "window", "car"])
        return PriceCutResult(empty, pd.DataFrame())
    study = event_study(frame, benchmark, pd.DataFrame(rows), windows=windows,
                        estimation_window=estimation_window, gap=gap)
    car = study.car.rename(columns={"ticker": "basket"})
    by_date = {pd.Timestamp(d): (c, s) for d, c, s in zip(ev["date"], ev["blended_change"],
                                                            size, strict=True)}
    car["blended_change"] = [by_date[pd.Timestamp(d)][0] for d in car["event_date"]]
    car["size"] = [by_date[pd.Timestamp(d)][1] for d in car["event_date"]]
    out = []
    for b in members:
        for w in windows:
            label = window_label(w)
            sub = car[(car["basket"] == b) & (car["window"] == label)]
            for part, rows_ in (("all", sub), ("large", sub[sub["size"] == "large"]),
                                ("small", sub[sub["size"] == "small"])):
                if part != "all" and rows_.empty:
                    continue
                out.append({"basket": b, "window": label, "size": part, **_summarise(rows_)})
    keep = ["basket", "event_date", "session", "window", "car", "se", "t_stat", "p_value",
            "blended_change", "size", "n_estimation", "note"]
    return PriceCutResult(car[keep].reset_index(drop=True), pd.DataFrame(out))
