"""Capacity from aiconfigurator-core: curves, the disk cache, labels, fallbacks, reserve."""

from __future__ import annotations

import json
from dataclasses import asdict

import pandas as pd
import pytest

from aipolicy.commands import main
from aipolicy.costs.capacity import curve_snapshot, estimator, silicon
from aipolicy.costs.capacity.agreement import COLUMNS, capacity_basis, saturation_cases
from aipolicy.costs.catalog.listing import gpu_table
from aipolicy.costs.compare.presets import scenario_from_preset

pytestmark = pytest.mark.skipif(estimator.library_version() is None,
                                reason="aiconfigurator-core is not installed on this platform")

_INSTALLED = curve_snapshot.lookup
L40S_8B = ["--open-model", "llama-3.1-8b", "--gpu", "l40s", "--gpus-per-replica", "1",
           "--input-tokens", "800", "--output-tokens", "250"]


@pytest.fixture
def computed(monkeypatch):
    """Without the installed curves: the library computes what the test checks."""
    monkeypatch.setattr(curve_snapshot, "lookup", lambda key: None)


@pytest.fixture(scope="module")
def module_cache(tmp_path_factory):
    """A disk cache of the module's own (curves computed once, read back by later tests)."""
    return tmp_path_factory.mktemp("curves")


@pytest.fixture(autouse=True)
def own_cache(module_cache, monkeypatch):
    """Each test starts with an empty memo and the module's disk cache, never the user's."""
    monkeypatch.setenv("AIPOLICY_CACHE_DIR", str(module_cache))
    estimator.clear_memo()
    yield
    estimator.clear_memo()


def test_curve_reproduces_the_figures_tried_by_hand(computed):
    # aiconfigurator cli estimate, Llama-3.1-70B FP8 TP2 on H100 SXM, TRT-LLM, 1500/400:
    # batch 64: TTFT 526 ms, TPOT 40.5 ms, 3.88 requests/s; batch 128: 5.02 requests/s
    c = estimator.curve("llama-3.3-70b", "h100-sxm", 2, "fp8", 1500, 400)
    by_batch = {p.concurrency: p for p in c.points}
    assert by_batch[64].req_s == pytest.approx(3.88, rel=0.01)
    assert by_batch[64].ttft_ms == pytest.approx(526, rel=0.01)
    assert by_batch[64].tpot_ms == pytest.approx(40.5, rel=0.01)
    assert by_batch[128].req_s == pytest.approx(5.02, rel=0.01)
    assert by_batch[64].output_tok_s == pytest.approx(by_batch[64].req_s * 400)
    assert c.basis.startswith("estimated by aiconfigurator-core 0.12")
    assert "op-level, h100_sxm trtllm" in c.basis
    # the latency target picks the fastest point meeting it; a tighter target never gains
    loose, tight = c.under(25, 1.0), c.under(40, 1.0)
    assert loose.tokens_per_user_s >= 25 and loose.ttft_ms <= 1000
    assert tight.output_tok_s <= loose.output_tok_s <= c.saturation.output_tok_s


def test_a_curve_is_kept_on_disk_and_read_back_without_the_library(computed, monkeypatch,
                                                                   tmp_path):
    monkeypatch.setenv("AIPOLICY_CACHE_DIR", str(tmp_path))  # an empty cache: computed here
    first = estimator.curve("llama-3.1-8b", "l40s", 1, "fp8", 800, 250)
    assert estimator.cached_file(first).is_file()
    estimator.clear_memo()

    def no_compute(*args):
        raise AssertionError("computed again")

    monkeypatch.setattr(estimator, "_compute", no_compute)
    assert estimator.curve("llama-3.1-8b", "l40s", 1, "fp8", 800, 250) == first


