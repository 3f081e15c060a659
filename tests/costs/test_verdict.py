"""One verdict over every option: quality floor, latency target, hybrids, uncertainty."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from aipolicy.commands import main
from aipolicy.costs.compare.eligibility import latency_check, quality_check
from aipolicy.costs.compare.hybrid import best_split_draws, optimise_hybrid
from aipolicy.costs.compare.presets import scenario_from_preset
from aipolicy.costs.compare.scenario import scenario_params
from aipolicy.costs.compare.threeway import Option, compare_all
from aipolicy.costs.compare.verdict import candidates, verdict
from aipolicy.costs.uncertainty.choice import (
    _costs,
    choice_monte_carlo,
    priced_options,
    verdict_flips,
)
from aipolicy.errors import InvalidInputError

QUESTION = ["breakeven", "--open-model", "llama-3.3-70b", "--gpu", "h100-sxm",
            "--requests-per-day", "2000000", "--input-tokens", "1500", "--output-tokens", "400"]


def _opt(key: str, usd: float, kind: str = "per_token", **kw) -> Option:
    return Option(key, key, key, usd, math.nan, "", kind=kind, **kw)


def test_the_70b_question_names_hosted_llama_first(capsys):
    assert main(QUESTION) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("verdict: hosted open weights: llama-3.3-70b@")
    assert "less than the runner-up" in first and "USD/month" in first


def test_the_70b_question_json_has_verdict_and_p_cheapest(capsys):
    assert main([*QUESTION, "--json", "--draws", "500"]) == 0
    out = json.loads(capsys.readouterr().out)
    v = out["verdict"]
    assert v["key"] == "hosted" and v["model"].startswith("llama-3.3-70b@")
    assert v["runner_up_key"] is not None
    assert v["margin_usd"] == pytest.approx(v["runner_up_monthly_usd"] - v["monthly_usd"])
    assert v["margin_pct"] == pytest.approx(v["margin_usd"] / v["runner_up_monthly_usd"])
    assert v["decided_by"] == "price"
    assert sum(out["p_cheapest"].values()) == pytest.approx(1.0)
    assert "p_selfhost_cheaper" not in out


def test_a_request_longer_than_the_context_window_exits_2(capsys):
    assert main([*QUESTION[:-4], "--input-tokens", "200000", "--output-tokens", "400"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "--input-tokens" in err[0] and "context window of 131,072 tokens" in err[0]


def test_the_context_guard_counts_output_tokens_too():
    with pytest.raises(InvalidInputError, match="context window of 32,768"):
        scenario_from_preset("midmarket", open_model="mixtral-8x7b", input_tokens=32_000,
                             output_tokens=1_000)


def test_verdict_leaves_out_options_known_to_fail_and_says_which_constraint_decided():
    opts = [_opt("api", 100.0, quality_ok=False, quality_note="rated below"),
            _opt("hosted", 300.0, quality_ok=True, latency_ok=False, latency_note="too slow"),
            _opt("rent", 500.0, kind="selfhost", quality_ok=True, latency_ok=True),
            _opt("buy", 400.0, kind="selfhost", quality_ok=True, latency_ok=True)]
    v = verdict(opts)
    assert (v.key, v.runner_up_key, v.margin_usd) == ("buy", "rent", 100.0)
    assert v.margin_pct == pytest.approx(0.2)
    assert v.decided_by == "quality floor"
    assert set(v.excluded) == {"api", "hosted"}
    assert v.breakeven_against is None  # no per-token candidate left
    v2 = verdict([o for o in opts if o.key != "api"])
    assert v2.decided_by == "latency target"


def test_a_hybrid_that_self_hosts_all_or_nothing_is_the_pure_option():
    opts = compare_all(scenario_from_preset("midmarket"))
    hybrids = [o for o in opts if o.kind == "hybrid"]
    assert hybrids and all(o.same_as == "per_token" for o in hybrids)
    assert all("self-hosts 0%" in o.fleet for o in hybrids)
    assert not any(o.kind == "hybrid" for o in candidates(opts))


def test_hybrid_pairs_with_the_cheapest_equal_quality_per_token_option():
    opts = {o.key: o for o in compare_all(scenario_from_preset("financial"))}
    cheapest_token = min((o for o in opts.values() if o.kind == "per_token" and o.quality_ok),
                         key=lambda o: o.monthly_usd)
    assert opts["hybrid_match"].partner == cheapest_token.model
    assert opts["hybrid"].partner == "gpt-4o"  # the named API's hybrid stays listed
    assert opts["hybrid_match"].monthly_usd <= cheapest_token.monthly_usd + 1e-6


@pytest.mark.parametrize("preset", ["startup", "midmarket", "financial"])
def test_best_split_draws_equals_the_hybrid_search(preset):
    s = scenario_from_preset(preset)
    h = optimise_hybrid(s, tables=False)
    b = best_split_draws(scenario_params(s), s.acquisition, s.rent_mode, s.load_profile)
    assert float(b["total_usd"][0]) == pytest.approx(h.hybrid_monthly_usd, rel=1e-12)
    assert int(b["k"][0]) == h.hybrid_replicas


@pytest.mark.parametrize("preset", ["startup", "midmarket", "financial"])
def test_monte_carlo_prices_each_option_as_the_deterministic_answer_at_base(preset):
    s = scenario_from_preset(preset)
    opts = {o.key: o for o in compare_all(s)}
    priced = priced_options(s, list(opts.values()))
    base = _costs(priced, lambda key, it: it.base, 1)[0]
    for po, usd in zip(priced, base, strict=True):
        o = opts[po.key]
        assert usd == (math.inf if o.same_as else pytest.approx(o.monthly_usd, rel=1e-12))


def test_p_cheapest_sums_to_one_and_repeats_with_the_seed():
    s = scenario_from_preset("financial")
    opts = compare_all(s)
    a = choice_monte_carlo(s, opts, draws=3000, seed=7)
    b = choice_monte_carlo(s, opts, draws=3000, seed=7)
    assert sum(a.p_cheapest.values()) == pytest.approx(1.0)
    assert a.p_cheapest == b.p_cheapest
    winners = a.samples.to_numpy().argmin(axis=1)
    assert a.p_cheapest[verdict(opts).key] == pytest.approx(
        np.mean(winners == list(a.p_cheapest).index(verdict(opts).key)))
    with pytest.raises(InvalidInputError, match="draws"):
        choice_monte_carlo(s, opts, draws=0)


def test_verdict_flips_name_inputs_that_change_the_cheapest():
    s = scenario_from_preset("financial")
    opts = compare_all(s)
    flips = verdict_flips(s, opts)
    v = verdict(opts)
    assert (flips["cheapest"] != v.key).all()
    assert (flips["monthly_usd"] < flips["verdict_monthly_usd"]).all()


def test_quality_floor_uses_lmarena_intervals():
    assert quality_check("llama-3.3-70b@groq", "llama-3.3-70b")[0] is True
    assert quality_check("gpt-4o-mini", "llama-3.3-70b")[0] is True
    assert quality_check("not-a-model", "llama-3.3-70b")[0] is None


def test_latency_of_per_token_options_from_dated_public_figures():
    s = scenario_from_preset("midmarket")  # >= 25 tokens/s per user, first token <= 1 s
    ok, note = latency_check("claude-sonnet-4-5", s)
    assert ok is False and "1.8 s against a target of 1 s" in note and "2025-11-24" in note
    assert latency_check("claude-sonnet-4-5", s.replace(slo_ttft_s=2.0))[0] is True
    ok, note = latency_check("gpt-4o", s)
    assert ok is None and "not checked" in note
    ok, note = latency_check("llama-3.3-70b@groq", s)
    assert ok is None and "time to first token not checked" in note
    assert latency_check("gpt-4o", s.replace(slo_tokens_per_user=math.nan,
                                             slo_ttft_s=math.nan)) == (None, "no latency target")


def test_a_shape_outside_the_measured_rows_is_extrapolated_with_a_warning(capsys):
    inside = scenario_from_preset("midmarket")
    assert inside.throughput_basis == "interpolated"
    far = scenario_from_preset("midmarket", input_tokens=60_000)
    assert far.throughput_basis == "extrapolated"
    assert "input 60,000 tokens is 3.0x the largest measured (20,000)" in (
        far.provenance["throughput_tok_s"].note)
    assert main(["breakeven", "--input-tokens", "60000"]) == 0
    out = capsys.readouterr().out
    assert "(extrapolated)" in out
    assert ("warning: throughput of llama-3.3-70b on h100-sxm is extrapolated beyond the "
            "measured request shapes (input 60,000 tokens is 3.0x the largest measured "
            "(20,000))") in out


def test_without_a_latency_target_nothing_counts_as_not_checked():
    opts = compare_all(scenario_from_preset("financial", slo_tokens_per_user=math.nan,
                                            slo_ttft_s=math.nan))
    hyb = {o.key: o for o in opts}["hybrid"]
    assert (hyb.latency_ok, hyb.latency_note) == (None, "no latency target")
    v = verdict(opts)
    assert v.not_checked == [] and "not checked" not in v.reason
