"""Price, hardware and throughput catalogs shipped as package data, validated on load.

The CSV files live in :data:`aipolicy.config.CATALOG_DIR` (``aipolicy/catalogs``). Every row
carries ``source`` and ``as_of``; ``as_of`` is an ISO date (``YYYY-MM-DD``, ``YYYY-MM`` or
``YYYY``) or the literal ``undated`` when the source gives no date. Figures not taken from
``facts.md`` say ``aipolicy assumption`` in their source.

=========================  ===================================================================
file                       one row per
=========================  ===================================================================
``api_prices.csv``         API model x context tier x validity period; USD per 1M tokens
``hosted_open_prices.csv`` open-weight model x hosting provider; USD per 1M tokens
``gpus.csv``               GPU x parameter (long format: value, unit)
``gpu_rental.csv``         GPU x provider; USD per GPU-hour; one ``default`` row per GPU
``servers.csv``            server model; GPUs per server, USD price, USD installation
``open_models.csv``        open model x parameter (long format)
``throughput.csv``         model x GPU x precision x TP x input/output tokens -> output tokens/s
``cost_defaults.csv``      named default (power price, PUE, staff cost, ...)
=========================  ===================================================================

Every loader takes an optional ``directory`` so a caller can point at an edited copy.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from aipolicy.config import CATALOG_DIR
from aipolicy.errors import CatalogError

__all__ = [
    "ApiPrice",
    "Figure",
    "GpuSpec",
    "ServerSpec",
    "OpenModelSpec",
    "KNOWN_UNITS",
    "load_catalog",
    "api_price",
    "api_models",
    "hosted_open_price",
    "gpu_spec",
    "gpus",
    "gpu_rental",
    "gpu_rental_table",
    "server_for",
    "open_model",
    "open_models",
    "throughput_table",
    "cost_default",
    "cost_defaults",
    "parse_as_of",
]

#: Units a long-format catalog row may carry.
KNOWN_UNITS = frozenset(
    {
        "USD", "USD/month", "USD/kWh", "USD/FTE-month", "USD/server-month", "USD/GPU-hour",
        "FTE", "ratio", "ratio/year", "months", "years", "W", "GB", "GB/s", "TFLOPS",
        "B params", "tokens", "count",
    }
)

CATALOG_FILES: dict[str, str] = {
    "api_prices": "api_prices.csv",
    "hosted_open_prices": "hosted_open_prices.csv",
    "gpus": "gpus.csv",
    "gpu_rental": "gpu_rental.csv",
    "servers": "servers.csv",
    "open_models": "open_models.csv",
    "throughput": "throughput.csv",
    "cost_defaults": "cost_defaults.csv",
}

_NUMERIC: dict[str, tuple[str, ...]] = {
    "api_prices": (
        "min_input_tokens", "input_per_mtok_usd", "output_per_mtok_usd",
        "cached_input_per_mtok_usd", "batch_input_per_mtok_usd", "batch_output_per_mtok_usd",
    ),
    "hosted_open_prices": ("input_per_mtok_usd", "output_per_mtok_usd"),
    "gpus": ("value",),
    "gpu_rental": ("gpu_hour_usd",),
    "servers": ("gpus_per_server", "price_usd", "installation_usd"),
    "open_models": ("value",),
    "throughput": ("tp", "input_tokens", "output_tokens", "output_tok_s"),
    "cost_defaults": ("value",),
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "api_prices": ("model", "input_per_mtok_usd", "output_per_mtok_usd"),
    "hosted_open_prices": ("model", "provider", "input_per_mtok_usd", "output_per_mtok_usd"),
    "gpus": ("gpu", "parameter", "value", "unit"),
    "gpu_rental": ("gpu", "provider", "gpu_hour_usd"),
    "servers": ("server", "gpu", "gpus_per_server", "price_usd"),
    "open_models": ("model", "parameter", "value", "unit"),
    "throughput": ("model", "gpu", "tp", "output_tok_s"),
    "cost_defaults": ("parameter", "value", "unit"),
}
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def parse_as_of(text: str) -> dt.date | None:
    """Parse an ``as_of`` value (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or ``undated``).

    Returns the first day of the period, or ``None`` for ``undated``; raises ``ValueError``.
    """
    text = str(text).strip()
    if text == "undated":
        return None
    if not _DATE_RE.match(text):
        raise ValueError(f"{text!r} is not YYYY-MM-DD, YYYY-MM, YYYY or 'undated'")
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def _validate(name: str, frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Check one catalog frame; raise :class:`CatalogError` naming file, row and column."""
    for col in ("source", "as_of", *_REQUIRED[name]):
        if col not in frame.columns:
            raise CatalogError(f"{path.name}: missing column {col!r}; expected columns include "
                               f"{', '.join(_REQUIRED[name])}, source, as_of")
    frame = frame.copy()
    for col in _NUMERIC[name]:
        if col not in frame.columns:
            continue
        numbers = pd.to_numeric(frame[col], errors="coerce")
        for idx in frame.index:
            raw = frame.at[idx, col]
            line = idx + 2  # header is line 1
            if pd.isna(raw) or str(raw).strip() == "":
                if col in _REQUIRED[name]:
                    raise CatalogError(f"{path.name} line {line}: column {col!r} is empty; "
                                       "a number is required")
                continue
            value = numbers.at[idx]
            if pd.isna(value) or not math.isfinite(value):
                raise CatalogError(f"{path.name} line {line}: column {col!r} = {raw!r} is not a "
                                   "number")
            if value < 0:
                raise CatalogError(f"{path.name} line {line}: column {col!r} = {value} is "
                                   "negative; prices, sizes and rates must be >= 0")
        frame[col] = numbers.astype(float)
    for idx in frame.index:
        line = idx + 2
        src = frame.at[idx, "source"]
        if pd.isna(src) or not str(src).strip():
            raise CatalogError(f"{path.name} line {line}: empty 'source'; every figure needs one")
        for col in ("as_of", "valid_from", "valid_to"):
            if col not in frame.columns:
                continue
            raw = frame.at[idx, col]
            if col != "as_of" and (pd.isna(raw) or not str(raw).strip()):
                continue
            try:
                if col != "as_of" and str(raw).strip() == "undated":
                    raise ValueError("validity bounds must be dates")
                parse_as_of(str(raw))
            except ValueError as exc:
                raise CatalogError(f"{path.name} line {line}: column {col!r}: {exc}") from None
        if "unit" in frame.columns and frame.at[idx, "unit"] not in KNOWN_UNITS:
            raise CatalogError(f"{path.name} line {line}: unknown unit {frame.at[idx, 'unit']!r}; "
                               f"known units: {', '.join(sorted(KNOWN_UNITS))}")
    for col in ("note", "valid_from", "valid_to", "precision", "engine", "tier"):
        if col in frame.columns:
            frame[col] = frame[col].fillna("").astype(str)
    frame["as_of"] = frame["as_of"].astype(str)
    return frame


