"""``--acquisition reserve`` of ``aipolicy breakeven``: rented GPUs at a committed rate.

A reserved GPU is billed 24 h a day whether used or not, at a catalog rate whose provider says
``reserved`` (default: the SemiAnalysis 3-year rental rate, ``reserved-3y``). It is priced as
always-on rent at that rate; the output names the rate and its source. :func:`rate_line` names
the rate of any rented fleet (market median, on-demand, reserved or given).
"""

from __future__ import annotations

import argparse
from typing import Any

from aipolicy.errors import InvalidInputError

__all__ = ["RESERVED_PROVIDER", "acquisition_label", "gpu_hour", "rate_line",
           "reserved_overrides"]


#: The reserved rate used by --acquisition reserve unless --rental-provider names another one.
RESERVED_PROVIDER = "reserved-3y"


def reserved_overrides(kw: dict[str, Any], preset: str) -> dict[str, Any]:
    """Overrides for ``--acquisition reserve``: always-on rented GPUs at a committed rate (a
    catalog row whose provider says ``reserved``), billed whether used or not."""
    from aipolicy.costs import catalog
    from aipolicy.costs.compare.presets import PRESETS

    if kw.get("rent_mode") == "autoscale":
        raise InvalidInputError("--rent-mode autoscale: a reserved GPU is billed 24 h a day "
                                "whether used or not; use --acquisition rent to autoscale",
                                field="rent_mode")
    gpu = kw.get("gpu") or PRESETS[preset].build["gpu"]
    provider = kw.get("rental_provider", RESERVED_PROVIDER)
    reserved = sorted(catalog.reserved_rates(gpu)["provider"])
    if provider not in reserved:
        having = sorted(set(catalog.reserved_rates()["gpu"]))
        raise InvalidInputError(
            f"--acquisition reserve: no reserved rate '{provider}' for GPU {gpu} in the "
            f"catalog (its reserved rows: {', '.join(reserved) or 'none'}; GPUs with one: "
            f"{', '.join(having)}); use --acquisition rent, or give --gpu-hourly",
            field="rental_provider")
    return {"acquisition": "rent", "rent_mode": "always_on", "rental_provider": provider}


def acquisition_label(args: argparse.Namespace, s: Any) -> str:
    """``reserve`` for --acquisition reserve (priced as always-on rent at the committed rate),
    else the scenario's mode."""
    return "reserve" if getattr(args, "acquisition", None) == "reserve" else s.acquisition


def gpu_hour(s: Any) -> dict[str, Any]:
    """The GPU-hour price the rented (or reserved) fleet is priced at, with its basis
    (``market median``, ``on-demand``, ``reserved``, ``given``), source and date."""
    from aipolicy.costs.compare.assumptions import gpu_rate

    return gpu_rate(s)


def rate_line(r: dict[str, Any]) -> list[str]:
    """The output line naming the GPU-hour rate the 'rented GPUs' rows are priced at."""
    from aipolicy.costs.catalog.rental import BASES

    g = r["gpu_hour"]
    if g["usd"] is None or g["usd"] != g["usd"]:
        return []
    what = ("reserved GPUs" if r["acquisition"] == "reserve" else "GPU rate")
    dated = "" if g["as_of"] in ("", "undated") else f", {g['as_of']}"
    return [f"{what}: {g['usd']:.2f} USD/GPU-hour, {g['basis']} ({BASES.get(g['basis'], '')}; "
            f"{g['source']}{dated}); the 'rented GPUs' rows are priced at it"]
