"""Measured throughput rows and the per-request service-time model fitted to them.

Catalog rows (``throughput.csv``) keep the published figure as published: ``reported_tok_s``
with ``reported_per`` = ``gpu`` (TensorRT-LLM v1.1-era and release/1.2 tables: output
tokens/s per GPU) or ``group`` (v1.0 and earlier: the whole TP group). :func:`per_replica_tok_s`
is the one place that converts them to tokens/s per replica. :func:`fit_service_time` fits
``t(i, o) = a*i + b*o + c*(i*o + o**2/2)`` (see :mod:`aipolicy.costs.capacity.throughput`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from aipolicy.costs import catalog
from aipolicy.costs.catalog.files import parse_as_of
from aipolicy.errors import CatalogError

__all__ = ["BYTES_PER_PARAM", "MIN_FIT_ROWS", "REPORTED_PER", "ServiceTimeFit",
           "fit_service_time", "measured_rows", "per_replica_tok_s"]

#: Bytes per weight / KV element by precision (one home: the throughput estimate and the
#: latency-target capacity model both read it).
BYTES_PER_PARAM: dict[str, float] = {
    "fp32": 4.0, "bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 1.0,
    "fp4": 0.5, "nvfp4": 0.5, "mxfp4": 0.5, "int4": 0.5,
}

#: Fewest measured rows the three-coefficient fit is run on: one more than its coefficients,
#: so its error on its own rows says something (three rows can be matched exactly).
MIN_FIT_ROWS = 4

#: Values of ``reported_per`` and what one reported figure covers.
REPORTED_PER = ("gpu", "group")

_CELL = ["model", "gpu", "precision", "tp", "input_tokens", "output_tokens"]
_GROUP = ["model", "gpu", "precision", "tp"]


def per_replica_tok_s(reported_tok_s: float, reported_per: str, gpus: int) -> float:
    """Convert a published figure to output tokens/s for the whole replica.

    ``reported_per`` is ``gpu`` (per-GPU tables: multiply by the ``gpus`` in the replica) or
    ``group`` (the figure already covers the tensor-parallel group). The only conversion of
    catalog throughput units in the package.
    """
    if reported_per == "gpu":
        return float(reported_tok_s) * int(gpus)
    if reported_per == "group":
        return float(reported_tok_s)
    raise CatalogError(f"throughput.csv: reported_per = {reported_per!r}; expected one of "
                       f"{', '.join(REPORTED_PER)}", field="reported_per", value=reported_per)


def version_key(version: str) -> tuple[int, ...]:
    """``release/1.2`` > ``v1.1`` > ``v1.0`` > ``v0.17`` > ``v0.6.1`` (numbers compared)."""
    return tuple(int(x) for x in re.findall(r"\d+", str(version)))


def as_of_key(as_of: str) -> str:
    d = parse_as_of(as_of)
    return d.isoformat() if d else ""


@lru_cache(maxsize=1)
def _measured_rows_cached() -> pd.DataFrame:
    table = catalog.throughput_table()
    rows = table[table["input_tokens"].notna() & table["output_tokens"].notna()].copy()
    rows["output_tok_s"] = [per_replica_tok_s(v, p, g) for v, p, g in
                            zip(rows["reported_tok_s"], rows["reported_per"], rows["tp"],
                                strict=True)]
    rows["tp"] = rows["tp"].astype(int)
    rows["version_key"] = rows["version"].map(version_key)
    rows = rows.sort_values("version_key", ascending=False, kind="stable")
    newest = rows.drop_duplicates(_CELL, keep="first").drop(columns="version_key")
    return newest.sort_index()


def measured_rows(model: str | None = None, gpu: str | None = None) -> pd.DataFrame:
    """Catalog rows with known shapes, newest version per cell, with ``output_tok_s`` per replica.

    ``output_tok_s`` is :func:`per_replica_tok_s` of the published figure; where several table
    versions give the same cell (model, GPU, precision, GPUs, input and output length) only the
    newest version's row is kept.
    """
    rows = _measured_rows_cached()
    if model is not None:
        rows = rows[rows["model"] == model]
    if gpu is not None:
        rows = rows[rows["gpu"] == gpu]
    return rows.copy()


def _features(i: np.ndarray | float, o: np.ndarray | float) -> np.ndarray:
    i = np.atleast_1d(np.asarray(i, dtype=float))
    o = np.atleast_1d(np.asarray(o, dtype=float))
    return np.column_stack([i, o, i * o + o * o / 2.0])


@dataclass(frozen=True)
class ServiceTimeFit:
    """``t(i, o) = a*i + b*o + c*(i*o + o**2/2)`` replica-seconds per request, fitted.

    ``errors`` are the relative errors of the fitted output tokens/s on each row (fit / row
    - 1), in the rows' order; ``max_error`` is the largest in absolute value.
    """

    coef: tuple[float, float, float]
    n_rows: int
    errors: tuple[float, ...]
    max_error: float
    input_range: tuple[float, float]
    output_range: tuple[float, float]

    def seconds_per_request(self, input_tokens: float, output_tokens: float) -> float:
        """Replica-seconds one request takes at maximum load."""
        return float((_features(input_tokens, output_tokens) @ np.asarray(self.coef))[0])

    def requests_per_s(self, input_tokens: float, output_tokens: float) -> float:
        """Requests per second one replica completes at maximum load."""
        return 1.0 / self.seconds_per_request(input_tokens, output_tokens)

    def output_tok_s(self, input_tokens: float, output_tokens: float) -> float:
        """Output tokens per second of one replica at maximum load."""
        return float(output_tokens) / self.seconds_per_request(input_tokens, output_tokens)

    def covers(self, input_tokens: float, output_tokens: float) -> bool:
        """Whether the shape lies within the measured input and output ranges."""
        return (self.input_range[0] <= input_tokens <= self.input_range[1]
                and self.output_range[0] <= output_tokens <= self.output_range[1])

    def outside(self, input_tokens: float, output_tokens: float) -> str:
        """How far the shape lies outside the measured ranges, in words ('' when inside).

        E.g. ``input 60,000 tokens is 3.0x the largest measured (20,000)``.
        """
        parts = []
        for name, v, (lo, hi) in (("input", input_tokens, self.input_range),
                                  ("output", output_tokens, self.output_range)):
            if v > hi:
                parts.append(f"{name} {v:,.0f} tokens is {v / hi:,.1f}x the largest measured "
                             f"({hi:,.0f})")
            elif v < lo:
                parts.append(f"{name} {v:,.0f} tokens is below the smallest measured "
                             f"({lo:,.0f})")
        return "; ".join(parts)


def fit_service_time(input_tokens: np.ndarray, output_tokens: np.ndarray,
                     output_tok_s: np.ndarray) -> ServiceTimeFit:
    """Fit the per-request service time to max-throughput rows (non-negative least squares).

    Each row gives ``t = output_tokens / output_tok_s``; the fit minimises the squared relative
    error ``sum((t_fit / t - 1)**2)`` with ``a, b, c >= 0`` (``scipy.optimize.nnls`` on columns
    scaled to unit size). Needs at least one row.
    """
    i = np.asarray(input_tokens, dtype=float)
    o = np.asarray(output_tokens, dtype=float)
    t = o / np.asarray(output_tok_s, dtype=float)
    design = _features(i, o) / t[:, None]
    scale = design.max(axis=0)
    scale[scale <= 0] = 1.0
    from scipy.optimize import nnls  # on first use: scipy.optimize costs 0.3 s to import

    coef, _ = nnls(design / scale, np.ones(len(t)))
    coef = coef / scale
    t_fit = _features(i, o) @ coef
    errors = t / t_fit - 1.0  # fitted tok/s over measured tok/s, minus 1
    return ServiceTimeFit(coef=(float(coef[0]), float(coef[1]), float(coef[2])),
                          n_rows=len(t), errors=tuple(float(e) for e in errors),
                          max_error=float(np.max(np.abs(errors))),
                          input_range=(float(i.min()), float(i.max())),
                          output_range=(float(o.min()), float(o.max())))


@lru_cache(maxsize=256)
def group_fit(model: str, gpu: str, precision: str, tp: int) -> ServiceTimeFit | None:
    rows = group_rows(model, gpu, precision, tp)
    if len(rows) < MIN_FIT_ROWS:
        return None
    return fit_service_time(rows["input_tokens"].to_numpy(), rows["output_tokens"].to_numpy(),
                            rows["output_tok_s"].to_numpy())


def group_rows(model: str, gpu: str, precision: str, tp: int) -> pd.DataFrame:
    rows = measured_rows(model, gpu)
    return rows[(rows["precision"] == precision) & (rows["tp"] == int(tp))]
