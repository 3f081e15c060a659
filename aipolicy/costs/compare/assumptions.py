"""The assumptions table: every number of a scenario with its unit and provenance, and the
GPU-hour rate of the rented fleet in words (its basis and source)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from aipolicy.costs.compare.fields import BUY_ONLY, FIELD_UNITS, NUMERIC_FIELDS, Provenance

if TYPE_CHECKING:  # pragma: no cover
    from aipolicy.costs.compare.scenario import Scenario

__all__ = ["describe_assumptions", "gpu_rate", "gpu_rate_text"]


def describe_assumptions(scenario: Scenario) -> pd.DataFrame:
    """Every number of the scenario with its unit and provenance.

    Returns
    -------
    DataFrame
        One row per parameter; columns ``parameter``, ``value``, ``unit``, ``source``,
        ``as_of``, ``note``. Values labelled ``estimated`` in ``source`` or ``note`` are not
        measurements. Buy-only parameters are omitted for a rented scenario and vice versa.
    """
    skip = set(BUY_ONLY) if scenario.acquisition == "rent" else {"gpu_hour_usd"}
    rows = []
    for key in ("api_model", "open_model", "gpu", "acquisition", "rent_mode", "precision"):
        p = scenario.provenance.get(key, Provenance("build_scenario argument"))
        rows.append((key, getattr(scenario, key), "name", p.source, p.as_of, p.note))
    p = scenario.provenance.get("load_profile", Provenance("default"))
    rows.append(("peak_factor", round(scenario.peak_factor, 4), "peak hour / daily mean",
                 p.source, p.as_of, p.note))
    for key in NUMERIC_FIELDS:
        if key in skip:
            continue
        p = scenario.provenance.get(key, Provenance("default"))
        note = p.note
        if key == "throughput_tok_s" and scenario.throughput_estimated and "estimated" not in (
                p.source + note):
            note = ("estimated; " + note).rstrip("; ")
        rows.append((key, float(getattr(scenario, key)), FIELD_UNITS[key], p.source, p.as_of,
                     note))
    return pd.DataFrame(rows, columns=["parameter", "value", "unit", "source", "as_of", "note"])


def gpu_rate(scenario: Scenario) -> dict[str, Any]:
    """The USD per GPU-hour the rented fleet is priced at, with its basis and source.

    Keys: ``usd`` (NaN when no rate is known), ``basis`` (``market median``, ``on-demand``,
    ``reserved`` or ``given``: :data:`aipolicy.costs.catalog.rental.BASES`), ``source``,
    ``as_of``, ``note``.
    """
    from aipolicy.costs.catalog.rental import rate_basis

    p = scenario.provenance.get("gpu_hour_usd", Provenance("default"))
    return {"usd": float(scenario.gpu_hour_usd), "basis": rate_basis(p.note, p.source),
            "source": p.source, "as_of": p.as_of, "note": p.note}


def gpu_rate_text(scenario: Scenario) -> str:
    """One line naming the GPU-hour rate of the rented fleet, its basis and its source."""
    from aipolicy.costs.catalog.rental import BASES

    r = gpu_rate(scenario)
    if not math.isfinite(r["usd"]):
        return "GPU rate: none known for renting this GPU (the rented option is not priced)"
    dated = "" if r["as_of"] in ("", "undated") else f", {r['as_of']}"
    return (f"GPU rate: {r['usd']:.2f} USD/GPU-hour, {r['basis']} ({BASES.get(r['basis'], '')}"
            f"; {r['source']}{dated})")