def test_the_installed_curves_are_the_library_s_own_and_are_read_without_computing(monkeypatch,
                                                                                   tmp_path):
    entries = json.loads(curve_snapshot.SNAPSHOT.read_text())
    engines = {k: v for k, v in entries.items() if k.startswith("databases-")}
    entries = {k: v for k, v in entries.items() if k not in engines}
    assert len(entries) >= 30 and len(engines) == len(set(estimator.SYSTEMS.values())
                                                      - estimator.SPEC_ONLY)
    assert all(set(v) <= set(estimator.BACKENDS) for v in engines.values())
    for data in entries.values():  # each curve names the database version its engine lists
        if data["version"] == estimator.library_version():
            assert estimator.databases_for(data["gpu"])[data["backend"]] == data["backend_version"]
    for key, data in entries.items():  # each entry sits under the key of its own inputs
        inputs = (data["version"], data["model"], data["gpu"], data["tp"], data["precision"],
                  data["input_tokens"], data["output_tokens"], data["backend"])
        assert estimator._path(*inputs).stem == key
        batches = [p["concurrency"] for p in data["points"]]
        assert batches == sorted(batches) and batches[0] == 1
    # one entry computed afresh by the installed library equals the shipped one exactly
    key, data = next((k, d) for k, d in entries.items() if d["model"] == "llama-3.3-70b"
                     and d["gpu"] == "h100-sxm" and d["tp"] == 2 and d["input_tokens"] == 1500)
    if data["version"] == estimator.library_version():
        fresh = estimator._compute(data["version"], data["model"], data["gpu"], data["tp"],
                                   data["precision"], 1500, data["output_tokens"],
                                   data["backend"])
        assert json.loads(json.dumps(asdict(fresh))) == data
    # with the installed curves and an empty disk cache, the curve is read, not computed
    monkeypatch.setattr(curve_snapshot, "lookup", _INSTALLED)
    monkeypatch.setenv("AIPOLICY_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(estimator, "_compute", _no_compute)
    estimator.clear_memo()
    got = estimator.curve(data["model"], data["gpu"], data["tp"], data["precision"], 1500,
                          data["output_tokens"])
    assert got is not None and got.saturation.output_tok_s > 0
    assert not estimator.cached_file(got).exists()  # the installed curve is not copied


def _no_compute(*args):
    raise AssertionError("computed, not read")


def test_an_uncovered_case_or_a_missing_library_gives_no_curve(monkeypatch):
    assert estimator.curve("mistral-7b", "h100-sxm", 1, "fp8", 800, 250) is None  # no model
    assert estimator.curve("llama-3.1-8b", "mi300x", 1, "fp8", 800, 250) is None  # AMD
    assert estimator.curve("llama-3.1-8b", "h100-pcie", 1, "fp8", 800, 250) is None  # SOL only
    monkeypatch.setattr(estimator, "library_version", lambda: None)
    assert estimator.curve("llama-3.1-8b", "l40s", 1, "fp8", 800, 250) is None
    # without the library the answer falls back to the package's own carried latency curve
    s = scenario_from_preset("startup", gpu="l40s")
    assert "carried from" in s.provenance["slo_capacity_fraction"].note


def test_a_gpu_only_the_estimator_covers_is_priced_with_its_label():
    s = scenario_from_preset("midmarket", gpu="rtx-pro-6000", gpus_per_replica=2)
    assert s.throughput_basis.startswith("estimated by aiconfigurator-core")
    assert s.throughput_estimated
    note = s.provenance["throughput_tok_s"].note
    assert "rtx_pro_6000_server" in note and "highest output rate of its curve" in note
    assert s.provenance["throughput_tok_s"].source.startswith("NVIDIA aiconfigurator-core")
    assert "aiconfigurator-core" in s.provenance["slo_capacity_fraction"].note


def test_the_issue_example_answers_with_a_capacity_basis_naming_the_estimator(capsys):
    assert main(["breakeven", *L40S_8B, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    basis = out["replica_capacity"]["basis"]
    assert "latency target: estimated by aiconfigurator-core" in basis
    assert "l40s" in basis and 0 < out["replica_capacity"]["planned_share"] <= 1


def test_a_latency_target_the_curve_cannot_meet_is_one_line_naming_it(capsys):
    assert main(["breakeven", "--gpu", "l40s"]) == 2  # 70B on 2x L40S: ~19 tokens/s at best
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "--slo-tokens-per-user" in err and "cannot be met" in err
    assert "aiconfigurator-core" in err and "tokens/s per user" in err


def test_agreement_table_compares_the_same_case_from_both_sources():
    table = saturation_cases(limit=2)
    assert list(table.columns) == COLUMNS and len(table) == 2
    for r in table.itertuples():
        assert r.difference == pytest.approx(r.estimated_tok_s / r.measured_tok_s - 1)
        assert r.differs == (abs(r.difference) > estimator.DISAGREE)


def test_catalog_gpus_lists_the_capacity_basis_and_reserved_rates():
    assert capacity_basis("rtx-pro-6000") == \
        "aiconfigurator-core (rtx_pro_6000_server: trtllm, vllm, sglang)"
    assert capacity_basis("h100-sxm").startswith("measured rows (")
    assert "speed-of-light" in capacity_basis("h100-pcie")
    table = gpu_table().set_index("gpu")
    assert table.loc["h100-sxm", "reserved_usd_per_gpu_hour"] == 1.30
    assert pd.isna(table.loc["l40s", "reserved_usd_per_gpu_hour"])


def test_reserve_prices_always_on_gpus_at_the_committed_rate(capsys):
    assert main(["breakeven", "--acquisition", "reserve", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["acquisition"] == "reserve"
    assert out["gpu_hour"]["usd"] == 1.30 and "SemiAnalysis" in out["gpu_hour"]["source"]
    assert main(["breakeven", "--acquisition", "rent", "--json"]) == 0
    rent = json.loads(capsys.readouterr().out)
    assert rent["gpu_hour"]["usd"] > out["gpu_hour"]["usd"]
    assert out["selfhost_monthly_usd"] < rent["selfhost_monthly_usd"]


@pytest.mark.parametrize("args, words", [
    (["--gpu", "l40s", "--open-model", "llama-3.1-8b"], "no reserved rate 'reserved-3y' for GPU "
                                                        "l40s"),
    (["--rent-mode", "autoscale"], "billed 24 h a day"),
    (["--rental-provider", "lambda"], "no reserved rate 'lambda'"),
])
def test_reserve_without_a_reserved_rate_is_refused_in_one_line(capsys, args, words):
    assert main(["breakeven", "--acquisition", "reserve", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err


def test_the_library_s_measured_rows_are_read_as_replica_throughput_with_who_measured_them():
    rows = silicon.silicon_rows()
    assert set(rows["model"]) >= {"llama-3.3-70b", "gpt-oss-120b", "deepseek-r1"}
    assert rows["measured_by"].str.contains("InferenceX").any()
    r = rows[(rows["model"] == "llama-3.3-70b") & (rows["gpu"] == "h200")].iloc[0]
    # requests/s of a replica at a concurrency: concurrency / (TTFT + TPOT x (output - 1))
    seconds = (r.ttft_ms + r.tpot_ms * (r.output_tokens - 1)) / 1000
    assert r.req_s == pytest.approx(r.concurrency / seconds)
    assert r.output_tok_s == pytest.approx(r.req_s * r.output_tokens)
    assert r.as_of == "undated" or len(r.as_of) == 10


def test_the_estimate_is_set_beside_each_measured_row_at_the_same_concurrency():
    table = silicon.accuracy(limit=1, models=("llama-3.3-70b",))
    assert list(table.columns) == silicon.ACCURACY_COLUMNS and len(table) >= 3
    assert (table["difference"] == table["estimated_tok_s"] / table["output_tok_s"] - 1).all()
    assert table[["model", "gpu", "backend", "tp"]].drop_duplicates().shape[0] == 1


def test_an_answer_on_the_estimate_says_how_it_compares_with_measured_runs():
    s = scenario_from_preset("midmarket", gpu="rtx-pro-6000", gpus_per_replica=2,
                             acquisition="rent")
    note = s.provenance["throughput_tok_s"].note
    assert "checked against" in note and "measured runs of llama-3.3-70b on trtllm" in note
    assert "(median)" in note and "within 15%" in note
    assert silicon.checked_note("llama-3.1-8b", "sglang").startswith("; no measured run")


def test_a_gpu_no_priced_server_holds_is_rented_and_the_buy_option_says_why(capsys):
    args = ["--open-model", "llama-3.3-70b", "--gpu", "rtx-pro-6000", "--gpus-per-replica", "2"]
    assert main(["breakeven", *args]) == 0
    out = capsys.readouterr().out
    assert "no server with rtx-pro-6000 has a public price in the catalog" in out
    assert "can only be rented here" in out
