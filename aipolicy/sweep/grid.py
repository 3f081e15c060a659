"""The sweep's grid: axes read from YAML, checked, expanded into cells and cut into chunks.

A grid file names, for each axis, the values to sweep (a list, a linear range or log-spaced
volumes); an axis left out takes the preset's own value::

    name: small decision map
    as_of: 2026-10-30           # valuation date: prices in force on it (default: the run's)
    draws: 200                  # Monte Carlo draws per cell (0: none)
    seed: 0
    chunk_cells: 64             # cells per chunk, the unit of distribution (whole configs)
    axes:
      preset: [midmarket]
      open_model: [llama-3.1-8b, llama-3.3-70b]
      gpu: [h100-sxm, h200]
      shape: [preset, 1500/400]          # INPUT/OUTPUT tokens per request
      slo: [preset, none, {tokens_per_user: 40, ttft_s: 0.5}]
      api_model: [preset]
      tokens_per_day: {log_from: 1.0e+5, log_to: 1.0e+10, per_decade: 2}

A *config* is one combination of every axis but the volume; a *cell* is a config at one
volume. Cells are numbered config by config, volumes innermost; a chunk holds whole configs
of one preset, so the chunks (and each cell's number) follow from the grid alone, whatever
runs them.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from aipolicy.costs.compare.bounds import MAX_GRID_DRAWS, check_grid_size
from aipolicy.errors import InvalidInputError
from aipolicy.sweep.gridchecks import bounded, check_first_prices, check_requests

__all__ = ["AXES", "Chunk", "Config", "Grid", "SloSpec", "TOP_KEYS", "grid_from_mapping",
           "load_grid"]

#: Axes a grid may sweep, in the order cells are numbered (volume innermost).
AXES = ("preset", "open_model", "gpu", "shape", "slo", "api_model", "tokens_per_day")
#: Keys a grid file may have at the top level.
TOP_KEYS = ("name", "description", "as_of", "draws", "seed", "chunk_cells", "axes")
#: Keys of a volume range.
RANGE_KEYS = {"log": ("log_from", "log_to", "per_decade"), "linear": ("from", "to", "step")}
#: The latency-target keys of an ``slo`` value given as a mapping.
SLO_KEYS = ("tokens_per_user", "ttft_s")
#: Default cells per chunk.
DEFAULT_CHUNK_CELLS = 256
PRESET = "preset"


def _bad(key: str, message: str, value: Any = None) -> InvalidInputError:
    return InvalidInputError(f"grid {key}: {message}", field=key, value=value)


@dataclass(frozen=True)
class SloSpec:
    """A latency target of the grid: the preset's own (``preset``), none, or given values."""

    kind: str  # "preset" | "none" | "given"
    tokens_per_user: float | None = None
    ttft_s: float | None = None

    @property
    def label(self) -> str:
        """``preset``, ``none`` or ``>=40 tok/s/user, TTFT<=0.5 s``."""
        if self.kind != "given":
            return self.kind
        parts = []
        if self.tokens_per_user is not None:
            parts.append(f">={self.tokens_per_user:g} tok/s/user")
        if self.ttft_s is not None:
            parts.append(f"TTFT<={self.ttft_s:g} s")
        return ", ".join(parts)

    def overrides(self) -> dict[str, float]:
        """Scenario overrides for this target (none for ``preset``)."""
        if self.kind == "preset":
            return {}
        if self.kind == "none":
            return {"slo_tokens_per_user": math.nan, "slo_ttft_s": math.nan}
        return {"slo_tokens_per_user": (math.nan if self.tokens_per_user is None
                                        else float(self.tokens_per_user)),
                "slo_ttft_s": math.nan if self.ttft_s is None else float(self.ttft_s)}


