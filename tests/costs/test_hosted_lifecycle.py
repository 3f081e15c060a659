"""Hosted open weights (cheapest provider), retirement warnings, listings and the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from aipolicy.commands import main
from aipolicy.costs import catalog
from aipolicy.costs.catalog import hosted, lifecycle, listing
from aipolicy.costs.catalog.prices import api_price_genai
from aipolicy.costs.compare.presets import PRESETS
from aipolicy.errors import CatalogError


def test_usd_per_request_hand_worked():
    price = catalog.ApiPrice("m", 2.0, 8.0, 0.5, None, None, "standard", "s", "2026-01-01")
    # 1000 in (40% cached) + 100 out: 600 * 2 + 400 * 0.5 + 100 * 8 = 2,200 per 1e6
    assert hosted.usd_per_request(price, 1000, 100, 0.4) == pytest.approx(0.0022)
    nocache = catalog.ApiPrice("m", 2.0, 8.0, None, None, None, "standard", "s", "2026-01-01")
    assert hosted.usd_per_request(nocache, 1000, 100, 0.4) == pytest.approx(0.0028)


def test_hosted_options_sorted_by_cost_per_request_with_sources():
    table = hosted.hosted_options("llama-3.3-70b", input_tokens=1500, output_tokens=400)
    assert set(table["provider"]) >= {"groq", "together", "deepinfra", "aws", "cerebras"}
    assert table["usd_per_request"].is_monotonic_increasing
    assert table["source"].str.len().gt(0).all()
    assert table["as_of"].dropna().str.len().gt(0).all()  # None: genai-prices gives no date
    groq = table.set_index("provider").loc["groq"]
    assert groq["usd_per_request"] == pytest.approx((1500 * 0.59 + 400 * 0.79) / 1e6)
    assert groq["usd_per_mtok"] == pytest.approx(groq["usd_per_request"] / 1900 * 1e6)


def test_cheapest_provider_depends_on_the_request_shape():
    # output-heavy and input-heavy shapes can pick different providers; each is the minimum
    for shape in ((8000, 100), (100, 4000)):
        best = hosted.cheapest_hosted("gpt-oss-120b", input_tokens=shape[0],
                                      output_tokens=shape[1])
        table = hosted.hosted_options("gpt-oss-120b", input_tokens=shape[0],
                                      output_tokens=shape[1])
        assert best.model == table.iloc[0]["api_model"]
        assert hosted.usd_per_request(best, *shape) == pytest.approx(
            table["usd_per_request"].min())


def test_no_provider_for_a_model_is_a_clear_error():
    with pytest.raises(CatalogError, match="no hosting provider serves open model 'llama-2-7b'"):
        hosted.cheapest_hosted("llama-2-7b")


def test_overlay_rows_only_where_genai_prices_has_no_price_or_say_why():
    """A curated hosted row must not contradict genai-prices silently."""
    table = catalog.load_catalog("hosted_models")
    overlay = table[table["input_per_mtok_usd"].notna()]
    assert len(overlay) > 0
    for _, row in overlay.iterrows():
        try:
            theirs = api_price_genai(str(row["model_ref"]), str(row["provider"]))
        except CatalogError:
            continue  # genai-prices has no such provider/model: the overlay fills the gap
        same = (theirs.input_per_mtok_usd, theirs.output_per_mtok_usd) == (
            row["input_per_mtok_usd"], row["output_per_mtok_usd"])
        assert same or "differs from genai-prices" in row["note"], row.to_dict()


def test_mapped_hosted_rows_all_resolve_in_genai_prices():
    table = catalog.load_catalog("hosted_models")
    for _, row in table[table["input_per_mtok_usd"].isna()].iterrows():
        price = catalog.hosted_open_price(row["model"], row["provider"])
        assert price.input_per_mtok_usd >= 0 and price.source.startswith("genai-prices ")


TODAY = dt.date(2026, 11, 30)


def test_retired_model_warns_with_date_and_source():
    msg = lifecycle.retirement_warning("claude-sonnet-4", today=TODAY)
    assert "was retired by Anthropic on 2026-05-14" in msg and "BerriAI/litellm" in msg


def test_retirement_within_the_horizon_warns_and_beyond_it_does_not():
    early = dt.date(2025, 1, 1)
    msg = lifecycle.retirement_warning("gemini-2.0-flash", today=early, horizon_months=36)
    assert "retires on 2026-06-01, within the 36-month horizon" in msg
    assert lifecycle.retirement_warning("gemini-2.0-flash", today=early,
                                        horizon_months=6) is None


def test_current_models_and_hosted_open_weights_do_not_warn():
    assert lifecycle.retirement_warning("gpt-4o", today=TODAY) is None
    assert lifecycle.retirement_warning("llama-3.3-70b@groq", today=TODAY) is None


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_defaults_never_point_at_a_retired_model(name):
    model = PRESETS[name].build["api_model"]
    horizon = 36
    assert lifecycle.retirement_warning(model, today=dt.date.today(),
                                        horizon_months=horizon) is None


def test_model_table_lists_prices_quality_and_dates():
    table = listing.model_table()
    rows = table.set_index("name")
    assert (rows.loc["gpt-4o", ["quality", "quality_low", "quality_high"]].round().tolist()
            == [1284, 1279, 1288])
    assert rows.loc["llama-3.3-70b@deepinfra", "kind"] == "hosted open"
    assert not table["name"].duplicated().any()
    assert table["source"].str.len().gt(0).all()
    assert table["as_of"].dropna().str.len().gt(0).all()  # None: genai-prices gives no date


def test_cli_catalog_models_json_and_text(capsys):
    assert main(["catalog", "models", "--provider", "groq", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["name"] for r in rows} >= {"llama-3.3-70b@groq", "gpt-oss-120b@groq"}
    assert main(["catalog", "gpus"]) == 0
    out = capsys.readouterr().out
    assert "h100-sxm" in out and "bandwidth" in out
    assert main(["catalog", "providers"]) == 0
    assert "deepinfra" in capsys.readouterr().out


def test_cli_breakeven_names_price_source_and_warns_on_retired_model(capsys):
    assert main(["breakeven", "--api-model", "claude-sonnet-4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["api_price_source"].startswith("genai-prices ")
    assert out["price_snapshot"]["package_version"] and out["price_snapshot"]["origin"]
    assert any("retired" in w for w in out["warnings"])
    assert main(["breakeven", "--api-model", "claude-sonnet-4"]) == 0
    assert "warning: API model 'claude-sonnet-4' was retired" in capsys.readouterr().out


def test_cli_prices_show(capsys, tmp_path, monkeypatch):
    from aipolicy.costs.catalog import prices

    monkeypatch.setenv("AIPOLICY_CACHE_DIR", str(tmp_path))
    prices.forget()
    try:
        assert main(["prices", "show"]) == 0
        assert "bundled data" in capsys.readouterr().out
        assert main(["prices", "refresh", "--url", "http://127.0.0.1:9/none.json"]) == 2
        assert "cannot refresh prices" in capsys.readouterr().err
    finally:
        prices.forget()
