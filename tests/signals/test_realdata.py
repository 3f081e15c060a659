"""Cross-checks on real public data (skipped when ../shared/realdata is absent)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aipolicy.signals import capm, check_claims, cpi_yoy, performance_table, simple_returns

REAL = Path(__file__).resolve().parents[3] / "shared" / "realdata"
pytestmark = pytest.mark.realdata


def _close(name: str) -> pd.Series:
    df = pd.read_csv(REAL / f"{name}.csv", parse_dates=["Date"], index_col="Date")
    return df["Close"].rename(name)


def test_real_nvda_beta_matches_numpy_and_performance_table():
    prices = pd.concat([_close("NVDA"), _close("GSPC")], axis=1)
    prices.index.name = "Date"
    t = performance_table(prices, "GSPC")
    r = prices.pct_change().dropna()
    beta = np.cov(r["NVDA"], r["GSPC"])[0, 1] / r["GSPC"].var()
    assert t.loc["NVDA", "beta"] == pytest.approx(beta)
    assert capm(
        simple_returns(prices)["NVDA"], simple_returns(prices)["GSPC"]
    ).beta == pytest.approx(beta)
    assert t.loc["GSPC", "total_return"] == pytest.approx(
        prices["GSPC"].iloc[-1] / prices["GSPC"].iloc[0] - 1
    )


def test_real_cpi_yoy_and_claims_on_one_year_of_prices():
    cpi = pd.read_csv(
        REAL / "CPIAUCSL.csv", parse_dates=["observation_date"], index_col="observation_date"
    )["CPIAUCSL"]
    cpi.index.name = "Date"
    yoy = cpi_yoy(cpi)
    assert yoy.loc["2022-06-01"] == pytest.approx(cpi.loc["2022-06-01"] / cpi.loc["2021-06-01"] - 1)
    assert 0.08 < yoy.loc["2022-06-01"] < 0.10
    prices = pd.concat([_close("MU"), _close("GSPC").rename("^GSPC")], axis=1)
    prices.index.name = "Date"
    out = check_claims(prices, pd.DataFrame({"CPIAUCSL": cpi}), None).set_index("claim_id")
    # MU closed at 92.07 on 2025-05-12 and 795.33 on 2026-05-11 (+764 %): a rally inside part
    # of the claim's window is a lower bound on the window's largest rally, so it decides
    # "700 %+"; the other claims need history or months these files do not hold
    mu = _close("MU")
    assert out.loc["micron_rally_700", "verdict"] == "supported"
    assert out.loc["micron_rally_700", "computed"] == pytest.approx((mu / mu.cummin()).max() - 1)
    assert "lower bound" in out.loc["micron_rally_700", "note"]
    assert out.loc["sp500_record_high", "verdict"] == "supported"
    others = out.drop(index=["micron_rally_700", "sp500_record_high"])
    assert set(others["verdict"]) == {"cannot be checked with this data"}
