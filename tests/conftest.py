"""Fixtures shared across test folders.

``sample_report``: one ``aipolicy report --source sample`` run of every notebook, shared by all
pytest-xdist workers (the first worker that asks runs it under a file lock, the others wait and
read it). When ``faketime`` is installed (Debian package ``faketime``; ``.ci/run`` installs it)
the run happens with the clock a year ahead, so the same run serves the reader's view of the
pages, the calendar test (its records and text must equal the stored outputs) and the Dask test
(its records must equal a cluster run's).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: A year after the day the calendar test was written, and past every dated price the bundled
#: genai-prices data announces (its last change is dated 2027-01-01).
LATER = "2027-12-06 12:00:00"


@dataclass(frozen=True)
class SampleReport:
    """The shared run: its folder, its summary.json, and whether the clock was a year ahead."""

    folder: Path
    summary: dict
    a_year_ahead: bool
    home: Path


def _faketime_env(env: dict[str, str]) -> dict[str, str]:
    """ENV without any libfaketime settings (a second libfaketime is no good, and settings such
    as FAKETIME_DONT_FAKE_MONOTONIC stall the kernels)."""
    env = {k: v for k, v in env.items() if not k.startswith("FAKETIME")}
    preload = [x for x in env.pop("LD_PRELOAD", "").split() if "faketime" not in x]
    if preload:
        env["LD_PRELOAD"] = " ".join(preload)
    return env


def _run(base: Path) -> SampleReport:
    out, home = base / "report", base / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", "HOME": str(home),
           "AIPOLICY_CACHE_DIR": str(home / "cache"), "MPLBACKEND": "agg"}
    cmd = [sys.executable, "-m", "aipolicy", "report", "--source", "sample", "--out", str(out),
           "-q"]
    faketime = shutil.which("faketime")
    if faketime is not None:
        env = _faketime_env(env)
        probe = subprocess.run([faketime, "-f", f"@{LATER}", sys.executable, "-c",
                                "import datetime; print(datetime.date.today())"],
                               capture_output=True, text=True, env=env, timeout=60)
        assert probe.stdout.strip() == LATER[:10], probe.stderr  # the clock really moved
        cmd = [faketime, "-f", f"@{LATER}", *cmd]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900,
                          cwd=str(ROOT))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    summary = json.loads((out / "summary.json").read_text())
    (base / "done.json").write_text(json.dumps({"a_year_ahead": faketime is not None}))
    return SampleReport(out, summary, faketime is not None, home)


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> SampleReport:
    """The sample report of every notebook, run once for all workers (see the module text)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the workers' common folder
    base = root / "shared-sample-report"
    base.mkdir(exist_ok=True)
    with open(base / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done, failed = base / "done.json", base / "failed.txt"
        if failed.exists():  # another worker's run failed: say so once, do not run it again
            pytest.fail(f"the shared sample report failed: {failed.read_text()}")
        if done.exists():
            out = base / "report"
            return SampleReport(out, json.loads((out / "summary.json").read_text()),
                                json.loads(done.read_text())["a_year_ahead"], base / "home")
        try:
            return _run(base)
        except BaseException as exc:
            failed.write_text(str(exc)[-4000:])
            raise


#: The test files that take longest (wall seconds on this 2-core machine, 2026-12-05, in
#: brackets), slowest first. pytest-xdist hands whole files to its workers in collection order
#: (``--no-loadscope-reorder`` in pyproject.toml; by default it starts with the files that hold
#: the most tests, which left a 40 s file for the end); these go first so that no worker is
#: still busy with one of them when the others have finished. The calendar test starts the
#: shared sample report that the reader's-view and Dask tests then read.
SLOWEST_FIRST = (
    "tests/notebooks/test_calendar.py",  # (35, mostly the shared sample report)
    "tests/report/test_report_run.py",  # (46)
    "tests/notebooks/test_cost_notebooks.py",  # (40)
    "tests/notebooks/test_market_notebooks.py",  # (40)
    "tests/report/test_report_safety.py",  # (38)
    "tests/report/test_reader_view.py",  # (42)
    "tests/report/test_report_dask.py",  # (31)
    "tests/foundation/test_readme.py",  # (30)
    "tests/costs/test_presets_cli.py",  # (22)
    "tests/report/test_report_matrix.py",  # (19)
    "tests/report/test_headless.py",  # (16)
    "tests/notebooks/test_economics_notebook.py",  # (14)
    "tests/sweep/test_run.py",  # (12)
    "tests/costs/test_per_token_side.py",  # (12)
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the files of :data:`SLOWEST_FIRST` first, in that order; the rest keep theirs."""
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
