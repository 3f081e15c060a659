"""The same open weights served per token: every hosting provider's price, and the cheapest.

An open-weight model (``llama-3.3-70b``) is sold per token by several providers (Groq, Together,
Fireworks, Amazon Bedrock, Cerebras, Novita, DeepInfra...). Their prices come from genai-prices
under each provider's model id, or from the curated overlay for providers it does not cover
(``hosted_models.csv``), each with its source and as-of date; every other provider the
installed genai-prices data prices the same weights at is a candidate too
(:func:`aipolicy.costs.catalog.hosted_table`). The cheapest depends on the
request shape (input vs output price, prompt cache), so it is chosen per workload.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from aipolicy.costs import catalog
from aipolicy.errors import CatalogError

__all__ = ["cheapest_hosted", "hosted_options", "usd_per_request"]

COLUMNS = ["provider", "api_model", "input_per_mtok_usd", "output_per_mtok_usd",
           "cached_input_per_mtok_usd", "usd_per_request", "usd_per_mtok", "source", "as_of",
           "origin"]


def usd_per_request(price: catalog.ApiPrice, input_tokens: float, output_tokens: float,
                    cached_share: float = 0.0) -> float:
    """USD for one request: uncached and cached input plus output at ``price`` (USD per 1M)."""
    cached = price.cached_input_per_mtok_usd
    cached = price.input_per_mtok_usd if cached is None else cached
    return (input_tokens * (1.0 - cached_share) * price.input_per_mtok_usd
            + input_tokens * cached_share * cached
            + output_tokens * price.output_per_mtok_usd) / 1e6


def hosted_options(open_model: str, *, input_tokens: float = 1000.0, output_tokens: float = 300.0,
                   cached_share: float = 0.0, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """Every provider's price for ``open_model``, cheapest per request first.

    Returns
    -------
    DataFrame
        One row per provider: ``provider``, ``api_model`` (``<model>@<provider>``, usable as
        ``api_model`` anywhere), prices in USD per 1M tokens, ``usd_per_request`` for the given
        shape, ``usd_per_mtok`` (USD per 1M input + output tokens of that shape), ``source``,
        ``as_of``, ``origin`` (``catalog`` or ``genai-prices``). Empty when no provider serves
        the model. At equal cost a curated row comes first.
    """
    rows = []
    tokens = input_tokens + output_tokens
    table = catalog.hosted_table()
    origin = dict(zip(table.loc[table["model"] == open_model, "provider"],
                      table.loc[table["model"] == open_model, "origin"], strict=True))
    for provider in catalog.hosted_providers(open_model):
        price = catalog.hosted_open_price(open_model, provider, as_of=as_of,
                                          input_tokens=input_tokens)
        per_req = usd_per_request(price, input_tokens, output_tokens, cached_share)
        rows.append({
            "provider": provider, "api_model": price.model,
            "input_per_mtok_usd": price.input_per_mtok_usd,
            "output_per_mtok_usd": price.output_per_mtok_usd,
            "cached_input_per_mtok_usd": price.cached_input_per_mtok_usd,
            "usd_per_request": per_req,
            "usd_per_mtok": per_req / tokens * 1e6 if tokens > 0 else float("nan"),
            "source": price.source, "as_of": price.as_of, "origin": origin.get(provider, ""),
        })
    frame = pd.DataFrame(rows, columns=COLUMNS)
    # at equal cost a curated row (the provider's own API) comes before a reseller found in
    # genai-prices (Hugging Face routing to the same provider)
    frame["_found"] = frame["origin"] != "catalog"
    return (frame.sort_values(["usd_per_request", "_found", "provider"], kind="stable")
            .drop(columns="_found").reset_index(drop=True))


def cheapest_hosted(open_model: str, *, input_tokens: float = 1000.0,
                    output_tokens: float = 300.0, cached_share: float = 0.0,
                    as_of: str | dt.date | None = None) -> catalog.ApiPrice:
    """The cheapest per-token provider of ``open_model`` for this request shape.

    Raises
    ------
    CatalogError
        No provider in the catalogs serves the model (``field`` ``open_model``).
    """
    options = hosted_options(open_model, input_tokens=input_tokens, output_tokens=output_tokens,
                             cached_share=cached_share, as_of=as_of)
    if options.empty:
        served = sorted(set(catalog.hosted_table()["model"]))
        raise CatalogError(f"no hosting provider serves open model {open_model!r} per token in "
                           f"the catalogs; served: {', '.join(served)}", field="open_model",
                           value=open_model)
    best = options.iloc[0]
    return catalog.hosted_open_price(open_model, str(best["provider"]), as_of=as_of,
                                     input_tokens=input_tokens)
