"""API options and their prices: proprietary models through genai-prices, open weights on hosts.

An API option is a model id as providers name it (``gpt-4o``) or ``<open-model>@<provider>``
for open weights served per token (``llama-3.3-70b@groq``). Proprietary models and most hosts
are priced by genai-prices (:mod:`aipolicy.costs.catalog.prices`); hosts it does not cover have
a curated row in ``hosted_models.csv`` with its own public source and date.

The hosts of an open model are :func:`hosted_table`'s: the rows of ``hosted_models.csv``, then
every other provider of the installed genai-prices data whose own model matcher prices one of
the model's names (the ``model_ref`` ids of its catalog rows), so a provider the
data carries is a candidate without a curated row (``gpt-oss-120b@huggingface_novita`` at
0.05/0.25). Deprecated or unpriced (free) entries are left out, and so is a match under another
model's id (genai-prices prices the name ``deepseek-r1`` as DeepSeek's ``deepseek-reasoner``,
which serves newer weights): the provider's id must be one of the model's names. The open model's maker selling
it through its own API (:data:`MAKERS`) is named as such (:func:`maker_of`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd

from aipolicy.config import CATALOG_DIR
from aipolicy.costs.catalog.files import load_catalog
from aipolicy.costs.catalog.prices import _load, api_price_genai, model_ids
from aipolicy.costs.catalog.tables import ApiPrice, _opt, _unknown

__all__ = ["MAKERS", "PROPRIETARY_PROVIDERS", "api_models", "api_price", "hosted_open_price",
           "hosted_providers", "hosted_table", "maker_of"]


#: Providers whose own models are "proprietary API" options (genai-prices provider ids).
PROPRIETARY_PROVIDERS: tuple[str, ...] = ("openai", "anthropic", "google", "x-ai", "mistral",
                                          "deepseek")


#: Open model slug prefix -> the genai-prices provider id of its maker (whose own API, where it
#: sells the weights per token, is "the maker's API").
MAKERS: dict[str, str] = {"gpt-oss-": "openai", "llama-": "meta", "deepseek-": "deepseek",
                          "qwen": "alibaba", "mistral-": "mistral", "mixtral-": "mistral"}
_FOUND: dict[tuple[str, int], pd.DataFrame] = {}


def maker_of(model: str) -> str | None:
    """The maker's genai-prices provider id of an open model slug (``gpt-oss-120b`` ->
    ``openai``), or None when unknown."""
    return next((who for prefix, who in MAKERS.items() if model.startswith(prefix)), None)


def hosted_table(directory: str | Path | None = None) -> pd.DataFrame:
    """Every (open model, provider) pair served per token: ``hosted_models.csv``'s rows, then
    the providers genai-prices prices the model at that the file does not name.

    Columns as ``hosted_models.csv`` plus ``origin`` (``catalog`` or ``genai-prices``); a
    found row's ``model_ref`` is the genai-prices model id, its prices empty (priced there).
    """
    snap, _ = _load()
    key = (str(directory or CATALOG_DIR), id(snap))
    if key not in _FOUND:  # built once per catalog folder and price snapshot
        _FOUND.clear()
        table = load_catalog("hosted_models", directory).assign(origin="catalog")
        _FOUND[key] = pd.concat([table, _found_in_genai(table, snap)], ignore_index=True)
    return _FOUND[key].copy()


def _found_in_genai(table: pd.DataFrame, snap) -> pd.DataFrame:  # noqa: ANN001
    """Rows for the providers whose matcher prices a name of an open model in ``table``."""
    rows = []
    for model, names in table.groupby("model", sort=False)["model_ref"]:
        refs = list(dict.fromkeys(names))  # full ids: a bare slug also matches base models
        named = set(table.loc[table["model"] == model, "provider"])
        for prov in snap.providers:
            if prov.id in named:
                continue
            hit = next((m for m in map(prov.find_model, refs) if m is not None), None)
            if hit is None or hit.deprecated or not _priced(hit) or _base(hit.id) not in {
                    _base(r) for r in refs}:
                continue  # not served, free, or priced under another model's name
            via = next(r for r in refs if prov.find_model(r) is hit)
            rows.append({"model": model, "provider": prov.id, "model_ref": hit.id,
                         "source": f"pydantic/genai-prices data: {prov.name} prices {via!r} as "
                                   f"{hit.id!r}", "as_of": "undated", "origin": "genai-prices",
                         "note": "found in genai-prices (no curated row)"})
    return pd.DataFrame(rows, columns=[*table.columns])


def _base(model_id: str) -> str:
    """A model id without its vendor prefix, lower case (``openai/gpt-oss-120b`` ->
    ``gpt-oss-120b``): a provider's own id of the same weights."""
    return model_id.rsplit("/", 1)[-1].lower()


def _priced(model_info) -> bool:  # noqa: ANN001
    """A genai-prices model whose current price has input and output token rates."""
    latest = model_info.prices[-1].prices if isinstance(model_info.prices, list) \
        else model_info.prices
    return all(getattr(latest, k, None) is not None for k in ("input_mtok", "output_mtok"))


def api_models(directory: str | Path | None = None) -> list[str]:
    """Names an API option can take: current proprietary models, then ``<open>@<provider>``.

    Proprietary names are genai-prices model ids of :data:`PROPRIETARY_PROVIDERS` that are not
    marked deprecated; any other id genai-prices knows is accepted by :func:`api_price` too.
    """
    hosted = hosted_table(directory)
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
    """Providers that serve the open-weight ``model`` per token (catalog rows first, then the
    providers found in genai-prices)."""
    table = hosted_table(directory)
    return list(table.loc[table["model"] == model, "provider"])


def hosted_open_price(model: str, provider: str, *, as_of: str | dt.date | None = None,
                      input_tokens: float = 0,
                      directory: str | Path | None = None) -> ApiPrice:
    """Price of an open-weight model served per token by a hosting provider (USD per 1M).

    Priced by genai-prices under the provider's model id, or by the curated overlay row
    (its own public source and date) for providers genai-prices does not cover.
    """
    table = hosted_table(directory)
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

