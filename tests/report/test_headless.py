"""Headless runs never wait on widgets, and a notebook that hits a time limit is never ``ok``.

Widget cells block headless executors at random (nbclient waits on a comm reply that never
comes); the report runner sets ``AIPOLICY_HEADLESS=1`` for its kernels and the explorer then
builds no widgets. A per-cell limit bounds any other stall, and reaching it is ``timeout``.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from aipolicy.nb import explorer as vx
from aipolicy.report.execute import run_task
from aipolicy.report.task import Task

pytestmark = pytest.mark.slow

EXPLORER_CELL = (
    "from aipolicy.costs import scenario_from_preset\n"
    "from aipolicy.nb.explorer import explorer\n"
    "ui = explorer(scenario_from_preset('startup'))\n"
    "print('explorer returned', type(ui).__name__)"
)


def _task(tmp_path, toys, *cells, **kw) -> Task:
    src = toys.write(tmp_path / "nbs", "01_toy", "x = 1\n", *cells)
    return Task(name="01_toy", input_path=src, output_ipynb=tmp_path / "out.ipynb",
                output_html=tmp_path / "out.html", **kw)


def _outputs(path) -> str:
    nb = nbformat.read(str(path), as_version=4)
    return json.dumps([c.get("outputs", []) for c in nb.cells])


def test_explorer_cell_builds_no_widget_in_a_report_run_even_under_jupyterlab(
        tmp_path, toys, monkeypatch):
    # `!aipolicy report` typed in a JupyterLab cell inherits JPY_SESSION_NAME: still headless
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/user/notebooks/01_build_vs_buy.ipynb")
    monkeypatch.delenv("AIPOLICY_HEADLESS", raising=False)
    res = run_task(_task(tmp_path, toys, EXPLORER_CELL, timeout=120, cell_timeout=60))
    assert res["status"] == "ok", res["error"]
    text = _outputs(tmp_path / "out.ipynb")
    assert "explorer returned NoneType" in text
    assert "not built in this headless run" in text
    assert "widget-view" not in text and "comm" not in text


def test_a_cell_over_the_cell_limit_is_timeout_and_named(tmp_path, toys):
    res = run_task(_task(tmp_path, toys, "import time\ntime.sleep(60)", "print('never')",
                         timeout=600, cell_timeout=3))
    assert res["status"] == "timeout"
    assert res["error"]["ename"] == "TimeoutError"
    assert "--cell-timeout" in res["error"]["evalue"] and "3 s" in res["error"]["evalue"]
    assert res["duration_s"] < 60
    assert "never" not in _outputs(tmp_path / "out.ipynb")


def test_a_cell_that_swallows_the_interrupt_is_still_timeout(tmp_path, toys):
    # the interrupt sent at the limit is caught and the cell "succeeds": that is no "ok"
    cell = ("import time\ntry:\n    time.sleep(60)\nexcept KeyboardInterrupt:\n"
            "    print('interrupt swallowed')")
    res = run_task(_task(tmp_path, toys, cell, timeout=600, cell_timeout=3))
    assert res["status"] == "timeout", res
    assert "--cell-timeout" in res["error"]["evalue"]


def test_the_notebook_limit_still_applies_when_it_is_the_nearer(tmp_path, toys):
    res = run_task(_task(tmp_path, toys, "import time\ntime.sleep(60)",
                         timeout=4, cell_timeout=600))
    assert res["status"] == "timeout"
    assert "--timeout" in res["error"]["evalue"] and "4 s" in res["error"]["evalue"]


@pytest.mark.parametrize(("env", "expected"), [
    ({}, False),                                             # papermill, nbconvert, nbval
    ({"JPY_SESSION_NAME": "/x/01.ipynb"}, True),             # a Jupyter server's kernel
    ({"JPY_SESSION_NAME": "/x/01.ipynb", "AIPOLICY_HEADLESS": "1"}, False),
    ({"AIPOLICY_WIDGETS": "1", "AIPOLICY_HEADLESS": "1"}, True),
])
def test_frontend_attached_reads_the_kernel_environment(env, expected):
    assert vx.frontend_attached(env) is expected
