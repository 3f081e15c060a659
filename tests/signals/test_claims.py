from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aipolicy.errors import InvalidInputError
from aipolicy.signals import VERDICTS, check_claims, load_claims

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
CHIPS = ["NVDA", "AMD", "AVGO", "TSM", "MU", "ASML", "INTC", "ARM", "MRVL"]


def _prices(
    mu_peak=9.0, chips_growth=0.002, gspc_drop_at_end=False, start="2016-01-04", end="2026-10-30"
):
    idx = pd.bdate_range(start, end, name="Date")
    n = len(idx)
    t = np.arange(n)
    data = {c: 50 * (1 + chips_growth) ** t for c in CHIPS}
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
        gspc = np.where(idx >= pd.Timestamp("2026-01-01"), gspc * 0.8, gspc)
    data["^GSPC"] = gspc
    df = pd.DataFrame(data, idx)
    df.attrs = {"source": "test", "provenance": {"^GSPC": "hand-made index"}, "synthetic": True}
    return df


def _fred(apr_2026=0.045, higher_recent=False):
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
    df = pd.DataFrame({"CPIAUCSL": cpi})
    df.attrs = {"source": "FRED (hand-made)"}
    return df


def _ipos(proceeds=5.6e9):
    return pd.DataFrame(
        {
            "ticker": ["CBRS"],
            "company": ["Cerebras"],
            "first_trade_date": ["2026-05-14"],
            "proceeds_usd": [proceeds],
            "source": ["secondary news"],
            "as_of": ["2026-05-20"],
            "verified": [False],
        }
    )


def _by_id(table):
    return table.set_index("claim_id")


def test_shipped_claims_cover_the_seed_claims():
    ids = {c["id"] for c in load_claims()}
    assert {
        "micron_rally_700",
        "us_inflation_3y_high_apr_2026",
        "sp500_record_high",
        "cerebras_ipo_5_5b",
        "chips_beat_index_ai_bull_run",
    } <= ids


@pytest.mark.seeds
def test_claim_texts_quote_their_seed_document():
    docs = [p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")]
    for c in load_claims():
        assert c["source"].startswith("https://"), c["id"]  # the public article, not a file
        if c["id"] != "chips_beat_index_ai_bull_run":
            assert any(c["text"] in doc for doc in docs), c["id"]


def test_all_supported_on_data_that_supports_them():
    out = check_claims(_prices(), _fred(), _ipos())
    assert list(out.columns) == [
        "claim_id",
        "claim",
        "metric",
        "computed",
        "threshold",
        "verdict",
        "data_source",
        "as_of",
        "note",
    ]
    v = _by_id(out)
    assert (v["verdict"] == "supported").all(), v[["verdict", "note"]]
    assert v.loc["micron_rally_700", "computed"] == pytest.approx(8.0, rel=1e-6)
    assert v.loc["us_inflation_3y_high_apr_2026", "computed"] == 36
    assert v.loc["sp500_record_high", "computed"] == pytest.approx(1.0)
    assert v.loc["cerebras_ipo_5_5b", "data_source"] == "secondary news"
    assert v.loc["cerebras_ipo_5_5b", "as_of"] == "2026-05-20"
    assert v.loc["sp500_record_high", "data_source"] == "hand-made index"
    assert v.loc["micron_rally_700", "data_source"] == "test"
    assert v.loc["micron_rally_700", "as_of"] == "2026-05-29"
    assert v.loc["micron_rally_700", "note"].startswith("SYNTHETIC")


def test_not_supported_when_data_disagrees():
    out = _by_id(
        check_claims(
            _prices(mu_peak=5.0, chips_growth=-0.0003, gspc_drop_at_end=True),
            _fred(higher_recent=True),
            _ipos(4.0e9),
        )
    )
    assert set(out["verdict"]) == {"not supported"}, out[["verdict", "note"]]
    assert out.loc["us_inflation_3y_high_apr_2026", "computed"] == 19


def test_cannot_be_checked_when_data_does_not_cover_the_window():
    # MU rises only +200 % inside this partial window: a lower bound that cannot decide "700 %+"
    short = _prices(mu_peak=3.0, start="2025-06-02", end="2026-03-31")
    out = _by_id(check_claims(short, _fred().loc[:"2026-02-01"], None))
    assert set(out["verdict"]) == {"cannot be checked with this data"}
    assert np.isnan(out["computed"]).all()
    assert "starts 2025-06-02" in out.loc["micron_rally_700", "note"]
    assert "2026-04" in out.loc["us_inflation_3y_high_apr_2026", "note"]


def test_cannot_be_checked_when_ticker_or_series_missing():
    p = _prices().drop(columns=["MU", "^GSPC"])
    out = _by_id(
        check_claims(
            p,
            pd.DataFrame({"UNRATE": [4.0]}, pd.DatetimeIndex(["2026-01-01"])),
            _ipos().assign(ticker="XXX"),
        )
    )
    assert set(out["verdict"]) == {"cannot be checked with this data"}
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
    assert out["verdict"].iloc[0] == "not supported"
    assert set(out["verdict"]) <= set(VERDICTS)
    with pytest.raises(InvalidInputError, match="unknown metric"):
        check_claims(_prices(), claims=[dict(claim, metric="vibes")])
    with pytest.raises(InvalidInputError, match="lacks"):
        check_claims(_prices(), claims=[{"id": "y"}])


def _rally_claim(comparison: str, threshold: float) -> dict:
    return {
        "id": "mu",
        "text": "MU rallied",
        "source": "test",
        "metric": "max_rally",
        "assets": ["MU"],
        "window": {"start": "2025-01-01", "end": "2026-05-31"},
        "comparison": comparison,
        "threshold": threshold,
    }


def test_partial_window_rally_above_an_at_least_threshold_is_supported_as_a_lower_bound():
    # data from 2025-06-02 only: MU rises 10 -> 90 inside it (+800 %); the window's true
    # largest rally can only be larger, so "at least 200 %" is decided
    short = _prices(start="2025-06-02", end="2026-03-31")
    mu = short["MU"]
    row = check_claims(short, None, None, claims=[_rally_claim(">=", 2.0)]).iloc[0]
    assert row["verdict"] == "supported"
    assert row["computed"] == pytest.approx((mu / mu.cummin()).max() - 1)
    assert "lower bound" in row["note"] and "starts 2025-06-02" in row["note"]


def test_partial_window_decides_at_most_claims_only_when_it_refutes_them():
    short = _prices(start="2025-06-02", end="2026-03-31")
    refuted = check_claims(short, None, None, claims=[_rally_claim("<=", 1.0)]).iloc[0]
    assert refuted["verdict"] == "not supported"
    open_question = check_claims(short, None, None, claims=[_rally_claim("<=", 9.0)]).iloc[0]
    assert open_question["verdict"] == "cannot be checked with this data"
    assert np.isnan(open_question["computed"])
    assert "only a lower bound" in open_question["note"]
