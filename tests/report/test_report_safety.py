"""Reports never lose anything (issue 16, data loss 1 and 2).

- ``--out DIR`` replaces or deletes only a folder carrying the runner's marker, and in it only
  the files the marker lists; anything else is refused with a one-line error naming the folder;
- each run writes its own time-stamped folder, unique even for concurrent runs; ``latest``
  moves only to a run of every notebook that all ran ok; ``reports/index.html`` lists every run;
- workers and kernels die with the runner, also on ``kill -9``; the next run removes the
  temporary folder a killed run left.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from aipolicy.commands import main
from aipolicy.errors import ReportError
from aipolicy.report import folder as rfolder
from aipolicy.report.runner import ReportOptions, run_report

ROOT = Path(__file__).resolve().parents[2]
RUN_NAME = re.compile(r"^\d{4}-\d\d-\d\dT\d{6}Z-[0-9a-f]{4}$")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _statuses(folder: Path) -> dict[str, str]:
    summary = json.loads((folder / "summary.json").read_text())
    return {k: v["status"] for k, v in summary["notebooks"].items()}


# --- ownership: no kernel needed ------------------------------------------------------------


def test_web_app_folder_with_manifest_json_is_refused_and_survives(
    tmp_path, toys, monkeypatch, capsys
):
    nbs = tmp_path / "notebooks"
    toys.cost(nbs)
    monkeypatch.setenv("AIPOLICY_NOTEBOOKS_DIR", str(nbs))
    monkeypatch.setenv("AIPOLICY_REPORTS_DIR", str(tmp_path / "reports"))
    app = tmp_path / "app"
    app.mkdir()
    (app / "manifest.json").write_text('{"name": "x"}')
    (app / "app.js").write_text("js")
    assert main(["report", "--notebooks", "01", "--out", str(app), "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(app) in err and "refusing to replace" in err
    assert sorted(p.name for p in app.iterdir()) == ["app.js", "manifest.json"]
    assert (app / "app.js").read_text() == "js"
    assert (app / "manifest.json").read_text() == '{"name": "x"}'
    # a manifest shaped like an old report's still does not cover a file it does not list
    (app / "manifest.json").write_text(json.dumps({
        "format": 1, "complete": True, "package_fingerprint": "x",
        "notebooks": {"01_build_vs_buy": {"input_hash": "h", "files": ["01_build_vs_buy.html"]}},
    }))
    with pytest.raises(ReportError, match=r"app\.js"):
        run_report(ReportOptions(out=app, notebooks_dir=nbs, progress=False))
    assert (app / "app.js").read_text() == "js"


def test_marked_report_with_a_foreign_file_is_refused(tmp_path, toys):
    toys.cost(tmp_path / "notebooks")
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("report")
    rfolder.write_marker(out, ["index.html"], state="complete")
    rfolder.check_replaceable(out)  # only the runner's files: may be replaced
    (out / "notes.txt").write_text("mine")
    (out / "sub").mkdir()
    with pytest.raises(ReportError, match=r"refusing to replace.*notes\.txt, sub"):
        run_report(ReportOptions(out=out, notebooks_dir=tmp_path / "notebooks", progress=False))
    assert (out / "notes.txt").read_text() == "mine" and (out / "sub").is_dir()


def test_remove_owned_deletes_only_the_files_the_marker_lists(tmp_path):
    d = tmp_path / "r"
    d.mkdir()
    for name in ("a.html", "b.ipynb", "user.txt"):
        (d / name).write_text(name)
    rfolder.write_marker(d, ["a.html", "b.ipynb", "missing.html"])
    assert rfolder.remove_owned(d) == ["user.txt"]
    assert sorted(p.name for p in d.iterdir()) == [rfolder.MARKER, "user.txt"]
    (d / "user.txt").unlink()
    assert rfolder.remove_owned(d) == [] and not d.exists()
    plain = tmp_path / "plain"  # no marker: nothing is deleted
    plain.mkdir()
    (plain / "x").write_text("x")
    assert rfolder.remove_owned(plain) == ["x"] and (plain / "x").exists()


def test_stale_temporary_folders_of_dead_runs_are_cleaned(tmp_path):
    root = tmp_path / "reports"
    root.mkdir()

    def tmp_of(pid: int | None, age_s: float = 0.0, marker: bool = True) -> Path:
        d = rfolder.make_tmp(root, "2026-01-01T000000Z-abcd", ["01_x.html"])
        (d / "01_x.html").write_text("partial")
        pid = pid or os.getpid()
        new = root / re.sub(r"-\d+-([0-9a-f]{8})$", rf"-{pid}-\1", d.name)
        d.rename(new)
        info = json.loads((new / rfolder.MARKER).read_text())
        info.update(owner_pid=pid, started=time.time() - age_s)
        if marker:
            rfolder.write_marker(new, info.pop("files"), **{k: v for k, v in info.items()
                                                            if k not in ("format", "version")})
        else:
            (new / rfolder.MARKER).unlink()
        return new

    dead = tmp_of(_dead_pid())
    live = tmp_of(None)
    old = tmp_of(None, age_s=2 * 86400)
    foreign = tmp_of(_dead_pid(), marker=False)
    other = root / ".tmp-something-else"
    other.mkdir()
    removed = rfolder.clean_stale(root)
    assert sorted(removed) == sorted([dead, old])
    assert not dead.exists() and not old.exists()
    assert live.exists() and foreign.exists() and other.exists()


def test_run_folder_names_are_timestamped_and_distinct():
    import datetime as dt

    t = dt.datetime(2026, 11, 30, 6, 15, 2, tzinfo=dt.UTC)
    names = {rfolder.run_name(t) for _ in range(50)}
    assert all(RUN_NAME.match(n) and n.startswith("2026-11-30T061502Z-") for n in names)
    assert len(names) > 1


def test_runs_page_is_not_written_over_a_file_the_runner_did_not_write(tmp_path, capsys):
    root = tmp_path / "reports"
    root.mkdir()
    (root / "index.html").write_text("my own page")
    assert rfolder.write_runs_index(root) is False
    assert (root / "index.html").read_text() == "my own page"
    assert "did not write" in capsys.readouterr().err


# --- end to end: start toy kernels ----------------------------------------------------------

SLEEPY = "sleep_s = 0\n"
SLEEP_CELL = "import time\ntime.sleep(sleep_s)\nprint('slept', sleep_s)"


@pytest.mark.slow
def test_out_replaces_only_its_own_report(tmp_path, toys):
    env = toys.env(tmp_path)
    toys.cost(tmp_path / "notebooks")
    out = tmp_path / "out"
    proc = toys.run(env, "--out", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    marker = json.loads((out / rfolder.MARKER).read_text())
    assert marker["format"] == rfolder.MARKER_FORMAT and marker["status"] == "ok"
    assert set(marker["files"]) == {"01_build_vs_buy.ipynb", "01_build_vs_buy.html",
                                    "summary.json", "index.html", "manifest.json"}
    (out / "notes.txt").write_text("mine")
    proc = toys.run(env, "--out", str(out), "-q")
    assert proc.returncode == 2 and str(out) in proc.stderr and "notes.txt" in proc.stderr
    assert (out / "notes.txt").read_text() == "mine" and (out / "summary.json").is_file()
    (out / "notes.txt").unlink()
    before = (out / "summary.json").read_text()
    proc = toys.run(env, "--out", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    assert (out / "summary.json").read_text() != before  # replaced by the new run
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".tmp-", ".old-"))]


@pytest.mark.slow
def test_failed_run_keeps_its_folder_but_never_moves_latest(tmp_path, toys):
    env = toys.env(tmp_path)
    nbs = tmp_path / "notebooks"
    toys.cost(nbs)
    toys.write(nbs, "02_toy_sleep", SLEEPY, SLEEP_CELL)
    reports = tmp_path / "reports"
    good = toys.run(env, "-q")
    assert good.returncode == 0, good.stderr
    good_dir = toys.folder(good)
    assert good_dir.parent == reports and RUN_NAME.match(good_dir.name)
    assert os.readlink(reports / "latest") == good_dir.name
    good_summary = (good_dir / "summary.json").read_text()

    params = tmp_path / "p.yaml"
    params.write_text('"02":\n  sleep_s: 60\n')
    bad = toys.run(env, "--params", str(params), "--timeout", "10", "-q")
    assert bad.returncode == 1, bad.stderr
    bad_dir = toys.folder(bad)
    assert bad_dir != good_dir and bad_dir.parent == reports
    assert _statuses(bad_dir) == {"01_build_vs_buy": "ok", "02_toy_sleep": "timeout"}
    assert (bad_dir / "index.html").is_file() and "TIMEOUT" in (bad_dir / "index.html").read_text()
    assert json.loads((bad_dir / "manifest.json").read_text())["status"] == "failed"
    assert "latest was not moved" in bad.stderr
    assert os.readlink(reports / "latest") == good_dir.name  # unchanged
    assert (good_dir / "summary.json").read_text() == good_summary  # untouched

    page = (reports / "index.html").read_text()
    assert page.index(f'data-run="{bad_dir.name}"') < page.index(f'data-run="{good_dir.name}"')
    assert f'href="{bad_dir.name}/index.html"' in page and "FAILED" in page
    assert "02_toy_sleep TIMEOUT" in page

    again = toys.run(env, "--reuse", "-q")  # finds the complete run through latest
    assert again.returncode == 0, again.stderr
    again_dir = toys.folder(again)
    assert _statuses(again_dir) == {"01_build_vs_buy": "reused", "02_toy_sleep": "reused"}
    assert os.readlink(reports / "latest") == again_dir.name
    runs = re.findall(r'data-run="([^"]+)"', (reports / "index.html").read_text())
    assert runs == [again_dir.name, bad_dir.name, good_dir.name]


@pytest.mark.slow
def test_concurrent_runs_both_survive_with_different_paths(tmp_path, toys):
    env = toys.env(tmp_path)
    nbs = tmp_path / "notebooks"
    toys.cost(nbs)
    toys.write(nbs, "02_toy", "n = 1", "print(n)")
    cmd = [sys.executable, "-m", "aipolicy", "report", "-q", "--jobs", "1", "--notebooks"]
    procs = [subprocess.Popen([*cmd, nb], env=env, cwd=str(ROOT),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for nb in ("01", "02")]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
        results.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    a, b = (toys.folder(r) for r in results)
    assert a != b and a.parent == b.parent == tmp_path / "reports"
    assert list(_statuses(a)) == ["01_build_vs_buy"] and list(_statuses(b)) == ["02_toy"]
    runs = re.findall(r'data-run="([^"]+)"', (tmp_path / "reports" / "index.html").read_text())
    assert sorted(runs) == sorted([a.name, b.name])
    # issue 26: a --notebooks subset says where it went and leaves latest
    assert not (tmp_path / "reports" / "latest").exists()
    assert all("1 of the 2 notebooks: " in r.stderr and "latest was not moved" in r.stderr
               for r in results)
    full = toys.run(env, "-q")
    assert full.returncode == 0, full.stderr
    assert os.readlink(tmp_path / "reports" / "latest") == toys.folder(full).name
    assert "latest" not in full.stderr


def _tagged(tag: str, notebooks: Path) -> list[int]:
    """Live processes started for one run: the test's tag in their environment, or a kernel
    whose working folder is the run's notebook folder."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue
            env = (proc / "environ").read_bytes().split(b"\0")
            cmd = (proc / "cmdline").read_bytes()
            in_run = f"AIPOLICY_TEST_RUN_TAG={tag}".encode() in env
            kernel = b"ipykernel" in cmd and Path(os.readlink(proc / "cwd")) == notebooks
        except (OSError, IndexError):
            continue
        if in_run or kernel:
            found.append(int(proc.name))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and POSIX signals")
