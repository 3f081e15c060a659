"""The calendar never changes a result: the sample notebooks run a year ahead give the same pages.

Every notebook is executed as ``aipolicy report --source sample`` runs it (the embedded
sample, its own valuation date) under libfaketime with the system clock moved a year ahead: the
shared ``sample_report`` run of ``tests/conftest.py``, which the reader's-view and Dask tests
read too. Its recorded figures and its plain-text outputs must equal the ones ``make notebooks``
stored (the cell the report injects with the parameters, and the explorer cells a report does
not run, are left out of the text). Without ``faketime`` on the machine (Debian package
``faketime``; ``.ci/run`` installs it) the test skips.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from aipolicy.record import read_records

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
#: Wall-clock timestamps (nbval sanitizes them too): the only text allowed to differ.
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:?\d{2}|Z)?( UTC)?")


#: Cells a report run adds (the parameters it passes) or leaves unrun (explorer widgets).
NOT_COMPARED = {"injected-parameters", "hide-in-report"}


def _texts(path: Path) -> list[str]:
    """The plain text each code cell shows (its streams and text/plain outputs joined: a
    stream may arrive in more or fewer pieces from run to run), timestamps masked."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or NOT_COMPARED & set(cell["metadata"].get("tags", [])):
            continue
        parts = []
        for o in cell.get("outputs", []):
            text = o.get("text") or (o.get("data") or {}).get("text/plain") or ""
            parts.append("".join(text) if isinstance(text, list) else text)
        out.append(STAMP.sub("TIMESTAMP", "".join(parts)))
    return out


def _same(a, b) -> bool:
    """Equal records; floats to 1e-9 (a re-run moves the last bits of some sums)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (a != a and b != b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@pytest.fixture(scope="module")
def run_a_year_ahead(sample_report):
    """The collection executed a year ahead: {notebook stem: path of the executed copy}."""
    if not sample_report.a_year_ahead:
        pytest.skip("faketime is not installed (Debian package 'faketime')")
    return {p.stem: p for p in sample_report.folder.glob("[0-9][0-9]_*.ipynb")}


NAMES = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("name", NAMES)
def test_a_year_later_the_records_are_the_same(run_a_year_ahead, name):
    stored = read_records(ROOT / "notebooks" / f"{name}.ipynb")
    later = read_records(run_a_year_ahead[name])
    assert stored, f"{name} records nothing"
    differ = sorted(k for k in stored.keys() | later.keys()
                    if not _same(stored.get(k), later.get(k)))
    assert not differ, f"{name}: records that moved with the clock: {differ}"


@pytest.mark.parametrize("name", NAMES)
def test_a_year_later_the_page_text_is_the_same(run_a_year_ahead, name):
    stored = _texts(ROOT / "notebooks" / f"{name}.ipynb")
    later = _texts(run_a_year_ahead[name])
    moved = [(a, b) for a, b in zip(stored, later, strict=True) if a != b]
    assert len(stored) == len(later) and not moved, f"{name}: {moved[:2]}"
