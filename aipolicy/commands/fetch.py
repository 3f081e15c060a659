"""``aipolicy fetch``: refresh the local cache from Yahoo Finance and FRED, with a progress bar."""

from __future__ import annotations

import argparse
import sys
import warnings

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


def run(args: argparse.Namespace) -> int:
    """Download everything asked, write the cache, report; exit 1 when nothing could be fetched,
    when the network is unreachable (said once, first), or when the deadline cut the fetch."""
    from tqdm import tqdm

    from aipolicy import config
    from aipolicy.marketdata import sources
    from aipolicy.marketdata.provenance import OHLCV, as_timestamp

    tickers = _split(args.tickers, U.DEFAULT_UNIVERSE, "tickers")
    series = _split(args.series, U.FRED_SERIES, "series")
    start = as_timestamp("start", args.start)
    deadline = reach.Deadline(getattr(args, "deadline", reach.DEADLINE_S))
    jobs: list[tuple[str, list[str]]] = [
        ("prices", tickers[i : i + BATCH]) for i in range(0, len(tickers), BATCH)
    ]
    jobs += [("fred", [s]) for s in series]
    if not args.no_ipos:
        jobs.append(("ipos", ["IPO_CALENDAR"]))
    service_of = {"prices": reach.YAHOO, "ipos": reach.YAHOO, "fred": reach.FRED}
    needed = list(dict.fromkeys(service_of[kind] for kind, _ in jobs))
    down = _offline_first(needed)
    if down and len(down) == len(needed):  # nothing can be fetched: one line, no per-symbol list
        print(f"aipolicy fetch: {next(iter(down.values()))} with `aipolicy report` "
              "(nothing was downloaded)", file=sys.stderr)  # fmt: skip
        return 1
    for message in dict.fromkeys(down.values()):
        print(f"aipolicy fetch: {message}; fetching the rest", file=sys.stderr)
    ok: list[str] = []
    failed: dict[str, str] = {}
    unwritten: dict[str, str] = {}
    cut: list[str] = []  # not tried: the deadline had passed
    total = len(tickers) + len(series) + (0 if args.no_ipos else 1)
    with tqdm(total=total, desc="aipolicy fetch", unit="symbol", file=sys.stderr) as bar, \
            warnings.catch_warnings():  # fmt: skip
        warnings.simplefilter("ignore", UserWarning)  # failures are reported below
        for kind, syms in jobs:
            bar.set_postfix_str(",".join(syms)[:30])
            service = service_of[kind]
            if service in down:
                failed.update(dict.fromkeys(syms, f"cannot reach {service}"))
            elif deadline.passed():
                cut += syms
                failed.update(dict.fromkeys(syms, deadline.message("aipolicy fetch")))
            elif kind == "ipos":
                try:
                    from aipolicy.marketdata.ipos import load_ipos

                    df = reach.bounded(lambda: load_ipos(source="live"), deadline, "IPO calendar")
                    ok.append("IPO_CALENDAR") if df.attrs["source"] == "live" else failed.setdefault(
                        "IPO_CALENDAR", "empty calendar")  # fmt: skip
                except reach.ServiceUnreachableError as exc:
                    down[service] = str(exc)
                    failed["IPO_CALENDAR"] = str(exc)
                except Exception as exc:
                    failed["IPO_CALENDAR"] = f"{type(exc).__name__}: {exc}"[:200]
            else:
                cols = list(OHLCV) if kind == "prices" else ["value"]
                try:
                    got = sources.from_live(kind, syms, cols, "1d" if kind == "prices" else "native",
                                            start, deadline)  # fmt: skip
                except reach.ServiceUnreachableError as exc:  # went down during the fetch
                    down[service] = str(exc)
                    failed.update(dict.fromkeys(syms, str(exc)))
                    bar.update(len(syms))
                    continue
                unwritten.update(got.write_errors)
                ok += [s for s in got.records if s not in got.write_errors]
                for s, note in zip(got.missing, got.notes, strict=False):
                    failed[s] = note[:200]
                for s in got.missing[len(got.notes) :]:
                    failed[s] = "no data"
            bar.update(len(syms))
    if unwritten:  # downloaded but not stored: the fetch did not do its job
        first_sym, first = next(iter(unwritten.items()))
        print(f"aipolicy fetch: cannot write the cache ({len(unwritten)} of {total} downloads "
              f"not stored), e.g. {first_sym}: {first}; make the folder writable or set "
              "AIPOLICY_CACHE_DIR to one you own", file=sys.stderr)
        return 1
    print(f"cache: {config.cache_dir()}")
    print(f"fetched {len(ok)} of {total}: {', '.join(ok) or 'none'}")
    if failed:
        print(f"failed {len(failed)}: {', '.join(failed)}", file=sys.stderr)
        first = next(iter(failed.values()))
        print(f"  e.g. {first}", file=sys.stderr)
    late = [s for s, why in failed.items() if "deadline" in why]
    if late and deadline.passed():
        print(f"aipolicy fetch: stopped at the {deadline.seconds:g} s deadline (--deadline); "
              f"{len(late)} of {total} not fetched ({len(cut)} not tried); run it again, or "
              "raise --deadline", file=sys.stderr)  # fmt: skip
        return 1
    if not ok:
        print("aipolicy fetch: nothing could be downloaded; see the reasons above "
              "(the notebooks still run with --source sample)", file=sys.stderr)  # fmt: skip
        return 1
    return 0
