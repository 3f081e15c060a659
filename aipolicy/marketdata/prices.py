"""Public price loader: :func:`load_prices` and :func:`available_tickers`."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aipolicy.errors import InvalidInputError
from aipolicy.marketdata.provenance import (
    FIELDS,
    INTERVALS,
    MISSING_MODES,
    OHLCV,
    as_timestamp,
    check_choice,
    check_source,
    symbol_list,
)

if TYPE_CHECKING:
    import pandas as pd


def _resample(frame: pd.DataFrame, interval: str, multi: bool) -> pd.DataFrame:
    """Daily -> weekly/monthly bars, each labelled by its last trading day."""
    import pandas as pd

    freq = "W" if interval == "1wk" else "M"
    keys = frame.index.to_period(freq)
    last_day = pd.Series(frame.index, index=frame.index).groupby(keys).max()
    g = frame.groupby(keys)
    if not multi:
        out = g.last()
    else:
        parts = {"Open": g.first, "High": g.max, "Low": g.min, "Close": g.last, "Volume": g.sum}
        out = pd.concat(
            [parts[f]()[[f]] if False else parts[f]().loc[:, [f]] for f in OHLCV], axis=1
        )
        out.columns = frame.columns
    out.index = pd.DatetimeIndex(last_day.to_numpy(), name="Date")
    return out


def load_prices(
    tickers: str | list[str],
    start: Any = None,
    end: Any = None,
    *,
    source: str = "auto",
    data_dir: str | Path | None = None,
    fields: str = "close",
    interval: str = "1d",
    missing: str = "raise",
    partial_bar: str = "drop",
) -> pd.DataFrame:
    """Adjusted prices for ``tickers`` between ``start`` and ``end`` (both inclusive).

    Parameters
    ----------
    tickers : str or list of str
        Yahoo symbols, e.g. ``"NVDA"`` or ``["NVDA", "^GSPC"]`` (a comma-separated string works).
    start, end : str, date or Timestamp, optional
        Inclusive bounds; default all available (live downloads start at
        :data:`~aipolicy.marketdata.universe.DEFAULT_START`).
    source : {"sample", "csv", "live", "cache", "auto"}
        Where to read; see :mod:`aipolicy.marketdata`.
    data_dir : str or Path, optional
        Folder of ``TICKER.csv`` files (required for ``"csv"``); for ``"sample"`` an alternative
        sample folder.
    fields : {"close", "ohlcv"}
        ``"close"``: adjusted close only; ``"ohlcv"``: Open, High, Low, Close (adjusted, USD)
        and Volume (shares).
    interval : {"1d", "1wk", "1mo"}
        Bar length. Live downloads ask Yahoo for it; other sources resample daily bars, each
        bar labelled by its last trading day.
    missing : {"raise", "drop"}
        For ``"sample"``/``"csv"``: an unknown ticker raises UnknownTickerError (default) or
        is left out and listed in ``attrs["missing"]``. Live, cache and auto always leave
        failures out (with a UserWarning).
    partial_bar : {"drop", "keep"}
        A final daily bar that looks intraday, not a close (downloaded before that session's
        close, or with the odd-lot, thin volumes of a snapshot in most files:
        :mod:`aipolicy.marketdata.freshness`) is left out by default, so the data's as-of is
        the last complete session and ``attrs['partial_bar']`` says why; ``"keep"`` keeps it.
        The synthetic sample is never judged.

    Returns
    -------
    pandas.DataFrame
        DatetimeIndex ``Date`` (tz-naive, sorted, ``datetime64[ns]``). ``fields="close"``: one
        float64 column per loaded ticker, in the order asked (shape: days x tickers).
        ``fields="ohlcv"``: columns MultiIndex ``(Field, Ticker)``, fields Open, High, Low,
        Close, Volume (shape: days x 5*tickers). NaN where a ticker has no bar (before an IPO).
        ``attrs``: source, as_of, fetched_at, missing, requested, synthetic, data_dir,
        provenance, partial_bar.

    Raises
    ------
    InvalidInputError
        A parameter outside its choices, or a ``csv`` ticker naming a file outside ``data_dir``.
    UnknownTickerError
        ``sample``/``csv`` with ``missing="raise"`` and a ticker the data lacks.
    DataUnavailableError
        Nothing could be loaded; the message names the source tried and what to do.
    MalformedDataError
        A CSV or sample file cannot be parsed or is ambiguous (day-first dates, repeated
        dates, a multi-ticker file without the ticker, an empty Close column); names the file
        and line.
    DataPermissionError
        A CSV file may not be read (permissions). Cache files that may not be read, lack the
        columns asked for, are corrupt or hold another symbol are left out with a warning.
    """
    from aipolicy.marketdata import sample as sample_mod
    from aipolicy.marketdata.frames import assemble
    from aipolicy.marketdata.live import yfinance_version
    from aipolicy.marketdata.sources import attach_provenance, collect

    syms = symbol_list("tickers", tickers)
    check_source(source)
    check_choice("fields", fields, FIELDS)
    check_choice("interval", interval, INTERVALS)
    check_choice("missing", missing, MISSING_MODES)
    check_choice("partial_bar", partial_bar, ("drop", "keep"))
    start_ts, end_ts = as_timestamp("start", start), as_timestamp("end", end)
    if start_ts is not None and end_ts is not None and start_ts > end_ts:
        raise InvalidInputError(f"parameter 'start': {start!r} is after end {end!r}; swap them")
    multi = fields == "ohlcv"
    cols = list(OHLCV) if multi else ["Close"]
    native = source in ("live", "cache", "auto")  # those hold bars per interval
    got = collect("prices", syms, source=source, data_dir=data_dir, missing=missing, columns=cols,
                  interval=interval if native else "1d", start=start_ts)  # fmt: skip
    partial = _partial_bar(got, source, data_dir, interval, native, partial_bar)
    frame, empty = assemble(got.records, tuple(cols), start_ts, end_ts, multi=multi)
    if empty:
        if len(empty) == len(got.records):
            from aipolicy.errors import DataUnavailableError

            raise DataUnavailableError(
                f"source {source!r}: {', '.join(empty)} {'has' if len(empty) == 1 else 'have'} no prices "
                f"between {start_ts.date() if start_ts is not None else 'the start'} and "
                f"{end_ts.date() if end_ts is not None else 'the end'}; widen the date range"
            )
        warnings.warn(
            f"no prices in the date range for {', '.join(empty)}; left out",
            UserWarning,
            stacklevel=2,
        )
    if interval != "1d" and not native and len(frame):
        frame = _resample(frame, interval, multi)
    synthetic = source == "sample"
    used = "+".join(got.used)
    if synthetic:
        prov = sample_mod.provenance()
    elif source == "csv":
        prov = f"CSV files in {data_dir}"
    elif used == "cache":
        prov = f"local cache of Yahoo Finance downloads (yfinance {yfinance_version()})"
    else:
        prov = f"Yahoo Finance via yfinance {yfinance_version()}" + (
            " (some from the local cache)" if "cache" in got.used else ""
        )
    attach_provenance(frame, got, prov=prov, requested=syms, empty=empty, source=source,
                      data_dir=data_dir,
                      partial_bar=partial.describe(_last(frame)) if partial else None)
    return frame


def _last(frame: pd.DataFrame) -> str | None:
    return frame.index.max().strftime("%Y-%m-%d") if len(frame) else None


def _partial_bar(got: Any, source: str, data_dir: Any, interval: str, native: bool,
                 mode: str) -> Any:
    """Judge the final daily bar of ``got``'s records and drop it when it looks intraday.

    Returns the :class:`~aipolicy.marketdata.freshness.PartialBar` found (``got.records`` then
    lack that bar), or None. A CSV folder is judged as a whole, whichever tickers were asked
    for. The sample, ``mode="keep"`` and bars other than daily ones are not judged.
    """
    from aipolicy.marketdata import freshness

    if source == "sample" or mode == "keep" or (native and interval != "1d"):
        return None
    if source == "csv":
        found = freshness.folder_partial_bar(data_dir)
    else:
        found = freshness.partial_final_bar(got.records, got.fetched_at)
    if found is not None:
        got.records = freshness.drop_date(got.records, found.date)
    return found


def available_tickers(source: str = "sample", data_dir: str | Path | None = None) -> list[str]:
    """Tickers a source can serve.

    ``"sample"``: the sample's price symbols (manifest order); ``"csv"``: the folder's
    ``*.csv`` stems (known index stems such as ``GSPC`` listed as ``^GSPC``); ``"cache"``: the
    cached daily symbols, sorted; ``"live"``/``"auto"``: the default universe (Yahoo serves
    any symbol; these are the ones ``aipolicy fetch`` refreshes).
    """
    from aipolicy.marketdata import cache, csvfiles, sample
    from aipolicy.marketdata.universe import DEFAULT_UNIVERSE

    check_source(source)
    if source == "sample":
        return sample.symbols("prices", data_dir)
    if source == "csv":
        if data_dir is None or not Path(data_dir).is_dir():
            raise InvalidInputError(
                f"source 'csv' needs data_dir: a folder of TICKER.csv files; got {data_dir!r}"
            )
        return csvfiles.list_symbols(Path(data_dir))
    if source == "cache":
        return cache.cached_symbols("yahoo", "1d", "adj")
    return list(DEFAULT_UNIVERSE)
