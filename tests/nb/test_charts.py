"""What readers see in the rendered charts (headless, agg): the source line and the synthetic
mark inside the plot area, no local paths, whole-number count axes, the hourly split's API
overflow, paired line colours, plain log-axis labels and no legend entries without data.

The tests inspect matplotlib objects after ``fig.canvas.draw()``: window extents in pixels,
tick locations, legend texts.
"""

from __future__ import annotations

import dataclasses
import re

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from aipolicy.costs import (  # noqa: E402
    cost_curve,
    investor_cashflows,
    investor_scenarios,
    monte_carlo,
    optimise_hybrid,
    scenario_from_preset,
    tornado,
)
from aipolicy.nb import cost_plots  # noqa: E402
from aipolicy.nb import costs as vc  # noqa: E402
from aipolicy.nb import market as vm  # noqa: E402
from aipolicy.nb.theme import (  # noqa: E402
    CAPTION_TWIN_GID,
    SYNTHETIC_COLOUR,
    SYNTHETIC_MARK,
    source_line,
    strip_local_paths,
)

#: An absolute local path in a chart's text: POSIX, home, file URL, Windows drive or UNC.
LOCAL_PATH = re.compile(r"(?<![\w.:/])(~?/[^\s/]+/)|file://|\b[A-Za-z]:[\\/]|\\\\\w")

