"""The answer boxes' sentences, from hand-made results."""

from __future__ import annotations

import math
from types import SimpleNamespace

from aipolicy.costs.compare.threeway import Option
from aipolicy.costs.uncertainty.choice import ChoiceResult
from aipolicy.nb import cost_answer as ca
from aipolicy.nb import market_answer as ma


def _opt(key, label, model, usd, be_tok=None, be_req=None, fleet=""):
    kind = "selfhost" if key in ("rent", "buy") else "per_token"
    return Option(key, label, model, usd, math.nan, "", fleet=fleet,
                  breakeven_requests_per_day=be_req, breakeven_tokens_per_day=be_tok,
                  kind=kind, quality_ok=True)


SCEN = SimpleNamespace(acquisition="rent", api_model="gpt-4o", open_model="llama-3.3-70b",
                       gpu="h100-sxm", gpus_per_replica=2, horizon_months=36,
                       workload=SimpleNamespace(requests_per_day=40_000, input_tokens=1500,
                                                output_tokens=400, tokens_per_day=76e6))
OPTIONS = [
    _opt("api", "API: gpt-4o", "gpt-4o", 10_290, 190.1e6, 100_058),
    _opt("api_match", "API: gpt-4o-mini", "gpt-4o-mini", 1_855),
    _opt("hosted", "hosted", "llama-3.3-70b@novita", 1_758),
    _opt("rent", "rent", "llama-3.3-70b", 23_762, fleet="2 replica(s)"),
    _opt("buy", "buy", "llama-3.3-70b", float("nan")),
]


def test_verdict_headline_names_the_gap_to_the_runner_up():
    from aipolicy.costs.compare.verdict import verdict

    text = ca.verdict_headline(verdict(OPTIONS))
    assert text == ("Cheapest at the quality floor and the latency target: hosted at 1,758 "
                    "USD/month, 97 USD/month (5%) less than the runner-up, API: gpt-4o-mini at "
                    "1,855 (decided by price).")


def test_breakeven_sentences_above_below_and_never():
    above = ca.breakeven_sentence(OPTIONS[0], SCEN)
    assert "breaks even from 190.1 M tokens/day (100,058 requests/day), 2.5x this volume" in above
    below = ca.breakeven_sentence(_opt("api", "x", "gpt-4o", 5.0, 38e6, 20_000), SCEN)
    assert "already cheaper at this volume, 2.0x the break-even" in below
    assert "never breaks even within 1,000x" in ca.breakeven_sentence(OPTIONS[1], SCEN)


def test_selfhost_sentence_compares_the_cheaper_fleet_with_the_cheapest_per_token_option():
    text = ca.selfhost_sentence(OPTIONS)  # the bought fleet has no price: left out
    assert "self-hosting on rented GPUs (2 replica(s))" in text
    assert f"{23_762 / 1_758:,.1f}x the cheapest per-token option" in text


def test_share_text_never_rounds_a_small_probability_to_zero():
    assert ca.share_text(0.001) == "0.1%" and ca.share_text(0.997) == "99.7%"
    assert ca.share_text(0.27) == "27%"


def test_build_vs_buy_answer_lists_every_api_break_even_and_the_probability():
    choice = ChoiceResult(p_cheapest={"hosted": 0.999, "api_match": 0.001}, percentiles=None,
                          samples=None, inputs=None, draws=20_000, seed=0)
    a = ca.build_vs_buy_answer(SCEN, "midmarket", "Mid-market", OPTIONS, choice)
    assert a.context.startswith("Preset midmarket (Mid-market): 40,000 requests/day of 1,500 "
                                "input + 400 output tokens (76.0 M tokens/day)")
    assert a.headline.startswith("Cheapest at the quality floor and the latency target: hosted")
    assert sum(p.startswith("Against ") for p in a.points) == 3
    assert ("Cheapest in 20,000 Monte Carlo draws of every option's uncertain inputs (ranges "
            "are assumptions, listed below): llama-3.3-70b hosted by novita (per token) in "
            "99.9%; gpt-4o-mini (cheapest per-token API rated at least as good) in 0.1%."
            ) in a.points
    assert a.points[-1] == "No single uncertain input at its low or high end changes the verdict."
    none = ca.build_vs_buy_answer(SCEN, "midmarket", "Mid-market", OPTIONS, None)
    assert "Monte Carlo skipped (draws = 0): no probability." in none.points


