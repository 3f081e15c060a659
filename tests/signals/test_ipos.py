"""IPO coverage, the first-close guard and the one buy-and-hold computation behind
``ipo_bhar`` and ``ipo_paths``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aipolicy.signals import first_close, ipo_bhar, ipo_coverage, ipo_paths


def _listing():
    idx = pd.bdate_range("2024-01-01", periods=40, name="Date")
    new = np.r_[np.full(10, np.nan), 20 * 1.01 ** np.arange(30)]
    prices = pd.DataFrame({"NEW": new, "^GSPC": 100 * 1.001 ** np.arange(40)}, idx)
    ipos = pd.DataFrame({"ticker": ["NEW"], "first_trade_date": [idx[10]], "offer_price": [16.0]})
    return prices, ipos


def test_ipo_coverage_flags_data_that_starts_after_the_listing():
    idx = pd.bdate_range("2025-05-12", periods=30)
    prices = pd.DataFrame({"ARM": 100.0, "NEW": np.r_[[np.nan] * 5, np.full(25, 10.0)]}, index=idx)
    ipos = pd.DataFrame(
        {"ticker": ["ARM", "NEW"], "first_trade_date": pd.to_datetime(["2023-09-14", idx[5]])}
    )
    cov = ipo_coverage(prices, ipos)
    assert not cov.loc["ARM", "covered"] and "after the listing" in cov.loc["ARM", "note"]
    assert cov.loc["NEW", "covered"] and cov.loc["NEW", "in_calendar"]


def test_ipo_paths_equal_bhar_definition():
    idx = pd.bdate_range("2024-01-01", periods=10)
    prices = pd.DataFrame(
        {"X": np.r_[np.nan, np.linspace(10, 19, 9)], "B": np.linspace(100, 109, 10)}, index=idx
    )
    paths = ipo_paths(prices, {"X": idx[1]}, "B", 5)
    expected = (prices["X"].iloc[6] / prices["X"].iloc[1] - 1) - (
        prices["B"].iloc[6] / prices["B"].iloc[1] - 1
    )
    assert paths.loc[5, "X"] == pytest.approx(expected)
    assert paths.loc[0, "X"] == 0.0
    assert list(paths.index) == list(range(6)) and paths.index.name == "session"


def test_ipo_paths_at_the_horizons_are_ipo_bhar_exactly():
    prices, ipos = _listing()
    horizons = (5, 20, 29, 30)
    bhar = ipo_bhar(prices, ipos, "^GSPC", horizons=horizons)
    paths = ipo_paths(prices, ipos, "^GSPC", max(horizons))
    for h in horizons:
        a, b = paths.loc[h, "NEW"], bhar.loc["NEW", f"bhar_{h}"]
        assert (np.isnan(a) and np.isnan(b)) or a == b  # one computation: bit-identical
    assert np.isnan(paths.loc[30, "NEW"])  # past the data's end


def test_ipo_paths_apply_the_listing_date_guard():
    # data start 5 sessions after the listing: the first price is not the first close
    idx = pd.bdate_range("2024-01-08", periods=40, name="Date")
    prices = pd.DataFrame({"NEW": 20 * 1.01 ** np.arange(40), "^GSPC": 100.0 + np.arange(40)}, idx)
    paths = ipo_paths(prices, {"NEW": "2024-01-01"}, "^GSPC", 5)
    assert "NEW" not in paths.columns and len(paths) == 6
    d0, note = first_close(prices, "NEW", "2024-01-01")
    assert d0 is None and "not the first trade date 2024-01-01" in note


def test_first_close_is_the_listing_session():
    prices, ipos = _listing()
    assert first_close(prices, "NEW", ipos["first_trade_date"][0]) == (prices.index[10], "")
    assert first_close(prices, "GONE", prices.index[0])[1] == "GONE is not in the price data"