def test_kill_9_of_the_runner_takes_workers_and_kernels_and_next_run_cleans_up(tmp_path, toys):
    env = toys.env(tmp_path)
    tag = uuid.uuid4().hex
    env["AIPOLICY_TEST_RUN_TAG"] = tag
    nbs = (tmp_path / "notebooks").resolve()
    started = tmp_path / "started"
    started.mkdir()
    for n in ("01_sleep_a", "02_sleep_b"):
        toys.write(nbs, n, "x = 1",
                   f"open({str(started / n)!r}, 'w').close()\nimport time\ntime.sleep(120)")
    toys.market(nbs)
    reports = tmp_path / "reports"
    proc = subprocess.Popen([sys.executable, "-m", "aipolicy", "report", "-q", "--jobs", "2",
                             "--notebooks", "01", "02"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len(list(started.iterdir())) < 2:
            assert proc.poll() is None, "the runner exited early"
            time.sleep(0.2)
        assert len(list(started.iterdir())) == 2, "the toy notebooks did not start"
        before = set(_tagged(tag, nbs)) - {proc.pid}
        assert len(before) >= 4, before  # two workers, two kernels
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and _tagged(tag, nbs):
            time.sleep(0.2)
        assert _tagged(tag, nbs) == [], "worker or kernel processes outlived the runner"
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in _tagged(tag, nbs):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    stale = [p for p in reports.iterdir() if p.name.startswith(".tmp-")]
    assert stale and not (reports / "latest").exists()  # the killed run's temporary folder
    nxt = toys.run(env, "--notebooks", "03", "--source", "sample", "-q")
    assert nxt.returncode == 0, nxt.stderr
    assert not [p for p in reports.iterdir() if p.name.startswith(".tmp-")]
    assert not (reports / "latest").exists()  # a subset run leaves latest (issue 26)
