"""Replica throughput: the nearest measured entry, or a first-principles estimate.

A *replica* is ``gpus_per_replica`` GPUs (one tensor-parallel group) serving one model; its
throughput is output tokens per second for the whole group at maximum load.

Lookup: among catalog rows for the model, GPU (and precision / TP size when given) with known
input and output lengths, take the one nearest the workload in log space,
``sqrt(ln(in/in_row)^2 + ln(out/out_row)^2)``.

Estimate (when nothing is measured), in the manner of llm-analysis: a batch of ``B``
sequences (``B`` = what fits in memory, capped by ``max_batch_size``) is prefilled, compute
bound, at ``2 * active_params * input_tokens`` FLOPs per request, then decoded for
``output_tokens`` steps; each step takes the larger of the memory time (weights + KV cache
read once at ``bandwidth * memory_bandwidth_efficiency``) and the compute time
(``2 * active_params * B`` FLOPs at ``fp16_tflops * fp8_speedup * flops_efficiency``).
Throughput = ``B * output_tokens / (B * prefill_time + output_tokens * step_time)``.
The result is labelled ``estimated``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from aipolicy.costs import catalog
from aipolicy.errors import CatalogError, InvalidInputError

__all__ = ["BYTES_PER_PARAM", "ThroughputEstimate", "default_precision", "estimate_throughput",
           "lookup_throughput", "replica_throughput"]

#: Bytes per weight / KV element by precision.
BYTES_PER_PARAM = {"fp16": 2.0, "bf16": 2.0, "fp8": 1.0, "int8": 1.0, "int4": 0.5}


@dataclass(frozen=True)
class ThroughputEstimate:
    """Output tokens/s of one replica and where the figure comes from.

    Attributes
    ----------
    output_tok_s : float
        Output tokens per second for the whole replica (``gpus_per_replica`` GPUs).
    estimated : bool
        ``True`` for a first-principles estimate, ``False`` for a measured catalog row.
    matched_input_tokens, matched_output_tokens : float or None
        Lengths of the measured row used (``None`` when estimated).
    """

    model: str
    gpu: str
    gpus_per_replica: int
    precision: str
    output_tok_s: float
    estimated: bool
    source: str
    as_of: str
    matched_input_tokens: float | None = None
    matched_output_tokens: float | None = None
    note: str = ""


def default_precision(gpu: str) -> str:
    """``fp8`` on GPUs with FP8 tensor cores (catalog ``fp8_speedup`` > 1), else ``fp16``."""
    spec = catalog.gpu_spec(gpu)
    return "fp8" if spec.fp8_speedup is not None and spec.fp8_speedup.value > 1 else "fp16"


def lookup_throughput(model: str, gpu: str, input_tokens: float, output_tokens: float, *,
                      gpus_per_replica: int | None = None,
                      precision: str | None = None) -> ThroughputEstimate | None:
    """Nearest measured catalog entry, or ``None`` when none matches."""
    table = catalog.throughput_table()
    rows = table[(table["model"] == model) & (table["gpu"] == gpu)
                 & table["input_tokens"].notna() & table["output_tokens"].notna()]
    if gpus_per_replica is not None:
        rows = rows[rows["tp"] == gpus_per_replica]
    if precision is not None:
        rows = rows[rows["precision"] == precision]
    if rows.empty:
        return None
    i_in = max(float(input_tokens), 1.0)
    i_out = max(float(output_tokens), 1.0)
    dist = np.hypot(np.log(i_in / rows["input_tokens"].to_numpy()),
                    np.log(i_out / rows["output_tokens"].to_numpy()))
    r = rows.iloc[int(np.argmin(dist))]
    return ThroughputEstimate(
        model=model, gpu=gpu, gpus_per_replica=int(r["tp"]), precision=r["precision"],
        output_tok_s=float(r["output_tok_s"]), estimated=False, source=r["source"],
        as_of=r["as_of"], matched_input_tokens=float(r["input_tokens"]),
        matched_output_tokens=float(r["output_tokens"]),
        note=f"measured at {r['input_tokens']:g}/{r['output_tokens']:g} input/output tokens "
             f"({r['engine']}); {r['note']}".rstrip("; "))


def _fig(spec: object, field: str, purpose: str) -> float:
    return float(spec.require(field, purpose).value)  # type: ignore[attr-defined]


def min_gpus_for(model: str, gpu: str, precision: str) -> int:
    """Smallest power-of-two GPU count whose memory holds the weights plus 20% (<= 64)."""
    spec = catalog.gpu_spec(gpu)
    mem = _fig(spec, "memory_gb", "sizing a replica") * 1e9
    weights = catalog.open_model(model).total_params_b.value * 1e9 * BYTES_PER_PARAM[precision]
    n = 1
    while weights * 1.2 > mem * n:
        n *= 2
        if n > 64:
            raise InvalidInputError(f"{model} at {precision} does not fit on 64 x {gpu}",
                                    field="gpus_per_replica")
    return n


def estimate_throughput(model: str, gpu: str, input_tokens: float, output_tokens: float, *,
                        gpus_per_replica: int, precision: str | None = None
                        ) -> ThroughputEstimate:
    """First-principles (roofline) throughput of one replica, labelled ``estimated``.

    Raises :class:`CatalogError` when the GPU or model lacks a figure the estimate needs
    (e.g. L40S bandwidth), and :class:`InvalidInputError` when the model does not fit.
    """
    precision = precision or default_precision(gpu)
    if precision not in BYTES_PER_PARAM:
        raise InvalidInputError(f"precision {precision!r} unknown; use one of "
                                f"{', '.join(BYTES_PER_PARAM)}", field="precision",
                                value=precision)
    purpose = "the throughput estimate"
    spec = catalog.gpu_spec(gpu)
    mdl = catalog.open_model(model)
    d = catalog.cost_defaults()
    tp = int(gpus_per_replica)
    mem = _fig(spec, "memory_gb", purpose) * 1e9 * tp * d["memory_headroom"].value
    bw = _fig(spec, "bandwidth_gb_s", purpose) * 1e9 * tp * d["memory_bandwidth_efficiency"].value
    speed = spec.fp8_speedup.value if (spec.fp8_speedup and precision == "fp8") else 1.0
    flops = _fig(spec, "fp16_tflops", purpose) * 1e12 * tp * speed * d["flops_efficiency"].value
    bpp = BYTES_PER_PARAM[precision]
    weights = mdl.total_params_b.value * 1e9 * bpp
    active = mdl.active_params_b.value * 1e9
    for f in ("n_layers", "n_kv_heads", "head_dim"):
        if getattr(mdl, f) is None:
            raise CatalogError(f"open model {model!r} has no {f} in the catalog; {purpose} "
                               "needs it: pass throughput_tok_s explicitly",
                               field="throughput_tok_s")
    kv_per_token = 2 * mdl.n_layers.value * mdl.n_kv_heads.value * mdl.head_dim.value * bpp
    free = mem - weights
    per_seq = kv_per_token * (input_tokens + output_tokens)
    if free <= 0 or per_seq > free:
        raise InvalidInputError(f"{model} at {precision} with {input_tokens:g}+{output_tokens:g} "
                                f"tokens does not fit on {tp} x {gpu}; raise gpus_per_replica",
                                field="gpus_per_replica", value=tp)
    batch = min(d["max_batch_size"].value, math.floor(free / per_seq))
    step = max((weights + batch * kv_per_token * (input_tokens + output_tokens / 2)) / bw,
               2 * active * batch / flops)
    prefill = 2 * active * input_tokens / flops
    tok_s = batch * output_tokens / (batch * prefill + output_tokens * step)
    return ThroughputEstimate(
        model=model, gpu=gpu, gpus_per_replica=tp, precision=precision, output_tok_s=tok_s,
        estimated=True, source="estimated: aipolicy first-principles roofline (llm-analysis "
        "method) with catalog efficiency factors", as_of="undated",
        note=f"batch {batch:g}; decode step {step * 1e3:.2f} ms; prefill {prefill * 1e3:.2f} ms "
             "per request")


def replica_throughput(model: str, gpu: str, input_tokens: float, output_tokens: float, *,
                       gpus_per_replica: int | None = None,
                       precision: str | None = None) -> ThroughputEstimate:
    """Measured throughput when the catalog has it, otherwise the labelled estimate.

    ``gpus_per_replica`` defaults to the smallest TP size measured for model x GPU, or else
    the smallest power of two whose memory holds the weights.
    """
    catalog.open_model(model)
    catalog.gpu_spec(gpu)
    if gpus_per_replica is not None and (gpus_per_replica < 1
                                         or gpus_per_replica != int(gpus_per_replica)):
        raise InvalidInputError(f"gpus_per_replica must be a whole number >= 1, got "
                                f"{gpus_per_replica!r}", field="gpus_per_replica",
                                value=gpus_per_replica)
    found = None
    if gpus_per_replica is None:
        table = catalog.throughput_table()
        rows = table[(table["model"] == model) & (table["gpu"] == gpu)
                     & table["input_tokens"].notna()]
        if precision is not None:
            rows = rows[rows["precision"] == precision]
        if not rows.empty:
            gpus_per_replica = int(rows["tp"].min())
    if gpus_per_replica is not None:
        found = lookup_throughput(model, gpu, input_tokens, output_tokens,
                                  gpus_per_replica=gpus_per_replica, precision=precision)
    if found is not None:
        return found
    precision = precision or default_precision(gpu)
    if gpus_per_replica is None:
        gpus_per_replica = min_gpus_for(model, gpu, precision)
    return estimate_throughput(model, gpu, input_tokens, output_tokens,
                               gpus_per_replica=int(gpus_per_replica), precision=precision)
