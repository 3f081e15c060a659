"""Replica throughput: a service-time model fitted to measured rows, or a roofline estimate.

A *replica* is ``gpus_per_replica`` GPUs (one tensor-parallel / expert-parallel group) serving
one model; its throughput is output tokens per second for the whole group at maximum load.

Catalog rows (``throughput.csv``) keep the published figure as published: ``reported_tok_s``
with ``reported_per`` = ``gpu`` (TensorRT-LLM v1.1-era and release/1.2 tables: output
tokens/s per GPU) or ``group`` (v1.0 and earlier: the whole TP group). :func:`per_replica_tok_s`
is the one place that converts them to tokens/s per replica (per GPU x GPUs in the replica).
Each row names its table ``version``; when versions repeat a cell (model, GPU, precision, GPUs,
input and output length) only the newest version's figure is used (:func:`measured_rows`).

Fit (per model x GPU x precision x GPUs per replica, with at least :data:`MIN_FIT_ROWS` rows):
every row is a maximum-throughput run, so one request costs the replica
``t = output_tokens / output_tok_s`` seconds. A non-negative least-squares fit (relative error)
of the per-request service time

    ``t(i, o) = a*i + b*o + c*(i*o + o**2/2)``

(prefill work, decode steps, attention over the growing KV cache; with memory-bound batching the
per-token weight-read cost also scales with the sequence length and lands in ``c``) then gives
requests/s per replica ``1/t`` and output tokens/s ``o/t`` at any shape. Because ``a, b, c >= 0``
the capacity in requests/s never rises when the input or output length grows.

Labels (``basis``): ``measured`` only when the workload's shape is a measured row (that row's
figure is used); ``interpolated`` from the fit, with the number of rows and the fit's largest
relative error on its own rows (a shape outside the measured range says "extrapolated");
``estimated`` otherwise. With 1 to ``MIN_FIT_ROWS - 1`` rows the nearest row (log distance) is
scaled by the roofline estimate's ratio between the two shapes; with none, the roofline below.

Roofline estimate (when nothing is measured), in the manner of llm-analysis: a batch of ``B``
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
import pandas as pd

from aipolicy.costs import catalog
from aipolicy.costs.capacity.rows import (
    BYTES_PER_PARAM,
    MIN_FIT_ROWS,
    ServiceTimeFit,
    as_of_key,
    fit_service_time,
    group_fit,
    group_rows,
    measured_rows,
    per_replica_tok_s,
    version_key,
)
from aipolicy.errors import CatalogError, InvalidInputError

__all__ = ["BYTES_PER_PARAM", "MIN_FIT_ROWS", "ServiceTimeFit", "ThroughputEstimate",
           "OUTSIDE", "default_precision", "estimate_throughput", "fit_service_time",
           "how_far_outside", "lookup_throughput",
           "measured_rows", "per_replica_tok_s", "replica_throughput"]

@dataclass(frozen=True)
class ThroughputEstimate:
    """Output tokens/s of one replica and where the figure comes from.

    Attributes
    ----------
    output_tok_s : float
        Output tokens per second for the whole replica (``gpus_per_replica`` GPUs).
    estimated : bool
        ``True`` only when ``basis`` is ``estimated`` (roofline, or a row scaled by it).
    matched_input_tokens, matched_output_tokens : float or None
        Lengths of the measured row used (measured, or the row a scaled estimate starts from).
    basis : str
        ``measured`` (the workload's shape is a measured row), ``interpolated`` (the fitted
        service-time model, the shape within the measured input and output ranges),
        ``extrapolated`` (the fit, the shape outside them; the note says how far) or
        ``estimated``.
    n_rows : int
        Measured rows behind the figure (0 for a pure roofline estimate).
    fit_max_error : float or None
        Largest relative error of the fit on its own rows (a fraction; ``interpolated`` only).
    requests_per_s : float or None
        Requests per second one replica completes at maximum load (``output_tok_s / output``).
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
    basis: str = "measured"
    n_rows: int = 0
    fit_max_error: float | None = None
    requests_per_s: float | None = None


#: Marks, in an extrapolated figure's note, how far the shape lies outside the measured rows.
OUTSIDE = "outside the measured shapes: "


def how_far_outside(note: str) -> str:
    """The part of a throughput note that says how far the shape lies outside the measured
    rows (e.g. ``input 60,000 tokens is 3.0x the largest measured (20,000)``); '' if none."""
    return note.rsplit(OUTSIDE, 1)[1].split("; ", 1)[0] if OUTSIDE in note else ""


def default_precision(gpu: str) -> str:
    """``fp8`` on GPUs with FP8 tensor cores (catalog ``fp8_speedup`` > 1), else ``fp16``."""
    spec = catalog.gpu_spec(gpu)
    return "fp8" if spec.fp8_speedup is not None and spec.fp8_speedup.value > 1 else "fp16"


