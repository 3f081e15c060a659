"""Price-relevant model events with announcement dates: the curated catalog ``model_events.csv``.

genai-prices dates a price change only when a model's own list price changes (o3's cut on
2025-06-10). The repricings that moved the market mostly came as new models: a cheaper flagship
(GPT-5 at 1.25/10 USD per 1M tokens, Claude Opus 4.5 at 5/25 after 15/75), a model rated as good
as a pricier one (Claude 3.5 Sonnet against Claude 3 Opus), or a challenger at a fraction of the
incumbent's price (DeepSeek-R1 against o1). ``aipolicy/catalogs/model_events.csv`` lists them
from 2023 on, one row per announcement, each with its public source and the date the source
gives; ``reference_model`` is the model the new price is compared with (the one it replaces,
or the incumbent of similar quality: an aipolicy judgment, stated in ``note``).

:func:`model_events` returns them in the layout of
:func:`aipolicy.costs.economics.price_events.price_change_events` (``before`` = the reference's
prices, ``after`` = the new model's), so the two sources can be pooled and clustered into event
dates with :func:`~aipolicy.costs.economics.price_events.one_per_date`; :func:`pooled_events`
does both.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from aipolicy.costs.catalog.files import load_catalog
from aipolicy.errors import CatalogError

from .price_events import COLUMNS, blended, cluster_starts

#: What kind of repricing a row is.
KINDS: tuple[str, ...] = (
    "list cut",
    "cheaper flagship",
    "cheaper at equal capability",
    "cheap challenger",
)
#: Columns of :func:`model_events` (the price-event columns, then these).
EXTRA_COLUMNS: list[str] = ["event_kind", "reference_model", "origin", "note"]


def model_events(
    *, start: str | dt.date | None = None, end: str | dt.date | None = None
) -> pd.DataFrame:
    """The curated model events, as price-change rows (all cuts).

    Parameters
    ----------
    start, end : date or ISO str, optional
        Keep announcements dated in ``[start, end]`` (both inclusive).

    Returns
    -------
    DataFrame
        :data:`~aipolicy.costs.economics.price_events.COLUMNS` plus :data:`EXTRA_COLUMNS`,
        sorted by date: ``input_before``/``output_before`` are the reference model's prices and
        ``input_after``/``output_after`` the new model's (USD per 1M tokens), changes are
        fractions (-0.8 = 80 % cheaper), ``kind`` is ``"cut"``, ``origin`` is ``"curated"``.

    Raises
    ------
    CatalogError
        A row of an unknown kind, or one whose blended price does not fall (not a cut),
        naming the line.
    """
    raw = load_catalog("model_events")
    rows = []
    for idx, r in raw.iterrows():
        line = idx + 2
        if r["kind"] not in KINDS:
            raise CatalogError(
                f"model_events.csv line {line}: kind {r['kind']!r} is not one of "
                f"{', '.join(KINDS)}",
                field="kind",
                value=r["kind"],
            )
        before = blended(r["reference_input_per_mtok_usd"], r["reference_output_per_mtok_usd"])
        after = blended(r["input_per_mtok_usd"], r["output_per_mtok_usd"])
        if not after < before:
            raise CatalogError(
                f"model_events.csv line {line}: {r['model']} at a blended "
                f"{after:.3g} USD per 1M tokens is not cheaper than "
                f"{r['reference_model']} ({before:.3g}); the table lists cuts",
                field="input_per_mtok_usd",
                value=r["input_per_mtok_usd"],
            )
        rows.append(
            {
                "date": pd.Timestamp(r["date"]),
                "provider": r["provider"],
                "model": r["model"],
                "input_before": r["reference_input_per_mtok_usd"],
                "input_after": r["input_per_mtok_usd"],
                "output_before": r["reference_output_per_mtok_usd"],
                "output_after": r["output_per_mtok_usd"],
                "input_change": r["input_per_mtok_usd"] / r["reference_input_per_mtok_usd"] - 1,
                "output_change": r["output_per_mtok_usd"] / r["reference_output_per_mtok_usd"] - 1,
                "blended_change": after / before - 1,
                "kind": "cut",
                "flagship": True,
                "source": r["source"],
                "event_kind": r["kind"],
                "reference_model": r["reference_model"],
                "origin": "curated",
                "note": r["note"],
            }
        )
    out = pd.DataFrame(rows, columns=COLUMNS + EXTRA_COLUMNS)
    first = pd.Timestamp(start) if start is not None else pd.Timestamp.min
    last = pd.Timestamp(end) if end is not None else pd.Timestamp.max
    out = out[out["date"].between(first, last)]
    return out.sort_values(["date", "provider", "model"]).reset_index(drop=True)


def pooled_events(
    catalog_cuts: pd.DataFrame, curated: pd.DataFrame | None = None, *, min_gap_days: int = 7
) -> pd.DataFrame:
    """The curated events and genai-prices' dated cuts as one list of event dates.

    Parameters
    ----------
    catalog_cuts : DataFrame
        Dated cuts from :func:`~aipolicy.costs.economics.price_events.price_change_events`.
    curated : DataFrame, optional
        :func:`model_events` (default: all of them).
    min_gap_days : int
        Announcements within this many calendar days of the first of a cluster are one event
        (7 by default: a week, so that no two events' (0, +5) windows overlap).

    Returns
    -------
    DataFrame
        One row per event date (:func:`~aipolicy.costs.economics.price_events.one_per_date`):
        the largest cut of the cluster gives the prices, ``model`` joins every model of the
        cluster, ``origin`` says ``curated``, ``genai-prices`` or both, ``n_changes`` counts
        the announcements.
    """
    from .price_events import one_per_date

    curated = model_events() if curated is None else curated
    cuts = catalog_cuts.assign(
        origin="genai-prices", event_kind="list cut", reference_model=catalog_cuts["model"], note=""
    )
    both = pd.concat([df for df in (curated, cuts) if len(df)], ignore_index=True)
    if both.empty:
        return pd.DataFrame(columns=COLUMNS + EXTRA_COLUMNS + ["n_changes"])
    out = one_per_date(both, min_gap_days=min_gap_days)
    clusters = _clusters(both, min_gap_days)
    out["origin"] = [" + ".join(sorted(set(both.loc[ix, "origin"]))) for ix in clusters]
    return out


def _clusters(events: pd.DataFrame, min_gap_days: int) -> list[list[int]]:
    """Row labels of ``events`` per cluster, in the order :func:`one_per_date` makes them."""
    ev = events.sort_values("date", kind="stable")
    groups: dict[pd.Timestamp, list[int]] = {}
    for ix, start in zip(ev.index, cluster_starts(ev["date"], min_gap_days), strict=True):
        groups.setdefault(start, []).append(ix)
    return list(groups.values())