@dataclass(frozen=True)
class Config:
    """Every axis but the volume (``shape`` is ``(input, output)`` tokens or None = preset)."""

    index: int
    preset: str
    open_model: str | None
    gpu: str | None
    shape: tuple[float, float] | None
    slo: SloSpec
    api_model: str | None

    def overrides(self) -> dict[str, Any]:
        """Keyword overrides for :func:`aipolicy.costs.compare.presets.scenario_from_preset`."""
        out: dict[str, Any] = {}
        for key in ("open_model", "gpu", "api_model"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.shape is not None:
            out["input_tokens"], out["output_tokens"] = self.shape
        out.update(self.slo.overrides())
        return out


@dataclass(frozen=True)
class Chunk:
    """Consecutive configs of one preset; cells ``first_cell`` .. ``first_cell + n_cells - 1``."""

    index: int
    configs: tuple[int, ...]
    first_cell: int
    n_cells: int


@dataclass(frozen=True)
class Grid:
    """A checked grid (see the module docstring); ``spec`` is its canonical plain form."""

    name: str
    description: str
    as_of: str  # valuation date, YYYY-MM-DD: every cell is priced on it
    draws: int
    seed: int
    chunk_cells: int
    configs: tuple[Config, ...]
    tokens_per_day: tuple[float, ...]
    spec: Mapping[str, Any] = field(repr=False)

    @property
    def n_cells(self) -> int:
        """Cells in the grid (configs x volumes)."""
        return len(self.configs) * len(self.tokens_per_day)

    @property
    def chunks(self) -> tuple[Chunk, ...]:
        """The chunks: whole configs of one preset, about ``chunk_cells`` cells each."""
        per = max(1, self.chunk_cells // len(self.tokens_per_day))
        out: list[Chunk] = []
        n_vol = len(self.tokens_per_day)
        for _, group in itertools.groupby(self.configs, key=lambda c: c.preset):
            idx = [c.index for c in group]
            for lo in range(0, len(idx), per):
                part = tuple(idx[lo:lo + per])
                out.append(Chunk(len(out), part, part[0] * n_vol, len(part) * n_vol))
        return tuple(out)

    def fingerprint(self, catalog_id: str) -> str:
        """Hash of what decides every result: the axes, valuation date, draws, seed, chunking
        and catalog.

        The grid's name and description are left out: editing them keeps a sweep resumable.
        """
        decisive = {k: v for k, v in self.spec.items() if k not in ("name", "description")}
        blob = json.dumps({"spec": decisive, "catalog": catalog_id}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def with_run(self, *, draws: int | None = None, seed: int | None = None,
                 as_of: Any = None) -> Grid:
        """The grid with the command line's ``--draws``/``--seed``/``--as-of`` in place of the
        file's."""
        spec = dict(self.spec)
        if as_of is not None:
            spec["as_of"] = _as_of(as_of)
        if draws is not None:
            spec["draws"] = _whole("draws", draws, 0, MAX_GRID_DRAWS)
        if seed is not None:
            spec["seed"] = _whole("seed", seed, 0, 2**63 - 1)
        return grid_from_mapping(spec, source=self.name)


def _as_of(value: Any) -> str:
    """The valuation date as ``YYYY-MM-DD`` (``as_of`` error when it is not a date)."""
    from aipolicy import valuation

    try:
        return valuation.parse(value).isoformat()
    except InvalidInputError:
        raise _bad("as_of", f"{value!r} is not a date; give YYYY-MM-DD (e.g. 2026-10-30)",
                   value) from None


def _whole(key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) \
            or not low <= value <= high:
        raise _bad(key, f"must be a whole number from {low:,} to {high:,}, got {value!r}", value)
    return int(value)


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _bad(key, f"must be a number, got {value!r}", value)
    return float(value)


def _volumes(value: Any) -> tuple[float, ...]:
    key = "axes.tokens_per_day"
    if isinstance(value, Mapping):
        keys = set(value)
        for kind, names in RANGE_KEYS.items():
            if keys == set(names):
                if kind == "log":
                    lo, hi = (_number(f"{key}.{k}", value[k]) for k in names[:2])
                    per = _whole(f"{key}.per_decade", value["per_decade"], 1, 1000)
                    if not 0 < lo <= hi:
                        raise _bad(key, f"log_from and log_to must be > 0 with log_from <= "
                                        f"log_to, got {lo:g} and {hi:g}")
                    n = int(round(math.log10(hi / lo) * per)) + 1
                    bounded(check_grid_size, n)  # before any array is built
                    vols = np.logspace(math.log10(lo), math.log10(hi), n)
                else:
                    lo, hi, step = (_number(f"{key}.{k}", value[k]) for k in names)
                    if not (0 < lo <= hi and step > 0):
                        raise _bad(key, f"from and to must be > 0 with from <= to and step > 0, "
                                        f"got {lo:g}, {hi:g}, {step:g}")
                    bounded(check_grid_size, math.ceil((hi + step * 1e-9 - lo) / step))
                    vols = np.arange(lo, hi + step * 1e-9, step)
                return tuple(float(v) for v in vols)
        forms = "; ".join(", ".join(n) for n in RANGE_KEYS.values())
        raise _bad(key, f"a range needs exactly the keys {forms}; got {', '.join(map(str, value))}",
                   value)
    items = value if isinstance(value, list) else [value]
    bounded(check_grid_size, len(items))
    vols_list = [_number(key, v) for v in items]
    if any(v <= 0 for v in vols_list):
        raise _bad(key, "volumes must be > 0 tokens/day", value)
    return tuple(vols_list)


def _shape(value: Any) -> tuple[float, float] | None:
    key = "axes.shape"
    if value == PRESET:
        return None
    if isinstance(value, str) and value.count("/") == 1:
        try:
            i, o = (float(x) for x in value.split("/"))
        except ValueError:
            i = o = math.nan
        if math.isfinite(i) and math.isfinite(o) and i >= 0 and o > 0:
            return (i, o)
    elif isinstance(value, list) and len(value) == 2:
        i, o = (_number(key, v) for v in value)
        if i >= 0 and o > 0:
            return (i, o)
    raise _bad(key, f"a request shape is INPUT/OUTPUT tokens (e.g. 1500/400, output > 0) or "
                    f"'preset', got {value!r}", value)


def _slo(value: Any) -> SloSpec:
    key = "axes.slo"
    if value in (PRESET, "none"):
        return SloSpec(value)
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in SLO_KEYS]
        if unknown or not value:
            raise _bad(f"{key}.{unknown[0] if unknown else ''}".rstrip("."),
                       f"unknown key {unknown[0]!r}; a latency target has "
                       f"{', '.join(SLO_KEYS)}" if unknown else "empty latency target", value)
        vals = {k: _number(f"{key}.{k}", v) for k, v in value.items()}
        if any(v <= 0 for v in vals.values()):
            raise _bad(key, f"latency targets must be > 0, got {value!r}", value)
        return SloSpec("given", vals.get("tokens_per_user"), vals.get("ttft_s"))
    raise _bad(key, f"a latency target is 'preset', 'none' or a mapping of "
                    f"{', '.join(SLO_KEYS)}; got {value!r}", value)


def _names(axis: str, value: Any, valid: Sequence[str]) -> list[str | None]:
    items = value if isinstance(value, list) else [value]
    out: list[str | None] = []
    for v in items:
        if v == PRESET and axis != "preset":
            out.append(None)
            continue
        if not isinstance(v, str) or (valid and v not in valid):
            raise _bad(f"axes.{axis}", f"unknown {axis} {v!r}; valid: "
                                       f"{', '.join(valid)}" + ("" if axis == "preset" else
                                                                 ", or preset"), v)
        out.append(v)
    return out


def _check_api_model(name: str | None) -> None:
    """An API model the price data can price (its error names close matches)."""
    from aipolicy.costs.compare.inputs import api_price_entries
    from aipolicy.errors import AipolicyError

    if name is None:
        return
    try:
        api_price_entries(name, None, 1000.0, {})
    except AipolicyError as exc:
        raise _bad("axes.api_model", str(exc).split("\n", 1)[0], name) from None


def _valid_names(axis: str) -> list[str]:
    from aipolicy.costs import catalog
    from aipolicy.costs.compare.presets import list_presets

    if axis == "preset":
        return list_presets()
    if axis == "open_model":
        return catalog.open_models()
    if axis == "gpu":
        return catalog.gpus()
    return []  # api_model: any model the price data prices (_check_api_model)


def grid_from_mapping(data: Any, *, source: str = "grid", default_as_of: Any = None) -> Grid:
    """Check a grid mapping (as read from YAML) and return the :class:`Grid`.

    A grid without ``as_of`` is priced on ``default_as_of``, else on the run's valuation date
    (:func:`aipolicy.valuation.current`).

    Raises
    ------
    InvalidInputError
        Naming the key (``field``) and what would be right: unknown keys with the valid ones,
        unknown catalog names, bad ranges, empty axes, too many cells.
    """
    if not isinstance(data, Mapping):
        raise _bad("file", f"{source}: the grid must be a mapping with keys "
                           f"{', '.join(TOP_KEYS)}, got {type(data).__name__}")
    for key in data:
        if key not in TOP_KEYS:
            raise _bad(str(key), f"unknown key; valid: {', '.join(TOP_KEYS)}", key)
    axes_in = data.get("axes") or {}
    if not isinstance(axes_in, Mapping):
        raise _bad("axes", f"must be a mapping of axis -> values; axes: {', '.join(AXES)}")
    for key in axes_in:
        if key not in AXES:
            raise _bad(f"axes.{key}", f"unknown axis; valid: {', '.join(AXES)}", key)
    from aipolicy import valuation

    given = data.get("as_of")
    as_of = _as_of(given if given is not None else default_as_of or valuation.current())
    if "tokens_per_day" not in axes_in:
        raise _bad("axes.tokens_per_day", "missing: the volumes to sweep (a list, "
                                          "{log_from, log_to, per_decade} or {from, to, step})")
    vols = _volumes(axes_in["tokens_per_day"])
    values: dict[str, list[Any]] = {}
    for axis in AXES[:-1]:
        raw = axes_in.get(axis, PRESET if axis != "preset" else ["midmarket"])
        if isinstance(raw, list) and not raw:
            raise _bad(f"axes.{axis}", "empty list; leave the axis out to take the preset's value")
        if axis == "shape":
            values[axis] = [_shape(v) for v in (raw if isinstance(raw, list) else [raw])]
        elif axis == "slo":
            values[axis] = [_slo(v) for v in (raw if isinstance(raw, list) else [raw])]
        else:
            values[axis] = _names(axis, raw, _valid_names(axis))
        if axis == "api_model":
            with valuation.pinned(as_of):
                for name in values[axis]:
                    _check_api_model(name)
        if len(set(map(repr, values[axis]))) != len(values[axis]):
            raise _bad(f"axes.{axis}", "a value is listed twice")
    draws = _whole("draws", data.get("draws", 0), 0, MAX_GRID_DRAWS)
    seed = _whole("seed", data.get("seed", 0), 0, 2**63 - 1)
    chunk_cells = _whole("chunk_cells", data.get("chunk_cells", DEFAULT_CHUNK_CELLS), 1,
                         1_000_000)
    bounded(check_grid_size, len(vols), math.prod(len(values[a]) for a in AXES[:-1]), draws)
    check_requests(vols, values)
    check_first_prices(as_of, values)
    combos = list(itertools.product(*(values[a] for a in AXES[:-1])))
    configs = tuple(Config(i, *c) for i, c in enumerate(combos))
    spec = {"name": str(data.get("name", source)), "description": str(data.get("description", "")),
            "as_of": as_of, "draws": draws, "seed": seed, "chunk_cells": chunk_cells,
            "axes": {**{a: _plain(axes_in.get(a, PRESET if a != "preset" else ["midmarket"]))
                        for a in AXES[:-1]}, "tokens_per_day": list(vols)}}
    return Grid(name=spec["name"], description=spec["description"], as_of=as_of,
                draws=draws, seed=seed,
                chunk_cells=chunk_cells, configs=configs, tokens_per_day=vols, spec=spec)


def _plain(value: Any) -> Any:
    """JSON-ready copy (mappings with sorted keys)."""
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def load_grid(path: str | Path, *, default_as_of: Any = None) -> Grid:
    """Read and check a grid YAML file (see the module docstring); ``default_as_of`` is the
    valuation date of a grid that names none (see :func:`grid_from_mapping`).

    Raises
    ------
    InvalidInputError
        The file is missing or not YAML (``field="file"``), or a key is wrong (named).
    """
    import yaml

    from aipolicy import safeyaml

    p = Path(path)
    try:
        data = safeyaml.load(safeyaml.read(p).decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"grid file {p}: cannot read it ({exc.__class__.__name__}: "
                                f"{exc}); give a YAML grid such as examples/sweep-small.yaml",
                                field="file", value=str(p)) from None
    except InvalidInputError as exc:
        raise InvalidInputError(f"grid file {p}: {exc}", field="file", value=str(p)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InvalidInputError(f"grid file {p}: not valid YAML{where}", field="file",
                                value=str(p)) from None
    return grid_from_mapping(data, source=p.stem, default_as_of=default_as_of)
