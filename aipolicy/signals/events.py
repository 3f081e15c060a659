"""Event studies (market model) and IPO studies.

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
) -> EventStudyResult:
    """Market-model event study.

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
    windows = [tuple(int(v) for v in w) for w in windows]
    if not windows or any(a > b for a, b in windows):
        raise InvalidInputError(
            f"windows must be (start, end) pairs with start <= end, got {windows}"
        )
    lo = min(a for a, _ in windows)
    hi = max(b for _, b in windows)
    if gap < max(0, -lo):
        raise InvalidInputError(
            f"gap ({gap}) must be at least {-lo} so the estimation window ends before the "
            f"earliest event window starts at day {lo}"
        )
    if estimation_window < 10:
        raise InvalidInputError(
            f"estimation_window must be >= 10 sessions, got {estimation_window}"
        )
    min_est = estimation_window // 2 if min_estimation is None else int(min_estimation)
    ev = _normalise_events(events)
    idx = frame.index
    rel_days = np.arange(lo, hi + 1)
    rows, ars = [], {}
    m_arr = mkt.to_numpy()
    for _, e in ev.iterrows():
        base = {"event_id": e["event_id"], "ticker": e["ticker"], "event_date": e["date"]}

        def fail(note, session=pd.NaT, base=base):
            for w in windows:
                rows.append(
                    {
                        **base,
                        "session": session,
                        "window": window_label(w),
                        "start": w[0],
                        "end": w[1],
                        "note": note,
                    }
                )

        if e["ticker"] not in frame.columns:
            fail(f"ticker {e['ticker']} not in returns")
            continue
        session = next_session(idx, e["date"])
        if session is None:
            fail("event after the last session in the data")
            continue
        p0 = idx.get_loc(session)
        est_a, est_b = p0 - gap - estimation_window, p0 - gap
        r_arr = frame[e["ticker"]].to_numpy()
        y = r_arr[max(est_a, 0) : max(est_b, 0)]
        x = m_arr[max(est_a, 0) : max(est_b, 0)]
        ok = np.isfinite(y) & np.isfinite(x)
        if ok.sum() < max(min_est, 3):
            fail(f"only {int(ok.sum())} estimation returns (need {min_est})", session)
            continue
        xv, yv = x[ok], y[ok]
        beta = float(np.cov(yv, xv, ddof=1)[0, 1] / np.var(xv, ddof=1))
        alpha = float(yv.mean() - beta * xv.mean())
        resid = yv - alpha - beta * xv
        n_est = int(ok.sum())
        sigma = float(np.sqrt(resid @ resid / (n_est - 2)))
        ar = np.full(rel_days.size, np.nan)
        for k, d in enumerate(rel_days):
            p = p0 + d
            if 0 <= p < len(idx):
                ar[k] = r_arr[p] - (alpha + beta * m_arr[p])
        ars[e["event_id"]] = ar
        for w in windows:
            sel = (rel_days >= w[0]) & (rel_days <= w[1])
            vals = ar[sel]
            n_days = int(np.isfinite(vals).sum())
            full = n_days == sel.sum()
            car = float(np.nansum(vals)) if full else np.nan
            se = sigma * np.sqrt(n_days) if full else np.nan
            t = car / se if full and se > 0 else np.nan
            rows.append(
                {
                    **base,
                    "session": session,
                    "window": window_label(w),
                    "start": w[0],
                    "end": w[1],
                    "car": car,
                    "se": se,
                    "t_stat": t,
                    "p_value": _student_p(t, n_est - 2),
                    "n_days": n_days,
                    "alpha": alpha,
                    "beta": beta,
                    "sigma": sigma,
                    "n_estimation": n_est,
                    "note": "" if full else "window not fully covered by returns",
                }
            )
    car = pd.DataFrame(rows).reindex(columns=CAR_COLUMNS)
    for c in ("car", "se", "t_stat", "p_value", "alpha", "beta", "sigma"):
        car[c] = car[c].astype(float)
    car["note"] = car["note"].fillna("")
    avg_rows = []
    for w in windows:
        sub = car[(car["window"] == window_label(w)) & car["car"].notna()]
        n = len(sub)
        mean = float(sub["car"].mean()) if n else np.nan
        sd = float(sub["car"].std(ddof=1)) if n > 1 else np.nan
        t_cross = mean / (sd / np.sqrt(n)) if n > 1 and sd > 0 else np.nan
        var_sum = float((sub["se"] ** 2).sum())
        t_pooled = float(sub["car"].sum() / np.sqrt(var_sum)) if n and var_sum > 0 else np.nan
        avg_rows.append(
            {
                "window": window_label(w),
                "start": w[0],
                "end": w[1],
                "n_events": n,
                "mean_car": mean,
                "median_car": float(sub["car"].median()) if n else np.nan,
                "std_car": sd,
                "t_cross": t_cross,
                "p_cross": _student_p(t_cross, n - 1),
                "t_pooled": t_pooled,
                "p_pooled": float(_normal_p(t_pooled)),
            }
        )
    abnormal = pd.DataFrame(ars, index=pd.Index(rel_days, name="day"))
    caar = (
        abnormal.mean(axis=1).cumsum().rename("caar")
        if ars
        else pd.Series(dtype=float, name="caar")
    )
    return EventStudyResult(car=car, average=pd.DataFrame(avg_rows), abnormal=abnormal, caar=caar)


