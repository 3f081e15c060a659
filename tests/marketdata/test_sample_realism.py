"""Statistical self-check: the synthetic sample keeps the properties the issue asks for."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aipolicy.marketdata import load_fred, load_prices, universe
from aipolicy.marketdata.synthetic import GROUPS


@pytest.fixture(scope="module")
def returns() -> pd.DataFrame:
    return np.log(load_prices(list(universe.SAMPLE_TICKERS), source="sample")).diff()


def _vol(r: pd.Series) -> float:
    return float(r.dropna().std() * np.sqrt(252))


def _beta(r: pd.Series, m: pd.Series) -> float:
    both = pd.concat([r, m], axis=1, sort=True).dropna()
    return float(np.cov(both.iloc[:, 0], both.iloc[:, 1])[0, 1] / both.iloc[:, 1].var())


RANGES = {"broad index": (0.15, 0.20), "large semiconductor": (0.30, 0.45),
          "volatile chip / AI infrastructure": (0.50, 0.65)}  # fmt: skip


@pytest.mark.parametrize("ticker", [t for t in universe.SAMPLE_TICKERS if GROUPS[t] in RANGES])
def test_annualised_volatility_in_range(returns, ticker):
    lo, hi = RANGES[GROUPS[ticker]]
    assert lo <= _vol(returns[ticker]) <= hi


@pytest.mark.parametrize("ticker", universe.SAMPLE_TICKERS)
def test_beta_to_sp500_in_range(returns, ticker):
    group = GROUPS[ticker]
    if group == "platform":
        lo, hi = 0.8, 1.5
    elif group in (
        "large semiconductor",
        "volatile chip / AI infrastructure",
        "semiconductor index",
    ):
        lo, hi = 1.5, 2.6
    else:
        lo, hi = 0.9, 1.3
    if returns[ticker].notna().sum() < 250:  # CBRS: five months of history
        lo, hi = lo - 0.4, hi + 0.4
    assert lo <= _beta(returns[ticker], returns["^GSPC"]) <= hi


def test_fat_tails_and_volatility_clustering(returns):
    r = returns["^GSPC"].dropna()
    assert r.kurt() > 3  # normal: 0
    a = r.abs()
    assert a.autocorr(1) > 0.1  # |r| autocorrelation: volatility clusters
    semis = returns[["NVDA", "AMD", "AVGO", "MU"]].dropna()
    assert semis.corr().to_numpy()[np.triu_indices(4, 1)].min() > 0.5  # common semi factor


def test_cpi_yoy_realistic():
    cpi = load_fred(["CPIAUCSL", "CPILFESL"], source="sample").dropna(how="all")
    yoy = cpi["CPIAUCSL"].dropna().pct_change(12).dropna() * 100
    assert 0.0 <= yoy.min() and yoy.max() <= 9.2
    assert yoy.loc["2016":"2019"].max() < 3.5 and yoy.loc["2022"].max() > 7.5
    assert yoy.loc["2026"].iloc[-1] > yoy.loc["2025"].min()  # some pickup in 2026
    mom = cpi["CPIAUCSL"].dropna().pct_change().dropna() * 100
    assert mom.abs().max() < 1.5


def test_macro_paths_plausible():
    f = load_fred(["UNRATE", "FEDFUNDS", "DGS10", "PAYEMS"], source="sample")
    assert f["UNRATE"].max() > 12 and f["UNRATE"].min() > 3
    assert (
        f["FEDFUNDS"].loc["2023-09":"2024-06"].min() > 5 and f["FEDFUNDS"].loc["2021"].max() < 0.3
    )
    assert 0.3 <= f["DGS10"].min() and f["DGS10"].max() < 6
    p = f["PAYEMS"].dropna()
    assert p.diff().min() < -15000  # April 2020
