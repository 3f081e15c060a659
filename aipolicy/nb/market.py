"""Shared code of the market notebooks (03-06): parameters, loading, records and plots.

The notebooks hold narrative, parameters and calls; everything two of them need lives here:

- :func:`validate_market_params` checks the shared parameters (``data_source``, ``data_dir``,
  ``start``, ``end``, ``benchmark``, ``infra_tickers``, ``platform_tickers``, ``rf_annual``)
  and returns a :class:`MarketParams`; every error names the parameter. A ticker list left at
  ``None`` is the universe's (:func:`default_tickers`, from
  :mod:`aipolicy.marketdata.universe`), so the notebooks repeat no ticker.
- :func:`load_market_prices` / :func:`load_market_fred` load with ``missing="drop"``: unknown
  tickers are reported (``attrs['missing']``) and left out; a missing benchmark is an error
  naming the ``benchmark`` parameter.
- :func:`record_provenance` records ``data_source``, ``data_as_of`` and ``synthetic``.
- :func:`source_label` gives every chart its source; the plot helpers live in
  :mod:`aipolicy.nb.market_plots` and are re-exported here (``vm.plot_lines`` ...).

The statistics the notebooks show (basket returns, "CPI highest in N years", IPO coverage and
BHAR paths) are in :mod:`aipolicy.signals`; nothing here computes a figure a test would check.

Units: returns and rates are fractions unless a column name ends in ``(%)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from aipolicy.errors import InvalidInputError
from aipolicy.marketdata import universe
from aipolicy.marketdata.provenance import SOURCES, Provenance, keep_provenance
from aipolicy.nb.banner import frame_series
from aipolicy.nb.market_plots import NO_DATA_TEXT as NO_DATA_TEXT  # re-exported: vm.plot_*
from aipolicy.nb.market_plots import plot_bars as plot_bars
from aipolicy.nb.market_plots import plot_grouped_bars as plot_grouped_bars
from aipolicy.nb.market_plots import plot_heatmap as plot_heatmap
from aipolicy.nb.market_plots import plot_lines as plot_lines
from aipolicy.nb.params import Valuation, as_choice, as_date, as_number, as_ticker_list, valuation


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
    #: The run's valuation date (the ``as_of`` parameter); ``end`` never passes it.
    valuation: Valuation | None = None

    @property
    def tickers(self) -> list[str]:
        """Infra then platform tickers, deduplicated, benchmark excluded."""
        seen = dict.fromkeys(self.infra_tickers + self.platform_tickers)
        seen.pop(self.benchmark, None)
        return list(seen)

    def loader_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the ``aipolicy.marketdata`` loaders."""
        return {"source": self.data_source, "data_dir": self.data_dir}


#: Ticker-list parameter -> the universe's list used when the parameter is None.
DEFAULT_TICKERS: dict[str, tuple[str, ...]] = {
    "infra_tickers": universe.INFRA_TICKERS,
    "platform_tickers": universe.PLATFORM_TICKERS,
    "ipo_tickers": universe.IPO_TICKERS,
}


def default_tickers(name: str, value: Any) -> list[str]:
    """A ticker-list parameter: ``None`` (or ``"None"``/``""`` from papermill) is the universe's
    list for ``name`` (:data:`DEFAULT_TICKERS`); anything else is checked as a ticker list.

    Raises
    ------
    InvalidInputError
        Naming ``name``: an empty list, a non-string item, or no default for ``name``.
    """
    if value is None or (isinstance(value, str) and value.strip() in ("", "None")):
        if name not in DEFAULT_TICKERS:
            raise InvalidInputError(
                f"parameter {name!r}: a list of tickers is required", field=name, value=value
            )
        return list(DEFAULT_TICKERS[name])
    return as_ticker_list(name, value)


