"""Unit tests of aipolicy.nb.market, aipolicy.signals.scorecard and aipolicy.costs.economics.trends
(fast, sample data)."""

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


def test_ticker_lists_left_at_none_are_the_universe():
    from aipolicy.marketdata import universe

    p = params(infra_tickers=None, platform_tickers="None")
    assert p.infra_tickers == list(universe.INFRA_TICKERS)
    assert p.platform_tickers == list(universe.PLATFORM_TICKERS)
    assert vm.default_tickers("ipo_tickers", None) == list(universe.IPO_TICKERS)
    assert vm.default_tickers("ipo_tickers", "ARM, alab") == ["ARM", "ALAB"]
    with pytest.raises(InvalidInputError, match="'peers'"):
        vm.default_tickers("peers", None)


def test_loaded_frames_carry_provenance_through_the_column_filter():
    from aipolicy.marketdata.provenance import ATTR_KEYS, Provenance

    px = vm.load_market_prices(params(infra_tickers=["NVDA", "NOPE"]))
    assert tuple(px.attrs) == ATTR_KEYS
    prov = Provenance.from_attrs(px.attrs)
    assert prov.synthetic and prov.source == "sample" and prov.missing == ("NOPE",)
    assert prov.requested == ("NVDA", "NOPE", "MSFT", "GOOGL", "^GSPC")


def test_fred_that_cannot_be_loaded_gives_an_empty_frame_with_provenance():
    fred = vm.load_market_fred(params(), ["NOSUCHSERIES"])
    assert fred.empty and fred.attrs["missing"] == ["NOSUCHSERIES"]
    assert fred.attrs["synthetic"] is True
    assert fred.attrs["provenance"].startswith("FRED series not available")


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
    from aipolicy.costs.economics.trends import breakeven_trends

    econ = breakeven_trends(scenario_from_preset("midmarket"), years=1)
    t = econ["breakeven_tokens_per_day"]
    assert t["today"] < t["api price cut"]
    # a tenfold yearly price fall pushes the break-even further up, or out of reach (NaN)
    assert not t["LLMflation"] <= t["api price cut"]
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
