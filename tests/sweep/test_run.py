"""The sweep on Dask: equal to the serial evaluation, resumable, safe when a worker dies."""

from __future__ import annotations

import os
import signal
import threading
import time

import pandas as pd
import pytest

from aipolicy.commands import main
from aipolicy.errors import InvalidInputError
from aipolicy.sweep.run import evaluate_grid, run_sweep
from aipolicy.sweep.store import MANIFEST, open_dataset, read_sweep

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as c:
        yield c


@pytest.fixture(scope="module")
def serial(small_grid_module):
    return evaluate_grid(small_grid_module)


@pytest.fixture(scope="module")
def small_grid_module():
    from aipolicy.sweep.grid import grid_from_mapping
    from tests.sweep.conftest import SMALL

    return grid_from_mapping(SMALL)


def _files(out):
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def test_two_workers_equal_the_serial_evaluation_bit_for_bit(tmp_path, cluster, serial,
                                                             small_grid_module):
    res = run_sweep(small_grid_module, tmp_path / "s", scheduler=cluster.scheduler_address,
                    quiet=True)
    assert (res.written, res.skipped) == (len(small_grid_module.chunks), 0)
    frame, manifest = read_sweep(tmp_path / "s")
    pd.testing.assert_frame_equal(frame, serial, check_exact=True)
    assert manifest["seed"] == 7 and manifest["draws"] == 64
    assert manifest["catalog"]["price_as_of"] and manifest["catalog"]["aipolicy"]


def test_one_local_worker_equals_the_serial_evaluation(tmp_path, serial, small_grid_module):
    run_sweep(small_grid_module, tmp_path / "one", workers=1, quiet=True)
    pd.testing.assert_frame_equal(read_sweep(tmp_path / "one")[0], serial, check_exact=True)


def test_a_killed_worker_loses_and_duplicates_nothing(tmp_path, cluster, serial,
                                                      small_grid_module):
    from distributed import Client

    spec = dict(small_grid_module.spec, chunk_cells=1)  # one config per chunk: 4 chunks
    from aipolicy.sweep.grid import grid_from_mapping

    grid = grid_from_mapping(spec)
    with Client(cluster.scheduler_address) as client:
        pids = client.run(os.getpid)
    killed = threading.Event()

    def kill_one(index: int) -> None:  # after the first chunk lands, kill a busy worker
        if not killed.is_set():
            killed.set()
            os.kill(next(iter(pids.values())), signal.SIGKILL)

    run_sweep(grid, tmp_path / "k", scheduler=cluster.scheduler_address, quiet=True,
              on_chunk=kill_one)
    assert killed.is_set()
    frame, _ = read_sweep(tmp_path / "k")
    assert frame["cell"].is_unique
    pd.testing.assert_frame_equal(frame, serial, check_exact=True)
    assert not [f for f in _files(tmp_path / "k") if ".tmp-" in f]


def test_resume_skips_finished_chunks_and_interrupt_keeps_whole_chunks(tmp_path, serial,
                                                                       small_grid_module):
    out = tmp_path / "r"

    def stop_after_two(index: int) -> None:
        if len(list(out.rglob("chunk-*.parquet"))) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(small_grid_module, out, workers=0, quiet=True, on_chunk=stop_after_two)
    assert len(open_dataset(out)) == 2 * small_grid_module.chunks[0].n_cells
    with pytest.raises(InvalidInputError, match="cells written; run the same"):
        read_sweep(out)
    (out / "preset=midmarket" / "chunk-00009.parquet.tmp-dead").write_bytes(b"half")
    seen: list[int] = []
    res = run_sweep(small_grid_module, out, workers=0, quiet=True, on_chunk=seen.append)
    assert (res.skipped, res.written) == (2, len(small_grid_module.chunks) - 2)
    assert seen == [c.index for c in small_grid_module.chunks][2:]
    pd.testing.assert_frame_equal(read_sweep(out)[0], serial, check_exact=True)
    assert not [f for f in _files(out) if ".tmp-" in f]
    again = run_sweep(small_grid_module, out, workers=0, quiet=True)
    assert again.written == 0


def test_another_grid_in_the_same_folder_is_refused_untouched(tmp_path, small_grid_module):
    out = tmp_path / "x"
    run_sweep(small_grid_module, out, workers=0, quiet=True)
    before = {f: (out / f).read_bytes() for f in _files(out)}
    with pytest.raises(InvalidInputError, match="holds a sweep of another grid"):
        run_sweep(small_grid_module.with_run(seed=1), out, workers=0, quiet=True)
    assert {f: (out / f).read_bytes() for f in _files(out)} == before
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(InvalidInputError, match="not a sweep folder"):
        run_sweep(small_grid_module, other, workers=0, quiet=True)
    assert _files(other) == ["notes.txt"]


