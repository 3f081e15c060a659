"""Event studies (market model); the IPO studies built on them are in :mod:`.ipos`.

Market-model event study (MacKinlay 1997): for each event, ``alpha`` and ``beta`` are
estimated by OLS of the asset's returns on the market's over an *estimation window* of
``estimation_window`` sessions that ends ``gap`` sessions before the event session (day 0);
abnormal returns ``AR_t = r_t - (alpha + beta * r_m,t)`` are then computed around day 0 and
cumulated over the chosen windows (CAR). An event dated on a non-trading day moves to the
next session of the returns' calendar.

Significance: per event ``t = CAR / (sigma * sqrt(L))`` with ``sigma`` the estimation
residual standard deviation (ddof = 2) and ``L`` the number of days in the window (the
estimation error of alpha/beta is ignored, as in the usual large-sample approximation);
p-values from Student t with ``n_est - 2`` degrees of freedom. Across events, ``t_cross`` is
the cross-sectional t of the mean CAR (robust to event-induced variance) and ``t_pooled`` is
sum(CAR) / sqrt(sum(var)) (assumes independent events; overstated when events share a date,
hence :func:`ipo_peer_car` tests an equal-weight peer portfolio).

With ``model="adjusted"`` the benchmark's return is the expected return (alpha 0, beta 1: the
market-adjusted model, or the sector-adjusted one when the benchmark is a sector index); sigma
is then the standard deviation of the estimation window's excess returns (ddof = 1).

All returns and CARs are simple-return fractions (0.05 = 5 %).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError

from ._checks import as_frame, check_time_index, require_columns

DEFAULT_WINDOWS: tuple[tuple[int, int], ...] = ((-1, 1), (0, 0), (0, 5), (-5, 5))

CAR_COLUMNS = [
    "event_id",
    "ticker",
    "event_date",
    "session",
    "window",
    "start",
    "end",
    "car",
    "se",
    "t_stat",
    "p_value",
    "n_days",
    "alpha",
    "beta",
    "sigma",
    "n_estimation",
    "note",
]


@dataclass(frozen=True)
class EventStudyResult:
    """Output of :func:`event_study`.

    Attributes
    ----------
    car : DataFrame
        One row per (event, window): :data:`CAR_COLUMNS`. ``window`` is a label like
        "(-1,+1)"; ``session`` is day 0; ``note`` explains NaN rows.
    average : DataFrame
        One row per window: window, n_events, mean_car, median_car, std_car, t_cross,
        p_cross, t_pooled, p_pooled.
    abnormal : DataFrame
        Abnormal returns, index = relative day, one column per event_id.
    caar : Series
        Cumulative average abnormal return by relative day (over events with estimates).
    """

    car: pd.DataFrame
    average: pd.DataFrame
    abnormal: pd.DataFrame
    caar: pd.Series


def window_label(window: tuple[int, int]) -> str:
    """``(-1, 1)`` -> ``'(-1,+1)'``."""
    a, b = window
    return f"({a:+d},{b:+d})".replace("+0", "0")


def next_session(index: pd.DatetimeIndex, date) -> pd.Timestamp | None:
    """First session in ``index`` on or after ``date`` (None if after the last session)."""
    pos = index.searchsorted(pd.Timestamp(date), side="left")
    return index[pos] if pos < len(index) else None


def _student_p(t: float, df: int) -> float:
    from scipy import stats

    if not np.isfinite(t) or df < 1:
        return np.nan
    return float(2.0 * stats.t.sf(abs(t), df))


def _normalise_events(events) -> pd.DataFrame:
    if isinstance(events, pd.DataFrame):
        ev = events.copy()
        if "date" not in ev.columns and "event_date" in ev.columns:
            ev = ev.rename(columns={"event_date": "date"})
        missing = [c for c in ("ticker", "date") if c not in ev.columns]
        if missing:
            raise InvalidInputError(
                f"events DataFrame needs columns 'ticker' and 'date' (missing {missing})"
            )
    else:
        try:
            ev = pd.DataFrame(list(events), columns=["ticker", "date"])
        except (ValueError, TypeError) as exc:
            raise InvalidInputError(
                "events must be a DataFrame (ticker, date[, event_id]) or a list of "
                "(ticker, date) pairs"
            ) from exc
    ev["date"] = pd.to_datetime(ev["date"])
    if "event_id" not in ev.columns:
        ev["event_id"] = [
            f"{t}@{d:%Y-%m-%d}" for t, d in zip(ev["ticker"], ev["date"], strict=True)
        ]
    if ev["event_id"].duplicated().any():
        raise InvalidInputError("event ids must be unique; pass an 'event_id' column")
    return ev.reset_index(drop=True)


def event_study(
    returns: pd.DataFrame,
    market: pd.Series | str,
    events,
    *,
    windows: Sequence[tuple[int, int]] = DEFAULT_WINDOWS,
    estimation_window: int = 250,
    gap: int = 30,
    min_estimation: int | None = None,
    model: str = "market",
) -> EventStudyResult:
    """Market-model (or market-adjusted) event study.

    Parameters
    ----------
    returns : DataFrame
        Simple daily returns, one column per ticker (the trading calendar is its index).
    market : Series or str
        Market returns, or a column name of ``returns`` (e.g. '^GSPC').
    events : DataFrame or list of (ticker, date)
        DataFrame columns ticker, date, optional event_id.
    windows : sequence of (start, end)
        Event windows in sessions relative to day 0, inclusive, e.g. (-1, 1).
    estimation_window : int
        Sessions in the estimation window.
    gap : int
        Sessions between the end of the estimation window and day 0; the estimation window is
        sessions ``[-gap - estimation_window, -gap - 1]``. Must be >= -min(window starts).
    min_estimation : int, optional
        Fewest valid (asset and market) estimation returns accepted; default
        ``estimation_window // 2``. Fewer gives a NaN row with a note.
    model : {"market", "adjusted"}
        ``"market"``: expected return alpha + beta x benchmark, fitted over the estimation
        window; ``"adjusted"``: the benchmark's own return (alpha 0, beta 1).

    Returns
    -------
    EventStudyResult
    """
    frame = as_frame(returns, "returns")
    mkt = frame[market] if isinstance(market, str) else market
    if isinstance(market, str):
        require_columns(frame, [market], "returns")
    check_time_index(mkt, "market")
    mkt = mkt.astype(float).reindex(frame.index)
    windows = _check_windows(windows, gap, estimation_window)
    if model not in ("market", "adjusted"):
        raise InvalidInputError(f"model must be 'market' or 'adjusted', got {model!r}",
                                field="model", value=model)
    min_est = estimation_window // 2 if min_estimation is None else int(min_estimation)
    lo = min(a for a, _ in windows)
    hi = max(b for _, b in windows)
    rel_days = np.arange(lo, hi + 1)
    design = _Design(windows, rel_days, estimation_window, gap, min_est, model == "adjusted")
    rows, ars = [], {}
    m_arr = mkt.to_numpy()
    for _, e in _normalise_events(events).iterrows():
        event_rows, ar = _one_event(frame, m_arr, e, design)
        rows += event_rows
        if ar is not None:
            ars[e["event_id"]] = ar
    car = pd.DataFrame(rows).reindex(columns=CAR_COLUMNS)
    for c in ("car", "se", "t_stat", "p_value", "alpha", "beta", "sigma"):
        car[c] = car[c].astype(float)
    car["note"] = car["note"].fillna("")
    abnormal = pd.DataFrame(ars, index=pd.Index(rel_days, name="day"))
    caar = (
        abnormal.mean(axis=1).cumsum().rename("caar")
        if ars
        else pd.Series(dtype=float, name="caar")
    )
    return EventStudyResult(car=car, average=_average(car, windows), abnormal=abnormal, caar=caar)


def _check_windows(
    windows: Sequence[tuple[int, int]], gap: int, estimation_window: int
) -> list[tuple[int, int]]:
    """Windows as int pairs; raise if a window is reversed, the gap too short or the
    estimation window under 10 sessions."""
    out = [tuple(int(v) for v in w) for w in windows]
    if not out or any(a > b for a, b in out):
        raise InvalidInputError(f"windows must be (start, end) pairs with start <= end, got {out}")
    lo = min(a for a, _ in out)
    if gap < max(0, -lo):
        raise InvalidInputError(
            f"gap ({gap}) must be at least {-lo} so the estimation window ends before the "
            f"earliest event window starts at day {lo}"
        )
    if estimation_window < 10:
        raise InvalidInputError(
            f"estimation_window must be >= 10 sessions, got {estimation_window}"
        )
    return out


@dataclass(frozen=True)
class _Design:
    """The event-study design shared by every event (windows in sessions around day 0)."""

    windows: list[tuple[int, int]]
    rel_days: np.ndarray
    estimation_window: int
    gap: int
    min_estimation: int
    adjusted: bool = False


def _market_model(y: np.ndarray, x: np.ndarray) -> tuple[float, float, float, int]:
    """OLS ``y = alpha + beta * x`` over the finite pairs: (alpha, beta, sigma, n) with
    ``sigma`` the residual standard deviation (ddof = 2)."""
    ok = np.isfinite(y) & np.isfinite(x)
    xv, yv = x[ok], y[ok]
    beta = float(np.cov(yv, xv, ddof=1)[0, 1] / np.var(xv, ddof=1))
    alpha = float(yv.mean() - beta * xv.mean())
    resid = yv - alpha - beta * xv
    n_est = int(ok.sum())
    return alpha, beta, float(np.sqrt(resid @ resid / (n_est - 2))), n_est


def _one_event(
    frame: pd.DataFrame, m_arr: np.ndarray, e: pd.Series, d: _Design
) -> tuple[list[dict], np.ndarray | None]:
    """Estimate one event: its CAR rows (one per window) and its abnormal returns by
    relative day (None when the event cannot be estimated; the rows then carry a note)."""
    base = {"event_id": e["event_id"], "ticker": e["ticker"], "event_date": e["date"]}

    def fail(note: str, session=pd.NaT) -> tuple[list[dict], None]:
        return [
            {**base, "session": session, "window": window_label(w), "start": w[0],
             "end": w[1], "note": note}
            for w in d.windows
        ], None  # fmt: skip

    idx = frame.index
    if e["ticker"] not in frame.columns:
        return fail(f"ticker {e['ticker']} not in returns")
    session = next_session(idx, e["date"])
    if session is None:
        return fail("event after the last session in the data")
    p0 = idx.get_loc(session)
    est_a, est_b = p0 - d.gap - d.estimation_window, p0 - d.gap
    r_arr = frame[e["ticker"]].to_numpy()
    y = r_arr[max(est_a, 0) : max(est_b, 0)]
    x = m_arr[max(est_a, 0) : max(est_b, 0)]
    n_ok = int((np.isfinite(y) & np.isfinite(x)).sum())
    if n_ok < max(d.min_estimation, 3):
        return fail(f"only {n_ok} estimation returns (need {d.min_estimation})", session)
    if d.adjusted:
        ok = np.isfinite(y) & np.isfinite(x)
        alpha, beta, n_est = 0.0, 1.0, int(ok.sum())
        sigma = float(np.std((y - x)[ok], ddof=1))
    else:
        alpha, beta, sigma, n_est = _market_model(y, x)
    ar = np.full(d.rel_days.size, np.nan)
    for k, day in enumerate(d.rel_days):
        p = p0 + day
        if 0 <= p < len(idx):
            ar[k] = r_arr[p] - (alpha + beta * m_arr[p])
    rows = [{**base, "session": session, **_window_row(ar, w, d, sigma, n_est),
             "alpha": alpha, "beta": beta, "sigma": sigma, "n_estimation": n_est}
            for w in d.windows]
    return rows, ar


def _window_row(ar: np.ndarray, w: tuple[int, int], d: _Design, sigma: float,
                n_est: int) -> dict:
    """One window's CAR, standard error, t and p from an event's abnormal returns ``ar`` (by
    relative day); NaN when returns do not cover the whole window."""
    sel = (d.rel_days >= w[0]) & (d.rel_days <= w[1])
    vals = ar[sel]
    n_days = int(np.isfinite(vals).sum())
    full = n_days == sel.sum()
    car = float(np.nansum(vals)) if full else np.nan
    se = sigma * np.sqrt(n_days) if full else np.nan
    t = car / se if full and se > 0 else np.nan
    return {"window": window_label(w), "start": w[0], "end": w[1], "car": car, "se": se,
            "t_stat": t, "p_value": _student_p(t, n_est - (1 if d.adjusted else 2)),
            "n_days": n_days, "note": "" if full else "window not fully covered by returns"}


def car_statistics(sub: pd.DataFrame) -> dict[str, float | int]:
    """Cross-event statistics of CAR rows (columns ``car`` and ``se``; NaN rows ignored).

    ``n_events``, ``mean_car``, ``median_car``, ``std_car``, ``t_cross`` (cross-sectional t of
    the mean, robust to event-induced variance), ``p_cross`` (Student t, n - 1 df),
    ``t_pooled`` (sum of CARs over the root of the summed variances, independent events) and
    ``p_pooled`` (normal).
    """
    ok = sub[sub["car"].notna()]
    n = len(ok)
    mean = float(ok["car"].mean()) if n else np.nan
    sd = float(ok["car"].std(ddof=1)) if n > 1 else np.nan
    t_cross = mean / (sd / np.sqrt(n)) if n > 1 and sd > 0 else np.nan
    var_sum = float((ok["se"] ** 2).sum())
    t_pooled = float(ok["car"].sum() / np.sqrt(var_sum)) if n and var_sum > 0 else np.nan
    return {"n_events": n, "mean_car": mean,
            "median_car": float(ok["car"].median()) if n else np.nan, "std_car": sd,
            "t_cross": t_cross, "p_cross": _student_p(t_cross, n - 1), "t_pooled": t_pooled,
            "p_pooled": float(_normal_p(t_pooled))}


def _average(car: pd.DataFrame, windows: Sequence[tuple[int, int]]) -> pd.DataFrame:
    """Cross-event statistics per window (the ``average`` table of :class:`EventStudyResult`)."""
    return pd.DataFrame([
        {"window": window_label(w), "start": w[0], "end": w[1],
         **car_statistics(car[car["window"] == window_label(w)])}
        for w in windows])


def _normal_p(t: float) -> float:
    import math

    return math.erfc(abs(t) / math.sqrt(2.0)) if np.isfinite(t) else np.nan