def _normal_p(t: float) -> float:
    import math

    return math.erfc(abs(t) / math.sqrt(2.0)) if np.isfinite(t) else np.nan


def _ipo_frame(ipos: pd.DataFrame) -> pd.DataFrame:
    if (
        not isinstance(ipos, pd.DataFrame)
        or "ticker" not in ipos.columns
        or "first_trade_date" not in ipos.columns
    ):
        raise InvalidInputError(
            "ipos must be the IPO table: a DataFrame with at least columns ticker and "
            "first_trade_date (as load_ipos() returns)"
        )
    out = ipos.copy()
    out["first_trade_date"] = pd.to_datetime(out["first_trade_date"])
    return out


def ipo_bhar(
    prices: pd.DataFrame,
    ipos: pd.DataFrame,
    benchmark: str | pd.Series = "^GSPC",
    horizons: Sequence[int] = (20, 60, 120),
) -> pd.DataFrame:
    """Buy-and-hold abnormal returns of IPOs from their first close.

    Parameters
    ----------
    prices : DataFrame
        Daily price levels with a column per IPO ticker (NaN before listing).
    ipos : DataFrame
        IPO table (ticker, first_trade_date, optional offer_price).
    benchmark : str or Series
        Benchmark prices: a column of ``prices`` or a Series.
    horizons : sequence of int
        Sessions after the first close.

    Returns
    -------
    DataFrame indexed by ticker: first_trade_date, first_close_date (first price on or after
    the first trade date), first_close, offer_price, first_day_return (first close / offer - 1,
    NaN without an offer price), then for each horizon h: ``ret_h`` (P_h / P_0 - 1),
    ``bench_h`` (the benchmark over the same sessions) and ``bhar_h = ret_h - bench_h``. NaN
    when fewer than h sessions exist after the first close (never a partial horizon).
    ``note`` says why a row is empty: the ticker is absent, or the price data does not cover
    the first trade date (a later first price is not the first close, so no BHAR is computed
    from it).
    """
    frame = as_frame(prices, "prices")
    table = _ipo_frame(ipos)
    if isinstance(benchmark, str):
        require_columns(frame, [benchmark], "prices")
        bench = frame[benchmark]
    else:
        check_time_index(benchmark, "benchmark")
        bench = benchmark.astype(float).reindex(frame.index)
    rows = {}
    for _, ipo in table.iterrows():
        t = ipo["ticker"]
        row = {
            "first_trade_date": ipo["first_trade_date"],
            "first_close_date": pd.NaT,
            "first_close": np.nan,
            "offer_price": float(ipo["offer_price"])
            if "offer_price" in ipo and pd.notna(ipo.get("offer_price"))
            else np.nan,
        }
        row["first_day_return"] = np.nan
        for h in horizons:
            row[f"ret_{h}"] = row[f"bench_{h}"] = row[f"bhar_{h}"] = np.nan
        row["note"] = ""
        ftd = pd.Timestamp(ipo["first_trade_date"])
        listing_sessions = frame.index[frame.index >= ftd]
        if t not in frame.columns:
            row["note"] = f"{t} is not in the price data"
        elif frame.index[0] > ftd or not len(listing_sessions):
            # the data starts after the listing (or ends before it): the first price in the
            # frame is not the first close, so a BHAR from it would be mislabelled
            row["note"] = (
                f"price data covers {frame.index[0].date()} to {frame.index[-1].date()}, "
                f"not the first trade date {ftd.date()}"
            )
        else:
            s = frame[t].loc[ftd:].dropna()
            if len(s) and s.index[0] != listing_sessions[0]:
                row["note"] = (
                    f"no {t} price on the first session {listing_sessions[0].date()} "
                    f"(first price {s.index[0].date()})"
                )
            elif not len(s):
                row["note"] = f"no {t} price on or after {ftd.date()}"
            else:
                d0 = s.index[0]
                p0 = float(s.iloc[0])
                row.update(first_close_date=d0, first_close=p0)
                if np.isfinite(row["offer_price"]) and row["offer_price"] > 0:
                    row["first_day_return"] = p0 / row["offer_price"] - 1.0
                pos0 = frame.index.get_loc(d0)
                for h in horizons:
                    ph = pos0 + h
                    if ph < len(frame.index):
                        dh = frame.index[ph]
                        a, b0, bh = frame[t].iloc[ph], bench.loc[d0], bench.loc[dh]
                        if np.isfinite(a) and np.isfinite(b0) and np.isfinite(bh):
                            row[f"ret_{h}"] = a / p0 - 1.0
                            row[f"bench_{h}"] = bh / b0 - 1.0
                            row[f"bhar_{h}"] = row[f"ret_{h}"] - row[f"bench_{h}"]
        rows[t] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "ticker"
    return out


