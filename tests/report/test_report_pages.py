"""What a reader of a report sees: formatted figures, the answer box, partial status, results-only pages."""

from __future__ import annotations

import nbformat
import pytest
from nbformat import v4

from aipolicy.nb.answer import Answer, Gaps
from aipolicy.record import MIME_TYPE, format_figure, read_figures, record
from aipolicy.report import index, render
from aipolicy.report.execute import completed_status


@pytest.mark.parametrize("value, fmt, unit, text", [
    (4.189, "pct", None, "418.9 %"),
    (76_500_000.0, "tokens_per_day", None, "76.5 M tokens/day"),
    (1.87e9, "tokens_per_day", None, "1.9 bn tokens/day"),
    (100057.7, "requests_per_day", None, "100,058 requests/day"),
    (10290.4, "usd", None, "$10,290"),
    (-4572.3, "usd", None, "-$4,572"),
    (-0.2, "usd", None, "$0"),
    (2, "months", None, "2 months"),
    (1, "months", None, "1 month"),
    (None, "months", None, "never"),
    (None, "usd", None, "—"),
    (8, "count", "replicas", "8 replicas"),
    (5.6e9, "number", None, "5.6 bn"),
    ("2026-09", "date", None, "2026-09"),
    (True, None, None, "yes"),
])
def test_format_figure_writes_units_and_never_scientific_notation(value, fmt, unit, text):
    assert format_figure(value, fmt, unit) == text
    assert "e+" not in format_figure(value, fmt, unit)


def test_record_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="fmt 'percent' is not one of"):
        record("x", 1, fmt="percent", display=False)


def _nb_with_records(*payloads):
    cell = v4.new_code_cell("x")
    cell.outputs = [v4.new_output("display_data", data={MIME_TYPE: p, "text/plain": "recorded"})
                    for p in payloads]
    return v4.new_notebook(cells=[cell])


def test_read_figures_keeps_labelled_records_in_order():
    nb = _nb_with_records({"name": "a", "value": 1, "label": "A", "format": "usd"},
                          {"name": "b", "value": 2},
                          {"name": "c", "value": 3, "label": "C", "format": "pct"})
    assert read_figures(nb) == {"a": {"label": "A", "unit": None, "format": "usd"},
                                "c": {"label": "C", "unit": None, "format": "pct"}}


def test_answer_box_text_and_html_say_the_same_and_mark_synthetic():
    a = Answer(question="Q?", context="Data: sample", headline="It <pays>.",
               points=["one", "two"], caveat="careful", synthetic=True)
    text = repr(a)
    assert text.splitlines()[:4] == ["What this says", "SAMPLE DATA — synthetic: not market "
                                     "prices.", "Data: sample", "It <pays>."]
    assert "- one" in text and "Keep in mind: careful" in text
    html = a._repr_html_()
    assert "It &lt;pays&gt;." in html and "SAMPLE DATA" in html and html.count("<li>") == 2
    assert a.as_record()["headline"] == "It <pays>."


def test_gaps_record_what_was_skipped_and_make_the_status_partial():
    gaps = Gaps(display=False)
    assert not gaps and "nothing was skipped" in gaps.text()
    gaps.skip("rolling beta", "needs 126 sessions; the window has 90")
    gaps.skip("rolling beta", "needs 126 sessions; the window has 90")  # once only
    assert gaps.items == [{"analysis": "rolling beta",
                           "reason": "needs 126 sessions; the window has 90"}]
    assert completed_status("ok", {"skipped": gaps.items}) == "partial"
    assert completed_status("ok", {"skipped": []}) == "ok"
    assert completed_status("failed", {"skipped": gaps.items}) == "failed"


def test_index_shows_partial_with_reasons_and_each_series_dates():
    summary = {"generated_at": "x", "generated_at_text": "x", "wall_time_s": 1.0,
               "notebooks": {"04_inflation_and_ai_stocks": {
                   "status": "partial", "duration_s": 2.0, "html": "04.html",
                   "records": {
                       "answer": {"question": "How high is inflation?", "context": "Data: csv",
                                  "headline": "CPI inflation was 2.9 %."},
                       "skipped": [{"analysis": "regression", "reason": "only 8 months"}],
                       "data_series": [
                           {"series": "prices", "source": "csv (folder realdata)",
                            "first": "2025-05-12", "last": "2026-05-11"},
                           {"series": "CPI", "source": "csv (folder realdata)",
                            "first": "2016-01", "last": "2025-08"}]}}}}
    page = index.render_index(summary)
    assert "st-partial" in page and "regression: only 8 months" in page
    assert "prices: csv (folder realdata), 2025-05-12 to 2026-05-11" in page
    assert "CPI: csv (folder realdata), 2016-01 to 2025-08" in page
    assert page.index("How high is inflation?") < page.index("CPI inflation was 2.9 %.")


def test_results_only_pages_drop_code_records_and_notebook_only_cells(tmp_path):
    intro = v4.new_markdown_cell("Change the parameters in the next cell.")
    intro.metadata["tags"] = ["notebook-only"]
    code = v4.new_code_cell("print('visible result')")
    code.outputs = [v4.new_output("stream", name="stdout", text="visible result\n"),
                    v4.new_output("display_data", data={MIME_TYPE: {"name": "x", "value": 1},
                                                        "text/plain": "recorded: x"})]
    quiet = v4.new_code_cell("secret_variable = 1")
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("# Title"), intro, code, quiet])
    src = tmp_path / "n.ipynb"
    nbformat.write(nb, str(src))
    render.render_html(src, tmp_path / "r.html", no_input=True)
    page = (tmp_path / "r.html").read_text()
    assert "visible result" in page and "Title" in page
    assert "recorded: x" not in page and "Change the parameters" not in page
    assert "secret_variable" not in page and "print(" not in page
    render.render_html(src, tmp_path / "c.html", no_input=False)
    full = (tmp_path / "c.html").read_text()
    assert "secret_variable" in full and "Change the parameters" in full
