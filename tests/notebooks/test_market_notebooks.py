"""Papermill runs of the market notebooks (03-06) on non-default parameters.

Each test executes a notebook headless into ``tmp_path`` and asserts on the figures it records
(:func:`aipolicy.record.read_records`), compared with independent computations from the loaders
where that is cheap. A run costs the notebook's time plus a kernel start (a few seconds).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest

from aipolicy.record import read_records
from tests.notebooks.conftest import LOCKED_KERNEL

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
REALDATA = ROOT.parent / "shared" / "realdata"

NB03 = "03_ai_infrastructure_stocks.ipynb"
NB04 = "04_inflation_and_ai_stocks.ipynb"
NB05 = "05_ai_ipos.ipynb"
NB06 = "06_signals_and_claims.ipynb"


def run(name: str, tmp_path: Path, **parameters) -> tuple[dict, dict]:
    """Execute ``name`` with ``parameters``; return (records, executed notebook)."""
    import nbformat
    import papermill as pm

    os.environ.setdefault("MPLBACKEND", "agg")
    out = tmp_path / name
    pm.execute_notebook(
        str(NOTEBOOKS / name),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(NOTEBOOKS),
        progress_bar=False,
        log_output=False,
        execution_timeout=600,
        **LOCKED_KERNEL,
    )
    return read_records(out), nbformat.read(str(out), as_version=4)


def plain_text(nb) -> str:
    """All text/plain and stream output of an executed notebook."""
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                parts.append(o.get("text", ""))
            else:
                parts.append((o.get("data") or {}).get("text/plain", ""))
    return "\n".join(parts)


def simple_returns(prices):
    return prices / prices.shift(1) - 1.0


def test_03_other_window_leaves_out_unknown_ticker_and_matches_direct_statistics(tmp_path):
    from aipolicy.marketdata import load_prices

    rec, nb = run(
        NB03,
        tmp_path,
        start="2021-01-04",
        end="2024-12-31",
        infra_tickers=["NVDA", "AMD", "NOPE"],
        platform_tickers=["MSFT"],
    )
    perf = rec["performance"]
    assert set(perf) == {"NVDA", "AMD", "MSFT", "^GSPC"}
    assert "NOPE" not in perf
    assert "Missing (left out): NOPE" in plain_text(nb)
    assert rec["data_source"] == "sample" and rec["synthetic"] is True
    assert rec["data_as_of"] == "2024-12-31"
    for t in perf:
        assert set(perf[t]) == {"ann_return", "ann_vol", "sharpe", "max_drawdown", "beta"}

    px = load_prices(["NVDA", "^GSPC"], "2021-01-04", "2024-12-31", source="sample")
    r = simple_returns(px).dropna()
    assert perf["NVDA"]["ann_vol"] == pytest.approx(
        r["NVDA"].std(ddof=1) * math.sqrt(252), rel=1e-9
    )
    cov = np.cov(r["NVDA"], r["^GSPC"], ddof=1)
    assert perf["NVDA"]["beta"] == pytest.approx(cov[0, 1] / cov[1, 1], rel=1e-9)
    cagr = (px["NVDA"].iloc[-1] / px["NVDA"].iloc[0]) ** (252 / len(r)) - 1
    assert perf["NVDA"]["ann_return"] == pytest.approx(cagr, rel=1e-9)
    rf_day = 1.04 ** (1 / 252) - 1
    ex = r["NVDA"] - rf_day
    assert perf["NVDA"]["sharpe"] == pytest.approx(
        ex.mean() / ex.std(ddof=1) * math.sqrt(252), rel=1e-9
    )
    wealth = px["NVDA"] / px["NVDA"].iloc[0]
    assert perf["NVDA"]["max_drawdown"] == pytest.approx(
        (wealth / wealth.cummax() - 1).min(), rel=1e-9
    )
    assert perf["^GSPC"]["beta"] == pytest.approx(1.0)


def test_04_other_start_records_latest_cpi_inflation_and_its_rank(tmp_path):
    from aipolicy.marketdata import load_fred

    rec, _ = run(
        NB04, tmp_path, start="2021-06-01", end="2025-06-30", high_window_years=5, preset="startup"
    )
    cpi = load_fred("CPIAUCSL", None, "2025-06-30", source="sample")["CPIAUCSL"].dropna()
    yoy = (cpi / cpi.shift(12) - 1).dropna()
    assert rec["cpi_yoy_latest"] == pytest.approx(yoy.iloc[-1], rel=1e-12)
    assert rec["cpi_yoy_latest_month"] == f"{yoy.index[-1]:%Y-%m}"
    earlier = yoy.iloc[:-1]
    higher = earlier[earlier >= yoy.iloc[-1]]
    if len(higher):
        d, last = higher.index[-1], yoy.index[-1]
        months = (last.year - d.year) * 12 + last.month - d.month
    else:
        months = len(earlier)
    assert rec["cpi_yoy_highest_in_years"] == pytest.approx(round(months / 12, 2))
    assert rec["data_as_of"] <= "2025-06-30"


def test_05_ipo_subset_with_another_benchmark_matches_direct_bhar(tmp_path):
    import pandas as pd

    from aipolicy.marketdata import load_ipos, load_prices

    rec, _ = run(NB05, tmp_path, ipo_tickers=["ARM", "CRWV"], benchmark="^IXIC", horizons=[20, 60])
    bhar = rec["ipo_bhar"]
    assert set(bhar) == {"ARM", "CRWV"}
    ipos = load_ipos(source="sample").set_index("ticker")
    px = load_prices(["ARM", "^IXIC"], "2019-01-01", source="sample")
    s = px["ARM"].loc[ipos.loc["ARM", "first_trade_date"] :].dropna()
    d0 = s.index[0]
    pos = px.index.get_loc(d0)
    d20 = px.index[pos + 20]
    expected = (px.loc[d20, "ARM"] / px.loc[d0, "ARM"]) - (
        px.loc[d20, "^IXIC"] / px.loc[d0, "^IXIC"]
    )
    assert bhar["ARM"]["bhar_20"] == pytest.approx(expected, rel=1e-9)
    assert bhar["ARM"]["first_day_return"] == pytest.approx(
        px.loc[d0, "ARM"] / ipos.loc["ARM", "offer_price"] - 1, rel=1e-9
    )
    assert "bhar_120" not in bhar["ARM"]
    assert set(rec["ipo_peer_car"]) <= {"ARM", "CRWV"}
    assert isinstance(pd.Timestamp(rec["data_as_of"]), pd.Timestamp)


def test_06_other_window_and_preset_records_claims_and_scorecard(tmp_path):
    from aipolicy.signals import VERDICTS

    rec, nb = run(
        NB06, tmp_path, start="2022-01-03", end="2025-12-31", preset="startup", trend_years=2
    )
    claims = rec["claims"]
    assert len(claims) == 8
    assert {c["verdict"] for c in claims} <= set(VERDICTS)
    assert all(c["data_source"] and c["document"] for c in claims)
    # the data end before the claims' May-2026 windows: those cannot be checked
    by_id = {c["claim_id"]: c for c in claims}
    assert by_id["us_inflation_3y_high_apr_2026"]["verdict"] == VERDICTS[2]
    card = rec["scorecard"]
    assert set(card) == {"chips", "hardware", "platforms"}
    assert card["platforms"]["n_members"] == 5
    # falling API prices push the break-even up, or out of reach (None: not reached)
    today, trend = (card["chips"]["breakeven_tokens_per_day_today"],
                    card["chips"]["breakeven_tokens_per_day_trend"])
    assert trend is None or (today is not None and trend > today)
    assert rec["data_as_of"] == "2025-12-31"
    assert "SAMPLE DATA — synthetic" in plain_text(nb)


def test_bad_parameter_fails_naming_it(tmp_path):
    """One notebook run end to end: the kernel's error names the parameter. The other cases go
    through the same validator in-process (a kernel start and imports cost ~3 s each)."""
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as info:
        run(NB03, tmp_path, start="not-a-date")
    assert "InvalidInputError" in str(info.value)
    assert "'start'" in str(info.value)


@pytest.mark.parametrize(("params", "named"), [
    ({"data_source": "bogus"}, "'data_source'"),
    ({"benchmark": "NOPE"}, "'benchmark'"),
])
def test_bad_market_parameter_is_named(params, named):
    """As the notebooks' first cell does: validate, then load (a benchmark missing from the
    data is known only then)."""
    from aipolicy.errors import InvalidInputError
    from aipolicy.nb.market import load_market_prices, validate_market_params

    with pytest.raises(InvalidInputError) as info:
        load_market_prices(validate_market_params(**{"data_source": "sample", **params}))
    assert named in str(info.value)


@pytest.mark.parametrize("name", [NB03, NB04, NB05, NB06])
def test_every_market_notebook_validates_its_parameters_first(name):
    import json

    nb = json.loads((NOTEBOOKS / name).read_text())
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in cells[0]["metadata"].get("tags", [])
    assert "vm.validate_market_params(" in "".join(cells[1]["source"])


@pytest.mark.realdata
def test_03_on_real_csv_data_short_window_with_missing_tickers(tmp_path):
    from aipolicy.marketdata import load_prices

    rec, nb = run(NB03, tmp_path, data_source="csv", data_dir=str(REALDATA), start="2025-05-12")
    assert rec["data_source"] == "csv" and rec["synthetic"] is False
    assert "SAMPLE DATA" not in plain_text(nb)
    perf = rec["performance"]
    assert "ANET" not in perf and "NVDA" in perf
    px = load_prices(["NVDA", "^GSPC"], "2025-05-12", source="csv", data_dir=REALDATA)
    r = simple_returns(px).dropna()
    assert perf["NVDA"]["ann_vol"] == pytest.approx(
        r["NVDA"].std(ddof=1) * math.sqrt(252), rel=1e-9
    )
    assert rec["data_as_of"] == px.attrs["as_of"]


@pytest.mark.realdata
def test_06_on_real_csv_data_completes_with_uncheckable_claims(tmp_path):
    rec, nb = run(NB06, tmp_path, data_source="csv", data_dir=str(REALDATA), start="2025-05-12")
    assert rec["synthetic"] is False
    # on real data the verdicts are about the market: no "mean nothing" warning, no sample mark
    text = plain_text(nb) + "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "mean nothing about real markets" not in text and "SAMPLE DATA" not in text
    verdicts = {c["claim_id"]: c["verdict"] for c in rec["claims"]}
    # CPI in the folder ends 2025-08: the April-2026 claim cannot be checked
    assert verdicts["us_inflation_3y_high_apr_2026"] == "cannot be checked with this data"
    # the record is decided by the sourced record before the file; the Cerebras figure rests on
    # secondary reports; no payrolls in the folder
    assert verdicts["sp500_record_high"] == "supported"
    assert verdicts["chips_beat_index_ai_bull_run"] == "supported"
    assert verdicts["cerebras_ipo_5_5b"] == "consistent with secondary reports"
    assert verdicts["strong_jobs_market"] == "cannot be checked with this data"
    assert rec["claims_consistent_with_secondary"] == 1
    assert rec["scorecard"]["hardware"]["members"] == "SMCI"
