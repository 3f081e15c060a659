"""Unit tests of aipolicy.nb.tables (formatting for people) and the cost and market views
(aipolicy.nb.views.cost_tables, aipolicy.nb.views.market_tables) on the three presets and the sample data."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from aipolicy.costs.compare.fields import FIELD_LABELS
from aipolicy.nb.format import fmt_number, fmt_usd
from aipolicy.nb.tables import (
    Col,
    Table,
    display_unit,
    format_by_unit,
    format_column,
    format_value,
    link_html,
    people_table,
)
from aipolicy.nb.views import claims_table, ipo_tables
from aipolicy.nb.views import cost_tables as ct
from aipolicy.nb.views import investor_tables as it
from aipolicy.nb.views import market_tables as mt

PRESETS = ["startup", "midmarket", "financial"]


# --------------------------------------------------------------------------- helpers
def _cells(table: Table) -> list[str]:
    frame = table.frame
    cells = [str(v) for v in frame.to_numpy().ravel()]
    if table.show_index:
        idx = frame.index
        for level in range(idx.nlevels):
            cells += [str(v) for v in idx.get_level_values(level)]
    return cells + [str(c) for c in frame.columns]


ARTEFACTS = [
    re.compile(r"\bnan\b", re.IGNORECASE),
    re.compile(r"\bNaT\b"),
    re.compile(r"\bNone\b"),
    re.compile(r"<NA>"),
    re.compile(r"\binf\b"),
    re.compile(r"\d[eE][+]\d"),  # scientific notation such as 5.5e+09
    re.compile(r"^[-+$]?\$?\d[\d,]*\.0$"),  # a whole number printed as 7.0
]


def assert_for_people(table: Table) -> None:
    """No NaN/None/scientific notation anywhere, whole-number columns without decimals."""
    assert isinstance(table, Table)
    for cell in _cells(table):
        for pattern in ARTEFACTS:
            assert not pattern.search(cell), f"{pattern.pattern!r} in {cell!r}"
    for header, kind in table.kinds.items():
        if kind in ("int", "count") and header in table.frame.columns:
            for cell in table.frame[header]:
                assert "." not in cell, f"{header}: {cell!r} is not a whole number"
    text, html_text = repr(table), table._repr_html_()
    assert text == repr(table) and html_text == table._repr_html_()  # deterministic
    assert "aipolicy-table" in html_text and "0x" not in text


# --------------------------------------------------------------------------- kinds
@pytest.mark.parametrize(
    ("values", "col", "expected"),
    [
        ([10290.0, 1234.5678, 0.0], Col("usd"), ["$10,290", "$1,235", "$0"]),
        ([-1234.4, -0.0, -0.4], Col("usd"), ["-$1,234", "$0", "$0"]),
        ([2.5, -2.0], Col("usd", decimals=2), ["$2.50", "-$2.00"]),
        ([5.6e9, 1.5e9], Col("usd", scale="bn"), ["$5.6 bn", "$1.5 bn"]),
        ([4.87e9, 1.5e9], Col("usd", scale="bn", decimals=2), ["$4.87 bn", "$1.50 bn"]),
        ([1200.0], Col("usd", signed=True), ["+$1,200"]),
        ([2.5, 10.0, 1.25], Col("usd_per_mtok"), ["$2.50", "$10.00", "$1.25"]),
        ([0.15, 0.075], Col("usd_per_mtok"), ["$0.150", "$0.075"]),
        ([4.45123], Col("usd_per_mtok", decimals=3), ["$4.451"]),
        ([7.0, 1234.0, 0.0], Col("int"), ["7", "1,234", "0"]),
        ([-0.0, 2.6], Col("count"), ["0", "3"]),
        ([0.123, -0.5, 1.0], Col("pct"), ["12.3 %", "-50.0 %", "100.0 %"]),
        ([0.123, -0.00001, 0.0], Col("pct", signed=True), ["+12.3 %", "0.0 %", "0.0 %"]),
        ([0.02488], Col("pct", decimals=2), ["2.49 %"]),
        ([0.0014, -0.0022], Col("pp", signed=True), ["+0.14 pp", "-0.22 pp"]),
        ([5.6e9], Col("number"), ["5,600,000,000"]),
        ([5.6e9, 2.75e8], Col("number", scale="bn"), ["5.60 bn", "0.28 bn"]),  # one column
        ([76.5e6], Col("number", scale="M"), ["76.5 M"]),
        ([1234.567, -0.0], Col("number", decimals=2), ["1,234.57", "0.00"]),
        ([-0.0], Col("number"), ["0"]),
        ([1.25, 2.0], Col("number"), ["1.25", "2.00"]),
        ([76.5e6, 190.1097e6], Col("tokens_per_day"), ["76.5", "190.1"]),
        ([14, 6.0, 0], Col("months"), ["month 14", "month 6", "month 0"]),
        ([pd.Timestamp("2026-05-14 00:00"), "2026-11-09", "2025"], Col("date"),
         ["2026-05-14", "2026-11-09", "2025"]),
        ([pd.Timestamp("2026-09-01")], Col("date", fmt="%Y-%m"), ["2026-09"]),
        ([True, False, np.bool_(True), "False"], Col("bool"), ["yes", "no", "yes", "no"]),
        (["a", 3, 2.5], Col("text"), ["a", "3", "2.5"]),
    ],
)
def test_each_kind_formats_hand_worked_examples(values, col, expected):
    assert format_column(values, col) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, float("inf"), -math.inf,
                                     pd.NA, pd.NaT, "", "nan", "NaN", "None"])
@pytest.mark.parametrize("kind", ["usd", "usd_per_mtok", "int", "pct", "pp", "number",
                                  "tokens_per_day", "date", "text", "source", "bool"])
def test_missing_values_render_as_the_column_missing_text(missing, kind):
    assert format_value(missing, Col(kind)) == "—"
    assert format_value(missing, Col(kind, missing="n/a")) == "n/a"


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA])
def test_a_missing_payback_month_reads_never(missing):
    assert format_value(missing, Col("months")) == "never"
    assert format_column(pd.array([6, None], dtype="Int64"), "months") == ["month 6", "never"]


def test_integer_column_with_missing_values_stays_whole():
    assert format_column(pd.Series([0.0, 2.0, np.nan]), "int") == ["0", "2", "—"]
    assert format_column(pd.array([7, pd.NA], dtype="Int64"), "int") == ["7", "—"]


def test_non_numeric_strings_in_numeric_columns_are_shown_as_they_are():
    assert format_column(["100,058", "not reached", "—", "n/a"], Col("number", decimals=0)) \
        == ["100,058", "not reached", "—", "n/a"]
    assert format_column(["10,290"], "usd") == ["$10,290"]


def test_large_numbers_never_use_scientific_notation():
    for x in (5.5e9, 2.75e8, 1e15, 123456789.123):
        for kind in ("number", "usd", "int"):
            assert "e" not in format_value(x, Col(kind)).lower()
    assert fmt_number(5.6e9) == "5,600,000,000"


def test_fmt_usd_and_fmt_number_agree_on_sign_rules():
    assert fmt_usd(-0.4) == format_value(-0.4, "usd") == "$0"
    assert fmt_number(-0.0) == "0" and fmt_number(0.004, 2, signed=True) == "0.00"
    assert fmt_number(1234.5, 1, signed=True) == "+1,234.5"
    assert fmt_number(float("nan"), missing="—") == "—"


def test_headers_carry_units():
    assert Col("usd", header="monthly cost").header_text("x") == "monthly cost (USD)"
    assert Col("pct", header="share").header_text("x") == "share (%)"
    assert Col("usd_per_mtok").header_text("price") == "price (USD per 1M tokens)"
    assert Col("tokens_per_day", header="volume").header_text("x") == "volume (M tokens/day)"
    assert Col("usd", scale="bn").header_text("proceeds") == "proceeds (USD bn)"
    assert Col("usd", unit="").header_text("year 1") == "year 1"
    assert Col("int").header_text("replicas") == "replicas"
    assert Col("pct", header="share (%)").header_text("x") == "share (%)"  # not doubled


def test_col_rejects_unknown_kinds_scales_and_alignments():
    with pytest.raises(ValueError, match="unknown column kind"):
        Col("money")
    with pytest.raises(ValueError, match="scale"):
        Col("number", scale="G")
    with pytest.raises(ValueError, match="align"):
        Col("text", align="centre")


@pytest.mark.parametrize(
    ("value", "unit", "expected", "shown_unit"),
    [
        (0.2, "share of input tokens", "20 %", "% of input tokens"),
        (0.9516, "ratio of saturation throughput", "95.16 %", "% of saturation throughput"),
        (-0.2, "ratio/year", "-20 %", "% per year"),
        (18000.0, "USD per FTE-month", "$18,000", "USD per FTE-month"),
        (3.99, "USD per GPU-hour", "$3.99", "USD per GPU-hour"),
        (0.12, "USD/kWh", "$0.12", "USD/kWh"),
        (0.075, "USD per 1M tokens", "$0.075", "USD per 1M tokens"),
        (10.0, "USD per 1M tokens", "$10.00", "USD per 1M tokens"),
        (40000.0, "requests/day", "40,000", "requests/day"),
        (2251.673, "output tokens/s per replica", "2,252", "output tokens/s per replica"),
        (1.4, "ratio", "1.4", "ratio"),  # PUE is a ratio, not a share
        (0.05, "FTE", "0.05", "FTE"),
        (36.0, "months", "36", "months"),
        ("llama-3.3-70b", "name", "llama-3.3-70b", "name"),
        (float("nan"), "USD per server", "n/a", "USD per server"),
    ],
)
def test_values_are_formatted_by_their_unit(value, unit, expected, shown_unit):
    assert format_by_unit(value, unit) == expected
    assert display_unit(unit) == shown_unit


# --------------------------------------------------------------------------- people_table
def test_people_table_infers_whole_floats_as_integers_and_keeps_text_whole():
    frame = pd.DataFrame({"rank": [7.0, 10.0], "score": [0.5, 1.234], "name": ["a", "b"],
                          "flag": [True, False]}, index=pd.Index(["x", "y"], name="ticker"))
    t = people_table(frame)
    assert t.frame["rank"].tolist() == ["7", "10"]
    assert t.frame["score"].tolist() == ["0.50", "1.23"]
    assert t.frame["flag"].tolist() == ["yes", "no"]
    assert t.align == {"rank": "right", "score": "right", "name": "left", "flag": "left",
                       "ticker": "left"}
    assert t.frame.index.name == "ticker"


def test_people_table_named_columns_and_index_label():
    frame = pd.DataFrame({"monthly_usd": [10290.0, np.nan], "servers": [0.0, np.nan]},
                         index=["API", "hybrid"])
    t = people_table(frame, {"monthly_usd": Col("usd", header="monthly cost"),
                             "servers": "int"}, index="option", caption="Cost",
                     footnote=["—: not reported."])
    assert list(t.frame.columns) == ["monthly cost (USD)", "servers"]
    assert t.frame.loc["hybrid"].tolist() == ["—", "—"]
    assert t.to_frame().equals(t.frame) and t.to_frame() is not t.frame
    text = repr(t)
    assert text.splitlines() == [
        "Cost",
        "option  monthly cost (USD)  servers",
        "API                $10,290        0",
        "hybrid                   —        —",
        "—: not reported.",
    ]


def test_people_table_rejects_duplicate_headers():
    frame = pd.DataFrame({"a": [1.0], "b": [2.0]})
    with pytest.raises(ValueError, match="same header|would be shown"):
        people_table(frame, {"a": Col("usd", header="x"), "b": Col("usd", header="x")})


def test_multiindex_rows_print_like_pandas_with_repeats_blanked():
    idx = pd.MultiIndex.from_tuples([("lag 0", "A"), ("lag 0", "B"), ("lag 1", "A")],
                                    names=["surprise", "ticker"])
    t = people_table(pd.DataFrame({"beta": [1.0, -2.5, 0.25]}, index=idx),
                     {"beta": Col("number", decimals=2)})
    assert repr(t).splitlines() == [
        "surprise  ticker   beta",
        "lag 0     A        1.00",
        "          B       -2.50",
        "lag 1     A        0.25",
    ]
    assert t.frame.index.get_level_values(0).tolist() == ["lag 0", "lag 0", "lag 1"]


def test_repr_is_deterministic_and_independent_of_pandas_display_options():
    frame = pd.DataFrame({"source": ["x" * 120], "usd": [1.5e9]})
    first = repr(people_table(frame))
    with pd.option_context("display.max_colwidth", 10, "display.width", 40,
                           "display.precision", 1):
        again = repr(people_table(frame))
    assert first == again
    assert "x" * 120 in first and "1,500,000,000" in first


def test_html_aligns_sources_left_numbers_right_and_escapes_everything():
    frame = pd.DataFrame(
        {"cost": [1234.0], "note": ["<b>bold</b> & 'q'"], "source": ["see https://x.org/a?b=1&c=2"]},
        index=pd.Index(["<script>alert(1)</script>"], name="row"))
    t = people_table(frame, {"cost": "usd", "note": "text", "source": "source"},
                     caption="A & B", footnote="x < y")
    html_text = t._repr_html_()
    assert '<table class="aipolicy-table"' in html_text
    assert "<script>" not in html_text and "&lt;script&gt;" in html_text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &#x27;q&#x27;" in html_text
    assert "A &amp; B" in html_text and "x &lt; y" in html_text
    cost_td = re.search(r'<td style="([^"]*)">\$1,234</td>', html_text)
    assert cost_td and "text-align:right" in cost_td.group(1)
    assert "white-space:nowrap" in cost_td.group(1)
    src_td = re.search(r'<td style="([^"]*)">see <a ', html_text)
    assert src_td and "text-align:left" in src_td.group(1)
    assert "white-space:normal" in src_td.group(1)
    assert 'href="https://x.org/a?b=1&amp;c=2"' in html_text


def test_a_200_character_source_is_never_truncated():
    source = ("NVIDIA TensorRT-LLM docs/source/performance/perf-overview.md (v1.0; "
              "github.com/NVIDIA/TensorRT-LLM commit 00f37686; trtllm-bench max throughput) "
              + "and more words " * 10)[:200]
    assert len(source) == 200
    t = people_table(pd.DataFrame({"source": [source], "value": [1.0]}))
    assert t.frame["source"].iloc[0] == source
    assert source in repr(t)
    plain_html = re.sub(r"<[^>]+>", "", t._repr_html_())
    assert source in plain_html
    assert "…" not in plain_html and "..." not in plain_html


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("Red Hat ConfigIQ github.com/redhat-performance/configiq "
         "lib/costing-assumptions.ts (commit 57dce045)",
         "https://github.com/redhat-performance/configiq/blob/57dce045/"
         "lib/costing-assumptions.ts"),
        ("(v1.1 era; github.com/NVIDIA/TensorRT-LLM commit 585c756579dc4d01f21fc13c2f604cdb461ac4f0,",
         "https://github.com/NVIDIA/TensorRT-LLM/commit/585c756579dc4d01f21fc13c2f604cdb461ac4f0"),
        ("Lambda on-demand prices (lambda.ai/instances)", "https://lambda.ai/instances"),
        ("genai-prices 0.2.3: OpenAI gpt-4o", "https://github.com/pydantic/genai-prices"),
        ("https://sre.google/sre-book/being-on-call/.", "https://sre.google/sre-book/being-on-call/"),
        ("virtuesig.com", "https://virtuesig.com"),
    ],
)
def test_sources_get_links_when_a_public_url_is_known(text, href):
    assert f'href="{href}"' in link_html(text)


def test_links_are_http_only_and_file_names_are_not_domains():
    html_text = link_html("javascript:alert(1) perf-overview.md costing-assumptions.ts gpu_rental.csv")
    assert "<a " not in html_text


def test_empty_table_renders():
    t = people_table(pd.DataFrame({"a": pd.Series([], dtype=float)}))
    assert "(no rows)" in repr(t) and "<tbody></tbody>" in t._repr_html_()


# --------------------------------------------------------------------------- cost views
@pytest.fixture(scope="module", params=PRESETS)
def cost_case(request):
    from aipolicy.costs import scenario_from_preset
    from aipolicy.nb import costs as vc

    scenario = scenario_from_preset(request.param)
    summary, info = vc.cost_summary(scenario)
    return request.param, scenario, summary, info


def test_price_and_assumption_views(cost_case):
    _, scenario, _, _ = cost_case
    from aipolicy.nb import costs as vc

    prices = ct.price_view(scenario)
    assert_for_people(prices)
    assert prices.frame.equals(ct.price_view(vc.price_table(scenario)).frame)
    assert all(c.startswith("$") for c in prices.frame["price (USD per 1M tokens)"])
    assert prices.align["source"] == "left"

    raw = vc.assumptions_table(scenario)
    view = ct.assumptions_view(raw)
    assert_for_people(view)
    assert list(view.frame.columns) == ["value", "unit", "source", "as of", "note"]
    # rows by the reader's label, never the field name (issue 26)
    assert list(view.frame.index) == [FIELD_LABELS[p] for p in raw.index]
    assert view.frame.loc["requests per day", "value"] == fmt_number(
        raw.loc["requests_per_day", "value"])
    assert view.frame.loc["cached share of input tokens", "value"].endswith(" %")
    assert view.frame.loc["staff cost per engineer", "value"].startswith("$")
    assert view.frame.loc["API model", "value"] == scenario.api_model
    undated = raw["as_of"].isin(["undated", ""]).to_numpy()
    assert (view.frame.loc[undated, "as of"] == "—").all()
    if undated.any():
        assert "as of “—”" in view.footnote
    assert view.frame["source"].tolist() == raw["source"].tolist()  # whole, unchanged
    html_text = view._repr_html_()
    assert 'href="https://github.com/redhat-performance/configiq/blob/' in html_text
    assert view.frame.loc["weight precision", "source"] in repr(view)  # no truncation
    subset = ct.assumptions_view(raw.iloc[:3][["value", "unit"]])
    assert list(subset.frame.columns) == ["value", "unit"]


def test_options_summary_scorecard_views(cost_case):
    preset, scenario, summary, info = cost_case
    from aipolicy.costs import scorecard
    from aipolicy.nb import costs as vc

    options, option_list = vc.options_table(scenario)
    view = ct.options_view(options)
    assert_for_people(view)
    for o, cell in zip(option_list, view.frame["monthly cost (USD)"], strict=True):
        assert cell == (fmt_usd(o.monthly_usd) if math.isfinite(o.monthly_usd) else "n/a")

    s = ct.summary_view(summary)
    assert_for_people(s)
    assert s.frame.loc["API (pay per token)", "replicas"] == "0"
    assert s.frame.loc["API (pay per token)", "monthly cost (USD)"] == fmt_usd(
        info["api"].monthly_usd)
    hybrid_row = [i for i in s.frame.index if i.startswith("hybrid")][0]
    assert s.frame.loc[hybrid_row, "servers"] == "—" and "—" in s.footnote

    card = scorecard(preset, acquisition=scenario.acquisition)
    sv = ct.scorecard_view(card)
    assert_for_people(sv)
    assert sv.caption == "Scorecard (judgment, not measurement)"
    assert sv.frame.loc["weighted score", "weight (%)"] == "100 %"
    assert re.fullmatch(r"\d\.\d\d", sv.frame.loc["weighted score", "API (score 1-5)"])
    assert all(re.fullmatch(r"[1-5]", c) for c in sv.frame["API (score 1-5)"].iloc[:-1])
    assert sv.frame["rationale"].tolist() == card["rationale"].tolist()


def test_breakdown_tornado_and_percentile_views(cost_case):
    _, scenario, _, info = cost_case
    from aipolicy.costs import monte_carlo, tornado
    from aipolicy.nb import costs as vc

    breakdowns = {"API": info["api"].breakdown}
    for mode, res in info["modes"].items():
        breakdowns[f"self-host ({mode})"] = res.breakdown
    table = pd.DataFrame(breakdowns).fillna(0.0)
    table.index = [vc.COMPONENT_LABELS.get(i, i) for i in table.index]
    table.loc["total"] = table.sum()
    b = ct.breakdown_view(table)
    assert_for_people(b)
    assert b.frame.loc["total", "API"] == fmt_usd(info["api"].monthly_usd)
    assert ct.breakdown_view(table.add_suffix(" (USD/month)")).frame.equals(b.frame)

    tor = tornado(scenario)
    tv = ct.tornado_view(tor)
    assert_for_people(tv)
    src = "range and its source"
    assert tv.align[src] == "left" and tv.kinds[src] == "source"
    assert tv.frame[src].tolist() == tor["source"].tolist()
    assert "Saving at the base values" in tv.footnote
    assert list(tv.frame.index) == [FIELD_LABELS[p] for p in tor["parameter"]]
    if "yearly volume growth" in tv.frame.index:
        assert tv.frame.loc["yearly volume growth", "unit"] == "% per year"

    mc = monte_carlo(scenario, draws=200, seed=1)
    pct = pd.DataFrame({"monthly_saving_usd": mc.savings_percentiles,
                        "breakeven_requests_per_day": mc.breakeven_percentiles})
    pv = ct.percentiles_view(pct)
    assert_for_people(pv)
    assert pv.frame.equals(ct.percentiles_view(mc).frame)
    assert list(ct.percentiles_view(mc.savings_percentiles).frame.columns) == [
        "monthly saving of self-hosting (USD/month)"]


def test_hybrid_cashflow_and_investor_views(cost_case):
    _, scenario, _, _ = cost_case
    from aipolicy.costs import (
        investor_cashflows,
        investor_scenarios,
        optimise_hybrid,
        with_acquisition,
    )

    hyb = optimise_hybrid(scenario)
    hv = ct.hybrid_view(hyb.table)
    assert_for_people(hv)
    assert hv.frame.index.name == "replicas"
    assert hv.frame.loc[str(hyb.hybrid_replicas), "cheapest"] == "yes"
    assert ct.hybrid_view(hyb.table.set_index("replicas")).frame.equals(hv.frame)

    owned = with_acquisition(scenario, "buy")
    inv = investor_cashflows(owned, api_price_decline_annual=0.3, gpu_price_decline_annual=0.2,
                             opex_inflation_annual=0.03)
    cv = it.cashflow_view(inv)
    assert_for_people(cv)
    assert list(cv.frame.columns)[0] == "month 0"
    assert cv.frame.loc["net cash flow", "month 0"] == fmt_usd(
        inv.cashflows.loc[inv.cashflows["month"] == 0, "net_cash_flow_usd"].sum())
    cf = inv.cashflows.copy()
    cf["year"] = (cf["month"] + 11) // 12
    yearly = cf.drop(columns=["month", "cumulative_usd", "discount_factor"]).groupby(
        "year").sum()
    yearly["cumulative_usd"] = yearly["net_cash_flow_usd"].cumsum()
    yearly.index = ["month 0" if y == 0 else f"year {y}" for y in yearly.index]
    assert it.cashflow_view(yearly).frame.equals(cv.frame)
    assert it.cashflow_view(yearly.T).frame.equals(cv.frame)

    sc = investor_scenarios(owned)
    sv = it.investor_scenarios_view(sc)
    assert_for_people(sv)
    for raw, cell in zip(sc["payback_month"], sv.frame["payback"], strict=True):
        assert cell == ("never" if raw is None or pd.isna(raw) else f"month {int(raw)}")
    for raw, cell in zip(sc["irr_annual"], sv.frame["IRR (% a year)"], strict=True):
        assert cell == ("n/a" if raw is None or pd.isna(raw) else f"{float(raw) * 100:,.1f} %")
    few = it.investor_scenarios_view(sc, columns=["npv_usd", "payback_month"])
    assert list(few.frame.columns) == ["NPV (USD)", "payback"]


def test_investor_view_spells_out_missing_irr_and_payback():
    sc = pd.DataFrame({"scenario": ["base", "LLMflation"], "api_price_decline_annual": [0, 0.9],
                       "npv_usd": [5.39e6, -1.14e6], "irr_annual": [5.468, None],
                       "payback_month": pd.array([6, None], dtype="Int64"),
                       "source": ["no price trends",
                                  "a16z 'Welcome to LLMflation' https://a16z.com/llmflation"]})
    t = it.investor_scenarios_view(sc)
    assert t.frame.loc["base"].tolist() == ["0.0 %", "$5,390,000", "546.8 %", "month 6",
                                            "no price trends"]
    assert t.frame.loc["LLMflation", ["IRR (% a year)", "payback"]].tolist() == ["n/a", "never"]
    assert "IRR n/a" in t.footnote and "never" in t.footnote
    assert 'href="https://a16z.com/llmflation"' in t._repr_html_()


# --------------------------------------------------------------------------- market views
@pytest.fixture(scope="module")
def market():
    """The market notebooks' frames computed from the synthetic sample (offline)."""
    from aipolicy import costs, signals
    from aipolicy.costs.economics.trends import breakeven_trends
    from aipolicy.marketdata import load_ipos
    from aipolicy.nb import market as vm

    p = vm.validate_market_params(data_source="sample", data_dir=None, start="2019-01-01",
                                  end=None, benchmark="^GSPC", infra_tickers=None,
                                  platform_tickers=None, rf_annual=0.04)
    out: dict[str, object] = {}
    prices = vm.load_market_prices(p)
    infra = [t for t in p.infra_tickers if t in prices.columns]
    platforms = [t for t in p.platform_tickers if t in prices.columns]
    returns = signals.simple_returns(prices, span_gaps=True)
    baskets = signals.basket_return_frame(
        returns, {"infrastructure": infra, "platforms": platforms}, p.benchmark)
    out["perf"] = signals.performance_table(prices, p.benchmark, rf=p.rf_annual,
                                            periods_per_year=252)
    out["basket_perf"] = signals.performance_table(baskets.dropna(how="all"), p.benchmark,
                                                   rf=p.rf_annual, input="returns")
    out["mom"] = signals.momentum_scores(prices[list(dict.fromkeys(infra + platforms))])
    out["pva"] = signals.passive_vs_active(prices, infra, p.benchmark, top_n=3,
                                           cost_per_trade=0.001, rf=p.rf_annual)
    fred = vm.load_market_fred(p, ["CPIAUCSL"])
    cpi = fred["CPIAUCSL"].dropna()
    out["regime"] = signals.inflation_regime(signals.cpi_yoy(cpi)).dropna(subset=["regime"])
    monthly = signals.resample_returns(baskets.dropna(how="all"), "M")
    excess = signals.excess_returns(monthly, p.rf_annual, 12)
    surprise = signals.inflation_surprise(cpi)["d_yoy"]
    excess.index = excess.index.to_period("M").to_timestamp(how="start")
    excess = excess.reindex(surprise.index)
    out["reg"] = pd.concat({f"lag {k}": signals.inflation_regression(excess, surprise, lag=k)
                            for k in (0, 1)}, names=["surprise", "ticker"])
    real = signals.real_returns(monthly, cpi)
    common = real.dropna(how="all").index
    nom_w = signals.wealth_index(monthly.loc[common])
    real_w = signals.wealth_index(real.loc[common])
    ann = pd.DataFrame({"nominal": nom_w.iloc[-1] ** (12 / len(common)) - 1,
                        "real": real_w.iloc[-1] ** (12 / len(common)) - 1})
    ann["inflation drag"] = ann["nominal"] - ann["real"]
    out["ann"] = ann
    scenario = costs.scenario_from_preset("midmarket")
    out["inv"] = costs.investor_scenarios(scenario, cpi=cpi)
    ipos = load_ipos(source=p.data_source)
    out["ipos"] = ipos
    px = vm.load_market_prices(p, list(ipos["ticker"]) + p.infra_tickers)
    coverage = signals.ipo_coverage(px, ipos)
    covered = ipos[ipos["ticker"].isin(coverage.index[coverage["covered"]])]
    out["bhar"] = signals.ipo_bhar(px, covered, p.benchmark, horizons=[20, 60, 120])
    in_cal = ipos[ipos["ticker"].isin(coverage.index[coverage["in_calendar"]])]
    peers = [t for t in p.infra_tickers if t in px.columns]
    out["car"] = signals.ipo_peer_car(signals.simple_returns(px, span_gaps=True), p.benchmark,
                                      in_cal, peers).portfolio.car
    econ = breakeven_trends(scenario, years=1)
    out["econ"] = econ
    chips = set(signals.BASKETS["chips"])
    groups = {"chips": [t for t in infra if t in chips],
              "hardware": [t for t in infra if t not in chips], "platforms": platforms}
    out["card"] = signals.basket_scorecard(prices, groups, p.benchmark, cpi=cpi,
                                           rf_annual=p.rf_annual, economics=econ)
    claims = signals.load_claims()
    wanted = [a for c in claims if c["metric"] in ("max_rally", "record_high",
                                                   "basket_outperformance")
              for a in c["assets"]]
    prices_all = vm.load_market_prices(p, p.tickers + wanted, start=None)
    out["claims"] = claims
    out["checked"] = signals.check_claims(prices_all, fred, ipos)
    return out


