"""Evaluate a chunk of the sweep: every option of the comparison for every cell, vectorised.

Per config (every axis but the volume) the scenarios are built once, with the same code as
``aipolicy breakeven`` (:func:`aipolicy.costs.compare.threeway.compare_all`): the API model named (or
the preset's), the cheapest proprietary model at least as good as the open model, the same
open weights on the cheapest hosted provider, self-hosting on rented and on bought GPUs, and
the best hybrid (in the preset's acquisition mode, overflow to the named API). The volumes of
the config are then priced as NumPy arrays by the cost core (:mod:`aipolicy.costs.compare.api`,
:mod:`aipolicy.costs.compare.selfhost`, :func:`aipolicy.costs.compare.hybrid.hybrid_totals`): one pass per
option for all volumes, instead of one Python call per cell.

Break-even volumes (tokens/day) do not depend on the cell's volume: each self-hosting mode
against each API option, once per config (:func:`aipolicy.costs.compare.curve.breakeven`).

Monte Carlo (``draws > 0``): the uncertain inputs are those of
:func:`aipolicy.costs.uncertainty.default_uncertainties` for each mode (triangular, same
ranges and sources). The uniforms are *common random numbers*: one stream per input name,
seeded by ``(seed, input)``, shared by every cell. A cell's draws therefore depend on the sweep
seed alone, not on its chunk, the number of workers or the order chunks finish in, and
neighbouring cells differ by their inputs, not by sampling noise (the map's boundaries are
not noise). The metric is the saving of self-hosting in its cheaper mode against the cheapest
API option, ``min(API options) - min(rent, buy)`` (USD per month); the hybrid is left out of
the draws (its optimum is a search per draw).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from aipolicy.costs.compare.bounds import MAX_REPLICAS
from aipolicy.errors import AipolicyError
from aipolicy.sweep.grid import Chunk, Config, Grid

__all__ = ["API_OPTIONS", "OPTIONS", "SELFHOST_OPTIONS", "PERCENTILES", "Prepared",
           "evaluate_cells", "evaluate_chunk", "prepare_config"]

#: Per-token options, then self-hosting, then the hybrid (column prefixes ``<option>_usd``).
API_OPTIONS = ("api", "api_match", "hosted")
SELFHOST_OPTIONS = ("rent", "buy")
OPTIONS = (*API_OPTIONS, *SELFHOST_OPTIONS, "hybrid")
#: Percentiles of the saving written per cell (``savings_p5`` ...).
PERCENTILES = (5, 25, 50, 75, 95)
#: Volumes x draws evaluated at once in the Monte Carlo (memory bound, not a result).
_MC_BLOCK = 1 << 17
#: Volumes x replicas x 24 hours evaluated at once for the hybrid.
_HYBRID_BLOCK = 3_000_000


@dataclass
class Prepared:
    """One config's scenarios and volume-free results (built once per config)."""

    config: Config
    status: str = "ok"
    base: Any = None  # Scenario
    api: dict[str, Any] = field(default_factory=dict)  # option -> Scenario with its prices
    modes: dict[str, Any] = field(default_factory=dict)  # rent/buy -> Scenario
    notes: dict[str, str] = field(default_factory=dict)  # option -> why it is missing
    breakeven: dict[str, float] = field(default_factory=dict)  # "<mode>_vs_<api>" -> tok/day
    text: dict[str, Any] = field(default_factory=dict)  # per-config columns


def _quality(model: str) -> float:
    from aipolicy.costs.catalog.quality import quality

    def rating() -> float:
        try:
            q = quality(model.split("@", 1)[0])
        except AipolicyError:
            return math.nan
        return math.nan if q.rating is None else float(q.rating)

    return _memo(("quality", model), rating)


#: Per-process memo of what several configs share (keyed with the price data in use).
_MEMO: dict[tuple[Any, ...], Any] = {}


def _prices_key() -> str:
    from aipolicy.costs.catalog.prices import snapshot

    return snapshot().label


