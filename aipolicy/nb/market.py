"""Shared code of the market notebooks (03-06): parameters, loading, records and plots.

The notebooks hold narrative, parameters and calls; everything two of them need lives here:

- :func:`validate_market_params` checks the shared parameters (``data_source``, ``data_dir``,
  ``start``, ``end``, ``benchmark``, ``infra_tickers``, ``platform_tickers``, ``rf_annual``)
  and returns a :class:`MarketParams`; every error names the parameter.
- :func:`load_market_prices` / :func:`load_market_fred` load with ``missing="drop"``: unknown
  tickers are reported (``attrs['missing']``) and left out; a missing benchmark is an error
  naming the ``benchmark`` parameter.
- :func:`record_provenance` records ``data_source``, ``data_as_of`` and ``synthetic``.
- :func:`source_label`, :func:`percent_table` and the plot helpers (:func:`plot_lines`,
  :func:`plot_heatmap`, :func:`plot_bars`) give every chart units and a source line.

Units: returns and rates are fractions unless a column name ends in ``(%)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from aipolicy.errors import InvalidInputError
from aipolicy.marketdata.provenance import SOURCES
from aipolicy.nb.params import as_choice, as_date, as_number, as_ticker_list


@dataclass(frozen=True)
class MarketParams:
    """The market notebooks' shared parameters after validation.

    ``start``/``end`` are Timestamps or None (None = all available / latest); tickers are
    upper-case lists without duplicates; ``rf_annual`` is an annual fraction (0.04 = 4 %).
    """

    data_source: str
    data_dir: str | None
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    benchmark: str
    infra_tickers: list[str]
    platform_tickers: list[str]
    rf_annual: float

    @property
    def tickers(self) -> list[str]:
        """Infra then platform tickers, deduplicated, benchmark excluded."""
        seen = dict.fromkeys(self.infra_tickers + self.platform_tickers)
        seen.pop(self.benchmark, None)
        return list(seen)

    def loader_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the ``aipolicy.marketdata`` loaders."""
        return {"source": self.data_source, "data_dir": self.data_dir}


def validate_market_params(
    *,
    data_source: Any,
    data_dir: Any = None,
    start: Any = None,
    end: Any = None,
    benchmark: Any = "^GSPC",
    infra_tickers: Any = (),
    platform_tickers: Any = (),
    rf_annual: Any = 0.0,
) -> MarketParams:
    """Validate the shared market parameters (papermill passes dates and lists as strings).

    Raises
    ------
    InvalidInputError
        Naming the parameter and what it accepts.
    """
    source = as_choice("data_source", data_source, SOURCES)
    if data_dir in ("", "None"):
        data_dir = None
    if data_dir is not None and not isinstance(data_dir, str):
        data_dir = str(data_dir)
    if source == "csv" and data_dir is None:
        raise InvalidInputError(
            "parameter 'data_dir': required when data_source='csv'; give the folder that "
            "holds TICKER.csv files (e.g. data_dir='/path/to/csv')"
        )
    start_ts, end_ts = as_date("start", start), as_date("end", end)
    if start_ts is not None and end_ts is not None and start_ts >= end_ts:
        raise InvalidInputError(
            f"parameter 'start': {start!r} is not before end {end!r}; swap them or widen the window"
        )
    bench = as_ticker_list("benchmark", benchmark)
    if len(bench) != 1:
        raise InvalidInputError(
            f"parameter 'benchmark': one ticker such as '^GSPC' expected, got {benchmark!r}"
        )
    infra = as_ticker_list("infra_tickers", infra_tickers)
    platforms = as_ticker_list("platform_tickers", platform_tickers)
    rf = float(as_number("rf_annual", rf_annual, low=-0.05, high=0.5))
    return MarketParams(source, data_dir, start_ts, end_ts, bench[0], infra, platforms, rf)


def _present(frame: pd.DataFrame, tickers: Iterable[str]) -> list[str]:
    return [t for t in tickers if t in frame.columns and frame[t].notna().any()]