def test_performance_momentum_and_passive_views(market):
    perf = market["perf"]
    shown = perf[["n_periods", "ann_return", "ann_vol", "sharpe", "max_drawdown", "beta"]]
    t = mt.performance_view(shown)
    assert_for_people(t)
    assert mt.performance_view(perf).frame.equals(t.frame)  # extra columns ignored
    assert t.frame.loc["NVDA", "sessions"] == fmt_number(perf.loc["NVDA", "n_periods"])
    assert t.frame.loc["NVDA", "annual return (%)"] == f"{perf.loc['NVDA', 'ann_return'] * 100:.1f} %"
    assert re.fullmatch(r"-?\d+\.\d\d", t.frame.loc["NVDA", "Sharpe"])
    assert_for_people(mt.performance_view(market["basket_perf"]))

    m = mt.momentum_view(market["mom"])
    assert_for_people(m)
    assert all(re.fullmatch(r"\d+", r) for r in m.frame["rank"])
    assert m.caption and m.caption.startswith("as of 20")

    pva = mt.passive_active_view(market["pva"])
    assert_for_people(pva)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in pva.frame["from"])
    assert all(re.fullmatch(r"\d+", r) for r in pva.frame["rank by Sharpe"])


def test_inflation_views(market):
    r = mt.regime_view(market["regime"])
    assert_for_people(r)
    assert len(r.frame) == 6 and all(re.fullmatch(r"\d{4}-\d{2}", m) for m in r.frame.index)
    assert all(c.endswith(" pp") for c in r.frame["3-month change (pp)"])
    reg = mt.inflation_regression_view(market["reg"])
    assert_for_people(reg)
    assert reg.frame.index.names == ["surprise", "ticker"]
    assert_for_people(mt.real_returns_view(market["ann"]))
    inv = it.investor_scenarios_view(
        market["inv"], columns=["api_price_decline_annual", "gpu_price_decline_annual",
                                "opex_inflation_annual", "npv_usd", "payback_month"])
    assert_for_people(inv)


