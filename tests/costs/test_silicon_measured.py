"""aiconfigurator-core's measured serving runs used where they match the case exactly (issue 24).

The library's ``systems/silicon_sample.csv`` is read here independently (csv module) to check
the curve built from it; the latency target and the throughput take measured runs only when
they say what is needed (saturation reached, or the target's point bracketed by a failing run).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from types import SimpleNamespace

import pytest

from aipolicy.costs.capacity import estimator, silicon
from aipolicy.costs.compare.capacity_plan import slo_entries
from aipolicy.costs.compare.inputs import _replica_entries

BRACKETED = ("llama-3.3-70b", "h200", 2, "fp8", 1024, 1024)  # runs stop before saturation
SATURATED = ("llama-3.3-70b", "h200", 1, "fp8", 8192, 1024)


def _csv_rows(isl: int, osl: int, tp: int, day: str) -> dict[int, tuple[float, float]]:
    """(TTFT, TPOT) ms per concurrency of Llama 3.1 70B FP8 on H200 under TRT-LLM measured on
    ``day``, from the library's CSV as shipped."""
    import aiconfigurator_core

    path = Path(aiconfigurator_core.__file__).parent / "systems" / "silicon_sample.csv"
    found: dict[int, tuple[str, float, float]] = {}
    with path.open() as fh:
        for r in csv.DictReader(fh):
            if (r["model_path"] == "meta-llama/Llama-3.1-70B" and r["system"] == "h200_sxm"
                    and r["backend"] == "trtllm" and r["mode"] == "agg"
                    and r["gemm_quant_mode"] == "fp8" and int(r["tp_size"]) == tp
                    and int(r["isl"]) == isl and int(r["osl"]) == osl
                    and int(float(r["pp_size"] or 1)) == 1
                    and int(float(r["attention_dp_size"] or 1)) == 1):
                if r["silicon_data_source"].split("measured=")[-1][:10] != day:
                    continue
                found.setdefault(int(r["batch_size"]), (day, float(r["silicon_ttft_ms"]),
                                                        float(r["silicon_tpot_ms"])))
    return {b: v[1:] for b, v in sorted(found.items())}


def test_a_measured_curve_is_the_library_s_runs_of_exactly_that_case():
    c = silicon.measured_curve(*BRACKETED)
    rows = _csv_rows(1024, 1024, 2, c.measured_as_of)
    assert c is not None and c.backend == "trtllm" and rows
    assert [p.concurrency for p in c.points] == list(rows)
    for p in c.points:
        ttft, tpot = rows[p.concurrency]
        req_s = p.concurrency / ((ttft + tpot * 1023) / 1000)  # by hand: one request's time
        assert p.req_s == pytest.approx(req_s) and p.output_tok_s == pytest.approx(req_s * 1024)
    assert c.basis.startswith("measured (aiconfigurator-core silicon sample")
    assert "trtllm" in c.basis and f"{len(rows)} concurrencies" in c.basis
    assert not c.saturated  # the last doubling still adds more than 10%


def test_saturation_is_when_the_last_doubling_adds_under_ten_percent():
    c = silicon.measured_curve(*SATURATED)
    last, before = c.points[-1].output_tok_s, c.points[-2].output_tok_s
    assert c.saturated and last <= 1.10 * before
    assert silicon.replica_curve(*SATURATED) == c


def test_runs_of_different_builds_or_dates_are_never_mixed_in_one_curve():
    # DeepSeek-R1 on 8x B200: the newest build's runs stop at 64 concurrent requests while
    # still climbing (+55% on 32); an older build's run at 128 is lower. Mixed, the curve
    # would look saturated at the newest build's 64.
    c = silicon.measured_curve("deepseek-r1", "b200", 8, "fp8", 1024, 8192)
    rows = silicon.silicon_rows()
    same = rows[(rows["model"] == "deepseek-r1") & (rows["gpu"] == "b200") & (rows["tp"] == 8)
                & (rows["precision"] == "fp8") & (rows["input_tokens"] == 1024)
                & (rows["output_tokens"] == 8192) & (rows["backend"] == c.backend)]
    assert same["as_of"].nunique() > 1  # the library holds more than one measurement
    mine = same[(same["as_of"] == c.measured_as_of)
                & (same["backend_version"] == c.backend_version)]
    assert sorted(p.concurrency for p in c.points) == sorted(set(mine["concurrency"]))
    assert c.measured_as_of == max(same["as_of"]) and not c.saturated
    assert silicon.replica_curve("deepseek-r1", "b200", 8, "fp8", 1024, 8192) is not c


