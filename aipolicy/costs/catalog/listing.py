"""What can be named: API models (with price, quality, as-of, retirement), GPUs, providers.

These tables back ``aipolicy catalog models|gpus|providers``; each row carries its sources.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from aipolicy.costs import catalog
from aipolicy.errors import CatalogError

__all__ = ["gpu_table", "model_table", "provider_table"]


def _quality_label(model: str) -> str:
    from aipolicy.costs.catalog.quality import quality

    return quality(model).label


def model_table(provider: str | None = None, *, as_of: str | dt.date | None = None,
                input_tokens: float = 1000.0) -> pd.DataFrame:
    """One row per API option: proprietary text models, then open weights served per token.

    Columns: ``name`` (what ``--api-model`` takes), ``kind`` (``proprietary``, ``open weights
    (maker's API)`` or ``hosted open``; hosts as :func:`aipolicy.costs.catalog.hosted_table`), ``provider``, ``input_per_mtok_usd``, ``output_per_mtok_usd`` (USD per 1M tokens,
    for requests of ``input_tokens``), ``quality`` (LMArena rating and 95% interval, or
    ``unrated``), ``as_of`` (of the price), ``retires`` (date or ``—``), ``source``.
    Proprietary models without a text token price (image, speech) are left out.
    """
    from aipolicy.costs.catalog.api_prices import hosted_table
    from aipolicy.costs.catalog.prices import api_price_genai, text_models
    from aipolicy.costs.catalog.quality import maker_api_label

    rows = []
    retire = catalog.load_catalog("retirements").set_index("model")["retires_on"].to_dict()
    seen: set[str] = set()
    for prov_id, name in text_models(catalog.PROPRIETARY_PROVIDERS):
        if (provider is not None and prov_id != provider) or name in seen:
            continue  # a model resold by another provider (Claude on Google) is listed once
        seen.add(name)
        p = api_price_genai(name, prov_id, as_of=as_of, input_tokens=input_tokens)
        kind = "open weights (maker's API)" if maker_api_label(name) else "proprietary"
        rows.append((name, kind, prov_id, p.input_per_mtok_usd, p.output_per_mtok_usd,
                     _quality_label(name), p.as_of, retire.get(name, "—"), p.source))
    for _, r in hosted_table().iterrows():
        if provider is not None and r["provider"] != provider:
            continue
        name = f"{r['model']}@{r['provider']}"
        p = catalog.api_price(name, as_of=as_of, input_tokens=input_tokens)
        rows.append((name, "hosted open", r["provider"], p.input_per_mtok_usd,
                     p.output_per_mtok_usd, _quality_label(str(r["model"])), p.as_of, "—",
                     p.source))
    return pd.DataFrame(rows, columns=["name", "kind", "provider", "input_per_mtok_usd",
                                       "output_per_mtok_usd", "quality", "as_of", "retires",
                                       "source"])


def gpu_table() -> pd.DataFrame:
    """One row per GPU: memory (GB), bandwidth (GB/s), board power (W), default on-demand
    rental price (USD per GPU-hour with its as-of and source, or ``—`` when none is listed),
    the market rate an always-on fleet is priced at (``market_usd_per_gpu_hour``, see
    :mod:`aipolicy.costs.catalog.rental`) and the lowest reserved rate."""
    from aipolicy.costs.catalog.rental import market_rate

    rows = []
    for gpu in catalog.gpus():
        spec = catalog.gpu_spec(gpu)

        def val(fig: catalog.Figure | None) -> float | None:
            return None if fig is None else fig.value

        try:
            rent = catalog.gpu_rental(gpu)
            rent_txt = (rent.value, rent.as_of, rent.source)
        except CatalogError:  # no rental row: shown as a dash
            rent_txt = (None, "—", "—")
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
