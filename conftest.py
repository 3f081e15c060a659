"""Project-wide pytest configuration (applies to tests/ and to nbval on notebooks/)."""

from __future__ import annotations

import os

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
