"""Unit tests of aipolicy.nb.costs and aipolicy.nb.explorer: parameter checks, tables, plots,
the explorer's widgets. The explorer's recomputation is tested in tests/costs/test_options.py."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402

from aipolicy.costs import (  # noqa: E402
    api_monthly,
    build_scenario,
    cost_curve,
    explore,
    investor_cashflows,
    investor_scenarios,
    monte_carlo,
    optimise_hybrid,
    rent_vs_buy,
    scenario_from_preset,
    tornado,
)
from aipolicy.errors import InvalidInputError  # noqa: E402
from aipolicy.nb import cost_plots  # noqa: E402
from aipolicy.nb import costs as vc  # noqa: E402
from aipolicy.nb import explorer as vx  # noqa: E402
from aipolicy.nb.format import fmt_usd  # noqa: E402


@pytest.fixture(scope="module")
def mid():
    return scenario_from_preset("midmarket")


@pytest.mark.parametrize(("param", "value"), [("preset", "nope"), ("api_model", "gpt-9"),
                                               ("open_model", "llama-9"), ("gpu", "tpu"),
                                               ("acquisition", "lease")])
def test_unknown_names_are_named_with_known_values(param, value):
    kw = {"preset": "midmarket", param: value}
    with pytest.raises(InvalidInputError, match=f"parameter '{param}'.*known: "):
        vc.validate_cost_parameters(**kw)


@pytest.mark.parametrize("draws", [-1, 1.5, "many"])
def test_draws_must_be_whole_and_non_negative(draws):
    with pytest.raises(InvalidInputError, match="'draws'"):
        vc.validate_cost_parameters(preset="startup", draws=draws)


def test_strings_from_papermill_are_accepted():
    p = vc.validate_cost_parameters(preset="financial", draws="100", seed="3",
                                    requests_per_day="1000", horizon_months="24")
    assert (p["draws"], p["seed"], p["requests_per_day"], p["horizon_months"]) == (
        100, 3, 1000.0, 24.0)
    s = vc.scenario_for(p)
    assert s.requests_per_day == 1000.0 and s.horizon_months == 24.0
    assert s.acquisition == "buy"  # the preset's choice when acquisition is None


def test_explore_text_summarises_the_package_result(mid):
    text = vx.explore_text(explore(mid))
    assert "cheapest:" in text and "break-even:" in text


def test_explorer_builds_widgets_when_a_frontend_is_attached(mid, monkeypatch):
    monkeypatch.setenv("AIPOLICY_WIDGETS", "1")
    ui = vx.explorer(mid)
    assert len(ui.children) >= 5


def test_explorer_builds_no_widgets_headless(mid, monkeypatch, capsys):
    monkeypatch.delenv("AIPOLICY_WIDGETS", raising=False)
    monkeypatch.setenv("AIPOLICY_HEADLESS", "1")
    assert vx.explorer(mid) is None
    assert "not built in this headless run" in capsys.readouterr().out


def test_cost_summary_has_rent_buy_api_hybrid(mid):
    table, info = vc.cost_summary(mid)
    assert len(table) == 4
    assert table.loc["API (pay per token)", "monthly_usd"] == round(api_monthly(mid).monthly_usd)
    assert info["cheapest"] in {"api", "selfhost", "hybrid"}
    assert set(info["modes"]) == {"rent", "buy"}


def test_cost_summary_prices_buying_as_rent_vs_buy_does():
    s = build_scenario(acquisition="rent", requests_per_day=200_000)
    table, _ = vc.cost_summary(s)
    rvb = rent_vs_buy(s)
    assert table.loc["self-host, bought GPUs", "monthly_usd"] == round(rvb.loc["total", "buy_usd"])
    assert table.loc["self-host, rented GPUs", "monthly_usd"] == round(
        rvb.loc["total", "rent_usd"])


def test_assumptions_table_labels_throughput():
    est = scenario_from_preset("midmarket", gpu="a100-80gb")
    assert est.throughput_estimated
    note = vc.assumptions_table(est).loc["throughput_tok_s", "note"]
    assert note.startswith("estimated")


def test_rounded_removes_negative_zero():
    import pandas as pd

    out = vc.rounded(pd.DataFrame({"x": [-0.0001, 1.26]}), 1)
    assert str(out["x"].iloc[0]) == "0.0" and out["x"].iloc[1] == 1.3


def test_axis_labels():
    assert [cost_plots.fmt_axis_usd(v) for v in (0, -2500, 1_250_000)] == ["$0", "-$2.5 k", "$1.25 M"]
    assert fmt_usd(None) == "n/a" and fmt_usd(-1234.4) == "-$1,234"


def test_every_plot_draws(mid):
    fin = scenario_from_preset("financial", acquisition="rent")
    hyb = optimise_hybrid(fin)
    owned = scenario_from_preset("financial")
    _, info = vc.cost_summary(mid)
    axes = [
        vc.plot_cost_curve(cost_curve(mid), mid),
        vc.plot_cost_breakdown({"API": info["api"].breakdown,
                                "self-host": info["selfhost"].breakdown}, mid),
        vc.plot_tornado(tornado(mid), mid),
        vc.plot_savings_distribution(monte_carlo(mid, draws=200, seed=1), mid),
        vc.plot_hourly_split(hyb.hourly, fin, hyb.hybrid_replicas),
        vc.plot_hybrid_cost(hyb.table, fin),
        vc.plot_cashflows(investor_cashflows(owned), owned),
        vc.plot_investor_scenarios(investor_scenarios(owned), owned),
    ]
    for ax in axes:
        assert ax.get_title() and ax.get_xlabel()
        assert any("Source:" in t.get_text() for t in ax.figure.texts)
    plt.close("all")
