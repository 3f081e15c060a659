"""Ctrl-C at a terminal during a sweep on a local Dask cluster of two workers (issue 27 item
13): the terminal sends SIGINT to the whole process group. Before, each worker printed a
KeyboardInterrupt traceback and the teardown CancelledError warnings; now one line says what
was kept and how to resume, and the kept chunks are whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

GRID = """\
as_of: 2026-10-30
draws: 20000
chunk_cells: 11
axes:
  preset: [midmarket, financial]
  open_model: [llama-3.1-8b, gpt-oss-20b, llama-3.3-70b, gpt-oss-120b, qwen3-235b-a22b]
  gpu: [h100-sxm, h200]
  tokens_per_day: {log_from: 1.0e+5, log_to: 1.0e+10, per_decade: 2}
"""


def test_ctrl_c_on_two_workers_prints_one_line_and_keeps_whole_chunks(tmp_path):
    from aipolicy.sweep.store import read_manifest

    (tmp_path / "g.yaml").write_text(GRID)
    out = tmp_path / "o"
    proc = subprocess.Popen(
        [sys.executable, "-m", "aipolicy", "sweep", "g.yaml", "--out", "o", "--workers", "2",
         "-q"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob("preset=*/chunk-*.parquet")):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no chunk written in 120 s"
            time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C at a terminal does
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    if proc.returncode == 0:  # the sweep finished first: nothing to interrupt
        return
    assert proc.returncode == 130, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    kept = len(list(out.glob("preset=*/chunk-*.parquet")))
    assert lines[0] == (f"aipolicy sweep: interrupted: {kept} of 20 chunks ({kept * 11:,} of 220 "
                        "cells) are kept in o; run the same command to resume")
    assert read_manifest(out)["chunks"] == 20 and not list(out.glob("preset=*/*.tmp-*"))