def _choose_group(model: str, gpu: str, gpus_per_replica: int | None,
                  precision: str | None) -> tuple[str, int] | None:
    """Precision and GPUs of the measured group to use, or ``None`` when nothing is measured.

    Precision: the one asked for; else the GPU's default precision when it has rows; else the
    precision with the most rows. GPUs: the ones asked for; else the smallest measured size.
    """
    rows = measured_rows(model, gpu)
    if gpus_per_replica is not None:
        rows = rows[rows["tp"] == int(gpus_per_replica)]
    if precision is not None:
        rows = rows[rows["precision"] == precision]
    if rows.empty:
        return None
    if precision is None:
        counts = rows["precision"].value_counts()
        default = default_precision(gpu)
        precision = default if default in counts.index else str(
            sorted(counts.index, key=lambda p: (-counts[p], p))[0])
        rows = rows[rows["precision"] == precision]
    return precision, int(rows["tp"].min())


def _versions_note(rows: pd.DataFrame) -> str:
    counts = rows["version"].value_counts()
    order = sorted(counts.index, key=version_key, reverse=True)
    return ", ".join(f"{v} ({counts[v]})" for v in order)


def _sources(rows: pd.DataFrame) -> tuple[str, str]:
    order = sorted(rows["version"].unique(), key=version_key, reverse=True)
    srcs = [rows.loc[rows["version"] == v, "source"].iloc[0] for v in order]
    as_of = max(rows["as_of"], key=as_of_key)
    return " + ".join(dict.fromkeys(srcs)), as_of


def _row_estimate(model: str, gpu: str, r: pd.Series, group_rows: pd.DataFrame
                  ) -> ThroughputEstimate:
    tok_s = float(r["output_tok_s"])
    unit = "per GPU" if r["reported_per"] == "gpu" else "for the group"
    return ThroughputEstimate(
        model=model, gpu=gpu, gpus_per_replica=int(r["tp"]), precision=r["precision"],
        output_tok_s=tok_s, estimated=False, source=r["source"], as_of=r["as_of"],
        matched_input_tokens=float(r["input_tokens"]),
        matched_output_tokens=float(r["output_tokens"]),
        note=(f"measured at {r['input_tokens']:g}/{r['output_tokens']:g} input/output tokens "
              f"({r['engine']} {r['version']}, {r['parallelism'] or 'TP' + str(int(r['tp']))}; "
              f"published {r['reported_tok_s']:g} tok/s {unit}); {r['note']}").rstrip("; "),
        basis="measured", n_rows=1, fit_max_error=None,
        requests_per_s=tok_s / float(r["output_tokens"]))


def lookup_throughput(model: str, gpu: str, input_tokens: float, output_tokens: float, *,
                      gpus_per_replica: int | None = None,
                      precision: str | None = None) -> ThroughputEstimate | None:
    """Throughput from the measured rows (measured, interpolated or scaled), else ``None``.

    ``None`` when no row matches the model, GPU and (when given) GPUs and precision. With 1 to
    ``MIN_FIT_ROWS - 1`` rows and no roofline figures, the nearest row is used unscaled and
    labelled ``estimated`` with the reason.
    """
    chosen = _choose_group(model, gpu, gpus_per_replica, precision)
    if chosen is None:
        return None
    precision, tp = chosen
    rows = group_rows(model, gpu, precision, tp)
    i_in, i_out = float(input_tokens), float(output_tokens)
    exact = rows[np.isclose(rows["input_tokens"], i_in, rtol=1e-9, atol=0)
                 & np.isclose(rows["output_tokens"], i_out, rtol=1e-9, atol=0)]
    if not exact.empty:
        return _row_estimate(model, gpu, exact.iloc[0], rows)
    fit = group_fit(model, gpu, precision, tp)
    if fit is not None:
        tok_s = fit.output_tok_s(i_in, i_out)
        source, as_of = _sources(rows)
        far = fit.outside(i_in, i_out)
        basis = "extrapolated" if far else "interpolated"
        where = f"; {OUTSIDE}{far}" if far else ""
        return ThroughputEstimate(
            model=model, gpu=gpu, gpus_per_replica=tp, precision=precision, output_tok_s=tok_s,
            estimated=False, source=f"{basis} from {fit.n_rows} measured rows: {source}",
            as_of=as_of,
            note=(f"{basis} from {fit.n_rows} measured rows (max fit error "
                  f"{fit.max_error:.1%}); a per-request service time (a prefill term per "
                  "input token, a decode term per output token and an attention term growing "
                  "with the context) fitted to the max-throughput rows; table versions "
                  f"{_versions_note(rows)}, newest version per cell{where}"),
            basis=basis, n_rows=fit.n_rows, fit_max_error=fit.max_error,
            requests_per_s=1.0 / fit.seconds_per_request(i_in, i_out))
    return _scaled_from_row(model, gpu, i_in, i_out, precision, tp, rows)


