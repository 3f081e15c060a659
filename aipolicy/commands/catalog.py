"""``aipolicy catalog models|gpus|providers``: what can be named, with price, quality and as-of.

``models`` is sorted (``--sort``, default by provider then name) and filtered by
``--provider``, ``--open`` and ``--min-quality``; ``gpus`` by ``--provider`` (a rental
provider, with its price). A ``--provider`` that matches nothing is a one-line error listing
the providers there are (exit 2). ``--json`` prints typed values: numbers as numbers, a
missing value as ``null``; the text table shows a missing value as ``—``.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from aipolicy.commands.asof import AS_OF_HELP, as_of_flag
from aipolicy.errors import InvalidInputError

TABLES = ("models", "gpus", "providers")
SORTS = ("provider", "name", "price", "quality")  # = listing.MODEL_SORTS (not imported: fast)


def _rating(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive LMArena rating such as 1300, "
                                         f"got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``aipolicy catalog``."""
    parser.add_argument("table", choices=TABLES,
                        help="models: API options for --api-model (proprietary and hosted open "
                             "weights); gpus: for --gpu; providers: price-data providers")
    parser.add_argument("--provider", default=None,
                        help="models: only this provider's (e.g. openai, groq, deepinfra); gpus: "
                             "only the GPUs this rental provider lists, at its price (e.g. "
                             "lambda, runpod; what --rental-provider takes); providers: only it")
    parser.add_argument("--open", dest="open_only", action="store_true",
                        help="models: only open weights served per token")
    parser.add_argument("--min-quality", type=_rating, default=None, metavar="RATING",
                        help="models: only models rated at least this (LMArena text rating, "
                             "e.g. 1300); unrated models are left out")
    parser.add_argument("--sort", choices=SORTS, default="provider",
                        help="models: by provider then name (default), name, price (output, "
                             "then input; cheapest first) or quality (best first)")
    parser.add_argument("--as-of", type=as_of_flag, default=None, metavar="YYYY-MM-DD",
                        help=f"{AS_OF_HELP}, and retirements counted from it (default today)")
    parser.add_argument("--json", action="store_true",
                        help="one JSON array of objects (numbers as numbers, missing as null)")


def _plain(value: Any) -> Any:
    """A JSON value: NaN and pandas' missing values become None, numpy scalars Python's."""
    if value is None:
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value)


def _text(frame: Any, columns: list[str]) -> str:
    shown = frame[columns].copy()
    for col in shown.columns:
        shown[col] = [_cell(v) for v in shown[col]]
    return shown.to_string(index=False)


def _model_view(frame: Any) -> Any:
    """The models table as printed: quality as ``1276 (1273–1280)``, retirement in words."""
    shown = frame.copy()
    shown["quality"] = [
        "unrated" if _plain(q) is None else f"{q:.0f} ({lo:.0f}–{hi:.0f})"
        for q, lo, hi in zip(frame["quality"], frame["quality_low"], frame["quality_high"],
                             strict=True)]
    shown["as_of"] = [_plain(a) or "undated" for a in frame["as_of"]]
    shown["retires"] = [None if _plain(r) is None else (f"retired {r}" if gone else str(r))
                        for r, gone in zip(frame["retires"], frame["retired"], strict=True)]
    return shown


def _no_match(provider: str, what: str, known: list[str]) -> InvalidInputError:
    import difflib

    close = difflib.get_close_matches(provider, known, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return InvalidInputError(f"--provider {provider!r}: no {what} from that provider{hint}; "
                             f"providers: {', '.join(known)}", field="provider", value=provider)


def _models(args: argparse.Namespace) -> tuple[Any, list[str], str]:
    from aipolicy.costs.catalog import listing, prices

    if args.provider is not None and args.provider not in listing.model_providers():
        raise _no_match(args.provider, "API model", listing.model_providers())
    frame = listing.model_table(args.provider, as_of=args.as_of, open_only=args.open_only,
                                min_quality=args.min_quality, sort=args.sort)
    cols = ["name", "kind", "provider", "input_per_mtok_usd", "output_per_mtok_usd", "quality",
            "as_of", "retires"]
    head = (f"{len(frame)} API option{'' if len(frame) == 1 else 's'} (USD per 1M tokens; "
            f"quality: LMArena text rating, 95% interval; sorted by {args.sort}); prices: "
            f"{prices.snapshot().label}")
    return frame, cols, head


def _gpus(args: argparse.Namespace) -> tuple[Any, list[str], str]:
    from aipolicy.costs.capacity.agreement import capacity_basis
    from aipolicy.costs.catalog import listing

    if args.provider is not None and args.provider not in listing.rental_providers():
        raise _no_match(args.provider, "GPU rental", listing.rental_providers())
    frame = listing.gpu_table(args.provider)
    frame["capacity_basis"] = frame["gpu"].map(capacity_basis)
    cols = ["gpu", "memory_gb", "bandwidth_gb_s", "board_power_w", "rent_usd_per_gpu_hour",
            "rent_as_of", "market_usd_per_gpu_hour", "reserved_usd_per_gpu_hour",
            "capacity_basis"]
    rent = ("default on-demand rental" if args.provider is None
            else f"{args.provider}'s newest rental")
    head = (f"GPUs (memory GB, bandwidth GB/s, board power W; USD/GPU-hour: {rent}, market "
            "rate (an always-on fleet over a year or more is priced at the lower of the "
            "default and this) and lowest reserved; where a replica's capacity comes from)")
    return frame, cols, head


def run(args: argparse.Namespace) -> int:
    """Print the chosen table (text or JSON); returns 0.

    Raises
    ------
    InvalidInputError
        ``--provider`` names no provider of that table (one line listing those there are).
    """
    from aipolicy.costs.catalog import listing, prices

    if args.table == "models":
        frame, cols, head = _models(args)
    elif args.table == "gpus":
        frame, cols, head = _gpus(args)
    else:
        frame = listing.provider_table()
        if args.provider is not None:
            frame = frame[frame["provider"] == args.provider]
            if frame.empty:
                raise _no_match(args.provider, "price data", list(listing.provider_table()
                                                                   ["provider"]))
        cols = ["provider", "name", "hosted_open_models", "pricing_page"]
        head = f"Price-data providers; prices: {prices.snapshot().label}"
    if args.json:
        records = [{k: _plain(v) for k, v in row.items()}
                   for row in frame.to_dict(orient="records")]
        print(json.dumps(records, indent=2))
    elif frame.empty:
        print(f"{head}\nno API option matches these filters")
    else:
        print(head)
        print(_text(_model_view(frame) if args.table == "models" else frame, cols))
    return 0
