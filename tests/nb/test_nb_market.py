"""Unit tests of aipolicy.nb.market and aipolicy.signals.scorecard (fast, sample data)."""

from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import numpy as np
import pandas as pd
import pytest

from aipolicy.errors import InvalidInputError
from aipolicy.nb import market as vm
from aipolicy.nb.format import fmt_pct, fmt_usd, percent_table

BASE = dict(
    data_source="sample",
    start="2023-01-02",
    end="2024-12-31",
    benchmark="^GSPC",
    infra_tickers=["NVDA", "AMD"],
    platform_tickers="MSFT, GOOGL",
    rf_annual="0.04",
)


def params(**changes):
    return vm.validate_market_params(**{**BASE, **changes})


def test_validate_parses_papermill_strings():
    p = params()
    assert p.start == pd.Timestamp("2023-01-02") and p.end == pd.Timestamp("2024-12-31")
    assert p.platform_tickers == ["MSFT", "GOOGL"]
    assert p.rf_annual == pytest.approx(0.04)
    assert p.tickers == ["NVDA", "AMD", "MSFT", "GOOGL"]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"data_source": "bogus"}, "'data_source'"),
        ({"start": "not-a-date"}, "'start'"),
        ({"start": "2025-01-01"}, "'start'"),  # after end
        ({"benchmark": ["^GSPC", "^IXIC"]}, "'benchmark'"),
        ({"rf_annual": 4}, "'rf_annual'"),  # percent instead of a fraction
        ({"data_source": "csv", "data_dir": None}, "'data_dir'"),
        ({"infra_tickers": []}, "'infra_tickers'"),
    ],
)
def test_validate_errors_name_the_parameter(change, named):
    with pytest.raises(InvalidInputError, match=named):
        params(**change)


def test_load_drops_unknown_tickers_and_reports_them():
    p = params(infra_tickers=["NVDA", "NOPE"])
    px = vm.load_market_prices(p)
    assert list(px.columns) == ["NVDA", "MSFT", "GOOGL", "^GSPC"]
    assert px.attrs["missing"] == ["NOPE"]
    assert px.index[0] >= p.start and px.index[-1] <= p.end


def test_ticker_without_prices_in_the_window_is_reported_missing():
    # CBRS lists in May 2026: no price in 2023-2024
    px = vm.load_market_prices(params(infra_tickers=["NVDA", "CBRS"]))
    assert "CBRS" not in px.columns and "CBRS" in px.attrs["missing"]


def test_missing_benchmark_fails_naming_the_parameter():
    with pytest.raises(InvalidInputError, match="'benchmark'"):
        vm.load_market_prices(params(benchmark="NOPE"))


def test_cpi_high_summary_against_hand_computation():
    idx = pd.date_range("2020-01-01", periods=40, freq="MS")
    # YoY path: rising to month 30, then lower, then a final value above months 33-38 only
    levels = 100 * np.cumprod(np.r_[1.0, np.full(39, 1.002)])
    levels[30] *= 1.02  # a spike 9 months before the end (YoY high then)
    levels[39] *= 1.01
    cpi = pd.Series(levels, index=idx)
    yoy = cpi / cpi.shift(12) - 1
    out = vm.cpi_high_summary(cpi, years=1)
    assert out["yoy"] == pytest.approx(yoy.iloc[-1])
    earlier = yoy.iloc[:-1].dropna()
    last_higher = earlier[earlier >= yoy.iloc[-1]].index[-1]
    months = (idx[-1].year - last_higher.year) * 12 + idx[-1].month - last_higher.month
    assert out["months_since_higher"] == months
    assert out["highest_in_years"] == pytest.approx(round(months / 12, 2))
    assert out["at_least"] is False


