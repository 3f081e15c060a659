"""Benchmark ``aipolicy report`` against the by-hand baseline, on the sample data.

Baseline: for each notebook, the ``papermill`` command line then ``jupyter nbconvert --to
html``, one after the other (``-p data_source sample`` only for notebooks that accept it).
Then ``aipolicy report --source sample --out <tmp>`` (default jobs: the CPUs), then the same
with ``--reuse`` on unchanged inputs. Peak memory is the largest summed RSS of the report's
process tree (the runner, its workers and their kernels), polled from ``/proc`` every 50 ms.

Runs on whatever notebooks are in ``AIPOLICY_NOTEBOOKS_DIR`` (default ``notebooks/``).
Targets: report wall <= 0.5 x baseline on a 2-core machine; peak memory < 2 GB;
``--reuse`` wall < 10 % of a full report.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _notebooks() -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from aipolicy.report.notebooks import discover
    from aipolicy.report.runner import notebooks_dir

    return discover(notebooks_dir())


def _tree_rss_kb(root_pid: int) -> int:
    """Summed VmRSS (kB) of ``root_pid`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry.name)
        children.setdefault(int(fields.get("PPid", "0").strip() or 0), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def _timed(cmd: list[str], env: dict[str, str], measure_memory: bool = False) -> tuple[float, int, int]:
    """Run ``cmd``; return (wall seconds, peak tree RSS in kB or 0, return code)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        if measure_memory and Path("/proc").is_dir():
            peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    return wall, peak, proc.returncode


def run() -> list[dict]:
    paths = _notebooks()
    if not paths:
        return [{"figure": "report vs baseline", "target": "-",
                 "measured": "no notebooks in notebooks/ yet", "ok": None}]
    from aipolicy.report.notebooks import load

    # the reuse fingerprint covers the package's own source: measure what a user gets, so no
    # pin here (AIPOLICY_PACKAGE_FINGERPRINT); do not edit the package while this runs
    env = dict(os.environ, MPLBACKEND="agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.pop("AIPOLICY_PACKAGE_FINGERPRINT", None)
    with tempfile.TemporaryDirectory(prefix="aipolicy-bench-") as tmp:
        base = Path(tmp)
        t0 = time.perf_counter()
        for path in paths:
            out = base / "baseline" / path.name
            out.parent.mkdir(exist_ok=True)
            cmd = [str(BIN / "papermill"), str(path), str(out), "--cwd", str(path.parent),
                   "-k", "python3", "--no-progress-bar"]
            if "data_source" in load(path).parameters:
                cmd += ["-p", "data_source", "sample"]
            subprocess.run(cmd, env=env, capture_output=True)
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(out)],
                           env=env, capture_output=True)
        baseline = time.perf_counter() - t0
        report_cmd = [str(BIN / "aipolicy"), "report", "--source", "sample", "-q",
                      "--out", str(base / "report")]
        wall, peak_kb, code = _timed(report_cmd, env, measure_memory=True)
        reuse, _, _ = _timed([*report_cmd, "--reuse"], env)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    ratio = wall / baseline
    return [
        {"figure": f"baseline: papermill + nbconvert CLIs, serial ({len(paths)} notebooks)",
         "target": "-", "measured": f"{baseline:.1f} s", "ok": None},
        {"figure": f"aipolicy report ({cpus} CPUs, exit {code})", "target": "-",
         "measured": f"{wall:.1f} s", "ok": None},
        {"figure": "report / baseline wall time", "target": "<= 0.50 (2 cores)",
         "measured": f"{ratio:.2f}", "ok": ratio <= 0.5},
        {"figure": "report peak memory (process tree RSS, /proc)", "target": "< 2 GB",
         "measured": f"{peak_kb / 1024**2:.2f} GB", "ok": peak_kb < 2 * 1024**2},
        {"figure": "--reuse on unchanged inputs / full report", "target": "< 10 %",
         "measured": f"{reuse:.2f} s = {100 * reuse / wall:.1f} %", "ok": reuse < 0.1 * wall},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
