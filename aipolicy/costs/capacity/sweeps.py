"""Measured throughput-vs-latency sweeps: load them and walk a curve for a latency limit.

``latency_sweeps.csv`` holds NVIDIA NIM concurrency sweeps and TensorRT-LLM QPS sweeps: per
load level, a replica's output tokens/s, inter-token latency and time to first token. Points
of one shape form a :class:`Curve` (linear between load levels); a :class:`Family` is one
model x GPU x TP x precision x engine sweep over several request shapes.
:func:`operating_point` finds the highest-throughput point of a curve within a latency limit.
Used by :mod:`aipolicy.costs.capacity.latency`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from aipolicy.costs.catalog.files import load_catalog

_CURVE_SWEEPS = ("concurrency", "qps")
_REL_TOL = 1e-12  # comparisons of a limit with a measured value


@dataclass(frozen=True)
class Curve:
    """A throughput-versus-load curve: points in order of load (arrays of equal length)."""

    concurrency: np.ndarray  # simultaneous requests
    output_tok_s: np.ndarray  # whole replica
    itl_ms: np.ndarray
    ttft_ms: np.ndarray


@dataclass(frozen=True)
class Family:
    """All shapes of one sweep: model x GPU x TP x precision x engine x sweep kind."""

    model: str
    gpu: str
    tp: int
    precision: str
    engine: str
    sweep: str
    source: str
    stat: str
    shapes: tuple[tuple[float, float], ...]
    loads: tuple[tuple[float, ...], ...]  # load levels per shape (concurrency or qps; inf = INF)
    curves: tuple[Curve, ...]

    @property
    def n_rows(self) -> int:
        return sum(len(c.concurrency) for c in self.curves)


@lru_cache(maxsize=8)
def families(directory: str) -> tuple[Family, ...]:
    table = load_catalog("latency_sweeps", directory)
    table = table[table["sweep"].isin(_CURVE_SWEEPS)]
    out = []
    keys = ["model", "gpu", "tp", "precision", "engine", "sweep"]
    for key, fam in table.groupby(keys, sort=True):
        model, gpu, tp, precision, engine, sweep = key
        shapes, loads, curves = [], [], []
        for (i, o), rows in fam.groupby(["input_tokens", "output_tokens"], sort=True):
            if sweep == "qps":
                load = rows["qps"].fillna(math.inf).to_numpy(float)
            else:
                load = rows["concurrency"].to_numpy(float)
            order = np.argsort(load, kind="stable")
            rows = rows.iloc[order]
            itl = rows["itl_ms"].fillna(1000.0 / rows["tok_s_per_user"]).to_numpy(float)
            ttft = rows["ttft_ms"].to_numpy(float)
            if sweep == "qps":  # Little's law: requests in flight = rate x time in system
                conc = rows["req_s"].to_numpy(float) * (ttft + (o - 1.0) * itl) / 1000.0
            else:
                conc = rows["concurrency"].to_numpy(float)
            shapes.append((float(i), float(o)))
            loads.append(tuple(float(x) for x in load[order]))
            curves.append(Curve(conc, rows["output_tok_s"].to_numpy(float), itl, ttft))
        out.append(Family(model, gpu, int(tp), precision, engine, sweep,
                           str(fam["source"].iloc[0]), str(fam["stat"].iloc[0]),
                           tuple(shapes), tuple(loads), tuple(curves)))
    return tuple(out)


def shape_curve(fam: Family, input_tokens: float, output_tokens: float) -> tuple[Curve, str]:
    """The family's curve at the workload's shape (measured, or interpolated across shapes)."""
    for shape, curve in zip(fam.shapes, fam.curves, strict=True):
        if shape == (float(input_tokens), float(output_tokens)):
            return curve, f"measured shape {shape[0]:g}/{shape[1]:g}"
    li, lo = math.log(max(input_tokens, 1.0)), math.log(output_tokens)
    dist = np.array([math.hypot(li - math.log(i), lo - math.log(o)) for i, o in fam.shapes])
    weights = 1.0 / dist**2
    weights /= weights.sum()
    common = sorted(set.intersection(*(set(levels) for levels in fam.loads)))
    cols: dict[str, np.ndarray] = {}
    for name in ("concurrency", "output_tok_s", "itl_ms", "ttft_ms"):
        logs = np.zeros(len(common))
        for w, levels, curve in zip(weights, fam.loads, fam.curves, strict=True):
            idx = [levels.index(level) for level in common]
            logs += w * np.log(getattr(curve, name)[idx])
        cols[name] = np.exp(logs)
    shares = ", ".join(f"{i:g}/{o:g} {w:.0%}" for (i, o), w in
                       sorted(zip(fam.shapes, weights, strict=True), key=lambda t: -t[1]))
    return Curve(**cols), (f"interpolated to {input_tokens:g}/{output_tokens:g} from the sweep's "
                            f"shapes by inverse-distance weights in log space ({shares})")


def segments(curve: Curve, itl_max: float, ttft_max: float) -> list[tuple[int, float, float]]:
    """Admissible parts of each segment: (index k, t_lo, t_hi) with the point at k + t."""
    n = len(curve.itl_ms)
    pairs = [(k, k + 1) for k in range(n - 1)] or [(0, 0)]
    found = []
    for a, b in pairs:
        lo, hi = 0.0, 1.0
        for ys, limit in ((curve.itl_ms, itl_max), (curve.ttft_ms, ttft_max)):
            if math.isinf(limit):
                continue
            limit = limit * (1.0 + _REL_TOL)
            y0, d = ys[a], ys[b] - ys[a]
            if d == 0.0:
                if y0 > limit:
                    lo, hi = 1.0, 0.0
            elif d > 0.0:
                hi = min(hi, (limit - y0) / d)
            else:
                lo = max(lo, (limit - y0) / d)
        if lo <= hi:
            found.append((a, lo, hi))
    return found


def value_at(curve: Curve, k: int, t: float, name: str) -> float:
    ys = getattr(curve, name)
    if k + 1 >= len(ys):
        return float(ys[k])
    return float(ys[k] + t * (ys[k + 1] - ys[k]))


def operating_point(curve: Curve, itl_max: float, ttft_max: float) -> tuple[int, float] | None:
    """The admissible point (k, t) with the highest throughput, or None when none is."""
    best, best_tp = None, -math.inf
    for k, lo, hi in segments(curve, itl_max, ttft_max):
        for t in (lo, hi):
            tp = value_at(curve, k, t, "output_tok_s")
            if tp > best_tp:
                best, best_tp = (k, t), tp
    return best


def fastest(curve: Curve, itl_max: float, ttft_max: float) -> float:
    """The lowest ITL (ms) over the points admissible under the given limits (inf if none)."""
    best = math.inf
    for k, lo, hi in segments(curve, itl_max, ttft_max):
        best = min(best, value_at(curve, k, lo, "itl_ms"), value_at(curve, k, hi, "itl_ms"))
    return best
