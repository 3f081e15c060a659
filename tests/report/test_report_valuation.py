"""One valuation date per report: chosen once, injected into every notebook, recorded, shown."""

from __future__ import annotations

import datetime as dt

import pytest

from aipolicy import valuation
from aipolicy.errors import ReportError
from aipolicy.report import index
from aipolicy.report.plan import ReportOptions, plan_report

LATER = dt.date(2031, 2, 3)


@pytest.fixture
def collection(tmp_path, toys, monkeypatch):
    """A cost and a market notebook that both take ``as_of``, and a clock years ahead."""
    nbs = tmp_path / "notebooks"
    toys.write(nbs, "01_build_vs_buy", "preset = 'x'\nas_of = None\n", "print(as_of)")
    toys.write(nbs, "03_ai_infrastructure_stocks",
               "data_source = 'sample'\ndata_dir = None\nas_of = None\n", "print(as_of)")
    toys.write(nbs, "04_no_date", "data_source = 'sample'\ndata_dir = None\n", "print(1)")
    monkeypatch.setattr(valuation, "today", lambda: LATER)
    return nbs


def plan(nbs, tmp_path, **kw):
    return plan_report(ReportOptions(notebooks_dir=nbs, reports_dir=tmp_path / "reports", **kw))


def test_a_sample_report_is_valued_on_the_samples_date_whatever_the_clock(collection, tmp_path):
    p = plan(collection, tmp_path)
    assert p.options["as_of"] == "2026-10-30"
    assert p.injected["01_build_vs_buy"]["as_of"] == "2026-10-30"
    assert p.injected["03_ai_infrastructure_stocks"]["as_of"] == "2026-10-30"
    assert "as_of" not in p.injected["04_no_date"]


def test_a_live_or_csv_report_is_valued_today(collection, tmp_path):
    assert plan(collection, tmp_path, source="live").options["as_of"] == LATER.isoformat()
    assert plan(collection, tmp_path, source="csv",
                data_dir=tmp_path).options["as_of"] == LATER.isoformat()


def test_as_of_flag_wins_over_the_params_file_which_wins_over_the_default(collection, tmp_path):
    doc = {"as_of": "2025-06-01"}
    assert plan(collection, tmp_path, params=doc).options["as_of"] == "2025-06-01"
    got = plan(collection, tmp_path, params=doc, as_of="2025-01-02")
    assert got.options["as_of"] == "2025-01-02"
    assert {n: v.get("as_of") for n, v in got.injected.items()} == {
        "01_build_vs_buy": "2025-01-02", "03_ai_infrastructure_stocks": "2025-01-02",
        "04_no_date": None}


def test_the_valuation_date_is_part_of_what_reuse_compares(collection, tmp_path):
    a = plan(collection, tmp_path).hashes["01_build_vs_buy"]
    b = plan(collection, tmp_path, as_of="2025-01-02").hashes["01_build_vs_buy"]
    assert a and b and a != b


def test_a_section_may_not_set_its_own_valuation_date(collection, tmp_path):
    with pytest.raises(ReportError, match="section '01_build_vs_buy' sets as_of: a report has "
                                          "one valuation date"):
        plan(collection, tmp_path, params={"01": {"as_of": "2025-01-01"}})


def test_a_bad_date_in_the_params_names_it(collection, tmp_path):
    with pytest.raises(ReportError, match=r"^--params: as_of: 'June' is not a date"):
        plan(collection, tmp_path, params={"as_of": "June"})


def test_the_index_shows_the_valuation_date():
    page = index.render_index({"notebooks": {}, "as_of": "2026-10-30"})
    assert 'id="valuation"' in page and "Valuation date <b>2026-10-30</b>" in page
