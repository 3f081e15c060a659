"""Papermill runs of the cost notebooks (01, 02) on non-default parameters.

Each run's recorded figures are checked against independent calls into ``aipolicy.costs``
with the same inputs (not through ``aipolicy.nb.costs``, which the notebooks use).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from aipolicy.costs import (
    api_monthly,
    breakeven,
    investor_cashflows,
    monte_carlo,
    optimise_hybrid,
    payback_month,
    scenario_from_preset,
    selfhost_monthly,
)
from aipolicy.costs.compare.threeway import compare_all
from aipolicy.costs.compare.verdict import verdict
from aipolicy.costs.uncertainty.choice import choice_monte_carlo
from aipolicy.record import read_records
from tests.notebooks.conftest import LOCKED_KERNEL

pytestmark = pytest.mark.slow

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NB01 = NOTEBOOKS / "01_build_vs_buy.ipynb"
NB02 = NOTEBOOKS / "02_hybrid_and_investment_view.ipynb"


def run(src: Path, out_dir: Path, **parameters):
    """Execute ``src`` with papermill into ``out_dir``; return its recorded figures."""
    import papermill as pm

    out = out_dir / f"{src.stem}.out.ipynb"
    pm.execute_notebook(str(src), str(out), parameters=parameters, kernel_name="python3",
                        cwd=str(NOTEBOOKS), progress_bar=False, execution_timeout=600,
                        **LOCKED_KERNEL)
    return read_records(out)


def close(a, b, rel=1e-6):
    """Equal up to ``rel`` or to the cent the notebooks round recorded USD figures to."""
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=0.006)


# ------------------------------------------------------------------------------------ 01
@pytest.fixture(scope="module")
def nb01_financial_buy(tmp_path_factory):
    params = dict(preset="financial", acquisition="buy", draws=400, seed=7)
    return params, run(NB01, tmp_path_factory.mktemp("nb01a"), **params)


@pytest.fixture(scope="module")
def nb01_startup_own_models(tmp_path_factory):
    params = dict(preset="startup", api_model=None, open_model=None, gpu=None,
                  acquisition=None, draws=0, requests_per_day=250_000, horizon_months=24)
    return params, run(NB01, tmp_path_factory.mktemp("nb01b"), **params)


def test_01_financial_buy_matches_package(nb01_financial_buy):
    params, rec = nb01_financial_buy
    s = scenario_from_preset("financial", api_model="gpt-4o", open_model="llama-3.3-70b",
                             gpu="h100-sxm", acquisition="buy")
    be = breakeven(s)
    assert be.reached
    assert close(rec["breakeven_tokens_per_day"], be.tokens_per_day)
    assert close(rec["breakeven_requests_per_day"], be.requests_per_day)
    api, own, hyb = api_monthly(s), selfhost_monthly(s), optimise_hybrid(s, tables=False)
    assert close(rec["api_monthly_usd"], api.monthly_usd)
    assert close(rec["selfhost_monthly_usd"], own.monthly_usd)
    assert close(rec["hybrid_monthly_usd"], hyb.hybrid_monthly_usd)
    assert rec["cheapest"] == hyb.cheapest
    options = compare_all(s)
    best = verdict(options)  # the answer box, the CLI and the index state the same verdict
    assert rec["cheapest_option"] == best.label
    assert close(rec["cheapest_option_monthly_usd"], best.monthly_usd)
    assert best.sentence() in rec["answer"]["headline"]
    mc = choice_monte_carlo(s, options, draws=params["draws"], seed=params["seed"])
    assert close(rec["p_verdict_cheapest"], mc.p_cheapest[best.key])


def test_01_cheapest_is_consistent_with_monthly_costs(nb01_financial_buy,
                                                      nb01_startup_own_models):
    for _, rec in (nb01_financial_buy, nb01_startup_own_models):
        api, own, hyb = (rec["api_monthly_usd"], rec["selfhost_monthly_usd"],
                         rec["hybrid_monthly_usd"])
        assert rec["cheapest"] in {"api", "selfhost", "hybrid"}
        assert hyb <= min(api, own) + 1e-6
        if rec["cheapest"] == "api":
            assert close(hyb, api) and api <= own + 1e-6
        elif rec["cheapest"] == "selfhost":
            assert close(hyb, own) and own <= api + 1e-6
        else:
            assert hyb < min(api, own)


def test_01_startup_preset_choices_and_overrides(nb01_startup_own_models):
    _, rec = nb01_startup_own_models
    s = scenario_from_preset("startup", requests_per_day=250_000.0, horizon_months=24.0)
    assert s.api_model == "gpt-4o-mini" and s.open_model == "llama-3.1-8b"
    be = breakeven(s)
    if be.reached:
        assert close(rec["breakeven_tokens_per_day"], be.tokens_per_day)
    else:
        assert rec["breakeven_tokens_per_day"] is None
    assert close(rec["api_monthly_usd"], api_monthly(s).monthly_usd)
    assert close(rec["selfhost_monthly_usd"], selfhost_monthly(s).monthly_usd)
    assert rec["cheapest"] == optimise_hybrid(s, tables=False).cheapest
    assert rec["p_verdict_cheapest"] is None  # draws = 0 skips the Monte Carlo
    best = verdict(compare_all(s))
    assert rec["cheapest_option"] == best.label
    assert best.sentence() in rec["answer"]["headline"]


# ------------------------------------------------------------------------------------ 02
@pytest.fixture(scope="module")
def nb02_midmarket(tmp_path_factory):
    params = dict(preset="midmarket", acquisition="buy", draws=0, horizon_months=24,
                  requests_per_day=400_000, discount_rate=0.12,
                  api_price_decline_per_year=0.5, gpu_price_decline_per_year=0.1,
                  cpi_growth_per_year=0.04)
    return params, run(NB02, tmp_path_factory.mktemp("nb02"), **params)


def test_02_matches_package(nb02_midmarket):
    params, rec = nb02_midmarket
    kw = dict(api_model="gpt-4o", open_model="llama-3.3-70b", gpu="h100-sxm",
              requests_per_day=400_000.0, horizon_months=24.0)
    s = scenario_from_preset("midmarket", acquisition="buy", **kw)
    hyb = optimise_hybrid(s, tables=False)
    assert rec["hybrid_replicas"] == hyb.hybrid_replicas
    assert close(rec["hybrid_monthly_usd"], hyb.hybrid_monthly_usd)
    inv = investor_cashflows(s, discount_rate_annual=0.12, api_price_decline_annual=0.5,
                             gpu_price_decline_annual=0.1, opex_inflation_annual=0.04)
    assert close(rec["npv_usd"], inv.npv_usd)
    if inv.irr_annual is None:
        assert rec["irr"] is None
    else:
        assert close(rec["irr"], inv.irr_annual, rel=1e-5)
    assert rec["payback_month"] == inv.payback_month
    assert rec["p_buy_cheaper"] is None  # draws = 0
    best = verdict(compare_all(s))  # notebook 02 opens with the same verdict as notebook 01
    assert rec["cheapest_option"] == best.label
    assert best.sentence() in rec["answer"]["headline"]


def test_02_payback_is_consistent_with_cash_flows(nb02_midmarket):
    _, rec = nb02_midmarket
    s = scenario_from_preset("midmarket", acquisition="buy", requests_per_day=400_000.0,
                             horizon_months=24.0)
    inv = investor_cashflows(s, discount_rate_annual=0.12, api_price_decline_annual=0.5,
                             gpu_price_decline_annual=0.1, opex_inflation_annual=0.04)
    net = inv.cashflows["net_cash_flow_usd"].to_numpy()
    cum = np.cumsum(net)
    pb = rec["payback_month"]
    assert pb == payback_month(net)
    if pb is None:
        assert cum[-1] < 0 or (cum < 0).any()
    else:
        assert (cum[pb:] >= -1e-6).all()
        assert pb == 0 or cum[pb - 1] < 0
    # NPV sign agrees with the discounted sum of the flows
    r = (1.12) ** (1 / 12) - 1
    assert close(rec["npv_usd"], float(np.sum(net / (1 + r) ** np.arange(net.size))))


def test_02_defaults_run_the_presets_own_choices(tmp_path):
    # api_model, open_model, gpu and acquisition default to None = the preset's choice, so the
    # default run is the scenario of `aipolicy breakeven --preset financial` (owned servers)
    rec = run(NB02, tmp_path, draws=200, seed=3)
    owned = scenario_from_preset("financial")
    assert owned.acquisition == "buy"
    hyb = optimise_hybrid(owned, tables=False)
    assert rec["hybrid_replicas"] == hyb.hybrid_replicas
    assert close(rec["hybrid_monthly_usd"], hyb.hybrid_monthly_usd)
    mc = monte_carlo(owned, draws=200, seed=3)
    assert close(rec["p_buy_cheaper"], mc.p_selfhost_cheaper)
    inv = investor_cashflows(owned, api_price_decline_annual=0.3, gpu_price_decline_annual=0.2,
                             opex_inflation_annual=0.03)
    assert close(rec["npv_usd"], inv.npv_usd)
    assert rec["payback_month"] == inv.payback_month


# ------------------------------------------------------------------------------ failures
def test_bad_parameter_is_named_by_the_notebook(tmp_path):
    """One notebook run end to end: the kernel's error names the parameter. The other cases go
    through the same validator in-process (a kernel start and imports cost ~3 s each)."""
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as info:
        run(NB02, tmp_path, draws=0, api_price_decline_per_year=1.5)
    err = info.value
    text = f"{err.ename}: {err.evalue}"
    assert "InvalidInputError" in text
    assert "parameter 'api_price_decline_per_year'" in text


@pytest.mark.parametrize(("params", "named"), [
    ({"preset": "hedge-fund"}, "preset"),
    ({"api_model": "gpt-9-ultra"}, "api_model"),
    ({"gpu": "tpu-v5"}, "gpu"),
])
def test_bad_parameter_is_named(params, named):
    from aipolicy.errors import InvalidInputError
    from aipolicy.nb.costs import validate_cost_parameters

    args = {"preset": "midmarket", "draws": 0, **params}
    with pytest.raises(InvalidInputError) as info:
        validate_cost_parameters(**args)
    assert f"parameter '{named}'" in str(info.value)


@pytest.mark.parametrize("notebook", [NB01, NB02])
def test_every_cost_notebook_validates_its_parameters_first(notebook):
    import json

    cells = [c for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code"]
    assert "parameters" in cells[0]["metadata"].get("tags", [])
    assert "vc.validate_cost_parameters(" in "".join(cells[1]["source"])