def load_market_prices(
    params: MarketParams,
    tickers: Sequence[str] | None = None,
    *,
    start: Any = "params",
    end: Any = "params",
) -> pd.DataFrame:
    """Daily adjusted closes of ``tickers`` plus the benchmark (last column).

    Parameters
    ----------
    params : MarketParams
    tickers : sequence of str, optional
        Default ``params.tickers`` (infra then platforms).
    start, end : optional
        Override the window (``None`` = all data); default the parameters' window.

    Returns
    -------
    DataFrame (dates x tickers present, benchmark last) with the loader's ``attrs``;
    ``attrs['missing']`` lists every requested ticker that is absent or has no price in the
    window (they are left out).

    Raises
    ------
    InvalidInputError
        The benchmark has no prices in the chosen data (names the ``benchmark`` parameter).
    """
    from aipolicy.errors import DataUnavailableError, UnknownTickerError
    from aipolicy.marketdata import load_prices

    wanted = [t for t in dict.fromkeys(tickers if tickers is not None else params.tickers)]
    wanted = [t for t in wanted if t != params.benchmark] + [params.benchmark]
    s = params.start if start == "params" else as_date("start", start)
    e = params.end if end == "params" else as_date("end", end)
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="no prices in the date range")
            frame = load_prices(wanted, s, e, missing="drop", **params.loader_kwargs())
    except (DataUnavailableError, UnknownTickerError) as exc:
        raise InvalidInputError(
            f"parameter 'benchmark' / tickers: nothing could be loaded from "
            f"data_source={params.data_source!r}: {exc}"
        ) from exc
    attrs = dict(frame.attrs)
    if params.benchmark not in _present(frame, [params.benchmark]):
        raise InvalidInputError(
            f"parameter 'benchmark': {params.benchmark!r} has no prices in "
            f"data_source={params.data_source!r}"
            + (f" (data_dir={params.data_dir!r})" if params.data_dir else "")
            + " between "
            + f"{s.date() if s is not None else 'the start'} and "
            + f"{e.date() if e is not None else 'the end'}; choose a benchmark the data holds, "
            "e.g. '^GSPC'"
        )
    present = _present(frame, wanted)
    frame = frame[present]
    missing = list(
        dict.fromkeys(list(attrs.get("missing") or []) + [t for t in wanted if t not in present])
    )
    attrs["missing"] = missing
    frame.attrs = attrs
    return frame


def load_market_fred(
    params: MarketParams, series_ids: Sequence[str], *, start: Any = None, end: Any = "params"
) -> pd.DataFrame:
    """FRED series (levels as published) with ``missing="drop"``; default all history to ``end``.

    Returns an empty frame with the loader-like ``attrs`` when none of the series is available,
    so the notebook can report it and go on.
    """
    from aipolicy.errors import DataUnavailableError, UnknownTickerError
    from aipolicy.marketdata import load_fred

    e = params.end if end == "params" else as_date("end", end)
    try:
        frame = load_fred(list(series_ids), start, e, missing="drop", **params.loader_kwargs())
    except (DataUnavailableError, UnknownTickerError) as exc:
        frame = pd.DataFrame(index=pd.DatetimeIndex([], name="Date"))
        frame.attrs = {
            "source": params.data_source,
            "as_of": None,
            "missing": list(series_ids),
            "synthetic": params.data_source == "sample",
            "data_dir": params.data_dir,
            "provenance": f"FRED series not available: {exc}",
        }
        return frame
    attrs = dict(frame.attrs)
    present = _present(frame, series_ids)
    frame = frame[present]
    attrs["missing"] = list(
        dict.fromkeys(
            list(attrs.get("missing") or []) + [s for s in series_ids if s not in present]
        )
    )
    frame.attrs = attrs
    return frame


def data_as_of(*frames: pd.DataFrame) -> str | None:
    """Latest ``attrs['as_of']`` (YYYY-MM-DD) over the frames, or None."""
    dates = [str(f.attrs["as_of"]) for f in frames if (f.attrs or {}).get("as_of")]
    return max(dates) if dates else None


def is_synthetic(*frames: pd.DataFrame) -> bool:
    """True when any frame comes from the synthetic sample."""
    return any(bool((f.attrs or {}).get("synthetic")) for f in frames)


def record_provenance(params: MarketParams, *frames: pd.DataFrame) -> dict[str, Any]:
    """Record ``data_source`` (str), ``data_as_of`` (YYYY-MM-DD) and ``synthetic`` (bool).

    ``data_as_of`` is the as-of date of the first frame (the prices); the others only fill in
    when it has none.
    """
    from aipolicy.record import record

    as_of = (frames[0].attrs or {}).get("as_of") if frames else None
    values = {
        "data_source": params.data_source,
        "data_as_of": str(as_of) if as_of else data_as_of(*frames),
        "synthetic": is_synthetic(*frames),
    }
    for name, value in values.items():
        record(name, value)
    return values