def test_ipo_views(market):
    facts = ipo_tables.ipo_facts_view(market["ipos"])
    assert_for_people(facts)
    ipos = market["ipos"].set_index("ticker")
    for t, raw in ipos["proceeds_usd"].items():
        cell = facts.frame.loc[t, "proceeds (USD bn)"]
        assert cell == ("—" if pd.isna(raw) else f"${raw / 1e9:,.2f} bn")
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in facts.frame["first trade"])
    with pytest.raises(ValueError, match="proceeds_usd must be in USD"):
        ipo_tables.ipo_facts_view(market["ipos"].assign(proceeds_usd=ipos["proceeds_usd"].to_numpy()
                                                / 1e9))
    with_sources = ipo_tables.ipo_facts_view(market["ipos"], sources=True)
    assert with_sources.frame["source"].tolist() == ipos["source"].tolist()

    bhar = ipo_tables.bhar_view(market["bhar"])
    assert_for_people(bhar)
    assert "BHAR, 120 sessions (%)" in bhar.frame.columns
    car = ipo_tables.peer_car_view(market["car"])
    assert_for_people(car)
    assert car.frame.index.nlevels == 2


def test_economics_scorecard_and_claims_views(market):
    econ = mt.breakeven_trends_view(market["econ"])
    assert_for_people(econ)
    raw = market["econ"]
    assert list(econ.frame.index) == ["today", "API price cut", "LLMflation"]
    for case, cell in zip(raw.index, econ.frame["break-even (M tokens/day)"], strict=True):
        value = raw.loc[case, "breakeven_tokens_per_day"]
        assert cell == ("not reached" if pd.isna(value) else f"{value / 1e6:,.1f}")
    assert_for_people(mt.basket_scorecard_view(market["card"]))
    claims = claims_table.claims_view(market["checked"], market["claims"])
    assert_for_people(claims)
    assert list(claims.frame.columns) == ["verdict", "computed", "test (claim holds when)",
                                          "unit", "robust", "window", "source", "as of"]
    texts = {c["id"]: c["text"] for c in market["claims"]}
    assert list(claims.frame.index) == [texts[k] for k in market["checked"]["claim_id"]]
    robust = market["checked"].set_index("claim_id")["robust"].rename(index=texts)
    shown = claims.frame["robust"]
    assert all(shown[k] == ("yes" if v else "no (fragile)") for k, v in robust.items()
               if v is not None)
    assert all(shown[k] == "—" for k, v in robust.items() if v is None)
    assert claims.frame.equals(claims_table.claims_view(market["checked"]).frame)