def test_cli_runs_the_example_and_names_bad_keys(tmp_path, capsys):
    grid = tmp_path / "g.yaml"
    grid.write_text("axes:\n  preset: [startup]\n  tokens_per_day: [1.0e+6, 1.0e+9]\n")
    assert main(["sweep", str(grid), "--out", str(tmp_path / "o"), "--workers", "0",
                 "--draws", "16", "-q"]) == 0
    assert "2 cells in 1 chunk:" in capsys.readouterr().out  # not "1 chunks" (issue 26)
    assert (tmp_path / "o" / MANIFEST).exists()
    grid.write_text("axes:\n  gpu: [h100]\n  tokens_per_day: [1.0e+6]\n")
    assert main(["sweep", str(grid), "--out", str(tmp_path / "p"), "--workers", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("aipolicy sweep: error: grid axes.gpu: unknown gpu 'h100'; valid:")
    assert "\n" not in err and not (tmp_path / "p").exists()


def test_a_sweep_resumed_on_a_later_day_keeps_its_valuation_date(tmp_path, capsys,
                                                                  monkeypatch):
    import datetime as dt
    import json

    from aipolicy import valuation
    from aipolicy.sweep.load import load_or_run

    grid = tmp_path / "g.yaml"
    grid.write_text("axes:\n  preset: [startup]\n  tokens_per_day: [1.0e+6, 1.0e+9]\n")
    out = tmp_path / "o"
    valuation.unpin()  # commands without --as-of read the clock: move it
    monkeypatch.setattr(valuation, "today", lambda: dt.date(2026, 11, 2))
    assert main(["sweep", str(grid), "--out", str(out), "--workers", "0", "-q"]) == 0
    assert "priced as of 2026-11-02" in capsys.readouterr().out
    monkeypatch.setattr(valuation, "today", lambda: dt.date(2027, 3, 1))  # the next run, later
    assert main(["sweep", str(grid), "--out", str(out), "--workers", "0", "-q"]) == 0
    assert "0 written, 1 already done; priced as of 2026-11-02" in capsys.readouterr().out
    assert json.loads((out / MANIFEST).read_text())["grid"]["as_of"] == "2026-11-02"
    # another date is another sweep: refused, the folder untouched
    assert main(["sweep", str(grid), "--out", str(out), "--workers", "0", "-q",
                 "--as-of", "2025-07-01"]) == 2
    assert "holds a sweep of another grid" in capsys.readouterr().err
    # a notebook reading the sweep at another date is refused; at its own date it reads it
    with pytest.raises(InvalidInputError, match="differs from the valuation date of sweep"):
        load_or_run(out, grid, as_of=dt.date(2025, 7, 1))
    frame, manifest = load_or_run(out, grid, as_of=dt.date(2026, 11, 2))
    assert len(frame) == 2 and manifest["grid"]["as_of"] == "2026-11-02"


def test_an_unreachable_scheduler_is_one_line(tmp_path, capsys, small_grid_module):
    grid = tmp_path / "g.yaml"
    grid.write_text("axes:\n  tokens_per_day: [1.0e+6]\n")
    t0 = time.monotonic()
    assert main(["sweep", str(grid), "--out", str(tmp_path / "o"), "--scheduler",
                 "tcp://127.0.0.1:9", "-q"]) == 2
    assert time.monotonic() - t0 < 5  # a refused port is known at once, not after 10 s
    err = capsys.readouterr().err.strip()
    assert "--scheduler tcp://127.0.0.1:9: 127.0.0.1:9 refused the connection" in err
    assert "\n" not in err


def test_a_scheduler_that_never_answers_is_one_line_after_the_timeout(monkeypatch):
    from aipolicy import cluster

    monkeypatch.setattr(cluster, "_refused", lambda address, timeout: None)  # a silent host
    with pytest.raises(InvalidInputError) as err:
        cluster.connect("tcp://127.0.0.1:9", InvalidInputError, timeout=0.5)
    assert str(err.value).startswith("--scheduler tcp://127.0.0.1:9: no Dask scheduler answered "
                                     "within 0.5 s")
    assert "\n" not in str(err.value)


def test_a_host_name_that_does_not_resolve_is_one_line_at_once():
    from aipolicy import cluster

    with pytest.raises(InvalidInputError) as err:
        cluster.connect("tcp://nowhere.invalid:8786", InvalidInputError)
    assert "the host name 'nowhere.invalid' does not resolve" in str(err.value)


def test_a_silent_host_costs_the_timeout_once(monkeypatch):
    import socket

    from aipolicy import cluster

    def silent(address, timeout):
        raise TimeoutError("timed out")

    monkeypatch.setattr(socket, "create_connection", silent)
    with pytest.raises(InvalidInputError) as err:
        cluster.connect("tcp://192.0.2.1:8786", InvalidInputError, timeout=3)
    assert "no answer from 192.0.2.1:8786 within 3 s" in str(err.value)  # not Dask's retry


def test_an_unreachable_scheduler_leaves_no_sweep_folder_behind(tmp_path, small_grid_module):
    grid = tmp_path / "g.yaml"
    grid.write_text("axes:\n  tokens_per_day: [1.0e+6]\n")
    out = tmp_path / "o"
    assert main(["sweep", str(grid), "--out", str(out), "--scheduler", "tcp://127.0.0.1:9",
                 "-q"]) == 2
    assert not out.exists()


def test_a_port_out_of_range_is_a_bad_address():
    from aipolicy import cluster

    with pytest.raises(InvalidInputError) as err:
        cluster.connect("tcp://127.0.0.1:99999", InvalidInputError)
    assert "not a Dask scheduler address (port 99999 is outside 1-65535)" in str(err.value)
