"""How a replica is sized and planned: its tensor-parallel size, throughput and the share of
saturation it keeps under the latency target.

:func:`capacity_entries` is the builder's step for these inputs. Without a given replica size
it starts from the smallest one whose memory holds the weights (or the smallest measured) and,
when a replica of that size cannot meet the latency target at any load, doubles it (up to
:data:`MAX_TP` GPUs) until one can: a GPU is usable when some replica of it meets the target
(two L40S cannot serve Llama 3.3 70B at 25 tokens/s per user; four can). :func:`slo_entries`
reads the share of saturation throughput that meets the target from a measured latency sweep
or aiconfigurator-core's curve.

Prefix caching: the share of input tokens the API bills at its cached price
(``cached_input_share``, one figure for both sides) is a shared prompt prefix a self-hosted
engine keeps in its prefix cache too, so a replica skips its prefill (:func:`prefix_credit`).
With a fitted service time ``t(i, o) = a*i + b*o + c*(i*o + o**2/2)`` only the prefill term
``a*i`` shrinks (decode still attends over the cached prefix); otherwise the throughput at the
uncached input length is used, which overstates the gain a little (the attention over the
prefix is not charged) and says so. The latency target is still read at the full input length.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from aipolicy.costs.compare.fields import Provenance
from aipolicy.costs.compare.inputs import Entries, throughput_entries
from aipolicy.errors import AipolicyError, InvalidInputError

__all__ = ["MAX_TP", "SLO_FIELDS", "capacity_entries", "prefix_credit", "slo_entries"]

#: Largest tensor-parallel size tried for a replica (one 8-GPU server).
MAX_TP = 8
#: The fields of the latency target (an error about one of them: the target cannot be met).
SLO_FIELDS = ("slo_tokens_per_user", "slo_ttft_s")


def capacity_entries(open_model: str, gpu: str, in_tok: float, gen_tok: float,
                     precision: str | None, given: Mapping[str, Any]) -> Entries:
    """Throughput, replica size and ``slo_capacity_fraction`` for requests of ``in_tok`` input
    and ``gen_tok`` generated tokens (visible plus hidden reasoning).

    The latency target is read from ``given`` (preset values and overrides); a given
    ``slo_capacity_fraction``, ``gpus_per_replica`` or ``throughput_tok_s`` is kept as given
    (then a target no point meets is refused, naming it).
    """
    raw = throughput_entries(open_model, gpu, in_tok, gen_tok, precision, given)
    entries = _cached(raw, open_model, gpu, in_tok, gen_tok, given)
    if "slo_capacity_fraction" in given:
        return entries
    targets = {k: given.get(k) for k in SLO_FIELDS}
    search = "gpus_per_replica" not in given and "throughput_tok_s" not in given
    smallest = int(entries["gpus_per_replica"][0])
    while True:
        tp = int(entries["gpus_per_replica"][0])
        # the throughput before the prefix-cache credit: what a measured sweep is compared with
        values = {**targets, "gpus_per_replica": tp, "precision": entries["precision"][0],
                  "throughput_tok_s": raw["throughput_tok_s"][0]}
        try:
            return {**entries, **slo_entries(open_model, gpu, in_tok, gen_tok, values)}
        except InvalidInputError as exc:
            if not search or exc.field not in SLO_FIELDS or tp * 2 > MAX_TP:
                raise
            try:
                raw = throughput_entries(open_model, gpu, in_tok, gen_tok, precision,
                                         {**given, "gpus_per_replica": tp * 2})
                bigger = _cached(raw, open_model, gpu, in_tok, gen_tok, given)
            except AipolicyError:
                raise exc from None
        bigger["gpus_per_replica"] = (tp * 2, Provenance(
            "aipolicy capacity model", note=f"the smallest tensor-parallel size whose replica "
            f"meets the latency target: {smallest} GPU(s) per replica hold the weights but "
            "cannot meet it at any load"))
        entries = bigger


def _cached(entries: Entries, open_model: str, gpu: str, in_tok: float, gen_tok: float,
            given: Mapping[str, Any]) -> Entries:
    """``entries`` with the throughput credited for the prefix cache (none when the caller gave
    the throughput, or nothing is cached)."""
    share = float(given.get("cached_input_share", 0.0) or 0.0)
    if "throughput_tok_s" in given or not 0.0 < share <= 1.0 or in_tok <= 0.0:
        return entries  # (a share out of range is refused by the Scenario, naming it)
    tput, prov = entries["throughput_tok_s"]
    factor, how = prefix_credit(open_model, gpu, int(entries["gpus_per_replica"][0]),
                                str(entries["precision"][0]), in_tok, gen_tok, share)
    note = (f"{prov.note}; prefix cache: {share:.0%} of the {in_tok:,.0f} input tokens are a "
            f"shared prefix served from the engine's cache (the share the API bills as cached), "
            f"so a replica prefills {in_tok * (1 - share):,.0f}: x{factor:.3f} ({how})")
    return {**entries, "throughput_tok_s": (float(tput) * factor,
                                            Provenance(prov.source, prov.as_of, note))}


def prefix_credit(open_model: str, gpu: str, tp: int, precision: str, in_tok: float,
                  gen_tok: float, share: float) -> tuple[float, str]:
    """Throughput multiplier when ``share`` of the input is a cached prefix, and its basis.

    From the fitted service time when the model, GPU, precision and replica size have one
    (only the prefill term shrinks), else the ratio of the replica's throughput at the
    uncached input length to its throughput at the full length (approximate).
    """
    from aipolicy.costs.capacity.rows import group_fit
    from aipolicy.costs.capacity.throughput import replica_throughput

    fit = group_fit(open_model, gpu, precision, tp)
    if fit is not None:
        a = fit.coef[0]
        full = fit.seconds_per_request(in_tok, gen_tok)
        return full / (full - a * share * in_tok), "fitted service time: prefill only"
    kw = {"gpus_per_replica": tp, "precision": precision}
    try:
        full = replica_throughput(open_model, gpu, in_tok, gen_tok, **kw).output_tok_s
        short = replica_throughput(open_model, gpu, in_tok * (1 - share), gen_tok, **kw)
    except AipolicyError:
        return 1.0, "no credit: the throughput at the shorter input is unknown"
    return max(1.0, short.output_tok_s / full), (
        "throughput at the uncached input length; approximate: the attention over the cached "
        "prefix is not charged")


def slo_entries(open_model: str, gpu: str, in_tok: float, out_tok: float,
                 values: Mapping[str, Any]) -> Entries:
    """``slo_capacity_fraction`` for the latency target in ``values`` (none: 1.0)."""
    from aipolicy.costs.capacity.latency import Slo, slo_capacity

    def given(key: str) -> float | None:
        v = values.get(key)
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

    slo = Slo(tokens_per_user_s=given("slo_tokens_per_user"), ttft_s=given("slo_ttft_s"))
    if slo.tokens_per_user_s is None and slo.ttft_s is None:
        return {}
    tp, precision = int(values["gpus_per_replica"]), str(values.get("precision", "fp8"))
    what = " and ".join(x for x in (
        f">= {slo.tokens_per_user_s:g} output tokens/s per user" if slo.tokens_per_user_s
        else "", f"time to first token <= {slo.ttft_s:g} s" if slo.ttft_s else "") if x)
    ours = float(values.get("throughput_tok_s", math.nan))
    from_curve = _estimator_fraction(open_model, gpu, tp, precision, in_tok, out_tok, slo, what,
                                     ours)
    if from_curve is not None:
        return from_curve
    cap = slo_capacity(open_model, gpu, tp, in_tok, out_tok, slo, precision=precision)
    fraction, note = cap.fraction, (f"{cap.basis}: {what} ({slo.percentile}) keeps "
                                    f"{cap.fraction:.0%} of saturation throughput")
    if cap.basis == "measured sweep" and cap.output_tok_s and math.isfinite(ours) and ours > 0 \
            and cap.output_tok_s / ours < fraction:
        # the sweep's own figure at that point is below its share of our saturation (the
        # sweep never reaches our maximum-throughput figure): plan at the measured figure
        fraction = cap.output_tok_s / ours
        note += (f" of its sweep, but the sweep itself delivers {cap.output_tok_s:,.0f} output "
                 f"tokens/s there, below {cap.fraction:.0%} of the {ours:,.0f} used as "
                 f"saturation: planned at the measured {cap.output_tok_s:,.0f} "
                 f"({fraction:.0%} of saturation)")
    return {"slo_capacity_fraction": (fraction, Provenance(
        cap.source or "aipolicy capacity model", "undated", f"{note}; {cap.note}".rstrip("; ")))}


def _estimator_fraction(open_model: str, gpu: str, tp: int, precision: str, in_tok: float,
                        out_tok: float, slo: Any, what: str, ours: float) -> Entries | None:
    """The share of saturation that the replica's curve (aiconfigurator-core's measured runs
    of this case, else its estimate) keeps under ``slo``, where no latency sweep of this model,
    GPU, TP and precision is measured (None: a measured sweep exists, or the library does not
    cover the case). Refuses a target no point meets. Measured runs never plan above their
    own figure at the chosen point: when that is below the share of ``ours`` (the saturation
    throughput the answer uses), the share is lowered to it."""
    from aipolicy.costs.capacity import estimator, silicon
    from aipolicy.costs.capacity.latency import measured_sweeps

    if measured_sweeps(open_model, gpu, tp, precision):
        return None
    known = math.isfinite(ours) and ours > 0
    c = _target_curve(open_model, gpu, tp, precision, in_tok, out_tok, slo, known)
    if c is None or not c.fits:
        return None
    sat, point = c.saturation, c.under(slo.tokens_per_user_s, slo.ttft_s)
    if point is None:
        best = max(c.points, key=lambda p: p.tokens_per_user_s)
        field = "slo_tokens_per_user" if slo.tokens_per_user_s else "slo_ttft_s"
        value = slo.tokens_per_user_s or slo.ttft_s
        raise InvalidInputError(
            f"{field} = {value:g}: the SLO {slo.describe()} cannot be met by {open_model} on "
            f"{tp}x {gpu} at {in_tok:g}/{out_tok:g} tokens ({c.basis}): its fastest point is "
            f"{best.tokens_per_user_s:.1f} tokens/s per user with the first token in "
            f"{best.ttft_ms / 1000:.2f} s; relax the target or use more GPUs per replica",
            field=field, value=value)
    fraction = min(1.0, point.output_tok_s / sat.output_tok_s)
    if isinstance(c, silicon.MeasuredCurve):
        source, as_of = c.measured_by, c.measured_as_of
        tail = "; the runs' latencies are typical (not p95) figures"
        own = fraction if c.saturated else 1.0
        if not c.saturated:
            tail += (f"; the runs stop at {c.points[-1].concurrency} concurrent requests, "
                     "before saturation, but bracket the target")
        if known and point.output_tok_s / ours < own:
            tail += (f"; planned at the measured {point.output_tok_s:,.0f} output tokens/s at "
                     f"that point ({point.output_tok_s / ours:.0%} of the {ours:,.0f} used as "
                     "saturation)")
            own = point.output_tok_s / ours
        fraction = own
    else:
        source, as_of = estimator.SOURCE, estimator.released(c.version)
        tail = ("; the library's latencies are estimates of typical (not p95) figures"
                + silicon.checked_note(c.model, c.backend))
    return {"slo_capacity_fraction": (fraction, Provenance(
        source, as_of,
        f"{c.basis}: {what} ({slo.percentile}) keeps {fraction:.0%} of saturation throughput: "
        f"at {point.concurrency} concurrent requests {point.tokens_per_user_s:.1f} tokens/s per "
        f"user and the first token in {point.ttft_ms / 1000:.2f} s, against "
        f"{sat.output_tok_s:,.0f} output tokens/s at {sat.concurrency} (its highest)"
        f"{tail}"))}


def _target_curve(open_model: str, gpu: str, tp: int, precision: str, in_tok: float,
                  out_tok: float, slo: Any, ours_known: bool) -> Any:
    """The curve the latency target is read from: the replica's curve
    (:func:`~aipolicy.costs.capacity.silicon.replica_curve`: saturated measured runs, else the
    estimate), or, with the answer's saturation throughput known, measured runs that stop
    before saturation but where a concurrency beyond the target's point fails it, so the point
    is bracketed by measurement (None: nothing covers the case)."""
    from aipolicy.costs.capacity import silicon

    m = silicon.measured_curve(open_model, gpu, tp, precision, in_tok, out_tok)
    if ours_known and m is not None and len(m.points) >= silicon.MIN_POINTS:
        point = m.under(slo.tokens_per_user_s, slo.ttft_s)
        if point is not None and point.concurrency < m.points[-1].concurrency:
            return m
    return silicon.replica_curve(open_model, gpu, tp, precision, in_tok, out_tok)
