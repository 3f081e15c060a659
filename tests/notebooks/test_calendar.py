"""The calendar never changes a result: the sample notebooks run a year ahead give the same pages.

Every notebook is executed with its default parameters (the embedded sample, its own valuation
date) under libfaketime with the system clock moved a year ahead, the way ``make notebooks``
stores them, into a copy of the collection. Its recorded figures and its plain-text outputs
must equal the stored ones. Without ``faketime`` on the machine (Debian package ``faketime``;
``.ci/run`` installs it) the test skips.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aipolicy.record import read_records

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
#: A year after the day this test was written, and past every dated price the bundled
#: genai-prices data announces (its last change is dated 2027-01-01).
LATER = "2027-12-06 12:00:00"
#: Wall-clock timestamps (nbval sanitizes them too): the only text allowed to differ.
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:?\d{2}|Z)?( UTC)?")


def _texts(path: Path) -> list[str]:
    """The plain text each code cell shows (its streams and text/plain outputs joined: a
    stream may arrive in more or fewer pieces from run to run), timestamps masked."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
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
def run_a_year_ahead(tmp_path_factory):
    """The collection executed a year ahead: {notebook stem: path of the executed copy}."""
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.skip("faketime is not installed (Debian package 'faketime')")
    root = tmp_path_factory.mktemp("later")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(ROOT / "examples", root / "examples")
    # a clean slate when the suite itself runs under faketime (its settings, such as
    # FAKETIME_DONT_FAKE_MONOTONIC, stall the kernels, and a second libfaketime is no good)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAKETIME")}
    preload = [x for x in env.pop("LD_PRELOAD", "").split() if "faketime" not in x]
    if preload:
        env["LD_PRELOAD"] = " ".join(preload)
    env.update({"AIPOLICY_NOTEBOOKS_DIR": str(root / "notebooks"), "MPLBACKEND": "agg"})
    probe = subprocess.run([faketime, "-f", f"@{LATER}", sys.executable, "-c",
                            "import datetime; print(datetime.date.today())"],
                           capture_output=True, text=True, env=env, timeout=60)
    assert probe.stdout.strip() == LATER[:10], probe.stderr  # the clock really moved
    done = subprocess.run([faketime, "-f", f"@{LATER}", sys.executable, "-m",
                           "aipolicy.report.store_outputs"],
                          capture_output=True, text=True, env=env, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return {p.stem: p for p in (root / "notebooks").glob("[0-9][0-9]_*.ipynb")}


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