@lru_cache(maxsize=32)
def _load_cached(name: str, directory: str) -> pd.DataFrame:
    path = Path(directory) / CATALOG_FILES[name]
    if not path.exists():
        raise CatalogError(f"catalog file {path} not found; expected one of "
                           f"{', '.join(CATALOG_FILES.values())} in {directory}")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path.name}: cannot be parsed as CSV ({exc})") from None
    return _validate(name, frame, path)


def load_catalog(name: str, directory: str | Path | None = None) -> pd.DataFrame:
    """Return one validated catalog as a DataFrame (a copy; edit freely).

    Parameters
    ----------
    name : str
        One of ``api_prices``, ``hosted_open_prices``, ``gpus``, ``gpu_rental``, ``servers``,
        ``open_models``, ``throughput``, ``cost_defaults``.
    directory : path, optional
        Folder holding the CSV files; defaults to the package's catalogs.
    """
    if name not in CATALOG_FILES:
        raise CatalogError(f"unknown catalog {name!r}; known: {', '.join(CATALOG_FILES)}")
    return _load_cached(name, str(directory or CATALOG_DIR)).copy()


def _unknown(kind: str, name: str, known: list[str]) -> CatalogError:
    return CatalogError(f"unknown {kind} {name!r}; known: {', '.join(sorted(set(known)))}")


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