PAIRED = ["infrastructure (nominal)", "infrastructure (real)", "platforms (nominal)",
          "platforms (real)", "^GSPC (nominal)", "^GSPC (real)"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def mid():
    return scenario_from_preset("midmarket")


@pytest.fixture(scope="module")
def financial():
    """Notebook 02's default inputs: the financial preset and its cheapest hybrid."""
    scenario = scenario_from_preset("financial")
    return scenario, optimise_hybrid(scenario)


def _dates(n: int) -> pd.DatetimeIndex:
    return pd.date_range("2024-01-01", periods=n, freq="D")


def _caption(ax):
    """The source line of ``ax`` (a figure text drawn in the axes' coordinates)."""
    found = [t for t in ax.figure.texts if t.get_gid() == "aipolicy-source-line"]
    assert len(found) == 1, [t.get_text() for t in ax.figure.texts]
    return found[0]


def _mark(ax):
    found = [t for t in ax.texts if t.get_text() == SYNTHETIC_MARK]
    return found[0] if found else None


def _inside(inner, outer, tol: float = 1.0) -> bool:
    return (inner.x0 >= outer.x0 - tol and inner.x1 <= outer.x1 + tol
            and inner.y0 >= outer.y0 - tol and inner.y1 <= outer.y1 + tol)


def _boxes(text: Text):
    """Window extents of a text and of its box (if any), after a draw."""
    boxes = [text.get_window_extent()]
    if text.get_bbox_patch() is not None:
        boxes.append(text.get_bbox_patch().get_window_extent())
    return boxes


def _assert_caption_inside(ax, source: str) -> None:
    fig = ax.figure
    fig.canvas.draw()
    cap = _caption(ax)
    assert cap.get_transform() is ax.transAxes
    x, y = cap.get_position()
    assert 0.0 <= x <= 1.0 and 0.0 <= y <= 1.0
    assert cap.get_text().startswith(("Source: ", SYNTHETIC_MARK))
    assert source.split()[0] in cap.get_text()
    for box in _boxes(cap):
        assert _inside(box, ax.get_window_extent()), (box, ax.get_window_extent())


def _all_texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def _legend_texts(ax) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def _market_charts(synthetic: bool):
    idx = _dates(30)
    frame = pd.DataFrame({"NVDA": np.linspace(1, 2, 30), "AMD": np.linspace(1, 0.5, 30)},
                         index=idx)
    common = {"source": "test data, as of 2024-01-30", "synthetic": synthetic}
    return [
        vm.plot_lines(frame, title="lines", ylabel="USD", hline=1.0, **common),
        vm.plot_heatmap(frame.pct_change().corr(), title="heat", **common),
        vm.plot_bars(pd.Series([0.1, -0.2, 0.05], index=["a", "b", "c"]), title="bars",
                     ylabel="return (%)", percent=True, **common),
        vm.plot_grouped_bars(pd.DataFrame({"x": [0.1, -0.1], "y": [0.2, 0.3]},
                                          index=["g1", "g2"]),
                             title="grouped", ylabel="return (%)", percent=True, **common),
    ]


def _cost_charts(mid, financial):
    scenario, hyb = financial
    owned = scenario_from_preset("financial")
    _, info = vc.cost_summary(mid)
    return [
        vc.plot_cost_curve(cost_curve(mid), mid),
        vc.plot_cost_breakdown({"API": info["api"].breakdown,
                                "self-host": info["selfhost"].breakdown}, mid),
        vc.plot_tornado(tornado(mid), mid),
        vc.plot_savings_distribution(monte_carlo(mid, draws=100, seed=1), mid),
        vc.plot_hourly_split(hyb.hourly, scenario, hyb.hybrid_replicas),
        vc.plot_hybrid_cost(hyb.table, scenario),
        vc.plot_cashflows(investor_cashflows(owned), owned),
        vc.plot_investor_scenarios(investor_scenarios(owned), owned),
    ]


# --------------------------------------------------------------------------- source line
@pytest.mark.parametrize("synthetic", [True, False])
def test_market_source_line_is_inside_the_axes(synthetic):
    for ax in _market_charts(synthetic):
        _assert_caption_inside(ax, "test data")
        assert (SYNTHETIC_MARK in _caption(ax).get_text()) is synthetic


def test_cost_source_line_is_inside_the_axes_and_not_synthetic(mid, financial):
    for ax in _cost_charts(mid, financial):
        _assert_caption_inside(ax, "Source:")
        assert SYNTHETIC_MARK not in " ".join(_all_texts(ax.figure))
        assert _mark(ax) is None


@pytest.mark.parametrize("synthetic", [True, False])
def test_synthetic_mark_is_prominent_and_inside_the_axes(synthetic):
    for ax in _market_charts(synthetic):
        mark = _mark(ax)
        if not synthetic:
            assert mark is None
            continue
        ax.figure.canvas.draw()
        assert mark.get_transform() is ax.transAxes
        assert mark.get_fontweight() == "bold"
        assert to_rgba(mark.get_color()) == to_rgba(SYNTHETIC_COLOUR)
        assert mark.get_fontsize() > _caption(ax).get_fontsize()
        for box in _boxes(mark):
            assert _inside(box, ax.get_window_extent())


def test_caption_and_mark_cover_no_data():
    """The caption and the mark sit in bands of their own: the data lie between them."""
    frame = pd.DataFrame({"a": np.linspace(0.0, 10.0, 50), "b": np.linspace(10.0, 0.0, 50)},
                         index=_dates(50))
    ax = vm.plot_lines(frame, title="t", ylabel="USD", source="s", synthetic=True)
    ax.figure.canvas.draw()
    lines = [ln for ln in ax.get_lines() if ln.get_label() in ("a", "b")]
    ys = np.concatenate([ax.transData.transform(ln.get_xydata())[:, 1] for ln in lines])
    assert ys.min() >= _caption(ax).get_bbox_patch().get_window_extent().y1
    assert ys.max() <= _mark(ax).get_bbox_patch().get_window_extent().y0
    legend = ax.get_legend().get_window_extent()
    assert legend.y0 >= ys.max() - 1.0  # the legend has its own band too
    assert not legend.overlaps(_mark(ax).get_bbox_patch().get_window_extent())
    # no tick (nor grid line) inside the bands
    lo, hi = frame.min().min(), frame.max().max()
    span = hi - lo
    assert all(lo - 0.1 * span <= t <= hi + 0.1 * span for t in ax.yaxis.get_majorticklocs())


def test_heatmap_cells_stay_clear_of_the_caption():
    m = pd.DataFrame(np.eye(4), index=list("abcd"), columns=list("abcd"))
    ax = vm.plot_heatmap(m, title="t", source="s", synthetic=True)
    ax.figure.canvas.draw()
    mesh = ax.collections[0].get_window_extent()
    assert _caption(ax).get_bbox_patch().get_window_extent().y1 <= mesh.y0 + 1.0
    assert _mark(ax).get_bbox_patch().get_window_extent().y0 >= mesh.y1 - 1.0
    assert [t.get_text() for t in ax.get_yticklabels()] == list("abcd")


def test_source_line_checks_its_corner():
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="loc"):
        source_line(ax, "s", loc="middle")
    with pytest.raises(ValueError, match="mark_loc"):
        source_line(ax, "s", synthetic=True, loc="upper left", mark_loc="upper left")