def test_unmeasured_or_unsaturated_cases_fall_back_to_the_estimate():
    assert silicon.measured_curve("llama-3.3-70b", "h200", 2, "fp8", 1000, 1000) is None
    c = silicon.replica_curve(*BRACKETED)
    assert c is not None and not isinstance(c, silicon.MeasuredCurve)
    assert c.basis.startswith("estimated by aiconfigurator-core")


def _target(case: tuple, ttft_s: float, ours: float):
    """(fraction, provenance) of a 25 tokens/s-per-user target with ``ttft_s`` for ``case``
    when the answer's saturation throughput is ``ours``; and the case's measured curve."""
    model, gpu, tp, precision, isl, osl = case
    got = slo_entries(model, gpu, isl, osl, {"slo_tokens_per_user": 25.0, "slo_ttft_s": ttft_s,
                                            "gpus_per_replica": tp, "precision": precision,
                                            "throughput_tok_s": ours})
    return (*got["slo_capacity_fraction"], silicon.measured_curve(*case))


def test_the_latency_target_reads_measured_runs_that_bracket_it():
    ours = 5274.0  # the saturation the answer uses (the package's measured TRT-LLM row)
    fraction, prov, c = _target(BRACKETED, 1.0, ours)
    point = c.under(25.0, 1.0)
    assert point.concurrency < c.points[-1].concurrency  # a higher concurrency fails it
    assert fraction == pytest.approx(point.output_tok_s / ours)  # the measured figure itself
    assert prov.source == c.measured_by and prov.as_of == c.measured_as_of
    assert prov.note.startswith("measured (") and "bracket the target" in prov.note


def test_saturated_measured_runs_give_the_throughput_and_note_the_package_s_figure():
    c = silicon.measured_curve(*SATURATED)
    est = SimpleNamespace(gpus_per_replica=1, precision="fp8", basis="interpolated",
                          output_tok_s=c.saturation.output_tok_s * 1.5, source="a fit",
                          note="fitted", as_of="2025-01-01", estimated=False,
                          fit_max_error=0.01)
    got = _replica_entries(est, "llama-3.3-70b", "h200", 8192, 1024)
    tput, prov = got["throughput_tok_s"]
    assert tput == pytest.approx(c.saturation.output_tok_s)
    assert got["throughput_basis"][0] == c.basis and got["throughput_estimated"][0] is False
    assert "the package's interpolated figure (a fit) gives" in prov.note and "+50%" in prov.note
    assert math.isnan(got["throughput_fit_max_error"][0])
    est.basis = "measured"  # a measured row of the package's own tables keeps its place
    kept = _replica_entries(est, "llama-3.3-70b", "h200", 8192, 1024)
    assert kept["throughput_tok_s"][0] == est.output_tok_s


def test_the_estimator_stays_the_source_where_nothing_was_measured():
    assert estimator.library_version() is not None
    got = slo_entries("llama-3.1-8b", "l40s", 800, 250,
                      {"slo_tokens_per_user": 25.0, "gpus_per_replica": 1, "precision": "fp8",
                       "throughput_tok_s": 2000.0})
    assert got["slo_capacity_fraction"][1].source == estimator.SOURCE


def test_two_measurements_of_one_case_are_set_side_by_side():
    from aipolicy.costs.capacity.agreement import measured_cases
    from aipolicy.costs.capacity.rows import measured_rows

    table = measured_cases()
    assert len(table) >= 1
    ours = measured_rows()
    for r in table.itertuples():
        m = silicon.measured_curve(r.model, r.gpu, r.tp, r.precision, r.input_tokens,
                                   r.output_tokens)
        assert m.saturated and r.estimated_tok_s == pytest.approx(m.saturation.output_tok_s)
        mine = ours[(ours["model"] == r.model) & (ours["gpu"] == r.gpu) & (ours["tp"] == r.tp)
                    & (ours["input_tokens"] == r.input_tokens)
                    & (ours["output_tokens"] == r.output_tokens)]
        assert r.measured_tok_s in set(mine["output_tok_s"])
        assert r.difference == pytest.approx(r.estimated_tok_s / r.measured_tok_s - 1)
        assert r.differs == (abs(r.difference) > 0.15)


def test_a_saturated_measured_curve_needs_no_known_saturation_from_the_answer():
    for ours in (0.0, math.nan):  # a zero throughput is refused by the Scenario, naming it
        fraction, prov, c = _target(SATURATED, 2.0, ours)
        point = c.under(25.0, 2.0)
        assert fraction == pytest.approx(point.output_tok_s / c.saturation.output_tok_s)
        assert prov.note.startswith("measured (")