def _scaled_from_row(model: str, gpu: str, i_in: float, i_out: float, precision: str, tp: int,
                     rows: pd.DataFrame) -> ThroughputEstimate:
    """Nearest row (log distance) times the roofline's ratio between the two shapes."""
    dist = np.hypot(np.log(max(i_in, 1.0) / rows["input_tokens"].to_numpy()),
                    np.log(max(i_out, 1.0) / rows["output_tokens"].to_numpy()))
    r = rows.iloc[int(np.argmin(dist))]
    few = f"{len(rows)} measured row(s), fewer than the {MIN_FIT_ROWS} a fit needs"
    try:
        at_row = estimate_throughput(model, gpu, float(r["input_tokens"]),
                                     float(r["output_tokens"]), gpus_per_replica=tp,
                                     precision=precision)
        at_shape = estimate_throughput(model, gpu, i_in, i_out, gpus_per_replica=tp,
                                       precision=precision)
    except (CatalogError, InvalidInputError) as exc:
        ratio = 1.0
        label = (f"estimated (nearest measured row {r['input_tokens']:g}/"
                 f"{r['output_tokens']:g} at {r['output_tok_s']:,.0f} tok/s, not scaled to the "
                 f"shape because the roofline cannot run: {exc}; {few})")
    else:
        ratio = at_shape.output_tok_s / at_row.output_tok_s
        label = (f"estimated (scaled from measured row {r['input_tokens']:g}/"
                 f"{r['output_tokens']:g} at {r['output_tok_s']:,.0f} tok/s by the roofline "
                 f"shape ratio {ratio:.3g}; {few})")
    tok_s = float(r["output_tok_s"]) * ratio
    return ThroughputEstimate(
        model=model, gpu=gpu, gpus_per_replica=tp, precision=precision, output_tok_s=tok_s,
        estimated=True, source=f"{label}: {r['source']}", as_of=r["as_of"],
        matched_input_tokens=float(r["input_tokens"]),
        matched_output_tokens=float(r["output_tokens"]), note=label, basis="estimated",
        n_rows=1, fit_max_error=None, requests_per_s=tok_s / i_out)


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
    speed = (spec.fp8_speedup.value if (spec.fp8_speedup and precision in ("fp8", "fp4"))
             else 1.0)
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
        raise InvalidInputError(f"gpus_per_replica {tp} is too few: {model} at {precision} "
                                f"with a request of {input_tokens:,.0f} input + "
                                f"{output_tokens:,.0f} output tokens does not fit on {tp} x "
                                f"{gpu}; raise gpus_per_replica or shorten input_tokens",
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
             "per request", basis="estimated", n_rows=0, fit_max_error=None,
        requests_per_s=tok_s / float(output_tokens))


def replica_throughput(model: str, gpu: str, input_tokens: float, output_tokens: float, *,
                       gpus_per_replica: int | None = None,
                       precision: str | None = None) -> ThroughputEstimate:
    """Throughput of one replica from the measured rows when the catalog has them, else estimated.

    ``measured`` when the shape is a measured row, ``interpolated`` from the fitted service-time
    model when the group has at least :data:`MIN_FIT_ROWS` rows, ``estimated`` otherwise (a
    measured row scaled by the roofline, or the roofline alone). ``precision`` defaults to the
    GPU's default precision when measured, else the most measured one; ``gpus_per_replica`` to
    the smallest measured size for model x GPU, or else the smallest power of two whose memory
    holds the weights.
    """
    catalog.open_model(model)
    catalog.gpu_spec(gpu)
    if gpus_per_replica is not None and (gpus_per_replica < 1
                                         or gpus_per_replica != int(gpus_per_replica)):
        raise InvalidInputError(f"gpus_per_replica must be a whole number >= 1, got "
                                f"{gpus_per_replica!r}", field="gpus_per_replica",
                                value=gpus_per_replica)
    for name, value, low in (("input_tokens", input_tokens, 0.0),
                             ("output_tokens", output_tokens, 1.0)):
        if not (math.isfinite(float(value)) and float(value) >= low):
            raise InvalidInputError(f"{name} must be a number >= {low:g}, got {value!r}",
                                    field=name, value=value)
    found = lookup_throughput(model, gpu, input_tokens, output_tokens,
                              gpus_per_replica=gpus_per_replica, precision=precision)
    if found is not None:
        return found
    precision = precision or default_precision(gpu)
    if gpus_per_replica is None:
        gpus_per_replica = min_gpus_for(model, gpu, precision)
    return estimate_throughput(model, gpu, input_tokens, output_tokens,
                               gpus_per_replica=int(gpus_per_replica), precision=precision)