def test_legend_best_avoids_the_caption():
    """The caption is a figure text; its unpainted twin in the axes steers 'best' legends."""
    _, ax = plt.subplots()
    x = np.linspace(0, 1, 50)
    ax.plot(x, x, label="up")
    ax.plot(x, 0.5 + 0 * x, label="flat")
    cap = source_line(ax, "a long source line " * 4)
    twins = [t for t in ax.texts if t.get_gid() == CAPTION_TWIN_GID]
    assert len(twins) == 1 and twins[0].get_text() == cap.get_text()
    assert to_rgba(twins[0].get_color())[3] == 0.0
    legend = ax.legend(loc="best")
    ax.figure.canvas.draw()
    assert not legend.get_window_extent().overlaps(cap.get_window_extent())


# --------------------------------------------------------------------------- local paths
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CSV files in /work/main/data/prices, as of 2024", "CSV files in prices, as of 2024"),
        ("CSV files in /home/alice/prices/ as of x", "CSV files in prices as of x"),
        ("catalog (/home/alice/my.yaml)", "catalog (my.yaml)"),
        ("file:///Users/bob/x.csv; y", "x.csv; y"),
        ("~/data/prices/NVDA.csv", "NVDA.csv"),
        (r"C:\Users\Jane Doe\prices, as of 2024", "prices, as of 2024"),
        ("C:/data/x.csv", "x.csv"),
        (r"\\server\share\my data\prices as of", "prices as of"),
    ],
)
def test_strip_local_paths(text, expected):
    assert strip_local_paths(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "genai-prices 0.2.3: OpenAI gpt-4o (https://developers.openai.com/api/docs/pricing)",
        "NVIDIA TensorRT-LLM docs/source/performance/perf-overview.md (github.com/NVIDIA/x)",
        "API token price (-30%/yr, assumption)",
        "infrastructure ÷ platforms; a / b; 2024/01/02; lambda.ai/instances",
    ],
)
def test_strip_local_paths_keeps_urls_and_repository_paths(text):
    assert strip_local_paths(text) == text


def test_no_local_path_in_any_market_chart_text():
    frame = pd.DataFrame({"NVDA": [1.0, 2.0, 3.0]}, index=_dates(3))
    frame.attrs.update(source="csv", data_dir="/home/alice/prices",
                       provenance="CSV files in /home/alice/prices", as_of="2024-01-03")
    label = vm.source_label(frame)
    for source in (label, "CSV files in /home/alice/prices/NVDA.csv",
                   r"C:\Users\alice\prices\NVDA.csv"):
        ax = vm.plot_lines(frame, title="from /home/alice/x/chart", ylabel="USD",
                           source=source, synthetic=False)
        texts = _all_texts(ax.figure)
        assert any("Source:" in t for t in texts)
        assert not [t for t in texts if LOCAL_PATH.search(t)], texts


def test_no_local_path_in_any_cost_chart_text(financial):
    scenario, hyb = financial
    prov = dict(scenario.provenance)
    for key in ("api_output_per_mtok_usd", "server_price_usd", "throughput_tok_s"):
        if key in prov:
            prov[key] = dataclasses.replace(prov[key],
                                            source=f"/home/alice/catalogs/{key}.yaml")
    local = dataclasses.replace(scenario, provenance=prov)
    text = cost_plots.sources_text(local)
    assert "api_output_per_mtok_usd.yaml" in text and "/home" not in text
    for ax in (vc.plot_hybrid_cost(hyb.table, local),
               vc.plot_hourly_split(hyb.hourly, local, hyb.hybrid_replicas)):
        texts = _all_texts(ax.figure)
        assert not [t for t in texts if LOCAL_PATH.search(t)], texts


