"""Price, hardware and throughput catalogs shipped as package data, validated on load.

The CSV files live in :data:`aipolicy.config.CATALOG_DIR` (``aipolicy/catalogs``). Every row
carries ``source`` and ``as_of``; ``as_of`` is an ISO date (``YYYY-MM-DD``, ``YYYY-MM`` or
``YYYY``) or the literal ``undated`` when the source gives no date. Figures not taken from
a public source say ``aipolicy assumption`` in their source.

=========================  ===================================================================
file                       one row per
=========================  ===================================================================
``hosted_models.csv``      open-weight model x hosting provider: the provider's model id in
                           genai-prices, or (overlay) its own price where genai-prices has none
``retirements.csv``        API model: the provider's retirement (deprecation) date
``quality.csv``            model: LMArena text rating with its 95% interval
``gpus.csv``               GPU x parameter (long format: value, unit)
``gpu_rental.csv``         GPU x provider; USD per GPU-hour; one ``default`` row per GPU
``servers.csv``            server model; GPUs per server, USD price, USD installation
``open_models.csv``        open model x parameter (long format)
``throughput.csv``         model x GPU x precision x TP x input/output tokens -> output tokens/s
``cost_defaults.csv``      named default (power price, PUE, staff cost, ...)
``reasoning_tokens.csv``   reasoning model: hidden (reasoning) tokens per request, billed as
                           output
=========================  ===================================================================

API list prices of proprietary models come from genai-prices (:mod:`aipolicy.costs.catalog.prices`),
the maintained catalog; the files here hold only what it lacks. Every loader takes an optional
``directory`` so a caller can point at an edited copy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from aipolicy.config import CATALOG_DIR
from aipolicy.costs.catalog.files import CATALOG_FILES, KNOWN_UNITS, load_catalog, parse_as_of
from aipolicy.errors import CatalogError

__all__ = [
    "ApiPrice",
    "CATALOG_FILES",
    "Figure",
    "GpuSpec",
    "ServerSpec",
    "OpenModelSpec",
    "KNOWN_UNITS",
    "load_catalog",
    "reserved_rates",
    "retirement",
    "gpu_spec",
    "gpus",
    "gpu_rental",
    "gpu_rental_table",
    "server_for",
    "server_power",
    "open_model",
    "open_models",
    "reasoning_tokens",
    "throughput_table",
    "cost_default",
    "cost_defaults",
    "parse_as_of",
]


def _unknown(kind: str, name: str, known: list[str], field: str) -> CatalogError:
    """``unknown <kind> <name>; known: ...`` about argument ``field``."""
    return CatalogError(f"unknown {kind} {name!r}; known: {', '.join(sorted(set(known)))}",
                        field=field, value=name)


@dataclass(frozen=True)
class Figure:
    """One catalog number with its provenance."""

    value: float
    unit: str
    source: str
    as_of: str
    note: str = ""


@dataclass(frozen=True)
class ApiPrice:
    """API list prices in USD per 1M tokens (``None`` where the catalog lists no price).

    Missing cached or batch prices fall back to the standard price in the cost model.
    """

    model: str
    input_per_mtok_usd: float
    output_per_mtok_usd: float
    cached_input_per_mtok_usd: float | None
    batch_input_per_mtok_usd: float | None
    batch_output_per_mtok_usd: float | None
    tier: str
    source: str
    as_of: str
    note: str = ""


def _opt(value: float) -> float | None:
    return None if pd.isna(value) else float(value)


def retirement(model: str, directory: str | Path | None = None) -> Figure | None:
    """The provider's retirement date of an API model (``value`` unused), or None if none known."""
    table = load_catalog("retirements", directory)
    rows = table[table["model"] == model]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return Figure(0.0, "date", str(row["source"]), str(row["as_of"]),
                  note=str(row["retires_on"]))


@dataclass(frozen=True)
class GpuSpec:
    """One GPU's characteristics; a field is ``None`` when the catalog has no figure."""

    gpu: str
    memory_gb: Figure | None
    bandwidth_gb_s: Figure | None
    fp16_tflops: Figure | None
    board_power_w: Figure | None
    purchase_usd: Figure | None
    fp8_speedup: Figure | None
    server_max_power_w: Figure | None = None
    server_max_power_gpus: Figure | None = None

    def require(self, field: str, purpose: str) -> Figure:
        """Return a figure or raise :class:`CatalogError` saying it is missing and what to do."""
        fig = getattr(self, field)
        if fig is None:
            raise CatalogError(f"GPU {self.gpu!r} has no {field} in the catalog (no public "
                               f"figure was found); {purpose} needs it: pass it explicitly", field=field)
        return fig


def _long_rows(table: pd.DataFrame, key: str, name: str) -> dict[str, Figure]:
    rows = table[table[key] == name]
    return {r["parameter"]: Figure(float(r["value"]), r["unit"], r["source"], r["as_of"],
                                   r["note"]) for _, r in rows.iterrows()}


def gpus(directory: str | Path | None = None) -> list[str]:
    """Known GPU slugs."""
    return sorted(set(load_catalog("gpus", directory)["gpu"]))


