"""The per-token side as a careful buyer sees it: every host genai-prices carries, hidden
reasoning tokens billed on both sides, ratings only for the exact model, open weights sold by
their maker labelled so, the token bill apart from the fixed overhead, every GPU usable."""

from __future__ import annotations

import json

import pytest

from aipolicy.commands import main
from aipolicy.costs import catalog, scenario_from_preset
from aipolicy.costs.catalog.api_prices import hosted_table, maker_of
from aipolicy.costs.catalog.hosted import cheapest_hosted, hosted_options
from aipolicy.costs.catalog.quality import at_least_as_good, maker_api_label, quality
from aipolicy.costs.compare.api import api_monthly
from aipolicy.costs.compare.eligibility import quality_check
from aipolicy.costs.compare.selfhost import replica_capacity_rps
from aipolicy.costs.compare.threeway import compare_all, with_api_model
from aipolicy.costs.compare.workload import DAYS_PER_MONTH

AS_OF = "2026-12-05"


def test_every_host_genai_prices_carries_is_a_candidate():
    found = hosted_table()
    gpt = found[found["model"] == "gpt-oss-120b"].set_index("provider")
    assert {"huggingface_novita", "novita", "quicksilverpro", "openrouter"} <= set(gpt.index)
    assert gpt.loc["novita", "origin"] == "genai-prices"
    assert gpt.loc["groq", "origin"] == "catalog"
    assert not found.duplicated(["model", "provider"]).any()


def test_a_match_under_another_models_name_is_not_a_host():
    found = hosted_table()
    # genai-prices prices the name deepseek-r1 as DeepSeek's deepseek-reasoner (newer weights)
    # and llama-3.1-405b as OpenRouter's base model: neither serves the catalog's weights
    assert found[(found["model"] == "deepseek-r1") & (found["provider"] == "deepseek")].empty
    assert found[(found["model"] == "llama-3.1-405b")
                 & (found["provider"] == "openrouter")].empty


def test_gpt_oss_120b_hosted_option_is_novita_or_cheaper():
    best = cheapest_hosted("gpt-oss-120b", input_tokens=1000, output_tokens=300, as_of=AS_OF)
    novita = catalog.hosted_open_price("gpt-oss-120b", "novita", as_of=AS_OF)
    assert (novita.input_per_mtok_usd, novita.output_per_mtok_usd) == (0.05, 0.25)
    per_req = (1000 * best.input_per_mtok_usd + 300 * best.output_per_mtok_usd) / 1e6
    assert per_req <= (1000 * 0.05 + 300 * 0.25) / 1e6


def test_at_equal_price_the_curated_host_comes_before_a_router():
    table = hosted_options("llama-3.3-70b", input_tokens=1500, output_tokens=400, as_of=AS_OF)
    top = table[table["usd_per_request"] == table["usd_per_request"].min()]
    assert top.iloc[0]["origin"] == "catalog"


def test_hidden_reasoning_tokens_are_billed_as_output_by_hand():
    base = scenario_from_preset("startup", api_model="grok-4-1-fast-reasoning")
    assert base.api_reasoning_tokens == 1000.0
    assert "aipolicy assumption" in base.provenance["api_reasoning_tokens"].source
    tokens = api_monthly(base).breakdown["tokens"]
    # 5,000 requests/day x 30.42 days x (800 x 0.20 + (250 + 1,000) x 0.50) / 1e6
    assert tokens == pytest.approx(5000 * DAYS_PER_MONTH * (800 * 0.2 + 1250 * 0.5) / 1e6)
    none = base.replace(api_reasoning_tokens=0.0)
    assert api_monthly(none).breakdown["tokens"] == pytest.approx(
        5000 * DAYS_PER_MONTH * (800 * 0.2 + 250 * 0.5) / 1e6)


def test_self_hosted_reasoning_model_generates_its_hidden_tokens_too():
    s = scenario_from_preset("midmarket", open_model="gpt-oss-120b", reasoning_tokens=600.0)
    p = {"throughput_tok_s": s.throughput_tok_s, "planning_utilization": 1.0,
         "slo_capacity_fraction": 1.0, "output_tokens": s.output_tokens,
         "reasoning_tokens": s.reasoning_tokens}
    assert replica_capacity_rps(p) == pytest.approx(s.throughput_tok_s / (400 + 600))
    # the override carries to the same weights hosted per token
    hosted = with_api_model(s, "gpt-oss-120b@novita")
    assert hosted.api_reasoning_tokens == 600.0
    assert with_api_model(s, "gpt-4o").api_reasoning_tokens == 0.0


def test_ratings_only_for_the_exact_model():
    for fast in ("grok-4-1-fast-reasoning", "grok-4-1-fast-non-reasoning"):
        assert quality(fast).label == "unrated"
        assert fast not in at_least_as_good("llama-3.3-70b")
        assert quality_check(fast, "llama-3.3-70b")[0] is None
    # Qwen3-235B-A22B as its hosts serve it, not the Instruct-2507 release
    assert quality("qwen3-235b-a22b").arena_key == "qwen3-235b-a22b"


def test_open_weights_sold_by_their_maker_are_labelled_so():
    assert maker_api_label("deepseek-v3.2") == "open weights, maker's API"
    assert maker_api_label("gpt-4o") == ""
    assert maker_of("gpt-oss-120b") == "openai" and maker_of("llama-3.3-70b") == "meta"
    opts = {o.key: o for o in compare_all(scenario_from_preset("startup"))}
    assert opts["api_match"].label == \
        "API: deepseek-v3.2 (open weights, maker's API; cheapest at least as good)"
    from aipolicy.costs.catalog.listing import model_table

    rows = model_table().set_index("name")
    assert rows.loc["deepseek-v3.2", "kind"] == "open weights (maker's API)"


def test_token_bill_and_fixed_overhead_are_shown_apart(capsys):
    opts = {o.key: o for o in compare_all(scenario_from_preset("startup"))}
    api = opts["api"]
    res = api_monthly(scenario_from_preset("startup"))
    assert api.fixed_usd == pytest.approx(res.breakdown["staff"]
                                          + res.breakdown["implementation"])
    tokens = 5000 * (800 + 250) * DAYS_PER_MONTH
    assert api.volume_usd_per_mtok == pytest.approx(res.breakdown["tokens"] / tokens * 1e6)
    assert api.volume_usd_per_mtok < 1.0 < api.usd_per_mtok  # 0.26, not 8.50 per 1M tokens
    assert main(["breakeven", "--preset", "startup", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    first = out["options"][0]
    assert first["fixed_usd"] == pytest.approx(api.fixed_usd)
    assert main(["breakeven", "--preset", "startup"]) == 0
    text = capsys.readouterr().out
    assert "fixed var/1M tok" in text and "fixed: the part of USD/month paid whatever" in text


@pytest.mark.parametrize("gpu", catalog.gpus())
def test_every_catalog_gpu_is_usable_without_overrides(gpu, capsys):
    assert main(["breakeven", "--preset", "startup", "--gpu", gpu]) == 0, capsys.readouterr()


def test_h100_pcie_runs_with_the_preset_and_a_bigger_replica_meets_the_target(capsys):
    assert main(["breakeven", "--gpu", "h100-pcie"]) == 0
    s = scenario_from_preset("midmarket", gpu="rtx-pro-6000")
    # one 96 GB card holds the weights but cannot serve 25 tokens/s per user: two can
    assert s.gpus_per_replica == 2
    assert "smallest tensor-parallel size" in s.provenance["gpus_per_replica"].note