# --------------------------------------------------------------------------- counts
def test_replica_axis_has_whole_number_ticks_only():
    table = pd.DataFrame({
        "replicas": [0, 1, 2, 3], "total_monthly_usd": [9e4, 7e4, 6e4, 6.5e4],
        "selfhost_monthly_usd": [0, 3e4, 5e4, 6.5e4], "api_monthly_usd": [9e4, 4e4, 1e4, 0],
        "optimum": [False, False, True, False],
    })
    ax = vc.plot_hybrid_cost(table, scenario_from_preset("midmarket"))
    ax.figure.canvas.draw()
    assert isinstance(ax.xaxis.get_major_locator(), MaxNLocator)
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert len(ticks) >= 2
    assert all(float(t).is_integer() for t in ticks), ticks


def test_replica_axis_of_the_notebook_hybrid_is_whole_numbers(financial):
    scenario, hyb = financial
    ax = vc.plot_hybrid_cost(hyb.table, scenario)
    ax.figure.canvas.draw()
    assert all(float(t).is_integer() for t in ax.get_xticks())


# --------------------------------------------------------------------------- hourly split
def _hourly(base: float, over_at_peak: float, capacity: float) -> pd.DataFrame:
    hours = np.arange(24)
    over = np.where((hours >= 9) & (hours <= 17), over_at_peak, 0.0)
    served = np.full(24, base)
    return pd.DataFrame({
        "hour": hours, "requests_per_hour": served + over,
        "selfhost_capacity_requests_per_hour": np.full(24, capacity),
        "selfhost_requests_per_hour": served, "api_requests_per_hour": over,
        "selfhost_share": np.divide(served, served + over, out=np.zeros(24),
                                    where=served + over > 0),
    })


def test_hourly_split_of_the_financial_preset_has_no_overflow(financial):
    # the batch 80% fills the hours the interactive load leaves free: the cheapest split
    # (the fleet without its spare) serves every request
    scenario, hyb = financial
    hourly, k = hyb.hourly, hyb.hybrid_replicas
    assert hourly["api_requests_per_hour"].sum() == pytest.approx(0.0, abs=1e-6)
    assert "no API overflow" in vc.plot_hourly_split(hourly, scenario, k).get_title()
    # the self-hosted load follows the interactive shape plus the batch in the free hours
    assert (hourly["selfhost_requests_per_hour"]
            <= hourly["selfhost_capacity_requests_per_hour"] * (1 + 1e-9)).all()


def test_hourly_split_shows_a_thin_overflow(financial):
    scenario, _ = financial
    hourly, k = _hourly(80_000.0, 300.0, 80_000.0), 4
    share = hourly["api_requests_per_hour"].sum() / hourly["requests_per_hour"].sum()
    assert 0 < share < 0.01  # a sliver
    ax = vc.plot_hourly_split(hourly, scenario, k)
    title = ax.get_title()
    assert f"API overflow: {cost_plots.share_text(share)} of requests" in title
    assert "too thin to see" in title
    legend = _legend_texts(ax)
    assert any(t.startswith("API overflow (") for t in legend)
    assert f"self-hosted base load ({k} replicas)" in legend
    # the overflow bars: a contrasting colour with an outline, only where there is overflow
    over_bars = [p for p in ax.patches if to_rgba(p.get_facecolor())[:3] == to_rgba("C3")[:3]]
    assert len(over_bars) == int((hourly["api_requests_per_hour"] > 0).sum())
    assert all(p.get_linewidth() > 0 and to_rgba(p.get_edgecolor())[:3] == (0, 0, 0)
               for p in over_bars)
    # its hours are marked and the peak is annotated, so the sliver can be found
    assert any(len(c.get_offsets()) == len(over_bars) for c in ax.collections)
    assert any("API overflow: up to" in t.get_text() for t in ax.texts)