def _memo(key: tuple[Any, ...], make: Any) -> Any:
    """``_MEMO[key]``, computed by ``make()`` on first use (keys carry the price data)."""
    full = (*key, _prices_key())
    if full not in _MEMO:
        _MEMO[full] = make()
    return _MEMO[full]


def _with_api(scenario: Any, model: str) -> Any:
    """:func:`~aipolicy.costs.compare.threeway.with_api_model` with the price entries memoised."""
    from aipolicy.costs.compare.inputs import api_price_entries
    from aipolicy.costs.compare.threeway import scenario_day, with_api_model

    day = scenario_day(scenario)
    entries = _memo(("prices", model, scenario.input_tokens, day),
                    lambda: api_price_entries(model, day, scenario.input_tokens, {}))
    return with_api_model(scenario, model, entries)


def prepare_config(config: Config) -> Prepared:
    """Build the config's scenarios (as ``aipolicy breakeven`` does) and its break-evens.

    A config that cannot be built (e.g. a latency target the GPU cannot meet, a GPU without
    the figures its throughput needs) is kept with ``status`` saying why and no costs.
    """
    from aipolicy.costs.compare.presets import scenario_from_preset
    from aipolicy.costs.compare.selfhost import with_acquisition

    prep = Prepared(config)
    try:
        s = scenario_from_preset(config.preset, **config.overrides())
    except AipolicyError as exc:
        prep.status = str(exc).split("\n", 1)[0]
        return prep
    prep.base = s
    prep.api["api"] = s
    _add_api_sides(prep, s)
    for mode in SELFHOST_OPTIONS:
        try:
            prep.modes[mode] = with_acquisition(s, mode)
        except AipolicyError as exc:
            prep.notes[mode] = str(exc)
    _add_breakevens(prep)
    prep.text = _config_text(prep, s)
    return prep


def _add_api_sides(prep: Prepared, s: Any) -> None:
    """The proprietary match and the cheapest hosted provider of the open model, when found
    (``prep.api``), or why not (``prep.notes``)."""
    from aipolicy.costs.catalog.hosted import cheapest_hosted
    from aipolicy.costs.compare.threeway import best_proprietary_match, scenario_day

    # the match and the hosted provider depend on the preset, the open model and the request
    # shape, not on the GPU or the latency target: found once per process for each
    shape_key = (prep.config.preset, s.open_model, s.input_tokens, s.output_tokens)
    match = _memo(("match", *shape_key), lambda: best_proprietary_match(s))
    if match is not None and match != s.api_model:
        prep.api["api_match"] = _with_api(s, match)
    else:
        prep.notes["api_match"] = ("the named API model is the cheapest at least as good"
                                   if match is not None else "no proprietary model rated at "
                                   "least as good")

    def find_hosted() -> str | AipolicyError:
        try:
            return cheapest_hosted(s.open_model, input_tokens=s.input_tokens,
                                   output_tokens=s.output_tokens + s.reasoning_tokens,
                                   cached_share=s.cached_input_share,
                                   as_of=scenario_day(s)).model
        except AipolicyError as exc:
            return exc

    hosted = _memo(("hosted", *shape_key), find_hosted)
    if isinstance(hosted, AipolicyError):
        prep.notes["hosted"] = str(hosted)
    else:
        prep.api["hosted"] = _with_api(s, hosted)


def _add_breakevens(prep: Prepared) -> None:
    """Break-even tokens/day of each self-hosting mode against each API side (NaN: none)."""
    from aipolicy.costs.compare.curve import breakeven

    s = prep.base
    tokens_per_request = s.input_tokens + s.output_tokens
    for mode, ms in prep.modes.items():
        for key, api_s in prep.api.items():
            be = breakeven(ms if key == "api" else _with_api(ms, api_s.api_model))
            prep.breakeven[f"{mode}_vs_{key}"] = (
                math.nan if be.requests_per_day is None
                else be.requests_per_day * tokens_per_request)