def source_label(frame: pd.DataFrame, extra: str = "") -> str:
    """Short source text for a chart: provenance and as-of of ``frame`` (plus ``extra``)."""
    attrs = frame.attrs or {}
    prov = attrs.get("provenance") or attrs.get("source") or "unknown source"
    if attrs.get("source") == "csv" and attrs.get("data_dir"):
        prov = f"CSV files ({str(attrs['data_dir']).rstrip('/').rsplit('/', 1)[-1]})"
    text = f"{prov}, as of {attrs.get('as_of') or 'unknown'}"
    return f"{text}; {extra}" if extra else text


def _finish(ax: Any, title: str, ylabel: str, source: str, synthetic: bool) -> Any:
    from aipolicy.nb.theme import source_line

    ax.set_title(title)
    ax.set_ylabel(ylabel)
    source_line(ax, source, synthetic=synthetic)
    return ax


def plot_lines(
    frame: pd.DataFrame | pd.Series,
    *,
    title: str,
    ylabel: str,
    source: str,
    synthetic: bool = False,
    percent: bool = False,
    hline: float | None = None,
    logy: bool = False,
    ax: Any = None,
) -> Any:
    """Line chart of each column over dates, with units, legend and source line.

    ``percent=True`` multiplies fractions by 100 (say so in ``ylabel``).
    """
    import matplotlib.pyplot as plt

    data = frame.to_frame() if isinstance(frame, pd.Series) else frame
    data = data * 100.0 if percent else data
    if ax is None:
        _, ax = plt.subplots()
    for col in data.columns:
        ax.plot(data.index, data[col], label=str(col), linewidth=1.4)
    if hline is not None:
        ax.axhline(hline, color="0.4", linewidth=0.8, linestyle="--")
    if logy:
        ax.set_yscale("log")
    if len(data.columns) > 1:
        ax.legend(ncol=min(4, len(data.columns)), fontsize=8)
    ax.set_xlabel("")
    return _finish(ax, title, ylabel, source, synthetic)


def plot_heatmap(
    matrix: pd.DataFrame,
    *,
    title: str,
    source: str,
    synthetic: bool = False,
    fmt: str = ".2f",
    center: float | None = 0.0,
    cbar_label: str = "",
    ax: Any = None,
) -> Any:
    """Annotated heatmap (e.g. a correlation matrix) with a source line."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    if ax is None:
        n = max(len(matrix.columns), 2)
        _, ax = plt.subplots(figsize=(min(1.0 + 0.55 * n, 12), min(0.8 + 0.45 * n, 10)))
    sns.heatmap(
        matrix,
        annot=len(matrix) <= 20,
        fmt=fmt,
        cmap="vlag",
        center=center,
        ax=ax,
        annot_kws={"fontsize": 7},
        cbar_kws={"label": cbar_label},
    )
    ax.set_xlabel("")
    ax.set_ylabel("")
    return _finish(ax, title, "", source, synthetic)


def plot_bars(
    series: pd.Series,
    *,
    title: str,
    ylabel: str,
    source: str,
    synthetic: bool = False,
    percent: bool = False,
    ax: Any = None,
) -> Any:
    """Bar chart of one value per label, negative bars in a second colour."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    s = series.astype(float) * (100.0 if percent else 1.0)
    if ax is None:
        _, ax = plt.subplots()
    pal = sns.color_palette()
    ax.bar(
        [str(i) for i in s.index],
        s.to_numpy(),
        color=[pal[0] if v >= 0 else pal[3] for v in s.fillna(0).to_numpy()],
    )
    ax.axhline(0.0, color="0.3", linewidth=0.8)
    ax.tick_params(axis="x", rotation=45)
    return _finish(ax, title, ylabel, source, synthetic)


