"""Capacity under a latency target (goodput): the share of saturation throughput a replica keeps.

A serving replica reaches its maximum output rate only when it batches many requests at once,
and then every user sees slow tokens and waits for the first one. A service-level objective
(:class:`Slo`: a minimum output speed per user and a maximum time to first token) caps the
concurrency a replica may run at. :func:`slo_capacity` returns the *fraction* of the
replica's saturation throughput that it sustains while meeting the SLO; the cost model
multiplies its saturation throughput (``aipolicy.costs.capacity.throughput``) by that fraction.

Data: ``aipolicy/catalogs/latency_sweeps.csv`` (catalog ``latency_sweeps``), one row per
measured point of a throughput-versus-load sweep:

* NVIDIA NIM 1.8.0 sweeps over concurrency (1 to 250 simultaneous requests) for Llama-3.3-70B
  on 2x H100 (FP8, TP2) and Llama-3.1-8B on 1x H100 (FP8) at five request shapes;
* TensorRT-LLM v0.14 online-serving sweeps over offered load (2 to 32 requests/s, then all
  requests at once) for Llama 3.1 70B (TP4) and 8B (TP1) on H100 and H200, BF16, three shapes;
* the DeepSeek-R1 minimum-latency and maximum-throughput end points on 8x B200 / 8x H200
  (``sweep = endpoints``: different engine configurations, not one curve; kept for reference
  and not used here).

How a fraction is computed
--------------------------
1. **One curve per shape.** The points of a sweep, in order of load, are joined by straight
   lines: concurrency, total output tokens/s, inter-token latency (ITL) and TTFT are linear in
   between (ITL rather than tokens/s per user is interpolated because a decode step's time grows
   about linearly with the batch). For offered-load (QPS) sweeps, the concurrency of a point
   is Little's law: requests/s x (TTFT + (output tokens - 1) x ITL).
2. **Across shapes.** When the workload's (input, output) shape is a measured shape, its curve
   is used as is. Otherwise a curve is built for the workload's shape from every measured
   shape of the sweep, by inverse-distance weighting (power 2) in (ln input, ln output): at
   each load level measured at every shape, the weighted geometric mean of concurrency,
   tokens/s, ITL and TTFT. The weights depend on the shape only, never on the SLO.
3. **The operating point** is the point of that curve with the highest throughput among those
   whose ITL <= 1000 / ``tokens_per_user_s`` and TTFT <= ``ttft_s``; the fraction is its
   throughput divided by the highest throughput of the curve (the sweep's saturation).
   Tightening the SLO shrinks the set of admissible points, so it never raises the fraction.
4. **Carried curves.** For a model x GPU x TP x precision without its own sweep, the sweep
   needing the smallest roofline correction is carried (same model or same weights first):
   decode is memory-bound, so a single stream's speed scales as
   ``r = (bandwidth x TP / (active params x bytes per param))_target / (same)_source``; every
   ITL of the source curve is divided by ``r`` and its throughputs multiplied by ``r``, the
   concurrency axis is kept (the curve's shape is assumed to transfer), and TTFT (prefill,
   compute-bound) is divided by the ratio of ``dense TFLOPS x TP / active params`` (FP8
   speed-up included when both run 8-bit or narrower), or by ``r`` when a GPU has no TFLOPS
   figure. It is labelled ``carried from <model> on <gpu>``.

Statistic: NIM does not say whether its TTFT/ITL are means or medians; TensorRT-LLM prints
means. A ``p95`` SLO is applied to those figures as printed, which is optimistic (a tail
percentile is at least the median); the returned ``note`` says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NoReturn

import numpy as np

from aipolicy.config import CATALOG_DIR
from aipolicy.costs import catalog
from aipolicy.costs.capacity.rows import BYTES_PER_PARAM
from aipolicy.costs.capacity.sweeps import (
    Curve,
    Family,
    families,
    fastest,
    operating_point,
    shape_curve,
    value_at,
)
from aipolicy.costs.capacity.targets import INTERACTIVE_SLO_TOKENS_PER_USER, INTERACTIVE_SLO_TTFT_S
from aipolicy.errors import InvalidInputError

__all__ = [
    "BATCH_SLO",
    "BYTES_PER_PARAM",
    "INTERACTIVE_SLO",
    "Slo",
    "SloCapacity",
    "default_slo",
    "measured_sweeps",
    "slo_capacity",
]

#: Sweep rows named by a model slug absent from ``open_models`` but with the same weights as one
#: that is there: Llama 3.3 70B is a post-trained Llama 3.1 70B (same layers, 70B parameters).
_SAME_WEIGHTS: dict[str, str] = {"llama-3.1-70b": "llama-3.3-70b"}

_PERCENTILES = ("p50", "p95")
_REL_TOL = 1e-12  # comparisons of a limit with a measured value


@dataclass(frozen=True)
class Slo:
    """A service-level objective for one replica.

    Parameters
    ----------
    tokens_per_user_s : float or None
        Minimum output speed each user sees while streaming, in tokens/s (1000 / ITL in ms).
        ``None``: no speed target.
    ttft_s : float or None
        Maximum time to first token, in seconds. ``None``: no TTFT target.
    percentile : {"p50", "p95"}
        The statistic the targets refer to. The sweeps print means or an unstated statistic,
        so a ``p95`` target is applied to those figures as printed (see the module notes).
    """

    tokens_per_user_s: float | None = None
    ttft_s: float | None = None
    percentile: str = "p95"

    def __post_init__(self) -> None:
        for name, field, value in (("tokens_per_user_s", "slo_tokens_per_user",
                                    self.tokens_per_user_s),
                                   ("ttft_s", "slo_ttft_s", self.ttft_s)):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                    not math.isfinite(value) or value <= 0:
                raise InvalidInputError(f"Slo.{name} = {value!r}: must be a positive number "
                                        "(or None for no target)", field=field, value=value)
        if self.percentile not in _PERCENTILES:
            raise InvalidInputError(f"Slo.percentile = {self.percentile!r}: must be one of "
                                    f"{', '.join(_PERCENTILES)}", field="slo_percentile",
                                    value=self.percentile)

    @classmethod
    def none(cls) -> Slo:
        """No SLO: plan at saturation throughput (batch work)."""
        return cls(None, None)

    @property
    def is_none(self) -> bool:
        """True when neither target is set."""
        return self.tokens_per_user_s is None and self.ttft_s is None

    def describe(self) -> str:
        """The SLO in words, e.g. ``>= 25 tokens/s per user, TTFT <= 1 s (p95)``."""
        if self.is_none:
            return "no SLO"
        parts = []
        if self.tokens_per_user_s is not None:
            parts.append(f">= {self.tokens_per_user_s:g} tokens/s per user")
        if self.ttft_s is not None:
            parts.append(f"TTFT <= {self.ttft_s:g} s")
        return ", ".join(parts) + f" ({self.percentile})"


#: Default SLO of interactive (chat, assistant) presets: at least 25 output tokens/s per user
#: and a first token within 1 s, at p95.
#:
#: * 25 tokens/s per user is a 40 ms time per output token, MLPerf Inference's bound for its
#:   interactive LLM scenario (``llama2-70b-interactive.Server.tpot_latency = 40`` ms at p99 in
#:   ``loadgen/mlperf.conf`` of github.com/mlcommons/inference; its ``llama3_1-8b-interactive``
#:   uses 30 ms). MLCommons raised it from 200 ms because of user surveys and the speeds of
#:   ChatGPT and Perplexity (https://mlcommons.org/2025/04/llm-inference-v5/). It is about four
#:   times silent reading speed (about 238 words/min, Brysbaert 2019, J. Memory and Language
#:   109:104047, i.e. about 5 tokens/s at ~1.3 tokens per word): the stream stays ahead of a
#:   reader who skims.
#: * 1 s to the first token is the limit for a user's flow of thought to stay uninterrupted
#:   (Nielsen, "Response Times: The 3 Important Limits", 1993,
#:   https://www.nngroup.com/articles/response-times-3-important-limits/); it lies between
#:   MLPerf's interactive bound (0.45-0.5 s) and its non-interactive server bound (2 s).
INTERACTIVE_SLO = Slo(tokens_per_user_s=INTERACTIVE_SLO_TOKENS_PER_USER,
                      ttft_s=INTERACTIVE_SLO_TTFT_S, percentile="p95")

#: Batch work (document extraction, offline jobs) has no latency target.
BATCH_SLO = Slo.none()


def default_slo(interactive: bool) -> Slo:
    """:data:`INTERACTIVE_SLO` for interactive work, :data:`BATCH_SLO` (no SLO) otherwise."""
    return INTERACTIVE_SLO if interactive else BATCH_SLO


@dataclass(frozen=True)
class SloCapacity:
    """What share of saturation throughput a replica sustains under an SLO, and why.

    Attributes
    ----------
    fraction : float
        Throughput at the operating point / saturation throughput of the sweep, in (0, 1].
    basis : str
        ``"measured sweep"``, ``"carried from <model> on <gpu>"`` or ``"no SLO"``.
    source : str
        Public source of the sweep used (empty for no SLO).
    note : str
        How the figure was obtained (shape interpolation, carrying ratios, statistic).
    slo : Slo
        The SLO applied.
    concurrency : float or None
        Simultaneous requests per replica at the operating point (None for no SLO).
    tokens_per_user_s : float or None
        Output tokens/s each user sees at the operating point.
    ttft_s : float or None
        Time to first token at the operating point, in seconds.
    output_tok_s : float or None
        The curve's own output tokens/s of one replica at the operating point (at the
        workload's shape); an absolute figure only for a measured sweep (a carried curve's is
        scaled by the roofline ratio).
    """

    fraction: float
    basis: str
    source: str
    note: str
    slo: Slo
    concurrency: float | None = None
    tokens_per_user_s: float | None = None
    ttft_s: float | None = None
    output_tok_s: float | None = None


def _canonical(model: str) -> str:
    return _SAME_WEIGHTS.get(model, model)


def _bytes(precision: str) -> float:
    if precision not in BYTES_PER_PARAM:
        raise InvalidInputError(f"precision {precision!r} is not known; use one of "
                                f"{', '.join(BYTES_PER_PARAM)}", field="precision",
                                value=precision)
    return BYTES_PER_PARAM[precision]


@lru_cache(maxsize=256)
def _decode_rate(model: str, gpu: str, tp: int, precision: str, directory: str) -> float:
    """Roofline single-stream decode speed, proportional to tokens/s (weights read per token)."""
    bandwidth = catalog.gpu_spec(gpu, directory).require(
        "bandwidth_gb_s", "carrying a latency sweep to another GPU").value
    active = catalog.open_model(_canonical(model), directory).active_params_b.value
    return bandwidth * tp / (active * _bytes(precision))


@lru_cache(maxsize=256)
def _prefill_rate(model: str, gpu: str, tp: int, precision: str, directory: str) -> float | None:
    """Compute-bound prefill speed (proportional), or None when the GPU has no TFLOPS figure."""
    spec = catalog.gpu_spec(gpu, directory)
    if spec.fp16_tflops is None:
        return None
    speedup = spec.fp8_speedup.value if (spec.fp8_speedup is not None
                                         and _bytes(precision) <= 1.0) else 1.0
    active = catalog.open_model(_canonical(model), directory).active_params_b.value
    return spec.fp16_tflops.value * speedup * tp / active


def measured_sweeps(model: str, gpu: str, tp: int, precision: str,
                    directory: str | Path | None = None) -> list[Family]:
    """The latency sweeps measured for exactly this model, GPU, TP and precision."""
    return [f for f in families(str(directory or CATALOG_DIR))
            if (f.model, f.gpu, f.tp, f.precision) == (model, gpu, int(tp), precision)]


def slo_capacity(model: str, gpu: str, tp: int, input_tokens: float, output_tokens: float,
                 slo: Slo, *, precision: str = "fp8",
                 directory: str | Path | None = None) -> SloCapacity:
    """Fraction of saturation throughput one replica sustains while meeting ``slo``.

    Parameters
    ----------
    model : str
        Open-model slug (``llama-3.3-70b``, ``llama-3.1-8b``, ...).
    gpu : str
        GPU slug (``h100-sxm``, ``h200``, ``a100-80gb``, ...).
    tp : int
        GPUs per replica (tensor-parallel size).
    input_tokens, output_tokens : float
        Mean prompt and completion length of the workload, in tokens per request.
    slo : Slo
        The latency target; ``Slo.none()`` gives fraction 1.0 with basis ``"no SLO"``.
    precision : str, default "fp8"
        Weight precision of the replica (the cost model's throughput rows are FP8). A sweep
        counts as measured only at this precision; otherwise it is carried (bytes per weight
        enter the roofline ratio).
    directory : path, optional
        Catalog folder (defaults to the package's catalogs).

    Returns
    -------
    SloCapacity
        ``fraction`` in (0, 1], ``basis``, ``source``, ``note``, the SLO, and the
        concurrency, tokens/s per user and TTFT (s) at the operating point.

    Raises
    ------
    InvalidInputError
        ``field="slo_tokens_per_user"`` or ``"slo_ttft_s"`` when no point of the measured or
        carried curve meets the SLO (the message names the fastest speed or the lowest TTFT
        reachable); ``field="tp"``, ``"input_tokens"`` or ``"output_tokens"`` for bad sizes.
    CatalogError
        When a carried case needs a GPU bandwidth or a model size the catalog lacks, or the
        model or GPU is unknown.

    Notes
    -----
    See the module docstring for the interpolation over concurrency and across shapes and
    for the roofline carrying of a sweep to another model, GPU, TP or precision.
    """
    _check_sizes(tp, input_tokens, output_tokens)
    if slo.is_none:
        return SloCapacity(1.0, "no SLO", "", "no latency target: the replica is planned at "
                           "its saturation throughput (times the planning utilisation)", slo)
    tp = int(tp)
    fam, r_decode, r_prefill, basis, carry_note = _source_sweep(
        model, gpu, tp, precision, str(directory or CATALOG_DIR))
    base, shape_note = shape_curve(fam, float(input_tokens), float(output_tokens))
    curve = Curve(base.concurrency, base.output_tok_s * r_decode, base.itl_ms / r_decode,
                  base.ttft_ms / r_prefill)
    itl_max = 1000.0 / slo.tokens_per_user_s if slo.tokens_per_user_s is not None else math.inf
    ttft_max = 1000.0 * slo.ttft_s if slo.ttft_s is not None else math.inf
    point = operating_point(curve, itl_max, ttft_max)
    if point is None:
        _refuse(curve, slo, f"{model} on {tp}x {gpu} at {input_tokens:g}/{output_tokens:g} "
                f"tokens ({basis})", itl_max, ttft_max)
    k, t = point
    peak = float(np.max(curve.output_tok_s))
    fraction = min(1.0, value_at(curve, k, t, "output_tok_s") / peak)
    stat = {"mean": "means", "unstated": "an unstated statistic (mean or median)"}.get(
        fam.stat, fam.stat)
    note = (f"{fam.engine} {fam.sweep} sweep of {fam.model} on {fam.tp}x {fam.gpu} "
            f"({fam.precision}); {shape_note}{carry_note}; saturation = the highest throughput "
            f"of the curve ({peak:.0f} output tokens/s); the sweep prints {stat} of TTFT and "
            f"ITL and the {slo.percentile} target is applied to them as printed")
    if slo.percentile == "p95":
        note += " (optimistic: a p95 is at least the median)"
    return SloCapacity(
        fraction=fraction, basis=basis, source=fam.source, note=note, slo=slo,
        concurrency=value_at(curve, k, t, "concurrency"),
        tokens_per_user_s=1000.0 / value_at(curve, k, t, "itl_ms"),
        ttft_s=value_at(curve, k, t, "ttft_ms") / 1000.0,
        output_tok_s=value_at(curve, k, t, "output_tok_s"))


def _check_sizes(tp: int, input_tokens: float, output_tokens: float) -> None:
    """Refuse a tensor-parallel size or request shape no replica can have."""
    if isinstance(tp, bool) or int(tp) != tp or tp < 1:
        raise InvalidInputError(f"tp = {tp!r}: must be a whole number of GPUs >= 1",
                                field="tp", value=tp)
    if not (math.isfinite(input_tokens) and input_tokens >= 0):
        raise InvalidInputError(f"input_tokens = {input_tokens!r}: must be >= 0",
                                field="input_tokens", value=input_tokens)
    if not (math.isfinite(output_tokens) and output_tokens > 0):
        raise InvalidInputError(f"output_tokens = {output_tokens!r}: must be > 0",
                                field="output_tokens", value=output_tokens)


def _source_sweep(model: str, gpu: str, tp: int, precision: str,
                  directory: str) -> tuple[Family, float, float, str, str]:
    """The sweep the curve comes from and how it is carried: (sweep, decode ratio, prefill
    ratio, basis, carry note). A measured sweep of the case itself has ratios 1 and no note;
    otherwise the sweep nearest in decode rate (the same model first) is carried."""
    measured = measured_sweeps(model, gpu, tp, precision, directory)
    if measured:
        return max(measured, key=lambda f: (len(f.shapes), f.n_rows)), 1.0, 1.0, \
            "measured sweep", ""
    sweeps = families(directory)
    if not sweeps:
        raise InvalidInputError("the latency_sweeps catalog holds no sweep to carry",
                                field="slo_tokens_per_user")
    target_decode = _decode_rate(model, gpu, tp, precision, directory)
    target_prefill = _prefill_rate(model, gpu, tp, precision, directory)

    def rank(f: Family) -> tuple[int, float, int, int]:
        r = target_decode / _decode_rate(f.model, f.gpu, f.tp, f.precision, directory)
        same = _canonical(f.model) == _canonical(model)
        return (0 if same else 1, abs(math.log(r)), -len(f.shapes), -f.n_rows)

    fam = min(sweeps, key=rank)
    r_decode = target_decode / _decode_rate(fam.model, fam.gpu, fam.tp, fam.precision,
                                            directory)
    source_prefill = _prefill_rate(fam.model, fam.gpu, fam.tp, fam.precision, directory)
    if target_prefill is not None and source_prefill is not None:
        r_prefill, how = target_prefill / source_prefill, "dense TFLOPS x TP / active params"
    else:
        r_prefill, how = r_decode, "the decode ratio (a GPU has no TFLOPS figure)"
    note = (f"; carried from {fam.model} on {fam.tp}x {fam.gpu} ({fam.precision}, "
            f"{fam.engine}): ITL / {r_decode:.3g} and throughput x {r_decode:.3g} "
            f"(roofline: bandwidth x TP / (active params x bytes per weight)), TTFT / "
            f"{r_prefill:.3g} ({how}), concurrency axis kept")
    return fam, r_decode, r_prefill, f"carried from {fam.model} on {fam.gpu}", note


def _refuse(curve: Curve, slo: Slo, where: str, itl_max: float, ttft_max: float) -> NoReturn:
    """The one-line refusal of a target no point of the curve meets, naming what is reachable."""
    fastest_itl = fastest(curve, math.inf, math.inf)
    lowest_ttft = float(np.min(curve.ttft_ms))
    if slo.tokens_per_user_s is not None and fastest_itl > itl_max * (1 + _REL_TOL):
        raise InvalidInputError(
            f"SLO of {slo.tokens_per_user_s:g} tokens/s per user cannot be met by {where}: "
            f"the fastest is {1000.0 / fastest_itl:.1f} tokens/s per user; lower "
            "slo_tokens_per_user or use no SLO", field="slo_tokens_per_user",
            value=slo.tokens_per_user_s)
    if slo.ttft_s is not None and lowest_ttft > ttft_max * (1 + _REL_TOL):
        raise InvalidInputError(
            f"SLO of TTFT <= {slo.ttft_s:g} s cannot be met by {where}: the lowest TTFT is "
            f"{lowest_ttft / 1000.0:.3g} s; raise slo_ttft_s or use no SLO",
            field="slo_ttft_s", value=slo.ttft_s)
    within = fastest(curve, math.inf, ttft_max)
    raise InvalidInputError(
        f"SLO {slo.describe()} cannot be met by {where}: with TTFT <= {slo.ttft_s:g} s the "
        f"fastest is {1000.0 / within:.1f} tokens/s per user; lower slo_tokens_per_user",
        field="slo_tokens_per_user", value=slo.tokens_per_user_s)
