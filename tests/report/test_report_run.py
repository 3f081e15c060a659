"""The report runner end to end on toy notebooks (starts kernels: marked slow)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from aipolicy.record import read_records
from tests.report.conftest import default_sigint, kernels_with_cwd

pytestmark = pytest.mark.slow
OK_NBS = ("01_build_vs_buy", "03_ai_infrastructure_stocks")


def test_end_to_end_index_htmls_and_summary_exist_and_agree(mixed_report):
    proc, folder, _ = mixed_report
    assert proc.returncode == 1, proc.stderr  # a notebook failed, another timed out
    manifest = json.loads((folder / "manifest.json").read_text())
    summary = json.loads((folder / "summary.json").read_text())
    page = (folder / "index.html").read_text()
    assert manifest["complete"] and set(manifest["notebooks"]) == set(summary["notebooks"])
    for name in OK_NBS:
        entry = summary["notebooks"][name]
        assert entry["status"] == "ok"
        assert (folder / f"{name}.html").is_file() and (folder / f"{name}.ipynb").is_file()
        assert entry["records"] == read_records(folder / f"{name}.ipynb")
        assert f'href="{name}.html"' in page and f'data-notebook="{name}"' in page
    cost = summary["notebooks"]["01_build_vs_buy"]["records"]
    assert cost["breakeven_tokens_per_day"] == pytest.approx(12345678.9)
    assert "12.3 M tokens/day" in page and "42.0 %" in page and "Break-even" in page
    market = summary["notebooks"]["03_ai_infrastructure_stocks"]
    assert market["parameters"] == {"data_source": "sample"} and market["records"]["synthetic"]
    assert "SAMPLE DATA — synthetic" in page and "as of 2024-12-31" in page
    html = (folder / "01_build_vs_buy.html").read_text()
    assert "cost notebook done" in html and "SECRET EXPLORER WIDGET" not in html
    # results only by default: no code, no record plumbing
    assert "recorded:" not in html and "from aipolicy.record import" not in html
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".tmp-")]


def test_failing_notebook_is_reported_and_others_complete(mixed_report):
    proc, folder, _ = mixed_report
    summary = json.loads((folder / "summary.json").read_text())
    entry = summary["notebooks"]["04_inflation_and_ai_stocks"]
    assert entry["status"] == "failed"
    assert entry["error"] == {"ename": "ValueError", "evalue": "boom on purpose"}
    nb = nbformat.read(str(folder / "04_inflation_and_ai_stocks.ipynb"), as_version=4)
    assert any("papermill-error-cell" in c.source for c in nb.cells)  # papermill's marker
    assert (folder / "04_inflation_and_ai_stocks.html").is_file()
    page = (folder / "index.html").read_text()
    assert "FAILED" in page and "ValueError: boom on purpose" in page
    assert "04_inflation_and_ai_stocks: FAILED" in proc.stderr


def test_timeout_stops_the_notebook_and_is_reported(mixed_report):
    _, folder, _ = mixed_report
    summary = json.loads((folder / "summary.json").read_text())
    entry = summary["notebooks"]["05_ai_ipos"]
    assert entry["status"] == "timeout" and entry["error"]["ename"] == "TimeoutError"
    assert entry["duration_s"] < 30  # the cell sleeps 120 s
    assert (folder / "05_ai_ipos.html").is_file()
    nb = nbformat.read(str(folder / "05_ai_ipos.ipynb"), as_version=4)
    assert any("papermill-error-cell" in c.source for c in nb.cells)
    assert "TIMEOUT" in (folder / "index.html").read_text()


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium installed")
def test_index_in_headless_chromium_shows_table_and_sample_warning(mixed_report, tmp_path):
    _, folder, _ = mixed_report
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*cmd, "--dump-dom", (folder / "index.html").as_uri()],
                         capture_output=True, text=True, timeout=60).stdout
    assert 'data-notebook="03_ai_infrastructure_stocks"' in dom
    assert 'id="sample-warning"' in dom and "SAMPLE DATA — synthetic" in dom
    assert "FAILED" in dom and "TIMEOUT" in dom


def test_reuse_skips_unchanged_and_reruns_changed(tmp_path, toys):
    env = toys.env(tmp_path)
    nbs = tmp_path / "notebooks"
    toys.cost(nbs)
    toys.market(nbs)
    out = tmp_path / "out"

    def report(*extra):
        t0 = time.perf_counter()
        proc = toys.run(env, "--source", "sample", "--out", str(out), "-q", "--reuse", *extra)
        assert proc.returncode == 0, proc.stderr
        statuses = {k: v["status"] for k, v in
                    json.loads((out / "summary.json").read_text())["notebooks"].items()}
        return statuses, time.perf_counter() - t0

    assert report()[0] == dict.fromkeys(OK_NBS, "ok")  # nothing to reuse yet
    statuses, wall = report()
    assert statuses == dict.fromkeys(OK_NBS, "reused") and wall < 5
    assert read_records(out / "01_build_vs_buy.ipynb")["cheapest"] == "api"
    assert "reused" in (out / "index.html").read_text()
    toys.cost(nbs, extra="\nprint('changed')")  # notebook content changed
    assert report()[0] == {"01_build_vs_buy": "ok", "03_ai_infrastructure_stocks": "reused"}
    (Path(env["AIPOLICY_SAMPLE_DIR"]) / "prices.csv").write_text("date,NVDA\n2025-01-02,2.0\n")
    assert report()[0] == {"01_build_vs_buy": "reused", "03_ai_infrastructure_stocks": "ok"}
    statuses, _ = report("--with-code")  # rendering options are an input too
    assert statuses == dict.fromkeys(OK_NBS, "ok")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_run_leaves_no_complete_looking_folder(tmp_path, toys, sig):
    env = toys.env(tmp_path)
    nbs = tmp_path / "notebooks"
    toys.write(nbs, "01_build_vs_buy", "preset = 'x'", "import time\ntime.sleep(60)")
    toys.market(nbs)
    reports = tmp_path / "reports"
    old = reports / "2000-01-01"
    old.mkdir(parents=True)
    (old / "manifest.json").write_text('{"complete": true}')
    (reports / "latest").symlink_to("2000-01-01")
    proc = subprocess.Popen([sys.executable, "-m", "aipolicy", "report", "--source", "sample"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=default_sigint)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not kernels_with_cwd(nbs.resolve()):
        time.sleep(0.2)
    time.sleep(1.0)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "interrupted" in err
    leftovers = sorted(p.name for p in reports.iterdir())
    assert leftovers == ["2000-01-01", "latest"], leftovers
    assert os.readlink(reports / "latest") == "2000-01-01"
    time.sleep(1.5)
    assert kernels_with_cwd(nbs.resolve()) == []


def test_many_parallel_kernels_start_without_port_collisions(tmp_path, toys):
    env = toys.env(tmp_path)
    nbs = tmp_path / "notebooks"
    for i in range(1, 9):
        toys.write(nbs, f"{i:02d}_toy", "n = 1", "print(n * 2)")
    out = tmp_path / "out"
    proc = toys.run(env, "--out", str(out), "--jobs", "8", "-q")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert {v["status"] for v in summary["notebooks"].values()} == {"ok"}
    assert len(summary["notebooks"]) == 8


def test_store_outputs_executes_in_place_without_papermill_metadata(tmp_path, toys):
    nbs = tmp_path / "notebooks"
    path = toys.cost(nbs)
    toys.market(nbs)
    env = toys.env(tmp_path)
    cmd = [sys.executable, "-m", "aipolicy.report.store_outputs"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    nb = nbformat.read(str(path), as_version=4)
    assert "papermill" not in nb.metadata
    assert not any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert not any("execution" in c.metadata for c in nb.cells)
    assert read_records(nb)["cheapest"] == "api"
    first = path.read_bytes()
    proc = subprocess.run([*cmd, "01"], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert path.read_bytes() == first  # deterministic
