"""Issue 27, cases 1 and 2 under a memory limit: a billion-cell grid and a YAML alias bomb
are refused quickly by a process that may not grow past 1 GB of address space (before, the
grid reached 24 GB and the bomb 3.7 GB, still growing).

Each runs the real command in a fresh interpreter with ``RLIMIT_AS`` set, so a regression
fails here (MemoryError, or the time limit) instead of swapping the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("resource")

LIMIT_AS = 1024**3
#: Refused in well under a second on an idle machine; generous for a loaded one (the whole
#: suite runs notebooks' kernels beside this test). A regression fails on the memory limit.
SECONDS = 60

BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]\n" for p, k in zip("abcdefgh", "bcdefghi",
                                                                   strict=True))


def _run_limited(args: list[str], cwd) -> dict:
    code = textwrap.dedent(f"""
        import json, resource, sys, time
        resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_AS}, {LIMIT_AS}))
        t0 = time.perf_counter()
        from aipolicy.commands import main
        status = main({args!r})
        # VmHWM: this process's own peak; ru_maxrss keeps the forking parent's across exec
        try:
            with open("/proc/self/status") as fh:
                peak_kb = next(int(x.split()[1]) for x in fh if x.startswith("VmHWM:"))
        except OSError:
            peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # macOS: bytes
        print(json.dumps({{"status": status, "seconds": time.perf_counter() - t0,
                          "peak_mb": peak_kb / 1024}}))
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                          timeout=SECONDS * 3, env={"OPENBLAS_NUM_THREADS": "1",
                                                    "PATH": "/usr/bin:/bin",
                                                    "HOME": str(cwd),
                                                    "AIPOLICY_CACHE_DIR": str(cwd / "cache"),
                                                    **_pythonpath()})
    assert done.returncode == 0, done.stderr[-2000:]
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "stderr": done.stderr.strip()}


def _pythonpath() -> dict[str, str]:
    import os

    return {"PYTHONPATH": os.environ["PYTHONPATH"]} if os.environ.get("PYTHONPATH") else {}


def test_a_billion_cell_grid_is_refused_within_the_memory_limit(tmp_path):
    (tmp_path / "g.yaml").write_text("axes:\n  tokens_per_day: {from: 1, to: 1.0e+12, "
                                     "step: 1000}\n")
    got = _run_limited(["sweep", "g.yaml", "--out", "o", "--workers", "0", "-q"], tmp_path)
    assert got["status"] == 2 and got["seconds"] < SECONDS
    assert "1,000,000,000 volumes is above the limit of 100,000" in got["stderr"]
    assert got["peak_mb"] < 300
    assert not (tmp_path / "o").exists()


def test_an_alias_bomb_is_refused_within_the_memory_limit(tmp_path):
    (tmp_path / "p.yaml").write_text(BOMB + "infra_tickers: *i\n")
    got = _run_limited(["report", "--params", "p.yaml", "--out", "r", "-q"], tmp_path)
    assert got["status"] == 2 and got["seconds"] < SECONDS
    assert "more than 100,000 values once its aliases (*name) are expanded" in got["stderr"]
    assert got["peak_mb"] < 300
