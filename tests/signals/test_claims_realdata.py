"""The claims table on one year of real public prices (skipped without ../shared/realdata).

The files hold 2025-05-12 to 2026-05-11 of daily closes and CPI to 2025-08, no payrolls and no
unemployment rate. Expected verdicts, with the arithmetic behind them recomputed here from the
files themselves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aipolicy.marketdata import load_fred, load_ipos, load_prices
from aipolicy.signals import check_claims
from aipolicy.signals.claims import price_tickers

REAL = Path(__file__).resolve().parents[3] / "shared" / "realdata"
pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def table():
    px = load_prices(price_tickers(), None, source="csv", data_dir=REAL, missing="drop")
    fred = load_fred(["CPIAUCSL", "PAYEMS", "UNRATE"], None, source="csv", data_dir=REAL,
                     missing="drop")
    out = check_claims(px, fred, load_ipos(source="csv")).set_index("claim_id")
    return out, px


def test_real_data_verdicts_are_the_analyst_verdicts(table):
    out, _ = table
    assert out["verdict"].to_dict() == {
        "micron_rally_700": "supported",
        "us_inflation_3y_high_apr_2026": "cannot be checked with this data",
        "sp500_record_high": "supported",
        "sp500_fuelled_by_ai": "cannot be checked with this data",
        "strong_jobs_market": "cannot be checked with this data",
        "cerebras_ipo_5_5b": "consistent with secondary reports",
        "chips_beat_index_ai_bull_run": "supported",
        "index_funds_often_win": "cannot be checked with this data",
    }
    assert "CPIAUCSL" in out.loc["us_inflation_3y_high_apr_2026", "note"]
    assert "2025-08" in out.loc["us_inflation_3y_high_apr_2026", "note"]
    assert "PAYEMS is not in the data" in out.loc["strong_jobs_market", "note"]
    # each claim is dated by its own series: no payrolls, no date (not the CPI's 2025-08)
    assert out.loc["strong_jobs_market", "as_of"] == ""
    assert out.loc["us_inflation_3y_high_apr_2026", "as_of"] == "2025-08-01"
    # the Micron rally reaches 700 % only on the last complete session: fragile
    assert out.loc["micron_rally_700", "robust"] is False
    assert out.loc["cerebras_ipo_5_5b", "computed"] == pytest.approx(30e6 * 185)


def test_real_sp500_record_is_decided_by_the_prior_record(table):
    out, px = table
    g = px["^GSPC"].dropna()
    row = out.loc["sp500_record_high"]
    # the file's last bar (2026-05-11) is an intraday snapshot, left out: 7,398.93 on
    # 2026-05-08 is above every earlier close of the file and above the record that stood when
    # the file starts (6,144.15 on 2025-02-19)
    assert "2026-05-11" not in g.index and px.attrs["as_of"] == "2026-05-08"
    assert g.loc["2026-05-08"] == pytest.approx(7398.93)
    assert g.loc["2026-05-08"] == g.max() and g.max() > 6144.15
    assert row["computed"] == pytest.approx(
        g.loc["2026-04-01":].max() / max(g.loc[:"2026-03-31"].max(), 6144.15))
    assert "6,144.15 on 2025-02-19" in row["note"] and "swissinfo" in row["data_source"]


def test_real_chips_beat_the_index_over_2026_to_date(table):
    out, px = table
    row = out.loc["chips_beat_index_ai_bull_run"]
    g = px["^GSPC"].dropna()
    bench = g.iloc[-1] / g.loc["2025-12-31"] - 1
    assert bench == pytest.approx(7398.93 / 6845.5 - 1)  # the 2026-05-08 and 2025-12-31 closes
    assert f"^GSPC {bench:+.1%}" in row["note"] and "2025-12-31 close" in row["window"]
    assert row["computed"] > 0.8 and row["robust"] is True


def test_real_index_funds_claim_names_spiva_and_gives_the_picks_as_context(table):
    out, px = table
    row = out.loc["index_funds_often_win"]
    from aipolicy.marketdata import universe

    stocks = dict.fromkeys(universe.INFRA_TICKERS + universe.PLATFORM_TICKERS)
    held = [t for t in stocks if t in px.columns and px[t].iloc[[0, -1]].notna().all()]
    assert len(held) == 15 and "ANET" not in held  # ANET is not in the files
    g = px["^GSPC"].dropna()
    years = (len(g) - 1) / 252
    net = px[held].loc[g.index[-1]] / px[held].iloc[0] * (1 - 0.0065) ** years - 1
    trail = int((net < g.iloc[-1] / g.iloc[0] - 1).sum())
    assert row["verdict"] == "cannot be checked with this data"
    assert f"{trail} of 15 stocks" in row["note"] and "SPIVA" in row["note"]


def test_real_verdicts_carry_their_robustness_line(table):
    out, _ = table
    chips = out.loc["chips_beat_index_ai_bull_run", "robustness"]
    assert "^SOX" in chips and "equal weight without rebalancing" in chips
    assert "without the last bar used" in out.loc["micron_rally_700", "robustness"]
