"""A notebook to run, as handed to a worker process (kept free of heavy imports)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Set in every report kernel's environment. ``AIPOLICY_HEADLESS`` tells the notebooks that no
#: widget frontend is attached, so they build no widgets (headless executors can block on them).
KERNEL_ENV = {"MPLBACKEND": "agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1", "AIPOLICY_HEADLESS": "1"}

#: Folders the kernels read from the environment. The runner makes a relative value absolute
#: (kernels run in notebooks/); a Dask run passes the client's values to the workers' kernels.
PATH_ENV = ("AIPOLICY_CACHE_DIR", "AIPOLICY_SAMPLE_DIR")


def default_lock_path() -> Path:
    """One kernel-start lock file per user, shared by every aipolicy process."""
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"aipolicy-kernel-start-{uid}.lock"


@dataclass
class Task:
    """One notebook to run: where it is, where its outputs go, with what."""

    name: str
    input_path: Path
    output_ipynb: Path
    output_html: Path
    parameters: dict[str, Any] = field(default_factory=dict)
    timeout: float | None = None
    cell_timeout: float | None = None
    no_input: bool = True
    lock_path: str = field(default_factory=lambda: str(default_lock_path()))
    #: Environment variables for the kernel on top of :data:`KERNEL_ENV` (a Dask run passes
    #: the client's data folders, see :mod:`aipolicy.report.dask_runner`).
    env: dict[str, str] = field(default_factory=dict)
