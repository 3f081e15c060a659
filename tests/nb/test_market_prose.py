"""The market pages' sentences: the claims' verdicts and details, strategy and input names."""

from __future__ import annotations

import pandas as pd

from aipolicy.nb.answer import Gaps
from aipolicy.nb.economics import input_name
from aipolicy.nb.views import claims_table as ct
from aipolicy.nb.views import market_tables as mt
from aipolicy.signals.claim_base import SYNTHETIC_NOTE, VERDICT_ORDER


def _checked():
    return pd.DataFrame([
        {"claim": "Micron's 700%+ rally", "verdict": "not supported",
         "window": "2025-01-01 to 2026-05-31", "note": SYNTHETIC_NOTE + "MU low 70.50",
         "robustness": "holds in every variant", "data_source": "aipolicy synthetic sample",
         "as_of": "2026-05-29", "document": "https://example.com/a.html"},
        {"claim": "Cerebras raising $5.5B", "verdict": "consistent with secondary reports",
         "window": "IPO priced 2026-05-13", "note": "CBRS proceeds", "robustness": "none",
         "data_source": "virtuesig.com", "as_of": None, "document": "https://example.com/a.html"},
    ])


def test_claim_details_name_each_claim_by_its_text_without_the_synthetic_prefix():
    text = ct.claim_details(_checked()).to_text()
    assert text.splitlines()[:3] == ["Not supported: Micron's 700%+ rally",
                                     "    window: 2025-01-01 to 2026-05-31",
                                     "    note: MU low 70.50"]
    assert "SYNTHETIC sample data" not in text and "as of n/a" in text
    assert text.endswith("In all: 1 consistent with secondary reports, 1 not supported.")
    assert "<pre" not in ct.claim_details(_checked()).to_html()


def test_verdict_meanings_list_the_five_verdicts_strongest_first():
    lines = ct.verdict_meanings().to_text().splitlines()
    assert lines[0] == "What each verdict means:"
    assert [line.split(":")[0] for line in lines[1:]] == list(VERDICT_ORDER)


def test_strategies_and_demand_inputs_are_named_in_words():
    assert mt.strategy_name("equal_weight") == "equal-weight basket"
    assert mt.strategy_name("momentum_rotation") == "momentum rotation"
    assert mt.strategy_name("some_rule") == "some rule"
    pva = pd.DataFrame({"sharpe": [0.6, 0.7]}, index=["index", "momentum_rotation"])
    assert list(mt.passive_active_view(pva).frame.index) == ["the index", "momentum rotation"]
    assert input_name("efficiency_gain_annual") == "tokens per GPU, gain (a year)"
    assert input_name("elasticity, growth_annual") == ("price elasticity of demand, volume "
                                                       "growth at constant prices (a year)")
    assert input_name("") == ""


def test_gaps_show_one_paragraph_per_skipped_analysis(capsys):
    gaps = Gaps(display=False)
    gaps.show()
    assert capsys.readouterr().out == "Every analysis ran: nothing was skipped for lack of data.\n"
    gaps.skip("rolling beta", "needs 126 sessions")
    gaps.skip("12-1 momentum", "covers 5.0 months")
    gaps.show()
    assert capsys.readouterr().out.splitlines() == ["Skipped: rolling beta: needs 126 sessions",
                                                    "Skipped: 12-1 momentum: covers 5.0 months"]


def test_the_synthetic_warning_shows_only_on_the_sample():
    assert "mean nothing about real markets" in ct.synthetic_warning(True).to_text()
    assert ct.synthetic_warning(False).blocks == ()


def test_a_sourced_real_first_close_never_shares_the_column_with_synthetic_ones_unlabelled():
    from aipolicy.nb.views import ipo_tables

    bhar = pd.DataFrame({"first_close_date": pd.to_datetime(["2023-09-14", "2026-05-14"]),
                         "first_close": [52.70, 311.07], "first_day_return": [0.033, 0.681]},
                        index=pd.Index(["ARM", "CBRS"], name="ticker"))
    ipos = pd.DataFrame({"ticker": ["ARM", "CBRS"], "source": ["BBC", "virtuesig.com"]})
    basis = ipo_tables.first_close_basis(bhar, ipos, synthetic=True)
    assert basis == {"ARM": "synthetic", "CBRS": "real: curated table (virtuesig.com)"}
    view = ipo_tables.bhar_view(bhar, basis=basis)
    assert list(view.frame["first close is"]) == ["synthetic",
                                                  "real: curated table (virtuesig.com)"]
    assert "every later price and every other close are synthetic" in view.footnote
    # real data: every close is the data's own, no column, no note
    assert ipo_tables.first_close_basis(bhar, ipos, synthetic=False) is None
    plain = ipo_tables.bhar_view(bhar, basis=None)
    assert "first close is" not in plain.frame.columns and not plain.footnote


def test_the_price_events_table_is_narrow_enough_for_a_page():
    from aipolicy.nb.economics import events_view

    events = pd.DataFrame({"date": pd.to_datetime(["2023-11-06"]), "provider": ["openai"],
                           "model": ["openai/gpt-4-turbo"], "event_kind": ["cheaper flagship"],
                           "input_before": [30.0], "input_after": [10.0],
                           "output_before": [60.0], "output_after": [None],
                           "blended_change": [-0.6], "n_changes": [1], "origin": ["curated"],
                           "source": ["OpenAI https://openai.com/x"]})
    t = events_view(events, clustered=True)
    assert list(t.frame.columns) == [
        "date", "model", "kind", "input price (USD per 1M tokens, before → after)",
        "output price (USD per 1M tokens, before → after)", "blended price change (%)",
        "announcements", "dated by", "source"]
    assert t.frame.iloc[0, 3] == "$30.00 → $10.00" and t.frame.iloc[0, 4] == "$60.00 → —"
