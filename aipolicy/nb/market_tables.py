"""The market notebooks' tables (03-06), formatted for people.

Each view takes the DataFrame the notebook already computes with :mod:`aipolicy.signals` (or
:mod:`aipolicy.costs`) and returns a :class:`~aipolicy.nb.tables.Table`: returns, volatility,
drawdowns and shares in percent (inputs are fractions), Sharpe ratios and betas with 2 decimals,
counts and ranks as whole numbers, dates as ``YYYY-MM-DD``, money in USD, and a footnote saying
what ``—`` or ``n/a`` means. The views pick the columns they know from whatever subset they are
given, in a fixed order; nothing here computes a statistic.

Views
-----
``performance_view(perf)``                 03: per-ticker or per-basket performance
``momentum_view(mom)``                     03: momentum scores and ranks
``passive_active_view(pva)``               03: index vs equal weight vs momentum rotation
``regime_view(regime, rows=6)``            04: the latest months' inflation regime
``inflation_regression_view(reg)``         04: returns on inflation surprises
``real_returns_view(ann)``                 04: nominal and real annualised returns
``ipo_facts_view(ipos)``                   05: the curated IPO facts
``bhar_view(bhar)``                        05: buy-and-hold abnormal returns after listing
``peer_car_view(car)``                     05: peers' cumulative abnormal returns
``breakeven_trends_view(econ)``            06: self-hosting break-even under price trends
``basket_scorecard_view(card)``            06: the basket scorecard
``claims_view(checked, claims)``           06: the claims check
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from aipolicy.nb.tables import Col, Table, format_value, people_table

__all__ = [
    "CLAIM_UNITS",
    "basket_scorecard_view",
    "bhar_view",
    "breakeven_trends_view",
    "claims_view",
    "inflation_regression_view",
    "ipo_facts_view",
    "momentum_view",
    "passive_active_view",
    "peer_car_view",
    "performance_view",
    "real_returns_view",
    "regime_view",
]


def _pick(frame: pd.DataFrame, cols: Mapping[str, Col]) -> pd.DataFrame:
    return frame[[c for c in cols if c in frame.columns]]


def _any_missing(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> bool:
    sub = frame if columns is None else frame[[c for c in columns if c in frame.columns]]
    if sub.shape[1] == 0:
        return False
    return bool(sub.isna().to_numpy().any())


def _as_of_caption(frame: pd.DataFrame) -> str | None:
    as_of = frame.attrs.get("as_of")
    if as_of is None:
        return None
    return f"as of {format_value(as_of, Col('date'))}"


# --------------------------------------------------------------------------- 03
_PERFORMANCE = {
    "n_periods": Col("int", header="sessions"),
    "ann_return": Col("pct", header="annual return"),
    "ann_vol": Col("pct", header="annual volatility"),
    "sharpe": Col("number", header="Sharpe", decimals=2, missing="n/a"),
    "max_drawdown": Col("pct", header="max drawdown"),
    "beta": Col("number", header="beta", decimals=2, missing="n/a"),
}


def performance_view(perf: pd.DataFrame) -> Table:
    """Per-ticker (or per-basket) performance from :func:`aipolicy.signals.performance_table`.

    Parameters
    ----------
    perf : DataFrame
        Indexed by ticker; any of ``n_periods`` (sessions), ``ann_return``, ``ann_vol``,
        ``max_drawdown`` (fractions), ``sharpe``, ``beta``.

    Returns
    -------
    Table
        Sessions as a whole number, annualised return, volatility and maximum drawdown in
        percent (1 decimal), Sharpe ratio and beta with 2 decimals.
    """
    frame = _pick(perf, _PERFORMANCE)
    notes = ["n/a: too few returns to estimate."] if _any_missing(frame) else []
    cols = {k: Col(v.kind, header=v.header, decimals=v.decimals, missing="n/a")
            for k, v in _PERFORMANCE.items()}
    return people_table(frame, cols, index="ticker", footnote=notes)


def momentum_view(mom: pd.DataFrame) -> Table:
    """Momentum scores from :func:`aipolicy.signals.momentum_scores`.

    Parameters
    ----------
    mom : DataFrame
        Indexed by ticker; ``mom_12_1``, ``mom_6_1``, ``mom_3`` (fractions), ``composite``
        (mean percentile rank, 0-1), ``rank`` (1 = strongest); ``attrs['as_of']`` becomes the
        caption.

    Returns
    -------
    Table
        Momentum in percent (signed, 1 decimal), composite with 2 decimals, rank as a whole
        number; ``n/a`` where a ticker lacks the history for a horizon.
    """
    cols = {
        "mom_12_1": Col("pct", header="12-1 momentum", signed=True, missing="n/a"),
        "mom_6_1": Col("pct", header="6-1 momentum", signed=True, missing="n/a"),
        "mom_3": Col("pct", header="3-month momentum", signed=True, missing="n/a"),
        "composite": Col("number", header="composite score", unit="0-1", decimals=2,
                         missing="n/a"),
        "rank": Col("int", missing="n/a"),
    }
    frame = _pick(mom, cols)
    notes = ["n/a: not enough price history for that horizon."] if _any_missing(frame) else []
    return people_table(frame, cols, index="ticker", caption=_as_of_caption(mom),
                        footnote=notes)


def passive_active_view(pva: pd.DataFrame) -> Table:
    """Index vs equal weight vs momentum rotation, from :func:`aipolicy.signals.passive_vs_active`.

    Parameters
    ----------
    pva : DataFrame
        Indexed by strategy; ``first_date``, ``last_date``, ``ann_return``, ``ann_vol``,
        ``sharpe``, ``max_drawdown``, ``annual_turnover``, ``annual_cost`` (fractions a year),
        ``rank_sharpe``.

    Returns
    -------
    Table
        Dates as ``YYYY-MM-DD``; returns, volatility, drawdown and turnover in percent
        (1 decimal), trading cost in percent a year (2 decimals), Sharpe with 2 decimals, the
        rank as a whole number.
    """
    cols = {
        "first_date": Col("date", header="from"),
        "last_date": Col("date", header="to"),
        "ann_return": Col("pct", header="annual return"),
        "ann_vol": Col("pct", header="annual volatility"),
        "sharpe": Col("number", header="Sharpe", decimals=2, missing="n/a"),
        "max_drawdown": Col("pct", header="max drawdown"),
        "annual_turnover": Col("pct", header="turnover", unit="% a year"),
        "annual_cost": Col("pct", header="trading cost", unit="% a year", decimals=2),
        "rank_sharpe": Col("int", header="rank by Sharpe"),
    }
    return people_table(_pick(pva, cols), cols, index="strategy")


# --------------------------------------------------------------------------- 04
def regime_view(regime: pd.DataFrame, rows: int | None = 6) -> Table:
    """The latest months' inflation regime, from :func:`aipolicy.signals.inflation_regime`.

    Parameters
    ----------
    regime : DataFrame
        Indexed by month (dates or ``YYYY-MM`` labels); ``yoy`` (fraction a year),
        ``change`` (3-month change of ``yoy``, a fraction), ``regime``.
    rows : int or None
        Show the last ``rows`` months (None: all).

    Returns
    -------
    Table
        Months as ``YYYY-MM``; inflation in percent a year and its change in percentage
        points, 2 decimals each; the regime label.
    """
    frame = regime if rows is None else regime.tail(rows)
    frame = frame.copy()
    if isinstance(frame.index, pd.DatetimeIndex):
        frame.index = frame.index.strftime("%Y-%m")
    cols = {
        "yoy": Col("pct", header="inflation", unit="% a year", decimals=2),
        "change": Col("pp", header="3-month change", signed=True),
        "regime": Col("text"),
    }
    return people_table(_pick(frame, cols), cols, index="month")


def inflation_regression_view(reg: pd.DataFrame) -> Table:
    """Monthly excess returns regressed on inflation surprises (Newey-West errors).

    Parameters
    ----------
    reg : DataFrame
        Indexed by (``surprise``, ``ticker``) or ``ticker``; ``beta`` (excess return per unit
        of surprise), ``beta_se``, ``beta_t``, ``beta_p``, ``r_squared``, ``n_obs`` (months),
        ``hac_lags``.

    Returns
    -------
    Table
        Beta, its standard error and t with 2 decimals, p-value and R² with 3 decimals,
        months and lags as whole numbers.
    """
    cols = {
        "beta": Col("number", decimals=2, missing="n/a"),
        "beta_se": Col("number", header="std. error (HAC)", decimals=2, missing="n/a"),
        "beta_t": Col("number", header="t", decimals=2, missing="n/a"),
        "beta_p": Col("number", header="p-value", decimals=3, missing="n/a"),
        "r_squared": Col("number", header="R²", decimals=3, missing="n/a"),
        "n_obs": Col("int", header="months"),
        "hac_lags": Col("int", header="HAC lags"),
    }
    frame = _pick(reg, cols)
    notes = ["n/a: not estimable with these months."] if _any_missing(frame) else []
    return people_table(frame, cols, footnote=notes)


def real_returns_view(ann: pd.DataFrame) -> Table:
    """Nominal and real (CPI-deflated) returns per basket.

    Parameters
    ----------
    ann : DataFrame
        Indexed by basket; ``nominal``, ``real``, ``inflation drag`` (fractions: annualised,
        or totals for spans under a year, as the notebook says).

    Returns
    -------
    Table
        All three in percent, 1 decimal.
    """
    cols = {c: Col("pct", missing="n/a") for c in ("nominal", "real", "inflation drag")}
    return people_table(_pick(ann, cols), cols, index="basket")


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
    frame = _pick(df, cols)
    notes = ["—: not given by the sources."] if _any_missing(frame) else []
    if "verified" in frame.columns:
        notes.append("verified “no”: a figure rests on a single or unconfirmed source.")
    return people_table(frame, cols, index="ticker", footnote=notes)


def _horizons(frame: pd.DataFrame) -> list[int]:
    found = {int(m.group(1)) for c in frame.columns
             if (m := re.fullmatch(r"(?:ret|bhar|bench)_(\d+)", str(c)))}
    return sorted(found)


def bhar_view(bhar: pd.DataFrame, *, benchmark: bool = False) -> Table:
    """Buy-and-hold abnormal returns after listing, from :func:`aipolicy.signals.ipo_bhar`.

    Parameters
    ----------
    bhar : DataFrame
        Indexed by ticker; ``first_close_date``, ``first_close`` (USD per share),
        ``first_day_return`` and, per horizon ``h`` (sessions), ``ret_h``, ``bench_h``,
        ``bhar_h`` (fractions; NaN when the horizon has not elapsed).
    benchmark : bool
        Also show the benchmark's return per horizon.

    Returns
    -------
    Table
        First close date and price, then returns and BHAR in percent (signed, 1 decimal);
        ``—`` for horizons not yet elapsed.
    """
    cols: dict[str, Col] = {
        "first_close_date": Col("date", header="first close date"),
        "first_close": Col("usd", header="first close", unit="USD per share", decimals=2),
        "first_day_return": Col("pct", header="first-day return", signed=True),
    }
    for h in _horizons(bhar):
        cols[f"ret_{h}"] = Col("pct", header=f"return, {h} sessions", signed=True)
        if benchmark:
            cols[f"bench_{h}"] = Col("pct", header=f"benchmark, {h} sessions", signed=True)
        cols[f"bhar_{h}"] = Col("pct", header=f"BHAR, {h} sessions", signed=True)
    frame = _pick(bhar, cols)
    notes = ["—: the horizon has not elapsed in the data."] if _any_missing(
        frame, [c for c in cols if c.startswith(("ret_", "bench_", "bhar_"))]) else []
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
    frame = _pick(df, cols)
    names = ["IPO" if n == "event_id" else "window (sessions around day 0)" if n == "window"
             else ("" if n is None else str(n)) for n in frame.index.names]
    notes = ["n/a: see the note."] if _any_missing(frame, ["car", "t_stat", "p_value"]) else []
    return people_table(frame, cols, index=names, footnote=notes)


# --------------------------------------------------------------------------- 06
def breakeven_trends_view(econ: pd.DataFrame) -> Table:
    """The self-hosting break-even under API price trends (:func:`aipolicy.costs.trends.breakeven_trends`).

    Parameters
    ----------
    econ : DataFrame
        Indexed by case; ``api_price_decline_annual`` (fraction), ``api_price_factor``,
        ``reached``, ``breakeven_requests_per_day``, ``breakeven_tokens_per_day`` (NaN when
        not reached), ``source``.

    Returns
    -------
    Table
        The price factor with 2 decimals, break-even in requests/day and M tokens/day
        (``not reached`` when self-hosting never breaks even in the searched volumes).
    """
    cols = {
        "api_price_decline_annual": Col("pct", header="API price decline", unit="% a year",
                                        decimals=0),
        "api_price_factor": Col("number", header="API price factor", unit="× today",
                                decimals=2),
        "reached": Col("bool", header="break-even reached"),
        "breakeven_requests_per_day": Col("number", header="break-even", unit="requests/day",
                                          decimals=0, missing="not reached"),
        "breakeven_tokens_per_day": Col("tokens_per_day", header="break-even",
                                        missing="not reached"),
        "source": Col("source"),
    }
    return people_table(_pick(econ, cols), cols, index="case")


def basket_scorecard_view(card: pd.DataFrame) -> Table:
    """The basket scorecard (:func:`aipolicy.signals.basket_scorecard`).

    Parameters
    ----------
    card : DataFrame
        Indexed by basket; ``n_members``, ``total_return``, ``mom_12_1``, ``mom_3``,
        ``rs_change_3m`` (fractions), ``relative_strength`` (ratio, 1 = level with the
        benchmark), ``inflation_beta``, ``inflation_beta_t``, ``reading``.

    Returns
    -------
    Table
        Members as a whole number; returns and momentum in percent (signed, 1 decimal);
        relative strength, inflation beta and its t with 2 decimals; ``n/a`` where the data
        does not allow a figure.
    """
    cols = {
        "n_members": Col("int", header="members"),
        "total_return": Col("pct", header="total return", signed=True, missing="n/a"),
        "mom_12_1": Col("pct", header="12-1 momentum", signed=True, missing="n/a"),
        "mom_3": Col("pct", header="3-month momentum", signed=True, missing="n/a"),
        "relative_strength": Col("number", header="relative strength", unit="1 = level",
                                 decimals=2, missing="n/a"),
        "rs_change_3m": Col("pct", header="change in relative strength, 3 months",
                            signed=True, missing="n/a"),
        "inflation_beta": Col("number", header="inflation beta", decimals=2, missing="n/a"),
        "inflation_beta_t": Col("number", header="t", decimals=2, missing="n/a"),
        "reading": Col("text"),
    }
    frame = _pick(card, cols)
    notes = ["n/a: the data does not allow this figure (too little history or no CPI)."] \
        if _any_missing(frame) else []
    return people_table(frame, cols, index="basket", footnote=notes)


# --------------------------------------------------------------------------- claims
#: Claim metric -> (display unit, how its values are shown: ``pct``, ``int``, ``ratio``,
#: ``usd``, ``none``).
CLAIM_UNITS: dict[str, tuple[str, str]] = {
    "max_rally": ("rise from low to high (%)", "pct"),
    "cpi_yoy_high": ("months back to a month at least as high", "int"),
    "record_high": ("window high ÷ all-time high before it (above 1 = new record)", "ratio"),
    "ipo_proceeds": ("USD", "usd"),
    "basket_outperformance": ("basket minus index total return (%)", "pct"),
    "jobs_market": ("payroll gain, thousand jobs a month", "int"),
    "index_vs_picks": ("share of stock picks behind the index (%)", "pct"),
    "attribution": ("", "none"),
}

_COMPARISONS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "approx": "≈"}


def _usd_scale(x: float) -> str | None:
    if abs(x) >= 1e9:
        return "bn"
    if abs(x) >= 1e6:
        return "M"
    return None


def _claim_value(x: Any, style: str, scale: str | None = None, *, signed: bool = False) -> str:
    """One claim figure in the claim's display unit (``n/a`` when missing)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "n/a" if x is None else str(x)
    if not math.isfinite(v):
        return "n/a"
    if style == "pct":
        return format_value(v, Col("pct", signed=signed))
    if style == "int":
        return format_value(v, Col("int"))
    if style == "ratio":
        return format_value(v, Col("number", decimals=3))
    if style == "usd":
        return format_value(v, Col("usd", scale=scale))
    return format_value(v, Col("number"))