def gpu_spec(gpu: str, directory: str | Path | None = None) -> GpuSpec:
    """Characteristics of a GPU (memory GB, bandwidth GB/s, FP16 TFLOPS, board power W, ...)."""
    return _gpu_spec(gpu, str(directory or CATALOG_DIR))


@lru_cache(maxsize=256)
def _gpu_spec(gpu: str, directory: str) -> GpuSpec:
    # the spec is frozen and the catalog file is read once per directory (catalog_files)
    table = load_catalog("gpus", directory)
    if gpu not in set(table["gpu"]):
        raise _unknown("GPU", gpu, list(table["gpu"]), "gpu")
    figs = _long_rows(table, "gpu", gpu)
    return GpuSpec(gpu=gpu, **{f: figs.get(f) for f in (
        "memory_gb", "bandwidth_gb_s", "fp16_tflops", "board_power_w", "purchase_usd",
        "fp8_speedup", "server_max_power_w", "server_max_power_gpus")})


def gpu_rental_table(gpu: str | None = None,
                     directory: str | Path | None = None) -> pd.DataFrame:
    """Rental prices (columns gpu, provider, tier, gpu_hour_usd, default, source, as_of, note;
    ``tier`` as in :mod:`aipolicy.costs.catalog.rental`)."""
    table = load_catalog("gpu_rental", directory)
    if gpu is not None:
        gpu_spec(gpu, directory)  # unknown GPU -> CatalogError
        table = table[table["gpu"] == gpu]
    return table.reset_index(drop=True)


def reserved_rates(gpu: str | None = None,
                   directory: str | Path | None = None) -> pd.DataFrame:
    """The committed (reserved) rental rows: tier ``reserved-1y``, ``reserved-3y`` or
    ``reserved`` (term not stated)."""
    table = gpu_rental_table(gpu, directory)
    return table[table["tier"].str.startswith("reserved")].reset_index(drop=True)


def gpu_rental(gpu: str, provider: str | None = None,
               directory: str | Path | None = None) -> Figure:
    """USD per GPU-hour for ``gpu`` from ``provider`` (default: the catalog's default row)."""
    table = gpu_rental_table(gpu, directory)
    if table.empty:
        raise CatalogError(f"no rental price for GPU {gpu!r} in the catalog (no public "
                           f"price was found); pass gpu_hour_usd explicitly or choose one of "
                           f"{', '.join(sorted(set(load_catalog('gpu_rental', directory)['gpu'])))}",
                           field="gpu_hour_usd")
    if provider is None:
        rows = table[table["default"].str.lower() == "true"]
        rows = rows if not rows.empty else table
    else:
        rows = table[table["provider"] == provider]
        if rows.empty:
            raise _unknown(f"rental provider for {gpu}", provider, list(table["provider"]),
                           "rental_provider")
    # the newest dated price of that provider (rental prices move: H100s rose in 2026)
    newest = rows["as_of"].map(lambda s: parse_as_of(s) or dt.date.min)
    r = rows.loc[newest.sort_values(ascending=False, kind="stable").index[0]]
    return Figure(float(r["gpu_hour_usd"]), "USD/GPU-hour", f"{r['source']} [{r['provider']}]",
                  r["as_of"], r["note"])


def rental_provider(source: str) -> str | None:
    """The provider a rental figure's source names (:func:`gpu_rental` appends it as
    ``<source> [<provider>]``); None for a source that names none (a caller's value)."""
    if not source.endswith("]") or "[" not in source:
        return None
    return source.rsplit("[", 1)[-1][:-1]


@dataclass(frozen=True)
class ServerSpec:
    """A purchasable server: GPUs per server, price and installation in USD."""

    server: str
    gpu: str
    gpus_per_server: int
    price_usd: float
    installation_usd: float
    installation_estimated: bool
    source: str
    as_of: str
    note: str = ""


def server_for(gpu: str, directory: str | Path | None = None) -> ServerSpec:
    """The catalog's server for ``gpu`` (the one with most GPUs when several exist).

    When the catalog lists no installation cost, it is the ``installation_share`` default times
    the price, flagged ``installation_estimated``.
    """
    table = load_catalog("servers", directory)
    rows = table[table["gpu"] == gpu]
    if rows.empty:
        gpu_spec(gpu, directory)
        raise CatalogError(f"no server with GPU {gpu!r} in the catalog; pass server_price_usd "
                           f"and gpus_per_server explicitly, or choose one of "
                           f"{', '.join(sorted(set(table['gpu'])))}", field="server_price_usd")
    r = rows.sort_values("gpus_per_server").iloc[-1]
    estimated = pd.isna(r["installation_usd"])
    install = (round(float(r["price_usd"]) * cost_default("installation_share", directory).value, 2)
               if estimated else float(r["installation_usd"]))
    return ServerSpec(server=r["server"], gpu=gpu, gpus_per_server=int(r["gpus_per_server"]),
                      price_usd=float(r["price_usd"]), installation_usd=install,
                      installation_estimated=bool(estimated), source=r["source"],
                      as_of=r["as_of"], note=r["note"])


