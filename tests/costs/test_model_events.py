"""The curated model events: sourced, dated, cuts only, pooled with genai-prices' cuts; and the
earnings table that screens their windows covers every one of them."""

from __future__ import annotations

import pandas as pd
import pytest

from aipolicy.costs.catalog.files import load_catalog
from aipolicy.costs.economics.model_events import KINDS, model_events, pooled_events
from aipolicy.costs.economics.price_events import blended, price_change_events
from aipolicy.errors import CatalogError


def test_every_event_is_a_sourced_dated_cut_from_2023_on():
    ev = model_events()
    raw = load_catalog("model_events")
    assert len(ev) == len(raw) >= 20
    assert (ev["date"] >= pd.Timestamp("2023-01-01")).all()
    assert raw["source"].str.contains("https://").all()
    assert raw["source"].str.contains(r"\[(?:primary|secondary)\]").all()
    assert (ev["blended_change"] < 0).all() and set(ev["event_kind"]) <= set(KINDS)
    assert raw["as_of"].notna().all()


def test_the_repricings_named_in_the_issue_are_dated_by_their_announcements():
    ev = model_events().set_index("model")
    gpt5 = ev.loc["gpt-5"]
    assert gpt5["date"] == pd.Timestamp("2025-08-07")
    assert (gpt5["input_after"], gpt5["output_after"]) == (1.25, 10)
    opus = ev.loc["claude-opus-4-5"]
    assert (
        opus["input_before"],
        opus["output_before"],
        opus["input_after"],
        opus["output_after"],
    ) == (15, 75, 5, 25)
    assert opus["blended_change"] == pytest.approx(blended(5, 25) / blended(15, 75) - 1)
    assert ev.loc["deepseek-r1", "date"] == pd.Timestamp("2025-01-20")
    assert ev.loc["gpt-4o-mini", "date"] == pd.Timestamp("2024-07-18")
    assert ev.loc["deepseek-v3", "date"] == pd.Timestamp("2024-12-26")
    o3 = ev[ev.index == "o3"].set_index("date")
    assert o3.loc[pd.Timestamp("2025-06-10"), "blended_change"] == pytest.approx(-0.8)


def test_pooled_events_cluster_within_a_week_and_say_where_each_date_comes_from():
    cuts = price_change_events(flagship_only=True, min_change=0.1, kind="cut", end="2025-12-31")
    pooled = pooled_events(cuts).set_index("date")
    # o3's cut is in both sources: one event, dated by both
    assert pooled.loc[pd.Timestamp("2025-06-10"), "origin"] == "curated + genai-prices"
    assert pooled.loc[pd.Timestamp("2025-06-10"), "model"] == "openai/o3"
    # GPT-4.1 (04-14) and o3 (04-16) are one event; 09-19 and 09-29 are ten days apart: two
    assert pooled.loc[pd.Timestamp("2025-04-14"), "n_changes"] == 2
    assert {pd.Timestamp("2025-09-19"), pd.Timestamp("2025-09-29")} <= set(pooled.index)
    gaps = pd.Series(pooled.index).diff().dt.days.dropna()
    assert (gaps > 7).all()


def test_a_row_that_is_not_a_cut_is_refused(tmp_path, monkeypatch):
    from aipolicy.costs.catalog import files

    src = files.CATALOG_DIR / "model_events.csv"
    text = src.read_text().replace(
        "gpt-5,cheaper flagship,1.25,10,", "gpt-5,cheaper flagship,9,90,"
    )
    for name in files.CATALOG_FILES.values():
        (tmp_path / name).write_text((files.CATALOG_DIR / name).read_text())
    (tmp_path / "model_events.csv").write_text(text)
    monkeypatch.setattr(
        "aipolicy.costs.economics.model_events.load_catalog",
        lambda name: files.load_catalog(name, tmp_path),
    )
    with pytest.raises(CatalogError, match="line 19: gpt-5 .* is not cheaper than gpt-4o"):
        model_events()


def test_the_earnings_table_covers_the_window_of_every_curated_event():
    from aipolicy.marketdata.earnings import load_earnings, screened_spans
    from aipolicy.signals.price_cuts import screen_earnings

    sessions = pd.bdate_range("2023-06-01", "2026-06-30")
    pooled = pooled_events(
        price_change_events(flagship_only=True, min_change=0.1, kind="cut", end="2026-05-31")
    )
    out = screen_earnings(sessions, pooled["date"], load_earnings(), screened_spans())
    assert (out["status"] != "not screened").all(), out
    table = out.set_index("event_date")
    # GPT-4o's launch week held no report of a screened company; GPT-5's followed AMD's,
    # Supermicro's and Arista's reports of 2025-08-05 after the close
    assert table.loc[pd.Timestamp("2024-05-13"), "status"] == "clean"
    assert "AMD 2025-08-05 amc" in table.loc[pd.Timestamp("2025-08-07"), "confounders"]
    earnings = load_earnings()
    assert earnings["source"].str.contains("https://").all()