@pytest.mark.parametrize(
    ("frame", "replicas", "expected", "absent"),
    [
        (_hourly(100.0, 0.0, 120.0), 3, "no API overflow", "too thin"),
        (_hourly(1000.0, 10.0, 1000.0), 3, "API overflow: 0.4% of requests (too thin to see",
         "API for the peak"),
        (_hourly(100.0, 50.0, 100.0), 3, "API overflow: 16% of requests", "too thin"),
        (_hourly(0.0, 50.0, 0.0), 0, "every request goes to the API", "overflow"),
    ],
)
def test_hourly_title_says_how_much_goes_to_the_api(frame, replicas, expected, absent, mid):
    assert expected in cost_plots.hourly_title(frame, replicas)
    assert absent not in cost_plots.hourly_title(frame, replicas)
    ax = vc.plot_hourly_split(frame, mid, replicas)
    assert expected in ax.get_title()
    _assert_caption_inside(ax, "Source:")


def test_share_text():
    assert [cost_plots.share_text(v) for v in (0.0, 0.0003, 0.0029, 0.5, 0.997, 1.0)] == [
        "0%", "< 0.1%", "0.3%", "50%", "99.7%", "100%"]


# --------------------------------------------------------------------------- line styles
def test_paired_columns_share_a_colour_nominal_solid_real_dashed():
    n = 20
    frame = pd.DataFrame({c: np.linspace(1, 1 + i / 10, n) for i, c in enumerate(PAIRED)},
                         index=_dates(n))
    ax = vm.plot_lines(frame, title="t", ylabel="USD", source="s", synthetic=True, hline=1.0)
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    bases = ["infrastructure", "platforms", "^GSPC"]
    colours = []
    for base in bases:
        nominal, real = lines[f"{base} (nominal)"], lines[f"{base} (real)"]
        assert to_rgba(nominal.get_color()) == to_rgba(real.get_color())
        assert nominal.get_linestyle() == "-" and real.get_linestyle() == "--"
        colours.append(to_rgba(nominal.get_color()))
    assert len(set(colours)) == len(bases)
    # one legend column per kind, one row per base; every series listed once
    legend = ax.get_legend()
    assert sorted(_legend_texts(ax)) == sorted(PAIRED)
    assert legend._ncols == 2
    assert _legend_texts(ax)[:3] == [f"{b} (nominal)" for b in bases]


def test_unpaired_columns_keep_their_own_colours():
    frame = pd.DataFrame({"CPI (all items)": [1.0, 2.0], "core CPI": [1.5, 1.0],
                          "other (x)": [0.5, 0.7]}, index=_dates(2))
    ax = vm.plot_lines(frame, title="t", ylabel="%", source="s")
    lines = [ln for ln in ax.get_lines() if ln.get_label() in frame.columns]
    assert len({to_rgba(ln.get_color()) for ln in lines}) == 3
    assert {ln.get_linestyle() for ln in lines} == {"-"}


# --------------------------------------------------------------------------- log axis
def test_log_axis_labels_are_plain_decimals():
    months = np.arange(61)
    paths = pd.DataFrame({"opex (+3%/yr, CPI)": 1.03 ** (months / 12),
                          "API price (-30%/yr, assumption)": 0.7 ** (months / 12),
                          "API price (-75%/yr, LLMflation)": 0.25 ** (months / 12)},
                         index=months)
    assert paths.min().min() < 0.002 and paths.max().max() > 1.1
    ax = vm.plot_lines(paths, title="t", ylabel="index (log scale)", logy=True, hline=1.0,
                       source="s", synthetic=True)
    ax.figure.canvas.draw()
    assert ax.get_yscale() == "log"
    lo, hi = ax.get_ylim()
    labels = [t.get_text() for t in ax.get_yticklabels()
              if t.get_text() and lo <= t.get_position()[1] <= hi]
    assert len(labels) >= 3
    for label in labels:
        assert not re.search(r"\$|\^|mathdefault|times|×|e[+-]", label), label
        float(label.replace(",", ""))
    assert "0.001" in labels and "1" in labels
    assert not [t.get_text() for t in ax.get_yticklabels(minor=True) if t.get_text()]