def server_power(gpu: str, gpus_per_server: int, base_power_w: float | None = None,
                 directory: str | Path | None = None) -> Figure:
    """Maximum input power of a ``gpus_per_server``-GPU server of ``gpu`` (W).

    Sourced when ``gpus.csv`` lists the GPU's ``server_max_power_w`` for a server of that many
    GPUs (``server_max_power_gpus``: DGX H100/H200 10.2 kW, DGX B200 14.3 kW, 8 GPUs each).
    Otherwise estimated as ``gpus_per_server * board_power_w + base_power_w`` (default base:
    ``cost_defaults`` ``server_base_power_w``) and labelled ``estimated`` in the note.

    Raises
    ------
    CatalogError
        The GPU has neither a sourced server figure nor a board power (``field="server_power_w"``).
    """
    spec = gpu_spec(gpu, directory)
    top, n = spec.server_max_power_w, spec.server_max_power_gpus
    if top is not None and n is not None and int(n.value) == int(gpus_per_server):
        return Figure(top.value, "W", top.source, top.as_of,
                      f"{int(n.value)}-GPU server maximum input power; {top.note}".rstrip("; "))
    if spec.board_power_w is None:
        raise CatalogError(f"GPU {gpu!r} has no server power and no board power in the catalog; "
                           "pass server_power_w explicitly", field="server_power_w")
    base = (cost_default("server_base_power_w", directory).value if base_power_w is None
            else float(base_power_w))
    board = spec.board_power_w.value
    why = ("no sourced figure for this GPU" if top is None
           else f"the sourced figure is for {int(n.value) if n else '?'} GPUs")
    return Figure(gpus_per_server * board + base, "W", "aipolicy estimate", "undated",
                  f"estimated ({why}): {int(gpus_per_server)} GPUs x {board:g} W board power "
                  f"+ {base:g} W server base power")


@dataclass(frozen=True)
class OpenModelSpec:
    """An open-weight model: parameters (billions), context length, KV-cache geometry and
    attention heads (which bound the tensor-parallel sizes)."""

    model: str
    total_params_b: Figure
    active_params_b: Figure
    context_tokens: Figure | None
    n_layers: Figure | None
    n_kv_heads: Figure | None
    head_dim: Figure | None
    n_heads: Figure | None = None


def open_models(directory: str | Path | None = None) -> list[str]:
    """Known open-weight model slugs."""
    return sorted(set(load_catalog("open_models", directory)["model"]))


def open_model(model: str, directory: str | Path | None = None) -> OpenModelSpec:
    """Characteristics of an open-weight model."""
    return _open_model(model, str(directory or CATALOG_DIR))


@lru_cache(maxsize=256)
def _open_model(model: str, directory: str) -> OpenModelSpec:
    """:func:`open_model`, kept per process like the catalog it reads (a fleet search asks for
    the same model a few hundred times)."""
    table = load_catalog("open_models", directory)
    if model not in set(table["model"]):
        raise _unknown("open model", model, list(table["model"]), "open_model")
    figs = _long_rows(table, "model", model)
    return OpenModelSpec(model=model, total_params_b=figs["total_params_b"],
                         active_params_b=figs.get("active_params_b", figs["total_params_b"]),
                         **{f: figs.get(f) for f in ("context_tokens", "n_layers",
                                                      "n_kv_heads", "head_dim", "n_heads")})


def throughput_table(directory: str | Path | None = None) -> pd.DataFrame:
    """Measured throughput rows (output tokens/s for the whole tensor-parallel group)."""
    return load_catalog("throughput", directory)


@lru_cache(maxsize=8)
def _defaults(directory: str) -> dict[str, Figure]:
    table = load_catalog("cost_defaults", directory)
    return {r["parameter"]: Figure(float(r["value"]), r["unit"], r["source"], r["as_of"],
                                   r["note"]) for _, r in table.iterrows()}


def cost_defaults(directory: str | Path | None = None) -> dict[str, Figure]:
    """All named defaults (power price, PUE, staff cost, ...) as ``{name: Figure}``."""
    return dict(_defaults(str(directory or CATALOG_DIR)))


def cost_default(name: str, directory: str | Path | None = None) -> Figure:
    """One named default; unknown names raise :class:`CatalogError` listing the known ones."""
    table = _defaults(str(directory or CATALOG_DIR))
    if name not in table:
        raise _unknown("cost default", name, list(table), "parameter")
    return table[name]


def reasoning_tokens(model: str, directory: str | Path | None = None) -> Figure:
    """Hidden reasoning tokens per request of ``model`` (an API model id, an open model slug or
    ``<open>@<host>``), billed as output tokens; 0 for a model that does not reason by default
    (not in ``reasoning_tokens.csv``)."""
    table = load_catalog("reasoning_tokens", directory)
    rows = table[table["model"] == model.split("@", 1)[0]]
    if rows.empty:
        return Figure(0.0, "tokens", "reasoning_tokens.csv: not a reasoning model by default",
                      "undated", "no hidden reasoning tokens")
    r = rows.iloc[0]
    return Figure(float(r["tokens_per_request"]), "tokens", str(r["source"]), str(r["as_of"]),
                  str(r["note"]))
