"""Which GPU-hour rate a rented fleet is priced at: on-demand, market median or reserved.

``gpu_rental.csv`` holds one row per GPU, provider and price tier (``tier``): ``on-demand``
list prices, ``community`` / ``spot`` / ``marketplace`` / ``starting-at`` / ``capacity-block``
offers, committed rates (``reserved-1y``, ``reserved-3y``, ``reserved`` with the term not
stated) and published market levels (``market-median``), each with its public source and date.

A careful buyer does not pay one cloud's on-demand list price for a fleet that runs around the
clock for years: :func:`planning_rate` prices an always-on fleet over a horizon of
:data:`MULTI_YEAR_MONTHS` months or more at the GPU's market rate (:func:`market_rate`), and
only a short or autoscaled fleet at the catalog's default on-demand row. Committed rates are
priced by ``--acquisition reserve`` (billed whether used or not). Every figure returned here
names its basis first in its ``note`` (``market median: ...``, ``on-demand: ...``), which
:func:`rate_basis` reads back.
"""

from __future__ import annotations

import datetime as dt
import statistics
from pathlib import Path

from aipolicy.costs.catalog.files import parse_as_of
from aipolicy.costs.catalog.tables import Figure, gpu_rental, gpu_rental_table, rental_provider

__all__ = ["BASES", "MULTI_YEAR_MONTHS", "market_rate", "planning_rate", "rate_basis"]

#: An always-on fleet planned for this many months or more is priced at the market rate
#: (the shortest committed term sold is one year).
MULTI_YEAR_MONTHS = 12.0
#: Tiers whose rows are on-demand list prices, the pool of the computed market median.
_LIST_TIERS = ("on-demand",)
#: What each basis means, for the output (the first words of a rate figure's note).
BASES: dict[str, str] = {
    "market median": "the market rate of the GPU, not one cloud's list price",
    "on-demand": "a cloud's on-demand list price, billed by the hour",
    "reserved": "a committed rate, billed 24 h a day whether used or not",
    "given": "given by the user",
}


def _newest(rows):  # -> the newest dated row of a frame (undated last)
    key = rows["as_of"].map(lambda s: parse_as_of(s) or dt.date.min)
    return rows.loc[key.sort_values(ascending=False, kind="stable").index[0]]


def market_rate(gpu: str, directory: str | Path | None = None) -> Figure | None:
    """The GPU's market rate in USD per GPU-hour, or None when the catalog has no list price.

    The newest published ``market-median`` row when the catalog has one (an index of many
    providers' posted prices); otherwise the median of the newest on-demand list price of each
    provider dated within a year of the newest one, computed here and labelled so, with every
    price it is the median of.
    """
    table = gpu_rental_table(gpu, directory)
    published = table[table["tier"] == "market-median"]
    if not published.empty:
        r = _newest(published)
        return Figure(float(r["gpu_hour_usd"]), "USD/GPU-hour", str(r["source"]), str(r["as_of"]),
                      f"market median: {r['note']}".rstrip(": "))
    listed = table[table["tier"].isin(_LIST_TIERS)].copy()
    if listed.empty:
        return None
    listed["_day"] = listed["as_of"].map(lambda s: parse_as_of(s) or dt.date.min)
    listed = listed.sort_values("_day", ascending=False, kind="stable")
    newest = listed.groupby("provider", sort=False).head(1)
    window = newest[newest["_day"] >= newest["_day"].max() - dt.timedelta(days=365)]
    value = float(statistics.median(window["gpu_hour_usd"]))
    prices = "; ".join(f"{r['provider']} {r['gpu_hour_usd']:g} ({r['as_of']})"
                       for _, r in window.sort_values("gpu_hour_usd").iterrows())
    return Figure(value, "USD/GPU-hour",
                  f"median of {len(window)} providers' on-demand list prices in aipolicy's "
                  f"gpu_rental.csv, each with its own source", window["_day"].max().isoformat(),
                  f"market median (computed; no published index for this GPU): {prices}")


def planning_rate(gpu: str, *, horizon_months: float, rent_mode: str = "always_on",
                  provider: str | None = None,
                  directory: str | Path | None = None) -> Figure:
    """The USD per GPU-hour a rented fleet of ``gpu`` is priced at by default.

    ``provider`` names a row (its newest price). Otherwise an always-on fleet over
    ``horizon_months`` >= :data:`MULTI_YEAR_MONTHS` gets :func:`market_rate`, or the
    catalog's default on-demand row where that is lower (a major cloud listing below the
    median), and a shorter or autoscaled fleet the default on-demand row. The note starts
    with the basis.

    Raises
    ------
    CatalogError
        Unknown GPU or provider, or no rental row at all (``field`` ``gpu_hour_usd``).
    """
    if provider is not None or rent_mode != "always_on" or horizon_months < MULTI_YEAR_MONTHS:
        fig = gpu_rental(gpu, provider, directory)
        tier = _tier_of(gpu, fig, directory)
        why = ("" if provider is not None else
               f"; the default for an {'autoscaled' if rent_mode != 'always_on' else 'always-on'}"
               f" fleet over {horizon_months:g} months")
        return Figure(fig.value, fig.unit, fig.source, fig.as_of,
                      f"{tier}: {fig.note}{why}".replace(": ;", ":").rstrip(": "))
    market = market_rate(gpu, directory)
    listed = gpu_rental(gpu, None, directory)
    if market is None or market.value > listed.value:
        why = ("no market rate is known" if market is None else
               f"the market median is higher ({market.value:g}: {market.source})")
        return Figure(listed.value, listed.unit, listed.source, listed.as_of,
                      f"on-demand: {listed.note}; the default for an always-on fleet over "
                      f"{horizon_months:g} months is the lower of the market rate and this "
                      f"list price, and {why}")
    return Figure(market.value, market.unit, market.source, market.as_of,
                  f"{market.note}; the default for an always-on fleet over {horizon_months:g} "
                  f"months ({MULTI_YEAR_MONTHS:g} or more): a careful buyer pays the market, "
                  f"not the on-demand list price of one cloud ({listed.value:g}, "
                  f"{rental_provider(listed.source)})")


def _tier_of(gpu: str, fig: Figure, directory: str | Path | None) -> str:
    """The basis of a catalog row's figure: ``reserved``, ``on-demand`` or its own tier."""
    table = gpu_rental_table(gpu, directory)
    provider = rental_provider(fig.source)
    tiers = table.loc[table["provider"] == provider, "tier"]
    tier = str(tiers.iloc[0]) if len(tiers) else "on-demand"
    return ("reserved" if tier.startswith("reserved") else
            "market median" if tier == "market-median" else tier)


def rate_basis(note: str, source: str = "") -> str:
    """The basis of a rate figure from its note (``market median``, ``reserved``, ...);
    ``given`` for a caller's value."""
    if source == "caller override":
        return "given"
    head = note.split(":", 1)[0].split(" (", 1)[0].strip()
    return head or "on-demand"