def _config_text(prep: Prepared, s: Any) -> dict[str, Any]:
    """The config's descriptive columns: models, GPU, shape, qualities and capacity."""
    from aipolicy.costs.compare.threeway import replica_capacity

    cap = replica_capacity(s)
    match = prep.api["api_match"].api_model if "api_match" in prep.api else ""
    return {
        "api_model": s.api_model, "open_model": s.open_model, "gpu": s.gpu,
        "input_tokens": float(s.input_tokens), "output_tokens": float(s.output_tokens),
        "acquisition": s.acquisition,
        "match_model": match,
        "hosted_model": prep.api["hosted"].api_model if "hosted" in prep.api else "",
        "open_quality": _quality(s.open_model), "api_quality": _quality(s.api_model),
        "match_quality": _quality(match) if match else math.nan,
        "throughput_basis": s.throughput_basis,
        "saturation_req_s": float(cap["saturation_req_s"]),
        "planned_req_s": float(cap["planned_req_s"]),
        "slo": cap["slo"] or "none",
        "gpus_per_replica": float(s.gpus_per_replica),
    }


def _params(scenario: Any, requests_per_day: np.ndarray) -> dict[str, Any]:
    from aipolicy.costs.compare.scenario import scenario_params

    p: dict[str, Any] = dict(scenario_params(scenario))
    p["requests_per_day"] = requests_per_day
    return p


def _hybrid(prep: Prepared, rpd: np.ndarray) -> dict[str, np.ndarray]:
    """Best hybrid per volume: cost, replicas and share self-hosted (NaN past the search)."""
    from aipolicy.costs.compare.hybrid import hybrid_totals
    from aipolicy.costs.compare.selfhost import selfhost_components

    s = prep.base
    n = rpd.size
    out = {k: np.full(n, np.nan) for k in ("hybrid_usd", "hybrid_replicas", "hybrid_share")}
    p = _params(s, rpd)
    full = np.asarray(selfhost_components(p, s.acquisition, s.rent_mode,
                                          s.load_profile)["replicas"], dtype=float)
    ok = np.flatnonzero(full <= MAX_REPLICAS)
    i = 0
    while i < ok.size:  # volumes in blocks whose (J, K, 24) array stays within the budget
        j = i + 1
        while j < ok.size and (j + 1 - i) * (full[ok[j]] + 1) * 24 <= _HYBRID_BLOCK:
            j += 1
        rows = ok[i:j]
        big = full[rows]
        ks = np.arange(int(big.max()) + 1, dtype=float)
        t = hybrid_totals(_params(s, rpd[rows][:, None]), s.acquisition, s.rent_mode,
                          s.load_profile, ks)
        total = np.where(ks[None, :] <= big[:, None], t["total_usd"], np.inf)
        best = np.argmin(total, axis=1)
        pick = np.arange(rows.size)
        out["hybrid_usd"][rows] = total[pick, best]
        out["hybrid_replicas"][rows] = best
        out["hybrid_share"][rows] = t["selfhost_share"][pick, best]
        i = j
    return out