def api_models(directory: str | Path | None = None) -> list[str]:
    """Known API model slugs (proprietary ones plus ``<open-model>@<provider>`` hosted ones)."""
    api = load_catalog("api_prices", directory)
    hosted = load_catalog("hosted_open_prices", directory)
    return sorted(set(api["model"])) + sorted(hosted["model"] + "@" + hosted["provider"])


def api_price(model: str, *, as_of: str | dt.date | None = None, input_tokens: float = 0,
              directory: str | Path | None = None) -> ApiPrice:
    """Price of an API model, optionally as of a date and for a given prompt length.

    Parameters
    ----------
    model : str
        Slug such as ``gpt-4o`` or, for a managed open-weight model, ``llama-3.3-70b@groq``.
    as_of : date or ISO string, optional
        Return the price valid on that date (e.g. ``o3`` before/after 2025-06-10); default:
        the current (open-ended) price.
    input_tokens : float
        Input tokens per request; picks the long-context tier when the prompt exceeds it.
    """
    if "@" in model:
        open_name, provider = model.split("@", 1)
        return hosted_open_price(open_name, provider, directory=directory)
    table = load_catalog("api_prices", directory)
    rows = table[table["model"] == model]
    if rows.empty:
        raise _unknown("API model", model, api_models(directory))
    if as_of is not None:
        try:
            day = as_of if isinstance(as_of, dt.date) else parse_as_of(str(as_of))
        except ValueError as exc:
            raise CatalogError(f"as_of={as_of!r}: {exc}") from None
        if day is None:
            raise CatalogError(f"as_of={as_of!r}: give a date such as 2025-06-10")
        lo = rows["valid_from"].map(lambda s: parse_as_of(s) if s else dt.date.min)
        hi = rows["valid_to"].map(lambda s: parse_as_of(s) if s else dt.date.max)
        rows = rows[(lo <= day) & (hi >= day)]
        if rows.empty:
            raise CatalogError(f"API model {model!r} has no price valid on {day}")
    else:
        rows = rows[rows["valid_to"] == ""]
    rows = rows[rows["min_input_tokens"].fillna(0) <= max(float(input_tokens), 0.0)]
    if rows.empty:
        raise CatalogError(f"API model {model!r} has no price tier for {input_tokens:g} input "
                           "tokens in the catalog (facts.md lists only its long-context tier); "
                           "pass the prices explicitly")
    row = rows.sort_values("min_input_tokens").iloc[-1]
    return ApiPrice(model=model, input_per_mtok_usd=float(row["input_per_mtok_usd"]),
                    output_per_mtok_usd=float(row["output_per_mtok_usd"]),
                    cached_input_per_mtok_usd=_opt(row["cached_input_per_mtok_usd"]),
                    batch_input_per_mtok_usd=_opt(row["batch_input_per_mtok_usd"]),
                    batch_output_per_mtok_usd=_opt(row["batch_output_per_mtok_usd"]),
                    tier=str(row["tier"]), source=str(row["source"]), as_of=str(row["as_of"]),
                    note=str(row["note"]))


def hosted_open_price(model: str, provider: str, *,
                      directory: str | Path | None = None) -> ApiPrice:
    """Price of an open-weight model served by a hosting provider (USD per 1M tokens)."""
    table = load_catalog("hosted_open_prices", directory)
    rows = table[(table["model"] == model) & (table["provider"] == provider)]
    if rows.empty:
        known = list(table["model"] + "@" + table["provider"])
        raise _unknown("hosted open model", f"{model}@{provider}", known)
    row = rows.iloc[0]
    return ApiPrice(model=f"{model}@{provider}",
                    input_per_mtok_usd=float(row["input_per_mtok_usd"]),
                    output_per_mtok_usd=float(row["output_per_mtok_usd"]),
                    cached_input_per_mtok_usd=None, batch_input_per_mtok_usd=None,
                    batch_output_per_mtok_usd=None, tier="standard", source=str(row["source"]),
                    as_of=str(row["as_of"]), note=str(row["note"]))


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

    def require(self, field: str, purpose: str) -> Figure:
        """Return a figure or raise :class:`CatalogError` saying it is missing and what to do."""
        fig = getattr(self, field)
        if fig is None:
            raise CatalogError(f"GPU {self.gpu!r} has no {field} in the catalog (facts.md lists "
                               f"none); {purpose} needs it: pass it explicitly")
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
    table = load_catalog("gpus", directory)
    if gpu not in set(table["gpu"]):
        raise _unknown("GPU", gpu, list(table["gpu"]))
    figs = _long_rows(table, "gpu", gpu)
    return GpuSpec(gpu=gpu, **{f: figs.get(f) for f in (
        "memory_gb", "bandwidth_gb_s", "fp16_tflops", "board_power_w", "purchase_usd",
        "fp8_speedup")})