def test_hybrid_answer_caveats_a_huge_irr_and_says_capital_budgeting():
    hyb = SimpleNamespace(hybrid_replicas=8, selfhost_replicas=10, cheapest="hybrid",
                          selfhost_share_of_requests=0.997, hybrid_monthly_usd=71_972,
                          api_monthly_usd=247_692, selfhost_monthly_usd=78_084)
    inv = {"npv_usd": 2.3e6, "irr": 3.27, "payback_month": 7, "capex_usd": 921_900,
           "p_buy_cheaper": 1.0}
    a = ca.hybrid_investment_answer(SCEN, "financial", "Financial", hyb, inv, OPTIONS)
    assert "self-host 8 of 10 replicas (99.7% of requests)" in a.points[0]
    assert a.headline.startswith("Cheapest at the quality floor and the latency target: hosted")
    assert any("judge the project by its NPV" in p for p in a.points)
    assert "capital budgeting" in a.caveat
    no_buy = ca.hybrid_investment_answer(SCEN, "financial", "Financial", hyb, None, OPTIONS)
    assert no_buy.points[1:] == ["Buying the servers cannot be priced for this choice of GPU."]


def test_market_headlines():
    series = [{"series": "prices", "source": "csv (folder realdata)", "first": "2025-05-12",
               "last": "2026-05-11"}, {"series": "CPI", "source": "csv (folder realdata)",
                                       "first": "2016-01", "last": "2025-08"}]
    assert ma.data_context(series, "benchmark ^GSPC") == (
        "Data: csv (folder realdata); prices 2025-05-12 to 2026-05-11; CPI 2016-01 to 2025-08; "
        "benchmark ^GSPC. Stale: CPI ends 2025-08, 9 months before the prices (2026-05-11): its "
        "latest value is not a current reading.")
    # two months behind is the usual publication lag: not flagged
    fresh = [series[0], {**series[1], "last": "2026-03"}]
    assert "Stale" not in ma.data_context(fresh)
    assert ma.macro_lags([series[0], {**series[1], "last": "2026-02"}]) == [
        "CPI ends 2026-02, 3 months before the prices (2026-05-11): its latest value is not a "
        "current reading"]
    assert ma.claims_headline(["not supported", "supported", "cannot be checked with this data",
                               "supported"]) == (
        "Of 4 market claims in the seed documents: 2 supported, 1 not supported, 1 cannot be "
        "checked with this data.")
    assert ma.inflation_headline(None, "only 10 months of CPI") == (
        "No inflation figure: only 10 months of CPI.")
    hi = {"yoy": 0.0249, "month": "2026-09", "highest_in_months": 30, "highest_in_years": 2.5,
          "at_least": False}
    assert ma.inflation_headline(hi) == ("US CPI inflation was 2.49% a year in 2026-09, the "
                                         "highest in 30 months (2.5 years).")
    a = ma.stocks_answer({"infrastructure": 2.24, "platforms": math.nan, "^GSPC": 0.27},
                         "^GSPC", "2025-05-12", "2026-05-11", "ctx", [], synthetic=False)
    assert a.headline == ("From 2025-05-12 to 2026-05-11 the equal-weight infrastructure basket "
                          "returned +224.0%, against n/a for the platform basket and +27.0% for "
                          "^GSPC.")
    assert "survivorship" in a.caveat
    ipo = ma.ipo_answer(4, 0, 0, "^GSPC", "ctx", [], synthetic=True)
    assert ipo.headline.startswith("None of the 4 IPOs") and ipo.synthetic


def test_event_study_answer_gives_no_mean_below_twenty_events_and_names_the_confounders():
    import numpy as np
    import pandas as pd

    from aipolicy.nb import economics as ve
    from aipolicy.signals.price_cuts import price_cut_car

    rng = np.random.default_rng(0)
    idx = pd.bdate_range("2022-01-03", periods=600)
    r = pd.DataFrame({"M": rng.normal(0, 0.01, 600)}, idx)
    r["A"] = r["M"] + rng.normal(0, 0.004, 600)
    dates = [idx[20], idx[300], idx[400]]  # the first has no estimation window
    earnings = pd.DataFrame({"ticker": ["A"], "report_date": [idx[401]], "timing": ["bmo"]})
    spans = pd.DataFrame({"start": [idx[0]], "end": [idx[-1]], "tickers": [("A",)]})
    res = price_cut_car(r, "M", pd.DataFrame({"date": dates, "blended_change": -0.5}),
                        {"chips": ["A"]}, earnings=earnings, spans=spans)
    cars = ve.car_record(res)
    assert cars["chips"] == {"n_events": 2, "n_clean": 1, "inference": False, "car": None,
                             "t": None, "p_holm": None, "car_clean": None,
                             "note": "2 event(s): fewer than 20, no mean CAR"}
    head, points = ve.event_study_points(res, 3, cars)
    assert head.startswith("No inference is possible: 2 of 3 price event(s)")
    assert "no mean abnormal return is given" in head
    assert any("(A) fall in 1 of the 2 estimable window(s)" in p for p in points)
    assert any("1 event date(s) inside the data could not be estimated" in p for p in points)
