"""Notebook 05's tables: the curated IPO facts with their sources, buy-and-hold abnormal returns
after listing, and the peers' cumulative abnormal returns around each IPO, formatted for
people (returns in percent, prices in USD, dates as YYYY-MM-DD)."""

from __future__ import annotations

import re

import pandas as pd

from aipolicy.nb.tables import (
    Col,
    Table,
    any_missing,
    people_table,
    pick_columns,
)

__all__ = ["bhar_view", "first_close_basis", "ipo_facts_view", "peer_car_view"]


# --------------------------------------------------------------------------- 05
def ipo_facts_view(ipos: pd.DataFrame, *, sources: bool = False) -> Table:
    """The curated IPO facts (:func:`aipolicy.marketdata.load_ipos`).

    Parameters
    ----------
    ipos : DataFrame
        The IPO table or its rows (``ticker`` as a column or the index; ``company``,
        ``first_trade_date``, ``offer_price``, ``range_low``, ``range_high`` in USD per share,
        ``proceeds_usd`` in USD, ``first_day_close``, ``verified``; and ``source``, ``as_of``).
    sources : bool
        Also show the ``source`` and ``as_of`` columns.

    Returns
    -------
    Table
        Prices in USD per share (2 decimals), proceeds in USD billions, dates as
        ``YYYY-MM-DD``, ``verified`` as yes/no; ``—`` where the sources give no figure.

    Raises
    ------
    ValueError
        If ``proceeds_usd`` looks already scaled to billions (every value below 1e6), so a
        frame prepared for the old display is not shown as ``$0.00 bn``.
    """
    df = ipos.set_index("ticker") if "ticker" in ipos.columns else ipos
    if "proceeds_usd" in df.columns:
        vals = pd.to_numeric(df["proceeds_usd"], errors="coerce").dropna()
        if len(vals) and (vals.abs() < 1e6).all():
            raise ValueError("proceeds_usd must be in USD (pass the IPO table itself, not "
                             "proceeds scaled to billions)")
    per_share = "USD per share"
    cols = {
        "company": Col("text"),
        "first_trade_date": Col("date", header="first trade"),
        "offer_price": Col("usd", header="offer price", unit=per_share, decimals=2),
        "range_low": Col("usd", header="range low", unit=per_share, decimals=2),
        "range_high": Col("usd", header="range high", unit=per_share, decimals=2),
        "proceeds_usd": Col("usd", header="proceeds", scale="bn", decimals=2),
        "first_day_close": Col("usd", header="first-day close", unit=per_share, decimals=2),
        "verified": Col("bool", header="verified"),
    }
    if sources:
        cols["source"] = Col("source")
        cols["as_of"] = Col("date", header="as of")
    frame = pick_columns(df, cols)
    notes = ["—: not given by the sources."] if any_missing(frame) else []
    if "verified" in frame.columns:
        notes.append("verified “yes”: a primary document (prospectus or SEC filing) confirms "
                     "the figures; “no”: they rest on secondary reports.")
    return people_table(frame, cols, index="ticker", footnote=notes)


def _horizons(frame: pd.DataFrame) -> list[int]:
    found = {int(m.group(1)) for c in frame.columns
             if (m := re.fullmatch(r"(?:ret|bhar|bench)_(\d+)", str(c)))}
    return sorted(found)


def first_close_basis(bhar: pd.DataFrame, ipos: pd.DataFrame, synthetic: bool
                      ) -> dict[str, str] | None:
    """Where each IPO's first close in :func:`bhar_view` comes from, when the prices are the
    synthetic sample (None for real data: every close is then the data's own).

    The sample starts an IPO at its sourced first-day close where the curated table gives one
    (:data:`aipolicy.marketdata.synthetic_params.FIRST_DAY_CLOSE`): that close, and the
    first-day return from it, are real; every other price of the sample is synthetic.

    Parameters
    ----------
    bhar : DataFrame
        Indexed by ticker (:func:`aipolicy.signals.ipo_bhar`).
    ipos : DataFrame
        The curated IPO rows (``ticker``, ``source``).
    synthetic : bool
        Whether the prices are the synthetic sample.

    Returns
    -------
    dict or None
        Ticker -> ``"real: curated table (<source>)"`` or ``"synthetic"``.
    """
    if not synthetic:
        return None
    from aipolicy.marketdata.synthetic_params import FIRST_DAY_CLOSE

    sources = (ipos.set_index("ticker") if "ticker" in ipos.columns else ipos)["source"]
    return {str(t): (f"real: curated table ({sources.get(t, 'no source')})"
                     if t in FIRST_DAY_CLOSE else "synthetic") for t in bhar.index}


