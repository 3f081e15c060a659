"""IPO studies: coverage of the listings by the price data, buy-and-hold abnormal returns
(BHAR) from the first close, and the peers' abnormal returns around each listing.

One rule decides where an IPO's after-listing returns start (:func:`first_close`): the first
close is the price on the first session on or after the first trade date, and only when the
price data covers that date. A frame that starts later would measure from the wrong date, so
no return is computed from it. :func:`ipo_bhar` (a table by horizon) and :func:`ipo_paths` (the
path by session) share that rule and one buy-and-hold computation (:func:`buy_and_hold`).

Units: prices in the data's currency; returns and BHARs are simple-return fractions
(0.05 = 5 %); horizons and paths are in trading sessions after the first close.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError

from ._checks import as_frame, check_time_index, require_columns
from .events import EventStudyResult, event_study, next_session


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


def _benchmark(frame: pd.DataFrame, benchmark: str | pd.Series) -> pd.Series:
    if isinstance(benchmark, str):
        require_columns(frame, [benchmark], "prices")
        return frame[benchmark]
    check_time_index(benchmark, "benchmark")
    return benchmark.astype(float).reindex(frame.index)


def _as_ipo_table(ipos: pd.DataFrame | Mapping[str, Any]) -> pd.DataFrame:
    if isinstance(ipos, Mapping):
        ipos = pd.DataFrame(
            {"ticker": list(ipos), "first_trade_date": pd.to_datetime(list(ipos.values()))}
        )
    return _ipo_frame(ipos)


def first_close(
    prices: pd.DataFrame, ticker: str, first_trade_date: Any
) -> tuple[pd.Timestamp | None, str]:
    """The session of an IPO's first close in ``prices``, with the listing-date guard.

    Parameters
    ----------
    prices : DataFrame
        Daily prices (dates x tickers), NaN before listing.
    ticker : str
    first_trade_date : date-like

    Returns
    -------
    (first close date, "") or (None, note): the note says why there is none: the ticker is
    absent, the data do not cover the first trade date (a later first price is not the first
    close), or there is no price on the first session on or after it.
    """
    ftd = pd.Timestamp(first_trade_date)
    listing_sessions = prices.index[prices.index >= ftd]
    if ticker not in prices.columns:
        return None, f"{ticker} is not in the price data"
    if prices.index[0] > ftd or not len(listing_sessions):
        # the data starts after the listing (or ends before it): the first price in the
        # frame is not the first close, so a BHAR from it would be mislabelled
        return None, (
            f"price data covers {prices.index[0].date()} to {prices.index[-1].date()}, "
            f"not the first trade date {ftd.date()}"
        )
    s = prices[ticker].loc[ftd:].dropna()
    if not len(s):
        return None, f"no {ticker} price on or after {ftd.date()}"
    if s.index[0] != listing_sessions[0]:
        return None, (
            f"no {ticker} price on the first session {listing_sessions[0].date()} "
            f"(first price {s.index[0].date()})"
        )
    return s.index[0], ""


def buy_and_hold(
    prices: pd.Series, benchmark: pd.Series, start: pd.Timestamp, sessions: int
) -> pd.DataFrame:
    """Buy-and-hold returns from the close of ``start`` for sessions 0..``sessions``.

    Parameters
    ----------
    prices, benchmark : Series
        Daily prices on the same calendar (the benchmark reindexed to the prices' dates).
    start : Timestamp
        Session bought at the close (a date of the index, e.g. :func:`first_close`).
    sessions : int
        Last session after ``start``.

    Returns
    -------
    DataFrame indexed by ``session`` (0..sessions) with ``ret`` (P_t / P_0 - 1), ``bench``
    (B_t / B_0 - 1) and ``bhar`` (ret - bench), fractions; a session past the data's end, or
    where either price is missing, is NaN in all three.
    """
    pos0 = prices.index.get_loc(start)
    p = prices.to_numpy(dtype=float)[pos0 : pos0 + sessions + 1]
    b = benchmark.to_numpy(dtype=float)[pos0 : pos0 + sessions + 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        ret = p / p[0] - 1.0
        bench = b / b[0] - 1.0
    ok = np.isfinite(ret) & np.isfinite(bench)
    ret, bench = np.where(ok, ret, np.nan), np.where(ok, bench, np.nan)
    out = pd.DataFrame({"ret": ret, "bench": bench, "bhar": ret - bench})
    out = out.reindex(range(sessions + 1))
    out.index.name = "session"
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
    ``note`` says why a row is empty (see :func:`first_close`).
    """
    frame = as_frame(prices, "prices")
    table = _ipo_frame(ipos)
    bench = _benchmark(frame, benchmark)
    longest = max((int(h) for h in horizons), default=0)
    rows = {}
    for _, ipo in table.iterrows():
        t = ipo["ticker"]
        offer = ipo.get("offer_price") if "offer_price" in ipo else np.nan
        row = {
            "first_trade_date": ipo["first_trade_date"],
            "first_close_date": pd.NaT,
            "first_close": np.nan,
            "offer_price": float(offer) if pd.notna(offer) else np.nan,
            "first_day_return": np.nan,
        }
        for h in horizons:
            row[f"ret_{h}"] = row[f"bench_{h}"] = row[f"bhar_{h}"] = np.nan
        d0, row["note"] = first_close(frame, t, ipo["first_trade_date"])
        if d0 is not None:
            p0 = float(frame[t].loc[d0])
            row.update(first_close_date=d0, first_close=p0)
            if np.isfinite(row["offer_price"]) and row["offer_price"] > 0:
                row["first_day_return"] = p0 / row["offer_price"] - 1.0
            path = buy_and_hold(frame[t], bench, d0, longest)
            for h in horizons:
                row[f"ret_{h}"], row[f"bench_{h}"], row[f"bhar_{h}"] = path.loc[h]
        rows[t] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "ticker"
    return out


def ipo_paths(
    prices: pd.DataFrame,
    ipos: pd.DataFrame | Mapping[str, Any],
    benchmark: str | pd.Series = "^GSPC",
    max_sessions: int = 120,
) -> pd.DataFrame:
    """Buy-and-hold abnormal return path of each IPO from its first close.

    Parameters
    ----------
    prices : DataFrame
        Daily prices (dates x tickers), NaN before listing.
    ipos : DataFrame or mapping
        IPO table (ticker, first_trade_date) or {ticker: first trade date}.
    benchmark : str or Series
        As :func:`ipo_bhar`.
    max_sessions : int
        Last session after the first close.

    Returns
    -------
    DataFrame indexed by ``session`` (0..max_sessions), one column per IPO that has a first
    close in the data (:func:`first_close`: the same guard as :func:`ipo_bhar`):
    ``(P_t / P_0 - 1) - (B_t / B_0 - 1)`` (fractions); NaN past the data's end. Its values at
    the horizons equal :func:`ipo_bhar`'s ``bhar_h``.
    """
    frame = as_frame(prices, "prices")
    table = _as_ipo_table(ipos)
    bench = _benchmark(frame, benchmark)
    out = {}
    for _, ipo in table.iterrows():
        t = ipo["ticker"]
        d0, _note = first_close(frame, t, ipo["first_trade_date"])
        if d0 is not None:
            out[t] = buy_and_hold(frame[t], bench, d0, int(max_sessions))["bhar"]
    paths = pd.DataFrame(out, index=pd.RangeIndex(int(max_sessions) + 1, name="session"))
    return paths


def ipo_coverage(prices: pd.DataFrame, ipos: pd.DataFrame, slack_days: int = 7) -> pd.DataFrame:
    """Which IPOs the price data covers from their listing on.

    Parameters
    ----------
    prices : DataFrame
        Daily prices (columns = tickers).
    ipos : DataFrame
        IPO table with ``ticker`` and ``first_trade_date``.
    slack_days : int
        A ticker counts as covered when its first price falls within this many calendar days
        of its first trade date (a frame that starts later would measure from the wrong date).

    Returns
    -------
    DataFrame indexed by ticker: first_trade_date, first_price_date (NaT if no price),
    in_calendar (the first trade date lies inside the data's date span, for event studies),
    covered (bool) and note (why not covered, else "").
    """
    rows = {}
    span_lo, span_hi = (prices.index[0], prices.index[-1]) if len(prices) else (None, None)
    for _, ipo in ipos.iterrows():
        t, d = str(ipo["ticker"]), pd.Timestamp(ipo["first_trade_date"])
        s = prices[t].dropna() if t in prices.columns else pd.Series(dtype=float)
        first = s.index[0] if len(s) else pd.NaT
        in_cal = span_lo is not None and span_lo <= d <= span_hi
        if not len(s):
            note = "no prices in the data"
        elif first > d + pd.Timedelta(days=slack_days):
            note = f"prices start {first.date()}, after the listing on {d.date()}"
        elif first < d - pd.Timedelta(days=slack_days):
            note = f"prices start {first.date()}, before the listing on {d.date()}"
        else:
            note = ""
        if not in_cal and span_lo is not None:
            note = (note + "; " if note else "") + (
                f"listing date outside the data ({span_lo.date()} to {span_hi.date()})"
            )
        rows[t] = {
            "first_trade_date": d,
            "first_price_date": first,
            "in_calendar": in_cal,
            "covered": note == "",
            "note": note,
        }
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
