"""One smoke test on the package's own sample data, when the market-data layer exists."""

from __future__ import annotations

import pytest

from aipolicy.signals import VERDICTS, check_claims, performance_table


def test_sample_data_flows_through_performance_and_claims():
    md = pytest.importorskip("aipolicy.marketdata")
    try:
        prices = md.load_prices(
            ["NVDA", "AMD", "AVGO", "TSM", "MU", "ASML", "INTC", "ARM", "MRVL", "^GSPC"],
            source="sample",
        )
        fred = md.load_fred(["CPIAUCSL"], source="sample")
        ipos = md.load_ipos(source="sample")
    except Exception as exc:  # sample not generated, or the loaders changed
        pytest.skip(f"sample data unavailable: {exc}")
    table = performance_table(prices, "^GSPC")
    assert table.loc["^GSPC", "beta"] == pytest.approx(1.0)
    out = check_claims(prices, fred, ipos)
    assert len(out) >= 5
    assert set(out["verdict"]) <= set(VERDICTS)
    assert out["data_source"].str.len().gt(0).all()