def bhar_view(bhar: pd.DataFrame, *, benchmark: bool = False,
              basis: dict[str, str] | None = None) -> Table:
    """Buy-and-hold abnormal returns after listing, from :func:`aipolicy.signals.ipo_bhar`.

    Parameters
    ----------
    bhar : DataFrame
        Indexed by ticker; ``first_close_date``, ``first_close`` (USD per share),
        ``first_day_return`` and, per horizon ``h`` (sessions), ``ret_h``, ``bench_h``,
        ``bhar_h`` (fractions; NaN when the horizon has not elapsed).
    benchmark : bool
        Also show the benchmark's return per horizon.
    basis : dict, optional
        Ticker -> where its first close comes from (:func:`first_close_basis`), shown in a
        column beside it, so a sourced real close and synthetic ones never share the column
        unlabelled.

    Returns
    -------
    Table
        First close date and price (and its basis), then returns and BHAR in percent (signed,
        1 decimal); ``—`` for horizons not yet elapsed.
    """
    cols: dict[str, Col] = {
        "first_close_date": Col("date", header="first close date"),
        "first_close": Col("usd", header="first close", unit="USD per share", decimals=2),
        "first_close_basis": Col("text", header="first close is"),
        "first_day_return": Col("pct", header="first-day return", signed=True),
    }
    if basis is not None:
        bhar = bhar.assign(first_close_basis=[basis.get(str(t), "synthetic")
                                              for t in bhar.index])
    for h in _horizons(bhar):
        cols[f"ret_{h}"] = Col("pct", header=f"return, {h} sessions", signed=True)
        if benchmark:
            cols[f"bench_{h}"] = Col("pct", header=f"benchmark, {h} sessions", signed=True)
        cols[f"bhar_{h}"] = Col("pct", header=f"BHAR, {h} sessions", signed=True)
    frame = pick_columns(bhar, cols)
    notes = ["—: the horizon has not elapsed in the data."] if any_missing(
        frame, [c for c in cols if c.startswith(("ret_", "bench_", "bhar_"))]) else []
    if basis is not None and any(v != "synthetic" for v in basis.values()):
        notes.append("First close “real”: the sample starts that IPO at its sourced first-day "
                     "close, so the close and the first-day return are real; every later "
                     "price and every other close are synthetic.")
    return people_table(frame, cols, index="ticker", footnote=notes)


def peer_car_view(car: pd.DataFrame) -> Table:
    """Peers' cumulative abnormal returns around each IPO (:func:`aipolicy.signals.ipo_peer_car`).

    Parameters
    ----------
    car : DataFrame
        ``peer.portfolio.car`` (``event_id``, ``window`` as columns or the index; ``car``
        (fraction), ``t_stat``, ``p_value``, ``n_estimation`` (sessions), ``note``).

    Returns
    -------
    Table
        CAR in percent (signed, 2 decimals), t and p-value with 2 decimals, estimation
        sessions as a whole number, the note whole.
    """
    keys = [k for k in ("event_id", "window") if k in car.columns]
    df = car.set_index(keys) if keys else car
    cols = {
        "car": Col("pct", header="CAR", decimals=2, signed=True, missing="n/a"),
        "t_stat": Col("number", header="t", decimals=2, missing="n/a"),
        "p_value": Col("number", header="p-value", decimals=2, missing="n/a"),
        "n_estimation": Col("int", header="estimation sessions"),
        "note": Col("text", missing=""),
    }
    frame = pick_columns(df, cols)
    names = ["IPO" if n == "event_id" else "window (sessions around day 0)" if n == "window"
             else ("" if n is None else str(n)) for n in frame.index.names]
    notes = ["n/a: see the note."] if any_missing(frame, ["car", "t_stat", "p_value"]) else []
    return people_table(frame, cols, index=names, footnote=notes)