def _claim_test(spec: Mapping[str, Any], metric: Any, threshold: Any, style: str,
                scale: str | None) -> str:
    """The test a claim must pass, in its unit (``≥ 700.0 %``, ``≈ $5.5 bn ± $0.28 bn``)."""
    if metric == "attribution":
        return "none: an attribution"
    comparison = str(spec.get("comparison", ""))
    test = f"{_COMPARISONS.get(comparison, comparison)} {_claim_value(threshold, style, scale)}"
    if comparison == "approx" and spec.get("tolerance") is not None:
        test += f" ± {_claim_value(spec['tolerance'], style, scale)}"
    if metric == "jobs_market":
        rise = float(spec.get("unemployment_rise_max", 0.0))
        test += f" and unemployment up at most {rise:+.1f} pp in 12 months"
    return test.strip()


def claims_view(checked: pd.DataFrame, claims: Sequence[Mapping[str, Any]] | None = None, *,
                units: Mapping[str, str] | None = None) -> Table:
    """The claims check (:func:`aipolicy.signals.check_claims`), one row per claim.

    Parameters
    ----------
    checked : DataFrame
        ``check_claims`` output: ``claim_id``, ``metric``, ``computed``, ``verdict``,
        ``as_of`` (and ``threshold``, ``window``, ``data_source``).
    claims : sequence of dict, optional
        The claim definitions (:func:`aipolicy.signals.load_claims`, loaded when None) for the
        comparison and tolerance of each test.
    units : mapping, optional
        Metric -> unit text, overriding the units of :data:`CLAIM_UNITS`.

    Returns
    -------
    Table
        Indexed by claim; ``verdict``, ``computed`` and ``test`` in the claim's unit (fractions
        in percent, USD as ``$5.6 bn``, counts whole; never scientific notation, e.g.
        ``≈ $5.5 bn ± $0.28 bn``), ``unit``, ``window`` (the claim's and the data's), ``source``
        (whole, with links), ``as of``; ``n/a`` when the data cannot give the figure.
    """
    if claims is None:
        from aipolicy.signals import load_claims

        claims = load_claims()
    by_id = {c["id"]: c for c in claims}
    rows = []
    for _, r in checked.iterrows():
        cid = r["claim_id"]
        metric = r.get("metric", by_id.get(cid, {}).get("metric"))
        unit, style = CLAIM_UNITS.get(str(metric), ("", "number"))
        if units and metric in units:
            unit = units[metric]
        spec = by_id.get(cid, {})
        threshold = spec.get("threshold", r.get("threshold"))
        scale = None
        if style == "usd":
            try:
                scale = _usd_scale(float(threshold))
            except (TypeError, ValueError):
                scale = None
        computed = _claim_value(r.get("computed"), style, scale, signed=True)
        rows.append({"claim": cid, "verdict": r.get("verdict"), "computed": computed,
                     "test": _claim_test(spec, metric, threshold, style, scale), "unit": unit,
                     "window": r.get("window"), "source": r.get("data_source"),
                     "as_of": r.get("as_of")})
    frame = pd.DataFrame(rows, columns=["claim", "verdict", "computed", "test", "unit",
                                        "window", "source", "as_of"]).set_index("claim")
    cols = {
        "verdict": Col("text"),
        "computed": Col("text", align="right", missing="n/a"),
        "test": Col("text", header="test (claim holds when)", align="right"),
        "unit": Col("text", missing=""),
        "window": Col("text", missing=""),
        "source": Col("source", missing=""),
        "as_of": Col("date", header="as of", missing="n/a"),
    }
    notes = ["n/a: the data cannot give the figure (the claim cannot be checked)."] if (
        (frame["computed"] == "n/a").any()) else []
    return people_table(frame, cols, footnote=notes)
