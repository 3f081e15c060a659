"""``aipolicy prices show|refresh``: which API price data runs use, and fetching the newest."""

from __future__ import annotations

import argparse

from aipolicy.commands.asof import AS_OF_HELP, as_of_flag


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``aipolicy prices``."""
    parser.add_argument("action", choices=("show", "refresh"),
                        help="show: the price data in use; refresh: fetch genai-prices' newest "
                             "data into the project cache (needs the network)")
    parser.add_argument("--url", default=None,
                        help="refresh from this URL instead of genai-prices' own")
    parser.add_argument("--as-of", type=as_of_flag, default=None, metavar="YYYY-MM-DD",
                        help=f"show: the data as seen on this {AS_OF_HELP} (default today)")


def run(args: argparse.Namespace) -> int:
    """Show or refresh; a failed refresh raises a one-line error (exit 2) and changes nothing."""
    from aipolicy.costs.catalog import prices

    if args.action == "refresh":
        snap = prices.refresh(args.url)
        print(f"prices refreshed: {snap.label}; stored in {prices.prices_dir()}")
    else:
        snap = prices.snapshot()
        print(f"prices: {snap.label}")
        if snap.origin == "refreshed":
            print(f"fetched from {snap.url}; delete {prices.prices_dir()} to price from the "
                  f"installed {prices.PACKAGE} again")
    return 0
