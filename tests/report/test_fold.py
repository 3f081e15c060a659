"""Folded pages: the answer and the sections tagged keep-open stay open, the rest fold."""

from __future__ import annotations

import nbformat
from nbformat import v4

from aipolicy.report.render import KEEP_OPEN_TAG, fold_sections, open_heading_ids, render_html


def _notebook(tmp_path):
    cells = [v4.new_markdown_cell("# Title\n\nWhat this says: the answer."),
             v4.new_markdown_cell("## Decisive\n\nthe table"),
             v4.new_code_cell("print('decisive figure')"),
             v4.new_markdown_cell("## Details\n\nmore"),
             v4.new_code_cell("print('detail figure')"),
             v4.new_markdown_cell("### A subsection of the details"),
             v4.new_markdown_cell("## Method and limits")]
    cells[1].metadata["tags"] = [KEEP_OPEN_TAG]
    cells[2].outputs = [v4.new_output("stream", name="stdout", text="decisive figure\n")]
    cells[4].outputs = [v4.new_output("stream", name="stdout", text="detail figure\n")]
    nb = v4.new_notebook(cells=cells)
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path, nb


def test_sections_after_the_answer_fold_unless_kept_open(tmp_path):
    path, nb = _notebook(tmp_path)
    assert open_heading_ids(nb) == {nb.cells[1].id}
    render_html(path, tmp_path / "nb.html", no_input=True)
    page = (tmp_path / "nb.html").read_text()
    answer, decisive = page.index("What this says"), page.index("decisive figure")
    first_fold = page.index('<details class="aipolicy-fold">')
    assert answer < decisive < first_fold  # the answer and the kept section come first, open
    assert page.count('<details class="aipolicy-fold">') == 2  # Details, Method and limits
    assert "<summary><h2" in page and page.index("detail figure") > first_fold
    assert "A subsection of the details" in page[first_fold:]  # an ### stays in its section
    assert "<details open" not in page


def test_pages_with_the_code_and_pages_without_sections_are_not_folded(tmp_path):
    path, _ = _notebook(tmp_path)
    render_html(path, tmp_path / "code.html", no_input=False)
    assert "aipolicy-fold\">" not in (tmp_path / "code.html").read_text()
    assert fold_sections("<html><body><p>no main</p></body></html>", set()) == \
        "<html><body><p>no main</p></body></html>"