def gpu_rental_table(gpu: str | None = None,
                     directory: str | Path | None = None) -> pd.DataFrame:
    """Rental prices (columns gpu, provider, gpu_hour_usd, default, source, as_of, note)."""
    table = load_catalog("gpu_rental", directory)
    if gpu is not None:
        gpu_spec(gpu, directory)  # unknown GPU -> CatalogError
        table = table[table["gpu"] == gpu]
    return table.reset_index(drop=True)


def gpu_rental(gpu: str, provider: str | None = None,
               directory: str | Path | None = None) -> Figure:
    """USD per GPU-hour for ``gpu`` from ``provider`` (default: the catalog's default row)."""
    table = gpu_rental_table(gpu, directory)
    if table.empty:
        raise CatalogError(f"no rental price for GPU {gpu!r} in the catalog (facts.md lists "
                           f"none); pass gpu_hour_usd explicitly or choose one of "
                           f"{', '.join(sorted(set(load_catalog('gpu_rental', directory)['gpu'])))}")
    if provider is None:
        rows = table[table["default"].str.lower() == "true"]
        rows = rows if not rows.empty else table
    else:
        rows = table[table["provider"] == provider]
        if rows.empty:
            raise _unknown(f"rental provider for {gpu}", provider, list(table["provider"]))
    r = rows.iloc[0]
    return Figure(float(r["gpu_hour_usd"]), "USD/GPU-hour", f"{r['source']} [{r['provider']}]",
                  r["as_of"], r["note"])


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
                           f"{', '.join(sorted(set(table['gpu'])))}")
    r = rows.sort_values("gpus_per_server").iloc[-1]
    estimated = pd.isna(r["installation_usd"])
    install = (round(float(r["price_usd"]) * cost_default("installation_share", directory).value, 2)
               if estimated else float(r["installation_usd"]))
    return ServerSpec(server=r["server"], gpu=gpu, gpus_per_server=int(r["gpus_per_server"]),
                      price_usd=float(r["price_usd"]), installation_usd=install,
                      installation_estimated=bool(estimated), source=r["source"],
                      as_of=r["as_of"], note=r["note"])


@dataclass(frozen=True)
class OpenModelSpec:
    """An open-weight model: parameters (billions), context length and KV-cache geometry."""

    model: str
    total_params_b: Figure
    active_params_b: Figure
    context_tokens: Figure | None
    n_layers: Figure | None
    n_kv_heads: Figure | None
    head_dim: Figure | None


def open_models(directory: str | Path | None = None) -> list[str]:
    """Known open-weight model slugs."""
    return sorted(set(load_catalog("open_models", directory)["model"]))


def open_model(model: str, directory: str | Path | None = None) -> OpenModelSpec:
    """Characteristics of an open-weight model."""
    table = load_catalog("open_models", directory)
    if model not in set(table["model"]):
        raise _unknown("open model", model, list(table["model"]))
    figs = _long_rows(table, "model", model)
    return OpenModelSpec(model=model, total_params_b=figs["total_params_b"],
                         active_params_b=figs.get("active_params_b", figs["total_params_b"]),
                         **{f: figs.get(f) for f in ("context_tokens", "n_layers",
                                                      "n_kv_heads", "head_dim")})


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
        raise _unknown("cost default", name, list(table))
    return table[name]
