"""API options and their prices: proprietary models through genai-prices, open weights on hosts.

An API option is a model id as providers name it (``gpt-4o``) or ``<open-model>@<provider>``
for open weights served per token (``llama-3.3-70b@groq``). Proprietary models and most hosts
are priced by genai-prices (:mod:`aipolicy.costs.catalog.prices`); hosts it does not cover have
a curated row in ``hosted_models.csv`` with its own public source and date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd

from aipolicy.costs.catalog.files import load_catalog
from aipolicy.costs.catalog.prices import api_price_genai, model_ids
from aipolicy.costs.catalog.tables import ApiPrice, _opt, _unknown

__all__ = ["PROPRIETARY_PROVIDERS", "api_models", "api_price", "hosted_open_price",
           "hosted_providers"]


#: Providers whose own models are "proprietary API" options (genai-prices provider ids).
PROPRIETARY_PROVIDERS: tuple[str, ...] = ("openai", "anthropic", "google", "x-ai", "mistral",
                                          "deepseek")


def api_models(directory: str | Path | None = None) -> list[str]:
    """Names an API option can take: current proprietary models, then ``<open>@<provider>``.

    Proprietary names are genai-prices model ids of :data:`PROPRIETARY_PROVIDERS` that are not
    marked deprecated; any other id genai-prices knows is accepted by :func:`api_price` too.
    """
    hosted = load_catalog("hosted_models", directory)
    return model_ids(PROPRIETARY_PROVIDERS) + sorted(hosted["model"] + "@" + hosted["provider"])


def api_price(model: str, *, as_of: str | dt.date | None = None, input_tokens: float = 0,
              directory: str | Path | None = None) -> ApiPrice:
    """Price of an API model, as of a date, for requests of ``input_tokens`` input tokens.

    Parameters
    ----------
    model : str
        A model id as providers name it (``gpt-4o``, ``claude-sonnet-4-5``) or, for an
        open-weight model served per token, ``<open-model>@<provider>`` (``llama-3.3-70b@groq``).
    as_of : date or ISO string, optional
        Price in force on that date (o3 before and after 2025-06-10 differ); default today.
    input_tokens : float
        Input tokens per request: a prompt over a tier threshold pays the tier rate on all its
        tokens, as the providers bill.

    Raises
    ------
    CatalogError
        Unknown model (``field`` ``api_model``) or bad date (``field`` ``as_of``).
    """
    if "@" in model:
        open_name, provider = model.split("@", 1)
        return hosted_open_price(open_name, provider, as_of=as_of, input_tokens=input_tokens,
                                 directory=directory)
    return api_price_genai(model, as_of=as_of, input_tokens=input_tokens)


def hosted_providers(model: str, directory: str | Path | None = None) -> list[str]:
    """Providers that serve the open-weight ``model`` per token (catalog order)."""
    table = load_catalog("hosted_models", directory)
    return list(table.loc[table["model"] == model, "provider"])


def hosted_open_price(model: str, provider: str, *, as_of: str | dt.date | None = None,
                      input_tokens: float = 0,
                      directory: str | Path | None = None) -> ApiPrice:
    """Price of an open-weight model served per token by a hosting provider (USD per 1M).

    Priced by genai-prices under the provider's model id, or by the curated overlay row
    (its own public source and date) for providers genai-prices does not cover.
    """
    table = load_catalog("hosted_models", directory)
    rows = table[(table["model"] == model) & (table["provider"] == provider)]
    if rows.empty:
        known = list(table["model"] + "@" + table["provider"])
        raise _unknown("hosted open model", f"{model}@{provider}", known, "api_model")
    row = rows.iloc[0]
    name = f"{model}@{provider}"
    if pd.isna(row["input_per_mtok_usd"]):
        price = api_price_genai(str(row["model_ref"]), provider, as_of=as_of,
                                input_tokens=input_tokens)
        return dataclasses.replace(price, model=name)
    return ApiPrice(model=name,
                    input_per_mtok_usd=float(row["input_per_mtok_usd"]),
                    output_per_mtok_usd=float(row["output_per_mtok_usd"]),
                    cached_input_per_mtok_usd=_opt(row["cached_input_per_mtok_usd"]),
                    batch_input_per_mtok_usd=None, batch_output_per_mtok_usd=None,
                    tier="standard", source=f"{row['source']} ({provider} {row['model_ref']})",
                    as_of=str(row["as_of"]), note=str(row["note"]))

