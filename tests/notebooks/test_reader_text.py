"""What a reader of the market pages (03-08) reads: prose, not printed text; words, not code.

Fast: reads the notebook files, runs no kernel. The pages themselves are checked in headless
Chromium by ``tests/report/test_reader_view.py``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("0[3-8]_*.ipynb"))
#: Code a reader may have to type on a market page: the report's command line.
TYPED = re.compile(r"^(aipolicy (report|sweep)\b.*|--source live)$", re.S)


def _calls(source: str) -> set[str]:
    tree = ast.parse("\n".join(line for line in source.splitlines()
                               if not line.lstrip().startswith(("%", "!"))))
    return {n.func.id for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_market_pages_say_their_sentences_as_prose_not_print(path):
    # print() becomes a preformatted block on the page: fixed width, cut lines, no links
    nb = nbformat.read(path, as_version=4)
    printing = [i for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and "print" in _calls(c.source)]
    assert not printing, f"cells {printing} print(): use aipolicy.nb.prose.say"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_market_pages_name_things_in_words_not_code(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown" or "notebook-only" in cell.metadata.get("tags", []):
            continue  # the parameters' own cell is about what a reader types
        for code in re.findall(r"`([^`]+)`", cell.source):
            assert TYPED.match(" ".join(code.split())), f"cell {i}: `{code}` is code"
        names = re.findall(r"\b[a-z]+_[a-z_]+\b", cell.source)
        assert not names, f"cell {i}: {names} are code names"


#: Each market page's decisive section: it stays open on the page, the others fold.
DECISIVE = {
    "03": "## 1. Cumulative returns: infrastructure basket, platform basket, index",
    "04": "## 1. CPI and core CPI, year over year",
    "05": "## 2. Buy-and-hold abnormal returns after listing",
    "06": "## 3. The claims check",
    "07": "## 1. The cheapest option, by volume and open model",
    "08": "## 2. Do the baskets move around the cuts?",
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_market_pages_carry_their_number_and_keep_their_decisive_section_open(path):
    nb = nbformat.read(path, as_version=4)
    number = path.stem[:2]
    assert nb.cells[0].source.startswith(f"# {number} · "), "title: '# NN · ...'"
    kept = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown"
            and "keep-open" in c.metadata.get("tags", [])]
    assert kept == [DECISIVE[number]]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_section_heading_opens_its_cell_so_each_section_keeps_its_own_words(path):
    # the report folds from a heading cell to the next: text above a heading in the same cell
    # would land in the next section's fold, a second heading would not fold at all
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        heads = [k for k, line in enumerate(cell.source.splitlines()) if line.startswith("## ")]
        assert heads in ([], [0]), f"cell {i}: '##' headings at lines {heads}"
