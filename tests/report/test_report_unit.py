"""Report runner pieces that need no kernel: names, params, fingerprints, index page."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from aipolicy.commands import main
from aipolicy.errors import ReportError
from aipolicy.report import index, notebooks, params
from aipolicy.report.runner import ReportOptions, run_report

NAMES = ["01_build_vs_buy", "02_hybrid_and_investment_view", "03_ai_infrastructure_stocks"]


@pytest.mark.parametrize("req", ["01", "1", "01_build_vs_buy", "01_build_vs_buy.ipynb",
                                 "notebooks/01_build_vs_buy.ipynb"])
def test_select_accepts_number_stem_and_file_name(req):
    assert notebooks.select([req], NAMES) == ["01_build_vs_buy"]


def test_select_unknown_name_lists_available():
    with pytest.raises(ReportError, match=r"no notebook named 'nope'.*01_build_vs_buy"):
        notebooks.select(["nope"], NAMES)


def test_parse_parameters_reads_literals_and_keeps_other_defaults_as_text():
    got = notebooks.parse_parameters("a = 1\nb: str = 'x'\nimport os\nc = os.getcwd()\n")
    assert got["a"].default == 1 and got["b"].default == "x"
    assert got["c"].default is notebooks.NOT_LITERAL and got["c"].default_text == "os.getcwd()"


@pytest.fixture
def infos(tmp_path, toys):
    toys.cost(tmp_path)
    toys.market(tmp_path)
    return {p.stem: notebooks.load(p) for p in notebooks.discover(tmp_path)}


def test_params_precedence_global_section_then_flags(infos, tmp_path):
    doc = {"start": dt.date(2021, 1, 4), "seed": 7, "03": {"start": "2022-01-01"},
           "01_build_vs_buy.ipynb": {"draws": 5}}
    g, s = params.split_sections(doc, list(infos))
    got = params.resolve(infos, list(infos), g, s, source="csv", data_dir=tmp_path)
    assert got["01_build_vs_buy"] == {"seed": 7, "draws": 5}
    assert got["03_ai_infrastructure_stocks"] == {
        "start": "2022-01-01", "data_source": "csv", "data_dir": str(tmp_path.resolve())}


def test_params_unknown_key_in_section_names_key_section_and_allowed(infos):
    g, s = params.split_sections({"01": {"drawz": 5}}, list(infos))
    with pytest.raises(ReportError) as err:
        params.resolve(infos, list(infos), g, s)
    msg = str(err.value)
    assert "'drawz'" in msg and "01_build_vs_buy" in msg and "draws" in msg and "seed" in msg


def test_params_global_key_no_selected_notebook_accepts_is_an_error(infos):
    g, s = params.split_sections({"benchmrk": "SPY"}, list(infos))
    with pytest.raises(ReportError, match="unknown global parameter 'benchmrk'"):
        params.resolve(infos, list(infos), g, s)
    g, s = params.split_sections({"draws": 3}, list(infos))
    with pytest.raises(ReportError, match="'draws'"):  # only notebook 01 has it
        params.resolve(infos, ["03_ai_infrastructure_stocks"], g, s)


def test_cli_bad_params_file_exits_2_naming_the_key(tmp_path, toys, monkeypatch, capsys):
    nbs = tmp_path / "notebooks"
    toys.cost(nbs)
    monkeypatch.setenv("AIPOLICY_NOTEBOOKS_DIR", str(nbs))
    monkeypatch.setenv("AIPOLICY_REPORTS_DIR", str(tmp_path / "reports"))
    bad = tmp_path / "p.yaml"
    bad.write_text("01_build_vs_buy:\n  not_a_param: 3\n")
    assert main(["report", "--params", str(bad), "-q"]) == 2
    err = capsys.readouterr().err
    assert "not_a_param" in err and "01_build_vs_buy" in err
    bad.write_text("draws: [1, 2\n")
    assert main(["report", "--params", str(bad), "-q"]) == 2
    assert "invalid YAML" in capsys.readouterr().err
    assert main(["report", "--notebooks", "07", "-q"]) == 2
    assert "available: 01_build_vs_buy" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())


def test_refuses_to_replace_a_folder_that_is_not_a_report(tmp_path, toys):
    toys.cost(tmp_path / "notebooks")
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.docx").write_text("do not delete")
    with pytest.raises(ReportError, match="refusing to replace"):
        run_report(ReportOptions(out=out, notebooks_dir=tmp_path / "notebooks", progress=False))
    assert (out / "thesis.docx").exists()


def test_index_shows_warning_scalars_and_summarises_nested(tmp_path):
    summary = {
        "generated_at": "2025-01-07T06:17:00Z", "generated_at_text": "2025-01-07 06:17 UTC",
        "wall_time_s": 12.5, "aipolicy_version": "0.1.0",
        "notebooks": {
            "01_build_vs_buy": {"status": "ok", "duration_s": 3.2, "html": "01_build_vs_buy.html",
                                "ipynb": "01_build_vs_buy.ipynb",
                                "records": {"breakeven_tokens_per_day": 12345678.9,
                                            "p_selfhost_cheaper": 0.42, "cheapest": "api"},
                                "figures": {"breakeven_tokens_per_day": {
                                    "label": "Break-even", "format": "tokens_per_day"},
                                    "p_selfhost_cheaper": {"label": "P(cheaper)",
                                                           "format": "pct"}}},
            "06_signals_and_claims": {
                "status": "failed", "duration_s": 1.0, "data_source": "sample",
                "error": {"ename": "ValueError", "evalue": "<bad> & worse"},
                "records": {"data_source": "sample", "data_as_of": "2024-12-31", "synthetic": True,
                            "scorecard": {"a": {"b": [1, 2, 3]}}, "claims": [1, 2]}},
        },
    }
    page = index.render_index(summary)
    assert index.SAMPLE_WARNING in page and 'data-notebook="01_build_vs_buy"' in page
    assert "<dt>Break-even</dt><dd>12.3 M tokens/day</dd>" in page
    assert "<dt>P(cheaper)</dt><dd>42.0 %</dd>" in page
    assert "cheapest" not in page.split("<footer>")[0].split("</style>")[1]  # no label: not shown
    assert "FAILED" in page and "ValueError: &lt;bad&gt; &amp; worse" in page
    assert "sample, as of 2024-12-31" in page
    summary["notebooks"].pop("06_signals_and_claims")
    assert index.SAMPLE_WARNING not in index.render_index(summary)
    json.dumps(summary)


def test_reuse_without_previous_report_or_for_live_data_is_not_possible(tmp_path):
    from aipolicy.report import fingerprint

    assert fingerprint.data_fingerprint({"data_source": "live"}, True) is None
    assert fingerprint.data_fingerprint({"data_source": "auto"}, True) is None
    assert fingerprint.input_hash(b"{}", {}, None, {}) is None
    a = fingerprint.input_hash(b"{}", {"x": 1}, "fp", {"no_input": False})
    assert a == fingerprint.input_hash(b"{}", {"x": 1}, "fp", {"no_input": False})
    assert a != fingerprint.input_hash(b"{}", {"x": 2}, "fp", {"no_input": False})
    (tmp_path / "d.csv").write_text("1")
    h1 = fingerprint.tree_hash(tmp_path)
    (tmp_path / "d.csv").write_text("2")
    assert fingerprint.tree_hash(Path(tmp_path)) != h1


def test_csv_source_without_a_folder_is_refused_before_any_notebook_runs(
    tmp_path, toys, monkeypatch, capsys
):
    nbs = tmp_path / "notebooks"
    toys.cost(nbs)
    toys.market(nbs)
    monkeypatch.setenv("AIPOLICY_NOTEBOOKS_DIR", str(nbs))
    monkeypatch.setenv("AIPOLICY_REPORTS_DIR", str(tmp_path / "reports"))
    assert main(["report", "--source", "csv", "-q"]) == 2
    err = capsys.readouterr().err
    assert "data_source 'csv' needs a folder" in err and "--data-dir" in err
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())


def test_counts_read_in_the_right_number():
    # issue 26: the runs page said "1 runs"
    from aipolicy.report.index import counted

    assert [counted(1, "run"), counted(2, "run"), counted(0, "report")] == [
        "1 run", "2 runs", "0 reports"]
    assert counted(1200, "cell") == "1,200 cells"
    page = index.render_runs([{"name": "a", "statuses": {"01": "ok"}, "ok": True,
                               "has_index": True}], "a")
    assert "1 run, newest first" in page and "1 runs" not in page
    one = index.render_index({"notebooks": {"01": {"status": "ok"}}})
    assert "1 notebook: 1 ok" in one


def test_live_data_offline_stops_before_any_kernel_in_one_line(tmp_path, toys, monkeypatch,
                                                               capsys):
    # issue 26: offline, `report --source live` ran 23 s and repeated the error per notebook
    from aipolicy.marketdata import reach

    nbs = tmp_path / "notebooks"
    toys.cost(nbs)
    toys.market(nbs)
    toys.market(nbs, "04_inflation_and_ai_stocks")
    probes: list[str] = []

    def offline(url):
        probes.append(url)
        return "name lookup failed (no network or no DNS)"

    reach.forget()
    monkeypatch.setattr(reach, "http_probe", offline)
    monkeypatch.setenv("AIPOLICY_NOTEBOOKS_DIR", str(nbs))
    monkeypatch.setenv("AIPOLICY_REPORTS_DIR", str(tmp_path / "reports"))
    try:
        assert main(["report", "--source", "live", "-q"]) == 2
    finally:
        reach.forget()
    err = capsys.readouterr().err
    assert err.strip() == (
        "aipolicy report: error: --source live: cannot reach Yahoo Finance / FRED: name lookup "
        "failed (no network or no DNS); use --source cache|sample|csv")
    assert len(probes) == 2  # one per service, not one per notebook
    assert not (tmp_path / "reports").exists()  # nothing written


def test_cost_notebooks_alone_need_no_network(tmp_path, toys, monkeypatch):
    from aipolicy.marketdata import reach

    nbs = tmp_path / "notebooks"
    toys.cost(nbs)
    toys.market(nbs)
    monkeypatch.setattr(reach, "http_probe", lambda url: pytest.fail("probed the network"))
    from aipolicy.report.plan import plan_report
    from aipolicy.report.runner import check_reachable

    check_reachable(plan_report(ReportOptions(notebooks_dir=nbs, notebooks=["01"],
                                              source="live", reports_dir=tmp_path / "r")))
