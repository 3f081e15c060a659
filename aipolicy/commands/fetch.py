"""``aipolicy fetch``: refresh the local cache from Yahoo Finance and FRED, with a progress bar."""

from __future__ import annotations

import argparse
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any

from aipolicy.errors import InvalidInputError
from aipolicy.marketdata import reach
from aipolicy.marketdata import universe as U

BATCH = 10  # tickers per yfinance call


def _seconds(text: str) -> float:
    """``--deadline``: a positive, finite number of seconds."""
    import math

    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds, e.g. 300")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``aipolicy fetch``."""
    parser.add_argument("--tickers", nargs="+", default=None, metavar="TICKER",
                        help="tickers, space- or comma-separated (default: the default "
                             f"universe, {len(U.DEFAULT_UNIVERSE)} symbols)")  # fmt: skip
    parser.add_argument("--series", nargs="+", default=None, metavar="SERIES_ID",
                        help="FRED ids, space- or comma-separated (default: "
                             f"{' '.join(U.FRED_SERIES)})")  # fmt: skip
    parser.add_argument(
        "--start", default=U.DEFAULT_START, help=f"first date (default {U.DEFAULT_START})"
    )
    parser.add_argument("--no-ipos", action="store_true", help="skip yfinance's IPO calendar")
    parser.add_argument("--deadline", type=_seconds, default=reach.DEADLINE_S, metavar="SECONDS",
                        help="give up on whatever is not downloaded after this long, retries "
                             f"included (default {reach.DEADLINE_S:g})")  # fmt: skip


#: flag -> (what it lists, an example)
_EXAMPLES = {"tickers": ("ticker", "NVDA AMD ^GSPC"), "series": ("FRED series", "CPIAUCSL DGS10")}


def _split(values: list[str] | str | None, default: tuple[str, ...], flag: str = "tickers"
           ) -> list[str]:  # fmt: skip
    """``["NVDA,AMD", "MU"]`` (or ``"NVDA,AMD"``) -> ``["NVDA", "AMD", "MU"]``; None -> default.

    Raises InvalidInputError naming ``--flag`` when the values hold no symbol (``--tickers ""``).
    """
    if values is None:
        return list(default)
    text = ",".join([values] if isinstance(values, str) else values)
    out = list(dict.fromkeys(t.strip().upper() for t in text.split(",") if t.strip()))
    if not out:
        what, example = _EXAMPLES.get(flag, ("symbol", "NVDA"))
        raise InvalidInputError(
            f"--{flag}: the {what} list is empty; give one or more, space- or "
            f"comma-separated, e.g. --{flag} {example}, or leave --{flag} out for the defaults",
            field=flag, value=values,
        )  # fmt: skip
    return out


def _offline_first(needed: list[str]) -> dict[str, str]:
    """Probe each needed service once; service -> the one-line message for those unreachable."""
    down: dict[str, str] = {}
    for service in needed:
        if service in down:
            continue
        try:
            reach.require(service)
        except reach.ServiceUnreachableError as exc:
            for s in exc.services:
                if s in needed:
                    down[s] = str(exc)
    return down


@dataclass
class _Tally:
    """What a fetch got: stored symbols, failures with reasons, downloads the cache refused,
    symbols not tried because the deadline had passed, services found down."""

    ok: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    unwritten: dict[str, str] = field(default_factory=dict)
    cut: list[str] = field(default_factory=list)
    down: dict[str, str] = field(default_factory=dict)


_SERVICE_OF = {"prices": reach.YAHOO, "ipos": reach.YAHOO, "fred": reach.FRED}


def _jobs(args: argparse.Namespace) -> tuple[list[tuple[str, list[str]]], int]:
    """The downloads asked for, as (kind, symbols) batches, and the number of symbols."""
    tickers = _split(args.tickers, U.DEFAULT_UNIVERSE, "tickers")
    series = _split(args.series, U.FRED_SERIES, "series")
    jobs: list[tuple[str, list[str]]] = [
        ("prices", tickers[i : i + BATCH]) for i in range(0, len(tickers), BATCH)
    ]
    jobs += [("fred", [s]) for s in series]
    if not args.no_ipos:
        jobs.append(("ipos", ["IPO_CALENDAR"]))
    return jobs, len(tickers) + len(series) + (0 if args.no_ipos else 1)


def _fetch_ipos(tally: _Tally, deadline: reach.Deadline) -> None:
    """The IPO calendar, live, into ``tally``."""
    from aipolicy.marketdata.ipos import load_ipos

    try:
        df = reach.bounded(lambda: load_ipos(source="live"), deadline, "IPO calendar")
        if df.attrs["source"] == "live":
            tally.ok.append("IPO_CALENDAR")
        else:
            tally.failed.setdefault("IPO_CALENDAR", "empty calendar")
    except reach.ServiceUnreachableError as exc:
        tally.down[reach.YAHOO] = str(exc)
        tally.failed["IPO_CALENDAR"] = str(exc)
    except Exception as exc:
        tally.failed["IPO_CALENDAR"] = f"{type(exc).__name__}: {exc}"[:200]


