"""Shared settings of the notebook tests."""

from __future__ import annotations

from aipolicy.report.execute import ENGINE_NAME
from aipolicy.report.task import default_lock_path

#: papermill keyword arguments: run through the report's engine, whose kernels start under the
#: kernel-start lock (and retry once), so parallel test workers never share a port.
LOCKED_KERNEL = {"engine_name": ENGINE_NAME, "lock_path": str(default_lock_path())}