def test_claims_view_hand_worked():
    checked = pd.DataFrame({
        "claim_id": ["ipo", "rally", "months", "gone"],
        "metric": ["ipo_proceeds", "max_rally", "cpi_yoy_high", "record_high"],
        "computed": [5.6e9, 0.7526, 1.0, np.nan],
        "threshold": [5.5e9, 7.0, 36.0, 1.0],
        "verdict": ["supported", "not supported", "not supported",
                    "cannot be checked with this data"],
        "as_of": ["2026-05-14", "2026-05-29", "2026-04-01", None]})
    claims = [
        {"id": "ipo", "metric": "ipo_proceeds", "comparison": "approx", "threshold": 5.5e9,
         "tolerance": 2.75e8},
        {"id": "rally", "metric": "max_rally", "comparison": ">=", "threshold": 7.0},
        {"id": "months", "metric": "cpi_yoy_high", "comparison": ">=", "threshold": 36.0},
        {"id": "gone", "metric": "record_high", "comparison": ">=", "threshold": 1.0},
    ]
    t = claims_table.claims_view(checked, claims)
    assert t.frame.loc["ipo", ["computed", "test (claim holds when)", "unit"]].tolist() == [
        "$5.6 bn", "≈ $5.5 bn ± $0.28 bn", "USD"]
    assert t.frame.loc["rally", ["computed", "test (claim holds when)"]].tolist() == [
        "+75.3 %", "≥ 700.0 %"]
    assert t.frame.loc["months", "computed"] == "1"
    assert t.frame.loc["gone", ["computed", "as of"]].tolist() == ["n/a", "n/a"]
    assert "n/a" in t.footnote
    assert_for_people(t)