def validate_market_params(
    *,
    data_source: Any,
    data_dir: Any = None,
    start: Any = None,
    end: Any = None,
    benchmark: Any = universe.MARKET_INDEX,
    infra_tickers: Any = None,
    platform_tickers: Any = None,
    rf_annual: Any = 0.0,
    as_of: Any = None,
) -> MarketParams:
    """Validate the shared market parameters (papermill passes dates and lists as strings).

    ``infra_tickers`` / ``platform_tickers`` left at None are the universe's lists
    (:data:`DEFAULT_TICKERS`). ``as_of`` is the valuation date (see
    :func:`aipolicy.nb.params.valuation`, which pins it for the kernel): data after it is not
    used, so ``end`` defaults to it and may not pass it.

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
    val = valuation(as_of, source)
    start_ts, end_ts = as_date("start", start), as_date("end", end)
    day = pd.Timestamp(val.day)
    if end_ts is not None and end_ts > day:
        raise InvalidInputError(
            f"parameter 'end': {end_ts.date()} is after the valuation date as_of {val.day}; "
            "data after the valuation date is not used: give an end on or before it, or a "
            "later as_of", field="end", value=end)
    if end_ts is None:
        end_ts = day
    if start_ts is not None and start_ts >= end_ts:
        raise InvalidInputError(
            f"parameter 'start': {start!r} is not before end {end!r}; swap them or widen the window"
        )
    bench = as_ticker_list("benchmark", benchmark)
    if len(bench) != 1:
        raise InvalidInputError(
            f"parameter 'benchmark': one ticker such as '^GSPC' expected, got {benchmark!r}"
        )
    infra = default_tickers("infra_tickers", infra_tickers)
    platforms = default_tickers("platform_tickers", platform_tickers)
    rf = float(as_number("rf_annual", rf_annual, low=-0.05, high=0.5))
    return MarketParams(source, data_dir, start_ts, end_ts, bench[0], infra, platforms, rf, val)


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
    prov = Provenance.from_attrs(frame.attrs)
    return keep_provenance(frame[present], prov.with_missing(t for t in wanted if t not in present))


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
        return Provenance(
            source=params.data_source,
            provenance=f"FRED series not available: {exc}",
            missing=tuple(series_ids),
            requested=tuple(series_ids),
            synthetic=params.data_source == "sample",
            data_dir=params.data_dir,
        ).attach(pd.DataFrame(index=pd.DatetimeIndex([], name="Date")))
    present = _present(frame, series_ids)
    prov = Provenance.from_attrs(frame.attrs)
    return keep_provenance(
        frame[present], prov.with_missing(s for s in series_ids if s not in present)
    )


def data_as_of(*frames: pd.DataFrame) -> str | None:
    """Latest ``attrs['as_of']`` (YYYY-MM-DD) over the frames, or None."""
    dates = [str(f.attrs["as_of"]) for f in frames if (f.attrs or {}).get("as_of")]
    return max(dates) if dates else None


def is_synthetic(*frames: pd.DataFrame) -> bool:
    """True when any frame comes from the synthetic sample."""
    return any(bool((f.attrs or {}).get("synthetic")) for f in frames)


def record_provenance(
    params: MarketParams, *frames: pd.DataFrame, labels: Sequence[str] | None = None
) -> dict[str, Any]:
    """Record ``data_source`` (str), ``data_as_of``, ``synthetic`` and ``data_series``.

    ``data_as_of`` is the as-of date of the first frame (the prices); the others only fill in
    when it has none. ``data_series`` has one entry per frame (:func:`series_provenance`), so
    the banner and the report index give each series its own dates (prices can end in May
    while CPI ends in August of the year before). ``labels`` name the frames; by default the
    first is ``"prices"`` and the others are named by their columns (FRED series ids).
    """
    from aipolicy.record import record

    as_of = (frames[0].attrs or {}).get("as_of") if frames else None
    series = frame_series(frames, labels)
    values = {
        "data_source": params.data_source,
        "data_as_of": str(as_of) if as_of else data_as_of(*frames),
        "synthetic": is_synthetic(*frames),
        "data_series": series,
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


#: Text of a chart whose data are all missing.
