"""Project-wide pytest configuration (applies to tests/ and to nbval on notebooks/)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: Real public data beside the checkout (never copied into the project): ``../shared/``.
SHARED = Path(__file__).resolve().parent.parent / "shared"
SHARED_FOLDERS = {"realdata": "real public prices and CPI", "seeds": "the seed documents"}

os.environ.setdefault("MPLBACKEND", "agg")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
# kernels started by the tests (nbval, papermill) have no widget frontend: build no widgets
os.environ["AIPOLICY_HEADLESS"] = "1"

try:
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.register_profile("dev", max_examples=30, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
except ImportError:  # pragma: no cover
    pass


def _locked_nbval_kernel_starts() -> None:
    """nbval's kernels start under the lock every aipolicy kernel start holds
    (:mod:`aipolicy.report.kernels`): with pytest-xdist, kernels of several workers start at
    once, and jupyter_client can hand two of them the same free port."""
    try:
        import nbval.kernel as nbk
    except ImportError:  # pragma: no cover
        return
    if getattr(nbk.start_new_kernel, "_aipolicy_locked", False):
        return
    from aipolicy.report.kernels import kernel_start_lock
    from aipolicy.report.task import default_lock_path

    unlocked = nbk.start_new_kernel

    def start_new_kernel(*args, **kwargs):
        with kernel_start_lock(default_lock_path()):
            return unlocked(*args, **kwargs)

    start_new_kernel._aipolicy_locked = True
    nbk.start_new_kernel = start_new_kernel


_locked_nbval_kernel_starts()


@pytest.fixture(autouse=True)
def _valuation_date():
    """No result of a test depends on the wall clock: every test prices on the sample's own
    date unless it pins another (commands started as subprocesses get ``--as-of``)."""
    from aipolicy import valuation
    from aipolicy.marketdata.provenance import SAMPLE_AS_OF

    with valuation.pinned(SAMPLE_AS_OF):
        yield


def pytest_collectstart(collector):
    """nbval: compare plain text only; DataFrame HTML, images and recorded JSON are not compared.

    Recorded figures (``application/vnd.aipolicy.record+json``) are asserted by the papermill
    tests in ``tests/notebooks``; widgets are kept out of comparisons altogether.
    """
    if getattr(collector, "skip_compare", None) is not None:
        collector.skip_compare = tuple(collector.skip_compare) + (
            "text/html",
            "image/svg+xml",
            "application/javascript",
            "application/vnd.aipolicy.record+json",
            "application/vnd.jupyter.widget-state+json",
        )


def pytest_configure(config):
    for name, what in SHARED_FOLDERS.items():
        config.addinivalue_line(
            "markers", f"{name}: needs ../shared/{name} ({what}) beside the checkout")


def pytest_collection_modifyitems(config, items):
    """Skip tests marked ``realdata``/``seeds`` when that folder of ``../shared`` is absent."""
    for name, what in SHARED_FOLDERS.items():
        if (SHARED / name).is_dir():
            continue
        skip = pytest.mark.skip(
            reason=f"../shared/{name} ({what}) is not beside the checkout; see docs/development.md")
        for item in items:
            if name in item.keywords:
                item.add_marker(skip)
