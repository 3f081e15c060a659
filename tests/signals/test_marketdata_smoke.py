"""One smoke test on the package's own sample data, when the market-data layer exists."""

from __future__ import annotations

import pytest

from aipolicy.signals import VERDICTS, check_claims, performance_table


def test_sample_prices_flow_through_performance_and_claims():
    md = pytest.importorskip("aipolicy.marketdata")
    load_prices = getattr(md, "load_prices", None)
    if load_prices is None:
        pytest.skip("aipolicy.marketdata.load_prices not available yet")
    try:
        prices = load_prices(source="sample")
    except Exception as exc:  # sample not generated yet, or a different signature
        pytest.skip(f"sample prices unavailable: {exc}")
    cols = [c for c in ("NVDA", "MU", "^GSPC") if c in prices.columns]
    if "^GSPC" not in cols:
        pytest.skip("sample has no ^GSPC")
    table = performance_table(prices[cols], "^GSPC")
    assert table.loc["^GSPC", "beta"] == pytest.approx(1.0)
    out = check_claims(prices)
    assert set(out["verdict"]) <= set(VERDICTS)