def test_ipo_coverage_flags_data_that_starts_after_the_listing():
    idx = pd.bdate_range("2025-05-12", periods=30)
    prices = pd.DataFrame({"ARM": 100.0, "NEW": np.r_[[np.nan] * 5, np.full(25, 10.0)]}, index=idx)
    ipos = pd.DataFrame(
        {"ticker": ["ARM", "NEW"], "first_trade_date": pd.to_datetime(["2023-09-14", idx[5]])}
    )
    cov = vm.ipo_coverage(prices, ipos)
    assert not cov.loc["ARM", "covered"] and "after the listing" in cov.loc["ARM", "note"]
    assert cov.loc["NEW", "covered"] and cov.loc["NEW", "in_calendar"]


def test_ipo_paths_equal_bhar_definition():
    idx = pd.bdate_range("2024-01-01", periods=10)
    prices = pd.DataFrame(
        {"X": np.r_[np.nan, np.linspace(10, 19, 9)], "B": np.linspace(100, 109, 10)}, index=idx
    )
    paths = vm.ipo_paths(prices, {"X": idx[1]}, "B", 5)
    expected = (prices["X"].iloc[6] / prices["X"].iloc[1] - 1) - (
        prices["B"].iloc[6] / prices["B"].iloc[1] - 1
    )
    assert paths.loc[5, "X"] == pytest.approx(expected)
    assert paths.loc[0, "X"] == 0.0


def test_percent_table_scales_renames_and_avoids_negative_zero():
    t = pd.DataFrame({"ret": [0.12345, -0.00001], "beta": [1.23456, 0.5]})
    out = percent_table(t, ["ret"])
    assert list(out.columns) == ["ret (%)", "beta"]
    assert out["ret (%)"].tolist() == [12.3, 0.0]
    assert str(out["ret (%)"].iloc[1]) == "0.0"
    assert out["beta"].iloc[0] == 1.23


def test_fmt_helpers():
    assert fmt_pct(0.1234) == "+12.3%"
    assert fmt_pct(float("nan")) == "n/a"
    assert fmt_usd(-4572.3) == "-$4,572"


def test_plots_carry_a_source_line():
    import matplotlib.pyplot as plt

    frame = pd.DataFrame({"a": [1.0, 2.0]}, index=pd.date_range("2024-01-01", periods=2))
    ax = vm.plot_lines(frame, title="t", ylabel="USD", source="test data", synthetic=True)
    texts = [t.get_text() for t in ax.figure.texts]
    assert any("SAMPLE DATA" in t and "test data" in t for t in texts)
    plt.close("all")


def test_breakeven_rises_when_api_prices_fall():
    from aipolicy.costs import scenario_from_preset
    from aipolicy.signals.scorecard import breakeven_trends

    econ = breakeven_trends(scenario_from_preset("midmarket"), years=1)
    t = econ["breakeven_tokens_per_day"]
    assert t["today"] < t["api price cut"] < t["LLMflation"]
    assert econ.loc["api price cut", "api_price_factor"] == pytest.approx(0.7)


def test_basket_scorecard_counts_signals_from_its_columns():
    from aipolicy.marketdata import load_fred
    from aipolicy.signals.scorecard import basket_scorecard

    p = params(start="2019-01-02", end="2025-12-31")
    px = vm.load_market_prices(p)
    cpi = load_fred("CPIAUCSL", source="sample")["CPIAUCSL"]
    card = basket_scorecard(
        px,
        {"chips": ["NVDA", "AMD", "NOPE"], "platforms": ["MSFT"]},
        "^GSPC",
        cpi=cpi,
        rf_annual=0.04,
    )
    assert list(card.index) == ["chips", "platforms"]
    assert card.loc["chips", "members"] == "NVDA,AMD"
    for _, row in card.iterrows():
        vals = [row["mom_12_1"], row["mom_3"], row["rs_change_3m"]]
        assert row["signals_positive"] == sum(v > 0 for v in vals)
        assert row["inflation_months"] >= 24 and np.isfinite(row["inflation_beta"])
    # platforms = MSFT alone: its 3-month momentum is MSFT's own
    msft = px["MSFT"]
    assert card.loc["platforms", "mom_3"] == pytest.approx(msft.iloc[-1] / msft.iloc[-64] - 1)
