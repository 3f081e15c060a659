"""``aipolicy fetch``: refresh the local cache from Yahoo Finance and FRED, with a progress bar."""

from __future__ import annotations

import argparse
import sys
import warnings

from aipolicy.marketdata import universe as U

BATCH = 10  # tickers per yfinance call


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


def _split(values: list[str] | str | None, default: tuple[str, ...]) -> list[str]:
    """``["NVDA,AMD", "MU"]`` (or ``"NVDA,AMD"``) -> ``["NVDA", "AMD", "MU"]``; None -> default."""
    if not values:
        return list(default)
    text = ",".join([values] if isinstance(values, str) else values)
    return list(dict.fromkeys(t.strip().upper() for t in text.split(",") if t.strip()))


def run(args: argparse.Namespace) -> int:
    """Download everything asked, write the cache, report; exit 1 when nothing could be fetched."""
    from tqdm import tqdm

    from aipolicy import config
    from aipolicy.marketdata import sources
    from aipolicy.marketdata.provenance import OHLCV, as_timestamp

    tickers = _split(args.tickers, U.DEFAULT_UNIVERSE)
    series = _split(args.series, U.FRED_SERIES)
    start = as_timestamp("start", args.start)
    jobs: list[tuple[str, list[str]]] = [
        ("prices", tickers[i : i + BATCH]) for i in range(0, len(tickers), BATCH)
    ]
    jobs += [("fred", [s]) for s in series]
    if not args.no_ipos:
        jobs.append(("ipos", ["IPO_CALENDAR"]))
    ok: list[str] = []
    failed: dict[str, str] = {}
    unwritten: dict[str, str] = {}
    total = len(tickers) + len(series) + (0 if args.no_ipos else 1)
    with tqdm(total=total, desc="aipolicy fetch", unit="symbol", file=sys.stderr) as bar, \
            warnings.catch_warnings():  # fmt: skip
        warnings.simplefilter("ignore", UserWarning)  # failures are reported below
        for kind, syms in jobs:
            bar.set_postfix_str(",".join(syms)[:30])
            if kind == "ipos":
                try:
                    from aipolicy.marketdata.ipos import load_ipos

                    df = load_ipos(source="live")
                    ok.append("IPO_CALENDAR") if df.attrs["source"] == "live" else failed.setdefault(
                        "IPO_CALENDAR", "empty calendar")  # fmt: skip
                except Exception as exc:
                    failed["IPO_CALENDAR"] = f"{type(exc).__name__}: {exc}"[:200]
            else:
                cols = list(OHLCV) if kind == "prices" else ["value"]
                got = sources.from_live(
                    kind, syms, cols, "1d" if kind == "prices" else "native", start
                )
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
    if not ok:
        print("aipolicy fetch: nothing could be downloaded; check the network connection "
              "(the notebooks still run with --source sample)", file=sys.stderr)  # fmt: skip
        return 1
    return 0
