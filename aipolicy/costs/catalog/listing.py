"""What can be named: API models (with price, quality, as-of, retirement), GPUs, providers.

These tables back ``aipolicy catalog models|gpus|providers``; each row carries its sources.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from aipolicy.costs import catalog
from aipolicy.errors import CatalogError

__all__ = ["MODEL_COLUMNS", "MODEL_SORTS", "gpu_table", "model_providers", "model_table",
           "provider_table", "rental_providers"]


#: Columns of :func:`model_table`, in order.
MODEL_COLUMNS = ["name", "kind", "provider", "input_per_mtok_usd", "output_per_mtok_usd",
                 "quality", "quality_low", "quality_high", "as_of", "retires", "retired",
                 "source"]
#: Orders :func:`model_table` can sort by.
MODEL_SORTS = ("provider", "name", "price", "quality")


def _quality(model: str) -> tuple[float | None, float | None, float | None]:
    from aipolicy.costs.catalog.quality import quality

    q = quality(model)
    return q.rating, q.ci_low, q.ci_high


def model_providers() -> list[str]:
    """Providers with at least one API option (proprietary text model or hosted open model)."""
    from aipolicy.costs.catalog.api_prices import hosted_table
    from aipolicy.costs.catalog.prices import text_models

    hosted = set(hosted_table()["provider"])
    return sorted({p for p, _ in text_models(catalog.PROPRIETARY_PROVIDERS)} | hosted)


def model_table(provider: str | None = None, *, as_of: str | dt.date | None = None,
                input_tokens: float = 1000.0, open_only: bool = False,
                min_quality: float | None = None, sort: str = "provider") -> pd.DataFrame:
    """One row per API option: proprietary text models and open weights served per token.

    Parameters
    ----------
    provider : str, optional
        Only this provider's options.
    as_of : str or date, optional
        Valuation date: the prices in force on it, retirements counted from it.
    input_tokens : float
        Request size the prices are for (prompt-length tiers), tokens.
    open_only : bool
        Only open weights served per token.
    min_quality : float, optional
        Only models rated at least this (LMArena text rating, Elo points); unrated left out.
    sort : str
        ``provider`` (then name), ``name``, ``price`` (output, then input price, cheapest
        first) or ``quality`` (best first, unrated last).

    Returns
    -------
    DataFrame
        Columns :data:`MODEL_COLUMNS`: ``name`` (what ``--api-model`` takes), ``kind``
        (``proprietary``, ``open weights (maker's API)`` or ``hosted open``; hosts as
        :func:`aipolicy.costs.catalog.hosted_table`), ``provider``, ``input_per_mtok_usd``,
        ``output_per_mtok_usd`` (USD per 1M tokens), ``quality`` with ``quality_low``/
        ``quality_high`` (rating and 95% interval, None when unrated), ``as_of`` (the price's
        date, None when genai-prices gives none), ``retires`` (the provider's retirement date,
        None when none is known), ``retired`` (on or before the valuation date), ``source``.
        Proprietary models without a text token price (image, speech) are left out.
    """
    from aipolicy.costs.catalog.api_prices import hosted_table
    from aipolicy.costs.catalog.prices import api_price_genai, text_models, valuation_day
    from aipolicy.costs.catalog.quality import maker_api_label

    if sort not in MODEL_SORTS:
        raise CatalogError(f"sort {sort!r}: choose one of {', '.join(MODEL_SORTS)}",
                           field="sort", value=sort)
    day = valuation_day(as_of)
    retire = catalog.load_catalog("retirements").set_index("model")["retires_on"].to_dict()
    rows = []
    seen: set[str] = set()
    for prov_id, name in text_models(catalog.PROPRIETARY_PROVIDERS):
        if (provider is not None and prov_id != provider) or name in seen or open_only:
            continue  # a model resold by another provider (Claude on Google) is listed once
        seen.add(name)
        p = api_price_genai(name, prov_id, as_of=as_of, input_tokens=input_tokens)
        kind = "open weights (maker's API)" if maker_api_label(name) else "proprietary"
        rows.append((name, kind, prov_id, p, _quality(name), retire.get(name)))
    for _, r in hosted_table().iterrows():
        if provider is not None and r["provider"] != provider:
            continue
        name = f"{r['model']}@{r['provider']}"
        p = catalog.api_price(name, as_of=as_of, input_tokens=input_tokens)
        rows.append((name, "hosted open", r["provider"], p, _quality(str(r["model"])), None))
    table = pd.DataFrame(
        [(name, kind, prov, p.input_per_mtok_usd, p.output_per_mtok_usd, *q,
          None if p.as_of == "undated" else p.as_of, retires,
          retires is not None and dt.date.fromisoformat(str(retires)) <= day, p.source)
         for name, kind, prov, p, q, retires in rows], columns=MODEL_COLUMNS)
    if min_quality is not None:
        table = table[table["quality"].notna() & (table["quality"] >= min_quality)]
    return _sorted(table, sort).reset_index(drop=True)


def _sorted(table: pd.DataFrame, sort: str) -> pd.DataFrame:
    if sort == "quality":
        return table.sort_values(["quality", "name"], ascending=[False, True],
                                 na_position="last", kind="stable")
    keys = {"provider": ["provider", "name"], "name": ["name"],
            "price": ["output_per_mtok_usd", "input_per_mtok_usd", "name"]}[sort]
    return table.sort_values(keys, kind="stable", na_position="last",
                             key=lambda c: c.str.lower() if c.dtype == object else c)


def rental_providers() -> list[str]:
    """Providers with a rental price in the GPU catalog (what ``--rental-provider`` takes)."""
    return sorted(set(catalog.load_catalog("gpu_rental")["provider"]))


def gpu_table(provider: str | None = None) -> pd.DataFrame:
    """One row per GPU: memory (GB), bandwidth (GB/s), board power (W), a rental price
    (USD per GPU-hour with its as-of and source; None when none is listed), the market rate an
    always-on fleet is priced at (``market_usd_per_gpu_hour``, see
    :mod:`aipolicy.costs.catalog.rental`) and the lowest reserved rate.

    ``provider``: only the GPUs this rental provider lists, with its newest price as the rental
    price; default: every GPU with the catalog's default on-demand rental price.
    """
    from aipolicy.costs.catalog.rental import market_rate

    rows = []
    offered = (None if provider is None else
               set(catalog.load_catalog("gpu_rental").query("provider == @provider")["gpu"]))
    for gpu in catalog.gpus():
        if offered is not None and gpu not in offered:
            continue
        spec = catalog.gpu_spec(gpu)

        def val(fig: catalog.Figure | None) -> float | None:
            return None if fig is None else fig.value

        try:
            rent = catalog.gpu_rental(gpu, provider)
            rent_txt = (rent.value, rent.as_of, rent.source)
        except CatalogError:  # no rental row: None
            rent_txt = (None, None, None)
        rows.append((gpu, val(spec.memory_gb), val(spec.bandwidth_gb_s), val(spec.board_power_w),
                     *rent_txt, val(market_rate(gpu)), _reserved(gpu)))
    return pd.DataFrame(rows, columns=["gpu", "memory_gb", "bandwidth_gb_s", "board_power_w",
                                       "rent_usd_per_gpu_hour", "rent_as_of", "rent_source",
                                       "market_usd_per_gpu_hour", "reserved_usd_per_gpu_hour"])


def _reserved(gpu: str) -> float | None:
    """The lowest committed (reserved) rate listed for the GPU, USD per GPU-hour."""
    rates = catalog.reserved_rates(gpu)["gpu_hour_usd"]
    return float(rates.min()) if len(rates) else None


def provider_table() -> pd.DataFrame:
    """Price-data providers: id, name, pricing page, and how many hosted open models each
    serves in the catalogs."""
    from aipolicy.costs.catalog.api_prices import hosted_table
    from aipolicy.costs.catalog.prices import providers

    hosted = hosted_table()["provider"].value_counts().to_dict()
    rows = [(pid, name, page, int(hosted.get(pid, 0))) for pid, name, page in providers()]
    overlay = sorted(set(hosted) - {r[0] for r in rows})
    rows += [(pid, pid, "curated overlay (hosted_models.csv)", int(hosted[pid]))
             for pid in overlay]
    return pd.DataFrame(rows, columns=["provider", "name", "pricing_page", "hosted_open_models"])