@dataclass(frozen=True)
class IpoPeerResult:
    """Output of :func:`ipo_peer_car`.

    Attributes
    ----------
    portfolio : EventStudyResult
        One event per IPO on the equal-weight portfolio of its peers (event_id = IPO ticker);
        the honest test, since peers share the event date.
    individual : EventStudyResult
        One event per (peer, IPO) pair (event_id ``"PEER@IPO"``), for detail.
    """

    portfolio: EventStudyResult
    individual: EventStudyResult


def ipo_peer_car(
    returns: pd.DataFrame,
    market: pd.Series | str,
    ipos: pd.DataFrame,
    peers: Sequence[str],
    *,
    windows: Sequence[tuple[int, int]] = ((-5, -1), (-1, 1), (0, 5), (0, 10)),
    estimation_window: int = 250,
    gap: int = 30,
    min_estimation: int | None = None,
) -> IpoPeerResult:
    """CAR of listed peers around each IPO's first trade date (does a big IPO pull money out
    of its peers?).

    Parameters
    ----------
    returns : DataFrame
        Simple daily returns with the peers' columns (and the market if given by name).
    market : Series or str
        Market returns or a column name.
    ipos : DataFrame
        IPO table (ticker, first_trade_date); day 0 = first trade session.
    peers : sequence of str
        Candidate peers; for each IPO the IPO's own ticker and tickers absent from
        ``returns`` are dropped, and so are peers with no return on day 0 (not listed yet).
    windows, estimation_window, gap, min_estimation
        As :func:`event_study`.

    Returns
    -------
    IpoPeerResult. A negative mean CAR with a significant ``t_stat`` in
    ``result.portfolio.car`` would support "the IPO pulled money out of its peers".
    """
    frame = as_frame(returns, "returns")
    table = _ipo_frame(ipos)
    mkt = frame[market] if isinstance(market, str) else market
    port_cols, port_events, indiv_events = {}, [], []
    for _, ipo in table.iterrows():
        t, date = ipo["ticker"], ipo["first_trade_date"]
        session = next_session(frame.index, date)
        listed = [
            p
            for p in peers
            if p != t
            and p in frame.columns
            and (session is None or pd.notna(frame[p].get(session)))
        ]
        if not listed:
            continue
        col = f"peers_of_{t}"
        port_cols[col] = frame[listed].mean(axis=1, skipna=True)
        port_events.append({"ticker": col, "date": date, "event_id": t})
        for p in listed:
            indiv_events.append({"ticker": p, "date": date, "event_id": f"{p}@{t}"})
    kw = {
        "windows": windows,
        "estimation_window": estimation_window,
        "gap": gap,
        "min_estimation": min_estimation,
    }
    if not port_events:
        raise InvalidInputError(
            f"no peer of any IPO has returns on the IPO date; peers given: {list(peers)[:10]}"
        )
    port = pd.DataFrame(port_cols, index=frame.index)
    return IpoPeerResult(
        portfolio=event_study(port, mkt, pd.DataFrame(port_events), **kw),
        individual=event_study(frame, mkt, pd.DataFrame(indiv_events), **kw),
    )