def _name_key(name: str) -> int:
    """A stable 63-bit number for an input name (seeds its uniform stream)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little") >> 1


def common_uniforms(names: Sequence[str], draws: int, seed: int) -> dict[str, np.ndarray]:
    """One stream of ``draws`` uniforms per input name, from ``(seed, name)`` alone."""
    return {n: np.random.default_rng([seed, _name_key(n)]).random(draws) for n in names}


def _monte_carlo(prep: Prepared, rpd: np.ndarray, draws: int, seed: int
                 ) -> dict[str, np.ndarray]:
    """P(self-host cheaper) and saving percentiles per volume (see the module docstring)."""
    from aipolicy.costs.compare.api import api_monthly_components
    from aipolicy.costs.compare.selfhost import selfhost_components
    from aipolicy.costs.uncertainty import default_uncertainties, draw_inputs

    n = rpd.size
    out = {"p_selfhost_cheaper": np.full(n, np.nan),
           **{f"savings_p{q}": np.full(n, np.nan) for q in PERCENTILES}}
    if not prep.modes or not prep.api:
        return out
    items = {"base": default_uncertainties(prep.base)}
    items.update({m: default_uncertainties(s) for m, s in prep.modes.items()})
    names = sorted({it.name for group in items.values() for it in group})
    u = common_uniforms(names, draws, seed)
    drawn = {k: draw_inputs(group, [u[it.name] for it in group]) for k, group in items.items()}
    step = max(1, _MC_BLOCK // draws)
    for lo in range(0, n, step):
        col = rpd[lo:lo + step][:, None]
        api_best = None
        for api_s in prep.api.values():
            p = _params(api_s, col)
            p.update(drawn["base"])
            a = np.asarray(api_monthly_components(p)["total_usd"], dtype=float)
            api_best = a if api_best is None else np.fmin(api_best, a)
        sh_best = None
        for mode, ms in prep.modes.items():
            p = _params(ms, col)
            p.update(drawn[mode])
            c = np.asarray(selfhost_components(p, mode, ms.rent_mode, ms.load_profile)
                           ["total_usd"], dtype=float)
            sh_best = c if sh_best is None else np.fmin(sh_best, c)
        sav = np.broadcast_to(api_best - sh_best, (col.shape[0], draws))
        sl = slice(lo, lo + col.shape[0])
        out["p_selfhost_cheaper"][sl] = np.mean(sav > 0, axis=1)
        pct = np.percentile(sav, PERCENTILES, axis=1)
        for q, row in zip(PERCENTILES, pct, strict=True):
            out[f"savings_p{q}"][sl] = row
    return out


def evaluate_cells(prep: Prepared, tokens_per_day: Sequence[float], *, first_cell: int,
                   draws: int = 0, seed: int = 0) -> pd.DataFrame:
    """Every option's monthly cost (USD per month) for the config at each volume.

    Returns
    -------
    DataFrame
        One row per volume; see :data:`COLUMNS` in :mod:`aipolicy.sweep.store` for the columns.
    """
    from aipolicy.costs.compare.api import api_monthly_components
    from aipolicy.costs.compare.selfhost import selfhost_components

    c = prep.config
    tpd = np.asarray(tokens_per_day, dtype=float)
    n = tpd.size
    cols: dict[str, Any] = {
        "cell": np.arange(first_cell, first_cell + n, dtype=np.int64),
        "config": np.full(n, c.index, dtype=np.int64),
        "preset": c.preset, "slo_spec": c.slo.label, "status": prep.status,
        "tokens_per_day": tpd,
    }
    nan = np.full(n, np.nan)
    if prep.base is None:
        cols.update({f"{o}_usd": nan for o in OPTIONS})
        cols["cheapest"] = "none"
        return pd.DataFrame(cols)
    s = prep.base
    rpd = tpd / (s.input_tokens + s.output_tokens)
    cols.update(prep.text)
    cols["requests_per_day"] = rpd
    for key in API_OPTIONS:
        if key in prep.api:
            cols[f"{key}_usd"] = np.asarray(api_monthly_components(
                _params(prep.api[key], rpd))["total_usd"], dtype=float) * np.ones(n)
        else:
            cols[f"{key}_usd"] = nan
    for mode in SELFHOST_OPTIONS:
        if mode in prep.modes:
            ms = prep.modes[mode]
            r = selfhost_components(_params(ms, rpd), mode, ms.rent_mode, ms.load_profile)
            cols[f"{mode}_usd"] = np.asarray(r["total_usd"], dtype=float) * np.ones(n)
            cols[f"{mode}_replicas"] = np.asarray(r["replicas"], dtype=float) * np.ones(n)
            if mode == "buy":
                cols["buy_servers"] = np.asarray(r["servers"], dtype=float) * np.ones(n)
        else:
            cols[f"{mode}_usd"] = nan
            cols[f"{mode}_replicas"] = nan
            if mode == "buy":
                cols["buy_servers"] = nan
    over = _over_fleet_bound(cols, prep.status)
    cols.update(_hybrid(prep, rpd))
    for mode in SELFHOST_OPTIONS:
        for key in API_OPTIONS:
            cols[f"breakeven_{mode}_vs_{key}"] = np.full(
                n, prep.breakeven.get(f"{mode}_vs_{key}", np.nan))
    cols.update(_ranking(cols, n))
    if draws:
        cols.update(_monte_carlo(prep, rpd, draws, seed))
        for key in ("p_selfhost_cheaper", *(f"savings_p{q}" for q in PERCENTILES)):
            cols[key] = np.where(over, np.nan, cols[key])
    for key in ("api_match", "hosted", "rent", "buy"):
        cols[f"{key}_note"] = prep.notes.get(key, "")
    return pd.DataFrame(cols)


def _over_fleet_bound(cols: dict[str, Any], status: str) -> np.ndarray:
    """Cells whose self-hosted fleet needs more than the bound on replicas (the one
    ``aipolicy breakeven`` applies): their self-hosting costs become NaN (the hybrid's search
    stops there too) and their ``status`` says why; returns the mask, shape ``(n,)``."""
    over = np.zeros(np.shape(cols["tokens_per_day"]), dtype=bool)
    for mode in SELFHOST_OPTIONS:
        over |= np.nan_to_num(cols[f"{mode}_replicas"], nan=0.0) > MAX_REPLICAS
    if over.any():
        for mode in SELFHOST_OPTIONS:
            cols[f"{mode}_usd"] = np.where(over, np.nan, cols[f"{mode}_usd"])
        cols["status"] = np.where(over, f"self-hosting needs more than {MAX_REPLICAS:,} "
                                        "replicas (the limit): only per-token options priced",
                                  status)
    return over


def _ranking(cols: dict[str, Any], n: int) -> dict[str, np.ndarray]:
    """The cheapest option and the runner-up of each volume, and the margin between them.

    ``cols`` holds ``<option>_usd`` arrays of shape ``(n,)`` (NaN: not priced). Returns
    ``cheapest``, ``cheapest_usd`` (USD per month), ``runner_up`` (``none`` where missing) and
    ``margin_share`` (the margin as a share of the runner-up's cost).
    """
    costs = np.column_stack([cols[f"{o}_usd"] for o in OPTIONS])
    costs = np.where(np.isnan(costs), np.inf, costs)
    order = np.argsort(costs, axis=1, kind="stable")
    first = costs[np.arange(n), order[:, 0]]
    second = costs[np.arange(n), order[:, 1]]
    names = np.asarray(OPTIONS, dtype=object)
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.where(np.isfinite(second), (second - first) / second, np.nan)
    return {"cheapest": np.where(np.isfinite(first), names[order[:, 0]], "none"),
            "cheapest_usd": np.where(np.isfinite(first), first, np.nan),
            "runner_up": np.where(np.isfinite(second), names[order[:, 1]], "none"),
            "margin_share": margin}


def evaluate_chunk(grid: Grid, chunk: Chunk) -> pd.DataFrame:
    """Evaluate every cell of ``chunk`` (one row per cell, in cell order), priced on the
    grid's valuation date whatever process or day runs it."""
    from aipolicy import valuation
    from aipolicy.sweep.store import conform

    frames = []
    n_vol = len(grid.tokens_per_day)
    with valuation.pinned(grid.as_of):
        for index in chunk.configs:
            prep = prepare_config(grid.configs[index])
            frames.append(evaluate_cells(prep, grid.tokens_per_day, first_cell=index * n_vol,
                                         draws=grid.draws, seed=grid.seed))
    return conform(pd.concat(frames, ignore_index=True), draws=grid.draws)
