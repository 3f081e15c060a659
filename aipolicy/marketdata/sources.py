"""The engine behind the loaders: gather per-symbol records from the chosen source.

``collect`` returns records for the symbols it could load plus the names of those it could
not; :mod:`aipolicy.marketdata.prices` and :mod:`aipolicy.marketdata.fred` turn them into
frames with provenance ``attrs``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aipolicy import config
from aipolicy.errors import (
    CacheColumnsError,
    CacheCorruptError,
    DataPermissionError,
    DataUnavailableError,
    InvalidInputError,
    UnknownTickerError,
)
from aipolicy.marketdata import cache, csvfiles, csvprices, live, reach, sample
from aipolicy.marketdata.frames import Record, has_data, record_from_frame, record_from_table
from aipolicy.marketdata.provenance import OHLCV, utc_now
from aipolicy.marketdata.universe import DEFAULT_START


@dataclass
class Loaded:
    """What a source delivered: records by symbol (request order) and provenance facts."""

    records: dict[str, Record] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    used: list[str] = field(default_factory=list)  # sources actually used: "live", "cache", ...
    fetched_at: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # reasons, for the all-failed error
    #: symbol -> why its download could not be stored in the cache (path and OS error)
    write_errors: dict[str, str] = field(default_factory=dict)


def attach_provenance(frame: Any, got: Loaded, *, prov: str, requested: list[str],
                      empty: list[str], source: str, data_dir: Any,
                      partial_bar: str | None = None) -> Any:
    """Attach what :func:`collect` delivered to ``frame`` as its provenance ``attrs``.

    One place for the price and FRED loaders: sources used, requested and missing symbols
    (``empty``: present but without data in the window), synthetic mark, first fetch time and
    the data folder (the sample's root for the sample); ``partial_bar`` says which final bar
    was left out as intraday (:mod:`aipolicy.marketdata.freshness`).
    """
    from aipolicy.marketdata import sample as sample_mod
    from aipolicy.marketdata.provenance import Provenance

    synthetic = source == "sample"
    data_root = sample_mod.sample_root(data_dir) if synthetic else data_dir
    Provenance.of_frame(
        frame,
        source="+".join(got.used),
        provenance=prov,
        requested=requested,
        missing=got.missing + empty,
        synthetic=synthetic,
        fetched_at=min(got.fetched_at) if got.fetched_at else None,
        data_dir=None if data_root is None else str(data_root),
        partial_bar=partial_bar,
    ).attach(frame)
    return frame


def _warn(msg: str) -> None:
    warnings.warn(msg, UserWarning, stacklevel=4)


def _store(out: Loaded, src: str, sym: str, iv: str, adj: str, frame: Any,
           fetched_at: str | None = None) -> None:
    """Write a download to the cache, stamped with the fetch's time ``fetched_at`` (so a later
    read from the cache says when the data was fetched, the same instant the live result said);
    a failure is warned and kept in ``out.write_errors``."""
    try:
        cache.write_frame(src, sym, iv, adj, frame, fetched_at=fetched_at)
    except OSError as exc:
        where = cache.cache_path(src, sym, iv, adj)
        out.write_errors[sym] = f"{where}: {exc.strerror or exc}"
        _warn(f"could not write the cache for {sym}: {where}: {exc.strerror or exc}")


def _kind_words(kind: str) -> tuple[str, str]:
    return ("ticker", "tickers") if kind == "prices" else ("series", "series")


# --------------------------------------------------------------------------- sample / csv
def from_sample(
    kind: str, syms: list[str], columns: list[str], data_dir: Any, missing: str
) -> Loaded:
    """Records from the committed sample; unknown symbols raise unless ``missing='drop'``."""
    entries = sample.manifest(data_dir)
    known = [k.split(":", 1)[1] for k in entries if k.startswith(kind + ":")]
    unknown = [s for s in syms if f"{kind}:{s}" not in entries]
    if unknown and missing == "raise":
        one, many = _kind_words(kind)
        raise UnknownTickerError(
            f"{', '.join(repr(u) for u in unknown)} {'is' if len(unknown) == 1 else 'are'} not in the "
            f"sample data; known {many}: {', '.join(known)}. Pass missing='drop' to leave unknown "
            f"{many} out, or use source='live' for other {many}"
        )
    out = Loaded(missing=list(unknown), used=["sample"])
    cols = columns if kind == "prices" else [None]  # FRED files name the column by series id
    for s in syms:
        if s in unknown:
            continue
        if kind == "prices":
            out.records[s] = sample.read(kind, s, cols, data_dir, entries)
        else:
            dates, c = sample.read(kind, s, [s], data_dir, entries)
            out.records[s] = (dates, {"value": c[s]})
    return out


def from_csv(kind: str, syms: list[str], data_dir: Any, missing: str) -> Loaded:
    """Records from a user folder of CSV files."""
    if data_dir is None:
        raise InvalidInputError(
            "source 'csv' needs data_dir: a folder holding one TICKER.csv per ticker "
            "(or SERIES_ID.csv per FRED series), e.g. data_dir='data/prices'"
        )
    folder = Path(data_dir)
    if not folder.is_dir():
        raise InvalidInputError(
            f"parameter 'data_dir': {str(folder)!r} is not a folder; point it at a folder of CSV files"
        )
    for s in syms:
        csvfiles.check_file_symbol(folder, s, kind)
    files: dict[str, Path] = {}
    for s in syms:
        p = csvfiles.price_file(folder, s) if kind == "prices" else (folder / f"{s}.csv")
        if p is not None and p.is_file():
            files[s] = p
    unknown = [s for s in syms if s not in files]
    if unknown and missing == "raise":
        one, many = _kind_words(kind)
        known = csvfiles.list_symbols(folder)
        hint = (
            " (a leading '^' may be dropped from the file name: GSPC.csv serves ^GSPC)"
            if kind == "prices"
            else ""
        )
        raise UnknownTickerError(
            f"{', '.join(repr(u) for u in unknown)}: no {', '.join(u.lstrip('^') + '.csv' for u in unknown)} "
            f"in {folder}{hint}; available {many}: {', '.join(known) or 'none'}. "
            f"Pass missing='drop' to leave them out"
        )
    out = Loaded(missing=list(unknown), used=["csv"])
    for s, p in files.items():
        out.records[s] = (
            csvprices.read_price_csv(p, s) if kind == "prices" else csvfiles.read_fred_csv(p, s)
        )
    return out


# --------------------------------------------------------------------------- cache
def _cache_key(kind: str, interval: str) -> tuple[str, str, str]:
    return ("yahoo", interval, "adj") if kind == "prices" else ("fred", "native", "na")


def from_cache(kind: str, syms: list[str], columns: list[str], interval: str) -> Loaded:
    """Records from the local parquet cache; absent or unusable entries go to ``missing``.

    A corrupt or mislabelled file (moved aside), an unreadable one (permissions) and one
    lacking the columns asked for (both left in place) each warn with their own message.
    """
    src, iv, adj = _cache_key(kind, interval)
    out = Loaded(used=["cache"])
    absent: list[str] = []  # no file at all
    for s in syms:
        try:
            table, fetched = cache.read_table(src, s, iv, adj, columns)
        except (CacheCorruptError, CacheColumnsError, DataPermissionError) as exc:
            _warn(str(exc))
            out.missing.append(s)
            out.notes.append(str(exc))
            continue
        except Exception as exc:  # anything else the file system or pyarrow raises
            note = f"{s}: cache entry could not be read ({type(exc).__name__}: {exc})"
            _warn(note)
            out.missing.append(s)
            out.notes.append(note)
            continue
        if table is None:
            out.missing.append(s)
            absent.append(s)
            continue
        out.records[s] = record_from_table(table, columns)
        if fetched:
            out.fetched_at.append(fetched)
    if absent:
        out.notes.append(f"no cached copy of {', '.join(absent)} in {config.cache_dir()}")
    return out


# --------------------------------------------------------------------------- live
def _live_start(start: Any) -> str:
    import pandas as pd

    s = pd.Timestamp(DEFAULT_START)
    return (min(s, start) if start is not None else s).strftime("%Y-%m-%d")


def from_live(kind: str, syms: list[str], columns: list[str], interval: str, start: Any,
              deadline: reach.Deadline | None = None) -> Loaded:  # fmt: skip
    """Download, write every success to the cache, and return records; failures go to missing.

    Downloads run from ``min(start, DEFAULT_START)`` to today, so the cache always holds the
    full history and a later narrower request does not shrink it. The service is probed first
    (:func:`~aipolicy.marketdata.reach.require`): offline raises ServiceUnreachableError
    before any per-symbol request. The downloads share ``deadline`` (default
    :data:`~aipolicy.marketdata.reach.DEADLINE_S` from now); what has not come by then fails.
    """
    reach.require(reach.YAHOO if kind == "prices" else reach.FRED)
    deadline = deadline if deadline is not None else reach.Deadline()
    out = Loaded(used=["live"])
    src, iv, adj = _cache_key(kind, interval)
    now = utc_now()
    if kind == "prices":
        try:
            got, failed = reach.bounded(
                lambda: live.download_prices(syms, _live_start(start), None, interval),
                deadline, reach.YAHOO)  # fmt: skip
        except reach.DeadlineExceeded as exc:
            got, failed = {}, dict.fromkeys(syms, str(exc))
        for s in syms:
            if s in got:
                _store(out, src, s, iv, adj, got[s], now)
                out.records[s] = record_from_frame(got[s], columns)
            else:
                out.missing.append(s)
                out.notes.append(f"{s}: {failed.get(s, 'no data')}")
    else:
        import pandas as pd

        for s in syms:
            try:
                rec = reach.bounded(lambda s=s: live.download_fred(s), deadline, f"FRED {s}")
            except Exception as exc:
                out.missing.append(s)
                out.notes.append(f"{s}: {type(exc).__name__}: {exc}")
                continue
            if not has_data(rec, "value"):
                out.missing.append(s)
                out.notes.append(f"{s}: FRED returned no observations")
                continue
            frame = pd.DataFrame(
                {"value": rec[1]["value"]}, index=pd.DatetimeIndex(rec[0], name="Date")
            )
            _store(out, src, s, iv, adj, frame, now)
            out.records[s] = rec
    if out.records:
        out.fetched_at.append(now)
    return out


def _live_or_offline(kind: str, syms: list[str], columns: list[str], interval: str,
                     start: Any) -> tuple[Loaded, reach.ServiceUnreachableError | None]:  # fmt: skip
    """``from_live``, or (every symbol missing, the error) when the service is unreachable."""
    try:
        return from_live(kind, syms, columns, interval, start), None
    except reach.ServiceUnreachableError as exc:
        return Loaded(missing=list(syms), used=["live"], notes=[str(exc)]), exc


def _left_out(where: str, got: Loaded) -> str:
    """The warning for symbols a partly successful source could not load (notes cut at 400)."""
    return (f"{where}: could not load {', '.join(got.missing)}; left out. "
            + "; ".join(got.notes)[:400])


def _merge_fallback(got: Loaded, fallback: Loaded, syms: list[str], service: str,
                    offline: reach.ServiceUnreachableError | None) -> list[str]:
    """Complete the live records ``got`` from the cache's ``fallback``, in place.

    Parameters
    ----------
    got, fallback : Loaded
        What came live (with its missing symbols) and what the cache held of them.
    syms : list of str
        The symbols asked for, in request order.
    service : str
        ``"Yahoo Finance"`` or ``"FRED"``.
    offline : ServiceUnreachableError, optional
        Why the service could not be reached, if it could not.

    Returns
    -------
    list of str
        The warnings to give, in order: the cache used instead, symbols loaded from neither.

    Raises
    ------
    DataUnavailableError
        When offline and the cache holds none of ``syms``.
    """
    messages = []
    if fallback.records:
        when = min(fallback.fetched_at) if fallback.fetched_at else "unknown time"
        why = (f"cannot reach {service}: {offline.reason}" if offline else
               f"{service} download failed for {', '.join(fallback.records)} "
               f"({'; '.join(got.notes)[:300]})")  # fmt: skip
        messages.append(f"{why}; using the local cache instead for "
                        f"{', '.join(fallback.records)} (fetched {when})")
        got.used.append("cache")
        got.fetched_at += fallback.fetched_at
    if fallback.records and not got.records:  # nothing came live: label it "cache"
        got.used = ["cache"]
    got.records = {s: (got.records.get(s) or fallback.records[s]) for s in syms
                   if s in got.records or s in fallback.records}  # fmt: skip
    got.missing = [s for s in syms if s not in got.records]
    got.notes += fallback.notes
    if got.missing and got.records:
        messages.append(f"{service}: could not load {', '.join(got.missing)} live or from the "
                        "cache; left out")
    if not got.records:
        got.used = ["live", "cache"]
        if offline is not None:
            raise DataUnavailableError(
                f"source 'auto': cannot reach {service} ({offline.reason}) and the local "
                f"cache ({config.cache_dir()}) holds none of {', '.join(syms)}; run "
                "`aipolicy fetch` when online to fill the cache, or use source='sample'"
            )
    return messages


def _none_loaded(source: str, kind: str, syms: list[str], data_dir: Any, service: str,
                 notes: list[str]) -> DataUnavailableError:
    """The error when ``source`` loaded none of ``syms``: where it looked, why, what to do.

    Parameters
    ----------
    source : str
        ``"sample"``, ``"csv"``, ``"cache"``, ``"live"`` or ``"auto"``.
    kind : str
        ``"prices"`` or FRED series.
    syms : list of str
        The symbols asked for.
    data_dir : path-like, optional
        The CSV folder (named for ``source='csv'``).
    service : str
        ``"Yahoo Finance"`` or ``"FRED"``.
    notes : list of str
        The reasons gathered (joined, cut at 500 characters).

    Returns
    -------
    DataUnavailableError
        To raise.
    """
    one, many = _kind_words(kind)
    tried = {"sample": "the sample data", "csv": f"the CSV folder {data_dir}",
             "cache": f"the local cache ({config.cache_dir()})", "live": service,
             "auto": f"{service}, then the local cache ({config.cache_dir()})"}[source]  # fmt: skip
    todo = {
        "live": "check the network connection and the symbols, or use source='cache' or source='sample'",
        "auto": "run `aipolicy fetch` when online to fill the cache, or use source='sample'",
        "cache": "run `aipolicy fetch` when online to fill the cache, or use source='sample'",
        "csv": f"add {one} files to the folder",
        "sample": "use symbols listed by available_tickers()",
    }[source]
    why = "; ".join(notes)[:500]
    return DataUnavailableError(
        f"source {source!r}: none of the {many} {', '.join(syms)} could be loaded from {tried}"
        f"{' (' + why + ')' if why else ''}; {todo}"
    )


def collect(kind: str, syms: list[str], *, source: str, data_dir: Any, missing: str,
            columns: list[str], interval: str, start: Any) -> Loaded:  # fmt: skip
    """Gather records for ``syms`` from ``source``; raise DataUnavailableError if none loaded."""
    # the warnings are given here, not in the helpers, so that they point at the loader's caller
    service = "Yahoo Finance" if kind == "prices" else "FRED"
    if source == "sample":
        got = from_sample(kind, syms, columns, data_dir, missing)
    elif source == "csv":
        got = from_csv(kind, syms, data_dir, missing)
    elif source == "cache":
        got = from_cache(kind, syms, columns, interval)
        if got.missing and got.records:
            _warn(_left_out("local cache", got))
    elif source == "live":
        got = from_live(kind, syms, columns, interval, start)
        if got.missing and got.records:
            _warn(_left_out(service, got))
    else:  # auto
        got, offline = _live_or_offline(kind, syms, columns, interval, start)
        if got.missing:
            fallback = from_cache(kind, got.missing, columns, interval)
            for message in _merge_fallback(got, fallback, syms, service, offline):
                _warn(message)
    if not got.records:
        raise _none_loaded(source, kind, syms, data_dir, service, got.notes)
    # keep request order
    got.records = {s: got.records[s] for s in syms if s in got.records}
    return got


def ohlcv_columns() -> list[str]:
    """The OHLCV column names, as stored."""
    return list(OHLCV)
