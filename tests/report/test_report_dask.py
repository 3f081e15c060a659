"""``aipolicy report --scheduler``: the notebooks run on Dask workers, the report is written here.

One two-worker ``LocalCluster`` (processes) for the module. The real notebooks 01 and 03 on the
sample data run on it and must agree with the shared local run (``sample_report``); then the failure paths: an unreachable or
malformed address, workers of another version, a notebook path missing on the worker, and
Ctrl-C. Starts kernels: marked slow.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aipolicy.errors import ReportError
from aipolicy.report import dask_runner
from aipolicy.report.task import Task
from tests.report.conftest import default_sigint, kernels_with_cwd

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ("01_build_vs_buy", "03_ai_infrastructure_stocks")


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as local:
        yield local


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"AIPOLICY_REPORTS_DIR": str(tmp / "reports"), "MPLBACKEND": "agg",
                "AIPOLICY_PACKAGE_FINGERPRINT": "tests", **extra})
    return env


def _report(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aipolicy", "report", "-q", *args], env=env,
                          capture_output=True, text=True, timeout=timeout, cwd=str(ROOT))


def _outcome(folder: Path) -> dict[str, tuple[str, dict]]:
    summary = json.loads((folder / "summary.json").read_text())
    return {n: (nb["status"], nb["records"]) for n, nb in summary["notebooks"].items()}


def test_dask_report_equals_the_local_report(cluster, tmp_path, sample_report):
    env = _env(tmp_path)
    on_dask = tmp_path / "dask"
    proc = _report(env, "--source", "sample", "--notebooks", "01", "03",
                   "--scheduler", cluster.scheduler_address, "--out", str(on_dask))
    assert proc.returncode == 0, proc.stderr
    # the local run: the shared sample report (its records do not depend on the clock)
    got, everything = _outcome(on_dask), _outcome(sample_report.folder)
    expected = {name: everything[name] for name in NOTEBOOKS}
    assert set(got) == set(NOTEBOOKS)
    assert got == expected  # statuses and every recorded figure
    assert all(status == "ok" for status, _ in got.values())
    summary = json.loads((on_dask / "summary.json").read_text())
    workers = set(cluster.scheduler_info["workers"])
    page = (on_dask / "index.html").read_text()
    for name in NOTEBOOKS:
        assert summary["notebooks"][name]["worker"] in workers  # it ran on the cluster
        assert (on_dask / f"{name}.html").is_file() and (on_dask / f"{name}.ipynb").is_file()
        assert f'href="{name}.html"' in page
    assert json.loads((on_dask / "manifest.json").read_text())["complete"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


@pytest.mark.parametrize("address, words", [
    ("tcp://127.0.0.1:1", "cannot reach the Dask scheduler"),
    ("nowhere", "not a Dask scheduler address"),
])
def test_unreachable_scheduler_is_a_one_line_usage_error(tmp_path, address, words):
    out = tmp_path / "out"
    t0 = time.monotonic()
    proc = _report(_env(tmp_path), "--notebooks", "01", "--scheduler", address,
                   "--out", str(out), timeout=120)
    assert proc.returncode == 2
    assert time.monotonic() - t0 < 40  # a 10 s connect timeout, not distributed's 30 s default
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert f"--scheduler {address}" in lines[0] and words in lines[0]
    assert not out.exists() and not (tmp_path / "reports").exists()


def test_workers_of_another_version_are_refused(cluster, monkeypatch):
    monkeypatch.setattr(dask_runner, "__version__", "0.0.0-other")
    with pytest.raises(ReportError) as err:
        dask_runner.DaskSession.connect(cluster.scheduler_address)
    msg = str(err.value)
    assert msg.startswith(f"--scheduler {cluster.scheduler_address}: worker ")
    assert "but this client runs 0.0.0-other" in msg and "\n" not in msg


def test_a_notebook_missing_on_the_worker_fails_saying_so(cluster, tmp_path):
    from distributed import Client

    missing = tmp_path / "elsewhere" / "01_build_vs_buy.ipynb"
    task = Task(name="01_build_vs_buy", input_path=missing, output_ipynb=tmp_path / "a.ipynb",
                output_html=tmp_path / "a.html")
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        res = client.submit(dask_runner.run_on_worker, task, "run", "topic", pure=False).result()
    assert res["status"] == "failed" and res["ipynb"] is None
    assert res["error"]["ename"] == "FileNotFoundError"
    assert str(missing) in res["error"]["evalue"] and "same absolute path" in res["error"]["evalue"]
    assert not (tmp_path / "a.ipynb").exists()  # the worker writes nothing at the client's paths


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and POSIX signals")
def test_ctrl_c_cancels_the_cluster_run_and_writes_nothing(cluster, tmp_path, toys):
    nbs = tmp_path / "notebooks"
    toys.write(nbs, "01_build_vs_buy", "preset = 'x'", "import time\ntime.sleep(60)")
    out = tmp_path / "out"
    env = _env(tmp_path, AIPOLICY_NOTEBOOKS_DIR=str(nbs))
    proc = subprocess.Popen([sys.executable, "-m", "aipolicy", "report", "--scheduler",
                             cluster.scheduler_address, "--out", str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=str(ROOT), preexec_fn=default_sigint)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not kernels_with_cwd(nbs.resolve()):
        time.sleep(0.2)
    assert kernels_with_cwd(nbs.resolve()), "the notebook never started on a worker"
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebooks"]  # no out, no .tmp-
    time.sleep(1.5)
    assert kernels_with_cwd(nbs.resolve()) == []  # the worker's kernel was killed
