"""``aipolicy catalog models|gpus|providers``: what can be named, with price, quality and as-of."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from aipolicy.commands.asof import AS_OF_HELP, as_of_flag

TABLES = ("models", "gpus", "providers")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``aipolicy catalog``."""
    parser.add_argument("table", choices=TABLES,
                        help="models: API options for --api-model (proprietary and hosted open "
                             "weights); gpus: for --gpu; providers: price-data providers")
    parser.add_argument("--provider", default=None,
                        help="models: only this provider (e.g. openai, groq, deepinfra)")
    parser.add_argument("--as-of", type=as_of_flag, default=None, metavar="YYYY-MM-DD",
                        help=f"{AS_OF_HELP}, and retirements counted from it (default today)")
    parser.add_argument("--json", action="store_true", help="one JSON array of objects")


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _text(frame: Any, columns: list[str]) -> str:
    shown = frame[columns].copy()
    for col in shown.columns:
        if shown[col].dtype.kind == "f":
            shown[col] = [("—" if v is None or not math.isfinite(v) else f"{v:,.4g}")
                          for v in shown[col]]
    return shown.to_string(index=False)


def run(args: argparse.Namespace) -> int:
    """Print the chosen table (text or JSON); returns 0."""
    from aipolicy.costs.catalog import listing, prices

    if args.table == "models":
        frame = listing.model_table(args.provider, as_of=args.as_of)
        cols = ["name", "kind", "provider", "input_per_mtok_usd", "output_per_mtok_usd", "quality",
                "as_of", "retires"]
        head = (f"API options (USD per 1M tokens; quality: LMArena text rating, 95% interval); "
                f"prices: {prices.snapshot().label}")
    elif args.table == "gpus":
        from aipolicy.costs.capacity.agreement import capacity_basis

        frame = listing.gpu_table()
        frame["capacity_basis"] = frame["gpu"].map(capacity_basis)
        cols = ["gpu", "memory_gb", "bandwidth_gb_s", "board_power_w", "rent_usd_per_gpu_hour",
                "rent_as_of", "market_usd_per_gpu_hour", "reserved_usd_per_gpu_hour",
                "capacity_basis"]
        head = ("GPUs (memory GB, bandwidth GB/s, board power W; USD/GPU-hour: default "
                "on-demand rental, market rate (an always-on fleet over a year or more is "
                "priced at the lower of the two) and lowest reserved; where a replica's "
                "capacity comes from)")
    else:
        frame = listing.provider_table()
        cols = ["provider", "name", "hosted_open_models", "pricing_page"]
        head = f"Price-data providers; prices: {prices.snapshot().label}"
    if args.json:
        records = [{k: _plain(v) for k, v in row.items()}
                   for row in frame.to_dict(orient="records")]
        print(json.dumps(records, indent=2))
    else:
        print(head)
        print(_text(frame, cols))
    return 0
