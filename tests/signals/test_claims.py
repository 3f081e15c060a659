"""The claims check on hand-made data: every metric, every verdict.

Each hand-made path is built so the expected verdict follows from arithmetic on the path
itself; the numeric assertions recompute the metric independently (numpy/pandas on the same
path), never from the code's earlier output.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aipolicy.errors import InvalidInputError
from aipolicy.marketdata import universe
from aipolicy.signals import VERDICTS, check_claims, load_claims
from aipolicy.signals.claims import (
    CANNOT,
    CONSISTENT,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    VERDICT_MEANINGS,
    VERDICT_ORDER,
    price_tickers,
)

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
CHIPS = ["NVDA", "AMD", "AVGO", "TSM", "MU", "ASML", "INTC", "ARM", "MRVL"]
STOCKS = list(dict.fromkeys(universe.INFRA_TICKERS + universe.PLATFORM_TICKERS))
OTHERS = [t for t in STOCKS if t not in CHIPS]
SEED_IDS = {
    "micron_rally_700",
    "us_inflation_3y_high_apr_2026",
    "sp500_record_high",
    "sp500_fuelled_by_ai",
    "strong_jobs_market",
    "cerebras_ipo_5_5b",
    "chips_beat_index_ai_bull_run",
    "index_funds_often_win",
}


def _prices(
    mu_peak=9.0, chips_growth=0.002, gspc_drop_at_end=False, others_growth=0.0,
    chips_growth_2026=None, start="2016-01-04", end="2026-10-30",
):
    """Chips compound at ``chips_growth`` a session (``chips_growth_2026`` from 2026 on), the
    other stocks at ``others_growth``, ^GSPC at 0.04 % (a new high every session, unless
    ``gspc_drop_at_end``: 20 % lower from December 2025 on)."""
    idx = pd.bdate_range(start, end, name="Date")
    n = len(idx)
    t = np.arange(n)
    rate = np.full(n, chips_growth)
    if chips_growth_2026 is not None:
        rate[idx >= pd.Timestamp("2026-01-01")] = chips_growth_2026
    chips = 50 * np.cumprod(np.r_[1.0, 1 + rate[1:]])
    data = {c: chips.copy() for c in CHIPS}
    data.update({c: 80 * (1 + others_growth) ** t for c in OTHERS})
    # MU: falls to 10 at 2025-04-08, then rises linearly to 10 * mu_peak by 2026-05-29
    mu = pd.Series(np.nan, idx)
    low, high = pd.Timestamp("2025-04-08"), pd.Timestamp("2026-05-29")
    mu[:low] = np.linspace(40, 10, len(mu[:low]))
    after = mu[low:high].index
    mu[after] = np.linspace(10, 10 * mu_peak, len(after))
    mu[high:] = 10 * mu_peak
    data["MU"] = mu.to_numpy()
    data["ARM"] = np.where(idx >= pd.Timestamp("2023-09-14"), data["ARM"], np.nan)
    gspc = 2000 * 1.0004**t
    if gspc_drop_at_end:
        gspc = np.where(idx >= pd.Timestamp("2025-12-01"), gspc * 0.8, gspc)
    data["^GSPC"] = gspc
    df = pd.DataFrame(data, idx)
    df.attrs = {"source": "test", "provenance": {"^GSPC": "hand-made index"}, "synthetic": True}
    return df


def _fred(apr_2026=0.045, higher_recent=False, payroll_gain=150.0, unrate_change=-0.2):
    """CPI from a YoY path; payrolls growing ``payroll_gain`` thousand a month; the
    unemployment rate moving linearly by ``unrate_change`` pp a year."""
    months = pd.date_range("2019-01-01", "2026-06-01", freq="MS", name="Date")
    yoy = pd.Series(0.025, months)
    yoy["2023-04-01"] = 0.05
    yoy["2026-04-01"] = apr_2026
    if higher_recent:
        yoy["2024-09-01"] = 0.06
    cpi = pd.Series(np.nan, months)
    cpi.iloc[:12] = 100 * 1.002 ** np.arange(12)
    for i in range(12, len(months)):
        cpi.iloc[i] = cpi.iloc[i - 12] * (1 + yoy.iloc[i])
    k = np.arange(len(months))
    df = pd.DataFrame({"CPIAUCSL": cpi, "PAYEMS": 150_000 + payroll_gain * k,
                       "UNRATE": 4.0 + unrate_change * k / 12}, index=months)
    df.attrs = {"source": "FRED (hand-made)"}
    return df


def _ipos(proceeds=5.6e9, source="secondary news", shares=None, offer=None):
    return pd.DataFrame(
        {
            "ticker": ["CBRS"],
            "company": ["Cerebras"],
            "pricing_date": ["2026-05-13"],
            "first_trade_date": ["2026-05-14"],
            "offer_price": [offer],
            "shares": [shares],
            "proceeds_usd": [proceeds],
            "source": [source],
            "as_of": ["2026-05-20"],
            "verified": [False],
        }
    )


def _by_id(table):
    return table.set_index("claim_id")


def _claim(metric, assets, window, comparison=">", threshold=1.0, **extra):
    return {"id": "x", "text": "t", "source": "test", "metric": metric, "assets": assets,
            "window": window, "comparison": comparison, "threshold": threshold, **extra}


# --------------------------------------------------------------------------- the claims file
def test_shipped_claims_cover_the_seed_claims():
    claims = {c["id"]: c for c in load_claims()}
    assert SEED_IDS <= set(claims)
    # "universe" stands for the project's stocks, read from one place
    assert claims["index_funds_often_win"]["assets"] == STOCKS
    # the basket claim uses the seed's "2026 AI stock bull run", not a window of our choosing
    assert claims["chips_beat_index_ai_bull_run"]["window"]["start"] == "2026-01-01"


@pytest.mark.seeds
def test_claim_texts_quote_their_seed_document():
    docs = [p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")]
    for c in load_claims():
        assert c["source"].startswith("https://"), c["id"]  # the public article, not a file
        if c["id"] != "chips_beat_index_ai_bull_run":
            assert any(c["text"] in doc for doc in docs), c["id"]


def test_verdict_vocabulary_has_a_meaning_for_each_verdict():
    assert set(VERDICTS) == set(VERDICT_ORDER) == set(VERDICT_MEANINGS)
    assert VERDICTS[:3] == (SUPPORTED, NOT_SUPPORTED, CANNOT)  # first-release positions
    assert {PARTLY, CONSISTENT} <= set(VERDICTS)
    assert all(len(m) > 30 for m in VERDICT_MEANINGS.values())


def test_price_tickers_lists_assets_and_benchmarks_of_price_claims():
    tickers = price_tickers()
    assert "MU" in tickers and "^GSPC" in tickers and set(STOCKS) <= set(tickers)
    assert "CPIAUCSL" not in tickers and "CBRS" not in tickers
    assert len(tickers) == len(set(tickers))


# --------------------------------------------------------------------------- whole table
def test_all_supported_on_data_that_supports_them():
    out = check_claims(_prices(), _fred(), _ipos(source="final prospectus (424B4)"))
    assert list(out.columns) == [
        "claim_id", "claim", "metric", "computed", "threshold", "verdict", "window",
        "data_source", "as_of", "note", "robustness", "robust",
    ]
    v = _by_id(out)
    # a cause and active funds' net returns: no market data decides them
    expected = dict.fromkeys(SEED_IDS, SUPPORTED) | {"sp500_fuelled_by_ai": CANNOT,
                                                      "index_funds_often_win": CANNOT}
    assert v["verdict"].to_dict() == expected, v[["verdict", "note"]]
    assert v.loc["micron_rally_700", "computed"] == pytest.approx(8.0, rel=1e-6)
    assert v.loc["us_inflation_3y_high_apr_2026", "computed"] == 36
    assert v.loc["cerebras_ipo_5_5b", "data_source"] == "final prospectus (424B4)"
    assert v.loc["cerebras_ipo_5_5b", "as_of"] == "2026-05-20"
    assert v.loc["sp500_record_high", "data_source"].startswith("hand-made index")
    assert v.loc["micron_rally_700", "data_source"] == "test"
    assert v.loc["micron_rally_700", "as_of"] == "2026-05-29"
    assert v.loc["micron_rally_700", "note"].startswith("SYNTHETIC")
    assert v.loc["strong_jobs_market", "computed"] == pytest.approx(150.0)
    assert (v["window"].str.len() > 0).all() and (v["data_source"].str.len() > 0).all()


def test_not_supported_when_data_disagrees():
    out = _by_id(
        check_claims(
            # chips rise over the decade but fall in 2026; the other stocks outgrow the index
            _prices(mu_peak=5.0, chips_growth_2026=-0.0003, gspc_drop_at_end=True,
                    others_growth=0.0005),
            _fred(higher_recent=True, payroll_gain=40.0, unrate_change=0.5),
            _ipos(4.0e9, source="final prospectus (424B4)"),
        )
    )
    assert set(out.drop(index=["sp500_fuelled_by_ai", "index_funds_often_win"])["verdict"]
               ) == {NOT_SUPPORTED}, out[["verdict", "note"]]
    assert out.loc["us_inflation_3y_high_apr_2026", "computed"] == 19


def test_cannot_be_checked_when_data_does_not_cover_the_window():
    # MU rises only +200 % inside this partial window: a lower bound that cannot decide "700 %+"
    short = _prices(mu_peak=3.0, start="2025-06-02", end="2026-03-31")
    out = _by_id(check_claims(short, _fred().loc[:"2026-02-01"], None))
    assert set(out["verdict"]) == {CANNOT}, out[["verdict", "note"]]
    assert np.isnan(out["computed"]).all()
    assert "starts 2025-06-02" in out.loc["micron_rally_700", "note"]
    assert "2026-04" in out.loc["us_inflation_3y_high_apr_2026", "note"]
    # every "cannot" says what data would decide it
    assert out["note"].str.contains("Would decide it").all()


def test_cannot_be_checked_when_ticker_or_series_missing():
    p = _prices().drop(columns=["MU", "^GSPC"])
    out = _by_id(
        check_claims(
            p,
            pd.DataFrame({"UNRATE": [4.0]}, pd.DatetimeIndex(["2026-01-01"])),
            _ipos().assign(ticker="XXX"),
        )
    )
    assert set(out["verdict"]) == {CANNOT}
    assert "MU" in out.loc["micron_rally_700", "note"]


def test_custom_claim_and_validation():
    claim = {
        "id": "x",
        "text": "MU rallied",
        "source": "test",
        "metric": "max_rally",
        "assets": "MU",
        "window": {"start": "2025-01-01", "end": "latest"},
        "comparison": ">",
        "threshold": 100.0,
    }
    out = check_claims(_prices(), claims=[claim])
    assert out["verdict"].iloc[0] == NOT_SUPPORTED
    assert set(out["verdict"]) <= set(VERDICTS)
    with pytest.raises(InvalidInputError, match="unknown metric"):
        check_claims(_prices(), claims=[dict(claim, metric="vibes")])
    with pytest.raises(InvalidInputError, match="lacks"):
        check_claims(_prices(), claims=[{"id": "y"}])


# --------------------------------------------------------------------------- max_rally
def _rally_claim(comparison: str, threshold: float) -> dict:
    return _claim("max_rally", ["MU"], {"start": "2025-01-01", "end": "2026-05-31"},
                  comparison, threshold)


def test_partial_window_rally_above_an_at_least_threshold_is_supported_as_a_lower_bound():
    # data from 2025-06-02 only: MU rises 10 -> 90 inside it (+800 %); the window's true
    # largest rally can only be larger, so "at least 200 %" is decided
    short = _prices(start="2025-06-02", end="2026-03-31")
    mu = short["MU"]
    row = check_claims(short, None, None, claims=[_rally_claim(">=", 2.0)]).iloc[0]
    assert row["verdict"] == SUPPORTED
    assert row["computed"] == pytest.approx((mu / mu.cummin()).max() - 1)
    assert "lower bound" in row["note"] and "starts 2025-06-02" in row["note"]
    assert "lower bound" in row["window"]


def test_partial_window_decides_at_most_claims_only_when_it_refutes_them():
    short = _prices(start="2025-06-02", end="2026-03-31")
    refuted = check_claims(short, None, None, claims=[_rally_claim("<=", 1.0)]).iloc[0]
    assert refuted["verdict"] == NOT_SUPPORTED
    open_question = check_claims(short, None, None, claims=[_rally_claim("<=", 9.0)]).iloc[0]
    assert open_question["verdict"] == CANNOT
    assert np.isnan(open_question["computed"])
    assert "only a lower bound" in open_question["note"]


# --------------------------------------------------------------------------- record_high
def _index(levels: dict[str, float], start: str, end: str, ticker="^GSPC") -> pd.DataFrame:
    """A daily index path through the given (date -> level) knots, linear in between."""
    idx = pd.bdate_range(start, end, name="Date")
    knots = pd.Series(levels, dtype=float)
    knots.index = pd.to_datetime(knots.index)
    s = knots.reindex(idx.union(knots.index)).interpolate("time").reindex(idx)
    df = s.to_frame(ticker)
    df.attrs = {"source": "hand-made"}
    return df


RECORD = _claim("record_high", ["^GSPC"], {"start": "2026-04-01", "end": "2026-05-31"})


def test_record_in_a_short_file_is_supported_by_the_sourced_prior_record():
    # a one-year file (as ../shared/realdata): starts 2025-05-12, ends 2026-05-11, before the
    # window's end; the curated record 6,144.15 (2025-02-19) stood on its first day
    px = _index({"2025-05-12": 5800, "2026-01-27": 6900, "2026-03-30": 6500, "2026-05-11": 7400},
                "2025-05-12", "2026-05-11")
    row = check_claims(px, claims=[RECORD]).iloc[0]
    before = max(px["^GSPC"].loc[:"2026-03-31"].max(), 6144.15)
    assert row["verdict"] == SUPPORTED
    assert row["computed"] == pytest.approx(7400 / before)
    assert "6,144.15 on 2025-02-19" in row["note"] and "partial window" in row["note"]
    assert "swissinfo" in row["data_source"]


def test_a_high_of_the_file_below_the_sourced_prior_record_is_not_a_record():
    # every window close is above all earlier closes of the file, yet below 6,144.15: a record
    # within the file, not an all-time high
    px = _index({"2025-05-12": 5000, "2026-06-30": 6000}, "2025-05-12", "2026-06-30")
    row = check_claims(px, claims=[RECORD]).iloc[0]
    w = px["^GSPC"].loc["2026-04-01":"2026-05-31"]
    assert row["verdict"] == NOT_SUPPORTED
    assert row["computed"] == pytest.approx(w.max() / 6144.15)
    assert w.max() >= px["^GSPC"].loc[:"2026-03-31"].max()


def test_without_a_sourced_record_a_short_file_cannot_confirm_a_record():
    # the file starts 2025-08-01, after the last curated record stopped standing (2025-06-26)
    px = _index({"2025-08-01": 6200, "2026-06-30": 7000}, "2025-08-01", "2026-06-30")
    row = check_claims(px, claims=[RECORD]).iloc[0]
    assert row["verdict"] == CANNOT and np.isnan(row["computed"])
    assert "only a lower bound on the all-time high" in row["note"]
    assert "Would decide it" in row["note"] and "index_records.yaml" in row["note"]


def test_without_a_sourced_record_a_window_below_an_earlier_close_is_not_a_record():
    # the data's own high is a lower bound on the all-time high: a window below it holds none
    px = _index({"2025-08-01": 6200, "2026-01-15": 7000, "2026-06-30": 6600},
                "2025-08-01", "2026-06-30")
    row = check_claims(px, claims=[RECORD]).iloc[0]
    w = px["^GSPC"].loc["2026-04-01":"2026-05-31"]
    assert row["verdict"] == NOT_SUPPORTED
    assert row["computed"] == pytest.approx(w.max() / 7000)


def test_a_partial_window_without_a_record_seen_cannot_be_checked():
    # the sourced record applies, but the window runs past the data and no close in the part
    # covered beats the all-time high: the rest of May could still hold one
    px = _index({"2025-05-12": 5800, "2026-01-27": 6900, "2026-05-11": 6800},
                "2025-05-12", "2026-05-11")
    row = check_claims(px, claims=[RECORD]).iloc[0]
    assert row["verdict"] == CANNOT
    assert "Would decide it" in row["note"]


def test_record_check_on_long_data_uses_the_data_own_history():
    px = _prices()
    row = check_claims(px, claims=[RECORD]).iloc[0]
    g = px["^GSPC"]
    assert row["verdict"] == SUPPORTED
    assert row["computed"] == pytest.approx(g.loc[:"2026-05-31"].max() / g.loc[:"2026-03-31"].max())


def test_index_records_table_is_sourced_and_bounds_the_right_dates():
    from aipolicy.signals.index_records import load_index_records, record_standing_before

    recs = load_index_records()
    assert recs and all(r.url.startswith("https://") and r.source and r.as_of for r in recs)
    assert all(r.standing_through >= r.record_date for r in recs)
    # 6,144.15 stood 2025-02-19 to 2025-06-26: it bounds files starting up to 2025-06-27
    assert record_standing_before("^GSPC", "2025-05-12").record_close == 6144.15
    assert record_standing_before("^GSPC", "2025-06-27").record_close == 6144.15
    assert record_standing_before("^GSPC", "2025-06-30") is None
    # the earliest record still standing is the tightest bound
    assert record_standing_before("^GSPC", "2016-01-04").record_close == 4796.56
    assert record_standing_before("^IXIC", "2025-05-12") is None


# --------------------------------------------------------------------------- ipo_proceeds
IPO = _claim("ipo_proceeds", ["CBRS"], {"as_of": "2026-05-14"}, "approx", 5.5e9,
             tolerance=2.75e8)


def test_ipo_proceeds_from_secondary_reports_is_at_best_consistent_with_them():
    row = check_claims(None, None, _ipos(5.6e9, "virtuesig.com [secondary]", 30e6, 185.0),
                       claims=[IPO]).iloc[0]
    assert row["verdict"] == CONSISTENT
    assert row["computed"] == pytest.approx(30e6 * 185.0)  # offer x shares, not the 5.6B
    assert "secondary reports" in row["note"] and "424B4" in row["note"]


def test_ipo_proceeds_from_the_prospectus_is_supported_and_a_miss_is_not():
    ok = check_claims(None, None, _ipos(5.6e9, "final prospectus (424B4)"), claims=[IPO])
    assert ok["verdict"].iloc[0] == SUPPORTED and ok["computed"].iloc[0] == 5.6e9
    miss = check_claims(None, None, _ipos(4.0e9, "a news site"), claims=[IPO])
    assert miss["verdict"].iloc[0] == NOT_SUPPORTED


# --------------------------------------------------------------------------- basket
def test_basket_outperformance_counts_from_the_last_close_before_the_window():
    idx = pd.bdate_range("2025-12-01", "2026-05-29", name="Date")
    px = pd.DataFrame(100.0, idx, ["A", "B", "^GSPC"])
    px.loc["2026-01-02":, "A"] = 150.0  # +50 % on the first session of 2026
    px.loc["2026-03-02":, "B"] = 110.0
    px.loc["2026-01-02":, "^GSPC"] = 105.0
    claim = _claim("basket_outperformance", ["A", "B"],
                   {"start": "2026-01-01", "end": "2026-05-14"}, ">", 0.0, benchmark="^GSPC")
    row = check_claims(px, claims=[claim]).iloc[0]
    # equal weight from the 2025-12-31 close; rebalanced at January's end: A +50 % in January
    # (basket +25 %), then half in B from February: B +10 % in March -> 1.25 * 1.05
    assert row["computed"] == pytest.approx(1.25 * 1.05 - 1 - 0.05)
    assert row["verdict"] == SUPPORTED
    assert "2025-12-31 close" in row["window"]


# --------------------------------------------------------------------------- jobs_market
JOBS = _claim("jobs_market", ["PAYEMS", "UNRATE"], {"as_of": "2026-04"}, ">=", 100,
              payroll_months=3, unemployment_rise_max=0.0)


@pytest.mark.parametrize(
    ("gain", "change", "expected", "words"),
    [
        (150.0, -0.2, SUPPORTED, "pass"),
        (150.0, +0.3, PARTLY, "holds for payrolls; fails for unemployment"),
        (40.0, -0.2, PARTLY, "holds for unemployment; fails for payrolls"),
        (40.0, +0.3, NOT_SUPPORTED, "fail"),
    ],
)
def test_jobs_market_in_two_parts(gain, change, expected, words):
    fred = _fred(payroll_gain=gain, unrate_change=change)
    row = check_claims(None, fred, claims=[JOBS]).iloc[0]
    assert row["verdict"] == expected
    p = fred["PAYEMS"]
    assert row["computed"] == pytest.approx((p["2026-04-01"] - p["2026-01-01"]) / 3)
    assert words in row["note"]
    assert row["as_of"] == "2026-04-01"


def test_jobs_market_with_one_series_missing_or_none():
    fred = _fred(payroll_gain=150.0)
    partly = check_claims(None, fred.drop(columns="UNRATE"), claims=[JOBS]).iloc[0]
    assert partly["verdict"] == PARTLY and "UNRATE" in partly["note"]
    weak = check_claims(None, _fred(payroll_gain=40.0).drop(columns="UNRATE"),
                        claims=[JOBS]).iloc[0]
    assert weak["verdict"] == NOT_SUPPORTED
    none = check_claims(None, fred[["CPIAUCSL"]], claims=[JOBS]).iloc[0]
    assert none["verdict"] == CANNOT and "Would decide it: FRED PAYEMS and UNRATE" in none["note"]
    short = check_claims(None, fred.loc[:"2026-02-01"], claims=[JOBS]).iloc[0]
    assert short["verdict"] == CANNOT and "not 2026-01 to 2026-04" in short["note"]


# --------------------------------------------------------------------------- index_vs_picks
def _picks_prices(n=260):
    idx = pd.bdate_range("2025-01-02", periods=n, name="Date")
    t = np.arange(n) / (n - 1)
    ends = {"S1": 1.30, "S2": 1.05, "S3": 0.90, "S4": 1.20, "S5": 1.098, "^GSPC": 1.10}
    px = pd.DataFrame({k: 100 * v**t for k, v in ends.items()}, idx)
    px["LATE"] = np.where(np.arange(n) >= 100, 50.0, np.nan)  # lists later: left out
    px.attrs = {"source": "hand-made"}
    return px


PASSIVE = _claim("index_vs_picks", ["S1", "S2", "S3", "S4", "S5", "LATE", "GONE"],
                 {"start": "earliest", "end": "latest"}, ">=", 0.5, benchmark="^GSPC",
                 active_cost_annual=0.01, min_sessions=250, min_stocks=5)


def test_index_vs_picks_share_of_stocks_behind_the_index_after_costs():
    px = _picks_prices()
    row = check_claims(px, claims=[PASSIVE]).iloc[0]
    years = (len(px) - 1) / 252
    net = px[["S1", "S2", "S3", "S4", "S5"]].iloc[-1] / 100 * 0.99**years - 1
    idx = px["^GSPC"].iloc[-1] / 100 - 1
    # S5 (+9.8 %) is behind the index (+10 %) before costs; S2, S3 too: 3 of 5
    assert row["computed"] == pytest.approx((net < idx).mean()) == pytest.approx(0.6)
    assert row["verdict"] == SUPPORTED
    assert "3 of 5 stocks" in row["note"] and "LATE, GONE" in row["note"]
    # a large enough cost turns S4 (+20 %) too: with 12 % a year, 4 of 5 trail
    costly = check_claims(px, claims=[dict(PASSIVE, active_cost_annual=0.12)]).iloc[0]
    assert costly["computed"] == pytest.approx(0.8)
    # without costs, a 0.8 threshold is not met
    strict = check_claims(px, claims=[dict(PASSIVE, threshold=0.8)]).iloc[0]
    assert strict["verdict"] == NOT_SUPPORTED


def test_index_vs_picks_needs_a_year_and_enough_stocks():
    short = check_claims(_picks_prices(120), claims=[PASSIVE]).iloc[0]
    assert short["verdict"] == CANNOT and "needs 250" in short["note"]
    few = check_claims(_picks_prices(), claims=[dict(PASSIVE, min_stocks=6)]).iloc[0]
    assert few["verdict"] == CANNOT and "only 5 stocks" in few["note"]


def test_index_funds_often_win_is_about_active_funds_and_names_spiva():
    # data on which every pick trails the index: still no verdict, the claim is about funds
    claim = next(c for c in load_claims() if c["id"] == "index_funds_often_win")
    px = _picks_prices().rename(columns=dict(zip(["S1", "S2", "S3", "S4", "S5"],
                                                 STOCKS[:5], strict=True)))
    row = check_claims(px, claims=[claim]).iloc[0]
    assert row["verdict"] == CANNOT and np.isnan(row["computed"])
    assert "active" in row["note"] and "SPIVA" in row["note"]
    assert "spglobal.com/spdji" in row["note"]
    # the picks' share is shown as context, not as the test: S2, S3, S5 trail after 0.65 %
    assert "for context only" in row["note"] and "3 of 5 stocks" in row["note"]
    assert row["robustness"] == "no verdict to test" and row["robust"] is None


# --------------------------------------------------------------------------- robustness
def test_a_rally_that_needs_its_last_bar_is_flagged_fragile():
    # MU rises 10 -> 80.5 (+705 %) with its last close: without it the rally is below 700 %
    idx = pd.bdate_range("2024-12-02", "2026-06-30", name="Date")
    mu = pd.Series(np.linspace(40, 10, len(idx)), idx)
    rise = idx[(idx >= "2025-06-02") & (idx <= "2026-05-28")]
    mu[rise] = np.linspace(10, 75, len(rise))
    mu["2026-05-29"] = 80.5
    mu[idx > pd.Timestamp("2026-05-29")] = 60.0
    px = pd.DataFrame({"MU": mu})
    row = check_claims(px, claims=[_rally_claim(">=", 7.0)]).iloc[0]
    assert row["verdict"] == SUPPORTED and row["computed"] == pytest.approx(7.05)
    assert row["robust"] is False
    assert row["robustness"].startswith("FRAGILE, the verdict changes in 1 of 1 variants")
    assert "without the last bar used (2026-05-29): +650.0%, not supported" in row["robustness"]
    steady = check_claims(px, claims=[_rally_claim(">=", 5.0)]).iloc[0]
    assert steady["robust"] is True and steady["robustness"].startswith("holds")


def test_basket_robustness_uses_the_sector_index_and_a_basket_never_rebalanced():
    idx = pd.bdate_range("2025-12-01", "2026-05-29", name="Date")
    px = pd.DataFrame(100.0, idx, ["A", "B", "^GSPC", "^SOX"])
    px.loc["2026-01-02":, "A"] = 150.0
    px.loc["2026-03-02":, "B"] = 110.0
    px.loc["2026-01-02":, "^GSPC"] = 105.0
    px.loc["2026-02-02":, "^SOX"] = 103.0  # the sector index trails the index: +3 % vs +5 %
    claim = _claim("basket_outperformance", ["A", "B"],
                   {"start": "2026-01-01", "end": "2026-05-14"}, ">", 0.0, benchmark="^GSPC",
                   sector_index="^SOX")
    row = check_claims(px, claims=[claim]).iloc[0]
    assert row["verdict"] == SUPPORTED and row["robust"] is False
    # the sector by its index: +3 % - 5 %; bought and held: (1.5 + 1.1) / 2 - 1 - 5 %
    assert "against the sector index (^SOX) instead of the basket: -2.0%, not supported" in \
        row["robustness"]
    assert f"equal weight without rebalancing: {(1.5 + 1.1) / 2 - 1 - 0.05:+.1%}, supported" \
        in row["robustness"]
    assert "without the last bar used (2026-05-14)" in row["robustness"]
    assert "^SOX" in price_tickers([claim])


def test_monthly_and_curated_claims_say_no_variant_applies():
    out = _by_id(check_claims(_prices(), _fred(), _ipos(source="final prospectus (424B4)")))
    assert out.loc["strong_jobs_market", "robustness"].startswith("no variant applies")
    assert out.loc["cerebras_ipo_5_5b", "robust"] is None
    assert out.loc["sp500_record_high", "robust"] is True


# --------------------------------------------------------------------------- attribution
def test_attribution_is_never_checked_and_says_what_would_decide_it():
    claim = next(c for c in load_claims() if c["id"] == "sp500_fuelled_by_ai")
    row = check_claims(_prices(), claims=[claim]).iloc[0]
    assert row["verdict"] == CANNOT
    assert "causal attribution" in row["note"] and "constituents' weights" in row["note"]
    assert row["data_source"]  # the data at hand, which cannot test it