def basket_members(
    frame: pd.DataFrame, baskets: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """Each basket's members that have prices in ``frame`` (empty baskets are dropped)."""
    out = {name: _present(frame, members) for name, members in baskets.items()}
    return {k: v for k, v in out.items() if v}


def basket_return_frame(
    returns: pd.DataFrame,
    baskets: Mapping[str, Sequence[str]],
    benchmark: str | None = None,
    *,
    rebalance: str | None = "M",
) -> pd.DataFrame:
    """Daily returns of equal-weight baskets (monthly rebalanced), plus the benchmark column.

    Members absent from ``returns`` are skipped; a basket with no member present is left out.
    Returns a DataFrame (dates x basket names [+ benchmark]), fractions per day.
    """
    from aipolicy.signals import basket_returns

    out = pd.DataFrame(index=returns.index)
    for name, members in basket_members(returns, baskets).items():
        out[name] = basket_returns(returns[members], rebalance=rebalance, name=name)
    if benchmark is not None:
        out[benchmark] = returns[benchmark]
    return out


def cpi_high_summary(cpi: pd.Series, years: int = 3) -> dict[str, Any]:
    """How exceptional the latest CPI year-over-year inflation is.

    Parameters
    ----------
    cpi : Series
        Monthly CPI index levels (e.g. ``fred['CPIAUCSL']``).
    years : int
        Window for the "highest in N years" flag.

    Returns
    -------
    dict with ``month`` (YYYY-MM of the latest YoY), ``yoy`` (fraction), ``months_since_higher``
    (months back to the last month with YoY at least as high; None if none in the history),
    ``history_months`` (months of YoY history before it), ``highest_in_months`` (the latest YoY
    is the highest for this many months: months_since_higher, or history_months when no earlier
    month is as high), ``highest_in_years`` (the same span in years, rounded to 2 decimals),
    ``last_higher`` (YYYY-MM of the last month at least as high, or None), ``at_least`` (True
    when no earlier month is as high: the history is shorter than the true span) and ``is_high``
    (highest of the last ``years`` years).
    """
    from aipolicy.signals import cpi_yoy, highest_in_n_months

    yoy = cpi_yoy(cpi)
    last = yoy.last_valid_index()
    if last is None:
        raise InvalidInputError("cpi: fewer than 13 months of CPI, no year-over-year value")
    info = highest_in_n_months(yoy, last, int(years) * 12)
    at_least = info.months_since_higher is None
    months = info.history_months if at_least else info.months_since_higher
    return {
        "month": f"{last:%Y-%m}",
        "yoy": info.value,
        "months_since_higher": info.months_since_higher,
        "history_months": info.history_months,
        "highest_in_months": int(months),
        "highest_in_years": round(months / 12.0, 2),
        "last_higher": None if at_least else f"{info.last_higher_date:%Y-%m}",
        "at_least": at_least,
        "is_high": info.is_highest_in_window,
    }


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


def ipo_paths(
    prices: pd.DataFrame, first_dates: Mapping[str, Any], benchmark: str, max_sessions: int
) -> pd.DataFrame:
    """Buy-and-hold abnormal return path of each IPO from its first close.

    ``(P_t / P_0 - 1) - (B_t / B_0 - 1)`` for sessions 0..max_sessions after the first close
    (fractions), index ``session``, one column per ticker; NaN past the data's end.
    """
    out = {}
    for t, d0 in first_dates.items():
        if t not in prices.columns:
            continue
        s = prices[t].loc[pd.Timestamp(d0) :].dropna()
        if s.empty:
            continue
        pos0 = prices.index.get_loc(s.index[0])
        sub = prices.iloc[pos0 : pos0 + max_sessions + 1]
        path = (sub[t] / sub[t].iloc[0] - 1.0) - (sub[benchmark] / sub[benchmark].iloc[0] - 1.0)
        out[t] = pd.Series(path.to_numpy(), index=range(len(path)))
    frame = pd.DataFrame(out).reindex(range(max_sessions + 1))
    frame.index.name = "session"
    return frame


def plot_grouped_bars(
    frame: pd.DataFrame,
    *,
    title: str,
    ylabel: str,
    source: str,
    synthetic: bool = False,
    percent: bool = False,
    ax: Any = None,
) -> Any:
    """Grouped bar chart: one group per row label, one bar per column, with a source line."""
    import matplotlib.pyplot as plt

    data = frame.astype(float) * (100.0 if percent else 1.0)
    if ax is None:
        _, ax = plt.subplots()
    data.plot.bar(rot=0, ax=ax)
    ax.axhline(0.0, color="0.3", linewidth=0.8)
    ax.set_xlabel("")
    ax.legend(fontsize=8)
    return _finish(ax, title, ylabel, source, synthetic)
