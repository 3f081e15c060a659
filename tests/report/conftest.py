"""Toy notebooks for the report runner tests, built with nbformat in tmp_path.

No .ipynb file is committed under tests/: pytest runs with --nbval and would collect it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

ROOT = Path(__file__).resolve().parents[2]

COST_PARAMS = "preset = 'default'\ndraws = 100\nseed = 1\n"
MARKET_PARAMS = "data_source = 'sample'\ndata_dir = None\nstart = '2020-01-01'\n"
RECORD_COST = (
    "from aipolicy.record import record\n"
    "record('breakeven_tokens_per_day', 12345678.9, label='Break-even', fmt='tokens_per_day')\n"
    "record('p_selfhost_cheaper', 0.42, label='P(self-host cheaper)', fmt='pct')\n"
    "record('cheapest', 'api')\n"
    "print('cost notebook done', preset, draws)"
)
RECORD_MARKET = (
    "from aipolicy.record import record\n"
    "record('data_source', data_source)\n"
    "record('data_as_of', '2024-12-31')\n"
    "record('synthetic', data_source == 'sample')\n"
    "record('performance', {'NVDA': {'cagr': 0.5, 'sharpe': 1.2}, 'AMD': {'cagr': 0.2}})\n"
    "print('market notebook on', data_source, start)"
)


def write_notebook(folder: Path, name: str, params: str, *cells: str,
                   hidden: str | None = None) -> Path:
    """Write a toy notebook NAME.ipynb: a parameters cell, code cells, an optional hidden cell."""
    nb_cells = [v4.new_markdown_cell(f"# {name}")]
    p = v4.new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb_cells.append(p)
    nb_cells += [v4.new_code_cell(c) for c in cells]
    if hidden is not None:
        h = v4.new_code_cell(hidden)
        h.metadata["tags"] = ["hide-in-report"]
        nb_cells.append(h)
    nb = v4.new_notebook(cells=nb_cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


def cost_notebook(folder: Path, name: str = "01_build_vs_buy", extra: str = "") -> Path:
    return write_notebook(folder, name, COST_PARAMS, RECORD_COST + extra,
                          hidden="print('SECRET EXPLORER WIDGET')")


def market_notebook(folder: Path, name: str = "03_ai_infrastructure_stocks") -> Path:
    return write_notebook(folder, name, MARKET_PARAMS, RECORD_MARKET)


def run_cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m aipolicy report ARGS`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "aipolicy", "report", *args],
        env=env, capture_output=True, text=True, timeout=timeout, cwd=str(ROOT),
    )


def make_env(base: Path) -> dict[str, str]:
    sample = base / "sample"
    sample.mkdir(parents=True, exist_ok=True)
    (sample / "prices.csv").write_text("date,NVDA\n2024-12-31,1.0\n")
    env = dict(os.environ)
    env.update({
        "AIPOLICY_NOTEBOOKS_DIR": str(base / "notebooks"),
        "AIPOLICY_REPORTS_DIR": str(base / "reports"),
        "AIPOLICY_SAMPLE_DIR": str(sample),
        "MPLBACKEND": "agg",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        # other parts of the package may be edited while the tests run
        "AIPOLICY_PACKAGE_FINGERPRINT": "tests",
    })
    return env


def report_folder(proc: subprocess.CompletedProcess) -> Path:
    """The run folder a ``report`` subprocess printed ("report: FOLDER/index.html (...)")."""
    for line in proc.stdout.splitlines():
        if line.startswith("report: "):
            return Path(line[len("report: "):].rsplit(" (", 1)[0]).parent
    raise AssertionError(f"no report path printed:\n{proc.stdout}\n{proc.stderr}")


class Toys:
    """Helpers handed to tests as the ``toys`` fixture."""

    write = staticmethod(write_notebook)
    cost = staticmethod(cost_notebook)
    market = staticmethod(market_notebook)
    run = staticmethod(run_cli)
    env = staticmethod(make_env)
    folder = staticmethod(report_folder)


@pytest.fixture(scope="session")
def toys() -> type[Toys]:
    return Toys


@pytest.fixture(scope="session")
def mixed_report(tmp_path_factory: pytest.TempPathFactory):
    """One run on the sample data: a cost and a market notebook that work, one that fails,
    one that exceeds --timeout. Returns (completed process, report folder, env)."""
    base = tmp_path_factory.mktemp("mixed")
    env = make_env(base)
    nbs = base / "notebooks"
    cost_notebook(nbs)
    market_notebook(nbs)
    write_notebook(nbs, "04_inflation_and_ai_stocks", MARKET_PARAMS,
                   "x = 1", "raise ValueError('boom on purpose')", "print('never here')")
    write_notebook(nbs, "05_ai_ipos", MARKET_PARAMS, "import time\ntime.sleep(120)",
                   "print('never here')")
    proc = run_cli(env, "--source", "sample", "--timeout", "6", "--jobs", "2")
    # a run with a failed notebook keeps its own folder but does not move reports/latest
    return proc, report_folder(proc), env


def default_sigint() -> None:
    """``preexec_fn`` of a child the test interrupts: Ctrl-C acts as in a terminal, even when
    the tests were started in the background (a shell without job control starts background
    jobs with SIGINT ignored, and the child would inherit that)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def kernels_with_cwd(folder: Path) -> list[int]:
    """PIDs of the ipykernel processes whose working directory is ``folder`` (Linux /proc)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if "ipykernel" in (proc / "cmdline").read_text() and \
                    Path(os.readlink(proc / "cwd")) == folder:
                pids.append(int(proc.name))
        except OSError:
            continue
    return pids