@pytest.mark.parametrize(("lo", "hi"), [(0.001, 3.0), (0.8, 1.3), (0.3, 3.0), (1e-5, 2.0)])
def test_log_ticks_are_readable_over_any_span(lo, hi):
    frame = pd.DataFrame({"a": np.geomspace(lo, hi, 30)}, index=np.arange(30))
    ax = vm.plot_lines(frame, title="t", ylabel="x", logy=True, source="s")
    ax.figure.canvas.draw()
    ticks = [t for t in ax.get_yticks() if lo * 0.999 <= t <= hi * 1.001]
    assert 3 <= len(ticks) <= 10, ticks


# --------------------------------------------------------------------------- missing data
def test_grouped_bars_leave_out_all_nan_series_and_groups():
    card = pd.DataFrame(
        {"12-1 momentum": [0.3, 0.1, np.nan], "3-month momentum": [0.05, -0.02, np.nan],
         "change in relative strength (3 m)": [np.nan, np.nan, np.nan]},
        index=["infrastructure", "platforms", "ipos"],
    )
    ax = vm.plot_grouped_bars(card, title="t", ylabel="%", percent=True, source="s",
                              synthetic=True)
    assert _legend_texts(ax) == ["12-1 momentum", "3-month momentum"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["infrastructure", "platforms"]
    assert len(ax.patches) == 4


def test_lines_and_bars_leave_out_all_nan_series():
    frame = pd.DataFrame({"a": [1.0, 2.0, 1.5], "b": [2.0, 1.0, np.nan], "gone": np.nan},
                         index=_dates(3))
    ax = vm.plot_lines(frame, title="t", ylabel="x", source="s")
    assert _legend_texts(ax) == ["a", "b"]
    assert "gone" not in [ln.get_label() for ln in ax.get_lines()]
    ax = vm.plot_bars(pd.Series([0.1, np.nan, -0.1], index=["x", "nan", "z"]), title="t",
                      ylabel="%", source="s")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x", "z"]


@pytest.mark.parametrize("chart", ["lines", "bars", "grouped", "heatmap"])
def test_no_data_charts_say_so(chart):
    nan = pd.DataFrame({"a": [np.nan, np.nan], "b": [np.nan, np.nan]}, index=_dates(2))
    common = {"title": "t", "source": "s", "synthetic": True}
    ax = {
        "lines": lambda: vm.plot_lines(nan, ylabel="x", **common),
        "bars": lambda: vm.plot_bars(nan["a"], ylabel="x", **common),
        "grouped": lambda: vm.plot_grouped_bars(nan, ylabel="x", **common),
        "heatmap": lambda: vm.plot_heatmap(nan.corr(), **common),
    }[chart]()
    assert vm.NO_DATA_TEXT in [t.get_text() for t in ax.texts]
    assert ax.get_legend() is None
    assert _mark(ax) is not None
    _assert_caption_inside(ax, "s")


# --------------------------------------------------------------------------- issue 26
def test_break_even_chart_keeps_its_legend_clear_and_writes_one_spelling(mid):
    """The legend sits beside the plot (the break-even line and label never cross it), the
    label writes the volume as fmt_scaled does, and the source line is whole (no ``...``)."""
    from aipolicy.nb.format import fmt_scaled

    curve = cost_curve(mid)
    ax = vc.plot_cost_curve(curve, mid)
    fig = ax.figure
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.x0 >= ax.get_window_extent().x1  # outside the plot area
    be = curve.breakeven
    if be.reached and be.tokens_per_day is not None:
        label = f"break-even\n{fmt_scaled(be.tokens_per_day, 1)} tokens/day"
        assert label in [t.get_text() for t in ax.texts]
    caption = _caption(ax).get_text()
    assert "..." not in caption and "…" not in caption
    assert cost_plots.sources_text(mid).replace(" ", "") in caption.replace("\n", "").replace(
        " ", "")
