"""The catalogs: every figure from outside the project, with its public source and as-of date.

API list prices come from genai-prices (:mod:`.prices`), open weights on hosts and the API
options a user can name from :mod:`.api_prices`; GPUs, rental rates, servers, open models,
measured throughput rows, cost defaults and retirement dates from the CSV files in
``aipolicy/catalogs`` (:mod:`.files` reads and validates them, :mod:`.tables` turns them into
typed rows); model quality from LMArena (:mod:`.quality`), the cheapest host of an open model
(:mod:`.hosted`), retirement warnings (:mod:`.lifecycle`) and the listings of what can be
named (:mod:`.listing`). This face hands on the names most callers use as ``catalog.NAME``.
"""

from aipolicy.costs.catalog.api_prices import (
    PROPRIETARY_PROVIDERS,
    api_models,
    api_price,
    hosted_open_price,
    hosted_providers,
    hosted_table,
)
from aipolicy.costs.catalog.files import CATALOG_DIR, CATALOG_FILES, KNOWN_UNITS, load_catalog
from aipolicy.costs.catalog.tables import (
    ApiPrice,
    Figure,
    GpuSpec,
    OpenModelSpec,
    ServerSpec,
    cost_default,
    cost_defaults,
    gpu_rental,
    gpu_rental_table,
    gpu_spec,
    gpus,
    open_model,
    open_models,
    parse_as_of,
    reasoning_tokens,
    rental_provider,
    reserved_rates,
    retirement,
    server_for,
    server_power,
    throughput_table,
)

__all__ = [
    "ApiPrice",
    "CATALOG_DIR",
    "CATALOG_FILES",
    "Figure",
    "GpuSpec",
    "KNOWN_UNITS",
    "OpenModelSpec",
    "PROPRIETARY_PROVIDERS",
    "ServerSpec",
    "api_models",
    "api_price",
    "cost_default",
    "cost_defaults",
    "gpu_rental",
    "gpu_rental_table",
    "rental_provider",
    "reserved_rates",
    "gpu_spec",
    "gpus",
    "hosted_open_price",
    "hosted_providers",
    "hosted_table",
    "load_catalog",
    "open_model",
    "open_models",
    "parse_as_of",
    "reasoning_tokens",
    "retirement",
    "server_for",
    "server_power",
    "throughput_table",
]