def _fetch_batch(tally: _Tally, kind: str, syms: list[str], start: Any,
                 deadline: reach.Deadline) -> None:
    """One batch of prices or one FRED series, live, written to the cache, into ``tally``."""
    from aipolicy.marketdata import sources
    from aipolicy.marketdata.provenance import OHLCV

    cols = list(OHLCV) if kind == "prices" else ["value"]
    try:
        got = sources.from_live(kind, syms, cols, "1d" if kind == "prices" else "native",
                                start, deadline)  # fmt: skip
    except reach.ServiceUnreachableError as exc:  # went down during the fetch
        tally.down[_SERVICE_OF[kind]] = str(exc)
        tally.failed.update(dict.fromkeys(syms, str(exc)))
        return
    tally.unwritten.update(got.write_errors)
    tally.ok += [s for s in got.records if s not in got.write_errors]
    for s, note in zip(got.missing, got.notes, strict=False):
        tally.failed[s] = note[:200]
    for s in got.missing[len(got.notes) :]:
        tally.failed[s] = "no data"


def _outcome(tally: _Tally, total: int, deadline: reach.Deadline) -> int:
    """Print what was fetched and why the rest was not; the exit status."""
    from aipolicy import config

    if tally.unwritten:  # downloaded but not stored: the fetch did not do its job
        first_sym, first = next(iter(tally.unwritten.items()))
        print(f"aipolicy fetch: cannot write the cache ({len(tally.unwritten)} of {total} "
              f"downloads not stored), e.g. {first_sym}: {first}; make the folder writable or "
              "set AIPOLICY_CACHE_DIR to one you own", file=sys.stderr)
        return 1
    print(f"cache: {config.cache_dir()}")
    print(f"fetched {len(tally.ok)} of {total}: {', '.join(tally.ok) or 'none'}")
    if tally.failed:
        print(f"failed {len(tally.failed)}: {', '.join(tally.failed)}", file=sys.stderr)
        print(f"  e.g. {next(iter(tally.failed.values()))}", file=sys.stderr)
    late = [s for s, why in tally.failed.items() if "deadline" in why]
    if late and deadline.passed():
        print(f"aipolicy fetch: stopped at the {deadline.seconds:g} s deadline (--deadline); "
              f"{len(late)} of {total} not fetched ({len(tally.cut)} not tried); run it again, "
              "or raise --deadline", file=sys.stderr)  # fmt: skip
        return 1
    if not tally.ok:
        print("aipolicy fetch: nothing could be downloaded; see the reasons above "
              "(the notebooks still run with --source sample)", file=sys.stderr)  # fmt: skip
        return 1
    return 0


def run(args: argparse.Namespace) -> int:
    """Download everything asked, write the cache, report; exit 1 when nothing could be fetched,
    when the network is unreachable (said once, first), or when the deadline cut the fetch."""
    from tqdm import tqdm

    from aipolicy.marketdata.provenance import as_timestamp

    jobs, total = _jobs(args)
    start = as_timestamp("start", args.start)
    deadline = reach.Deadline(getattr(args, "deadline", reach.DEADLINE_S))
    needed = list(dict.fromkeys(_SERVICE_OF[kind] for kind, _ in jobs))
    tally = _Tally(down=_offline_first(needed))
    if tally.down and len(tally.down) == len(needed):  # nothing can be fetched: one line
        print(f"aipolicy fetch: {next(iter(tally.down.values()))} with `aipolicy report` "
              "(nothing was downloaded)", file=sys.stderr)  # fmt: skip
        return 1
    for message in dict.fromkeys(tally.down.values()):
        print(f"aipolicy fetch: {message}; fetching the rest", file=sys.stderr)
    with tqdm(total=total, desc="aipolicy fetch", unit="symbol", file=sys.stderr) as bar, \
            warnings.catch_warnings():  # fmt: skip
        warnings.simplefilter("ignore", UserWarning)  # failures are reported below
        for kind, syms in jobs:
            bar.set_postfix_str(",".join(syms)[:30])
            service = _SERVICE_OF[kind]
            if service in tally.down:
                tally.failed.update(dict.fromkeys(syms, f"cannot reach {service}"))
            elif deadline.passed():
                tally.cut += syms
                tally.failed.update(dict.fromkeys(syms, deadline.message("aipolicy fetch")))
            elif kind == "ipos":
                _fetch_ipos(tally, deadline)
            else:
                _fetch_batch(tally, kind, syms, start, deadline)
            bar.update(len(syms))
    return _outcome(tally, total, deadline)
