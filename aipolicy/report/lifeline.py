"""Worker processes and kernels die with the report runner, also on ``kill -9`` of the runner.

Two mechanisms, so that one failing does not leave processes behind:

- a **worker** asks the Linux kernel for ``SIGTERM`` when its parent (the runner) dies
  (``prctl(PR_SET_PDEATHSIG)`` via ctypes); its SIGTERM handler kills its notebook kernel and
  exits. Everywhere, a watchdog thread also checks every :data:`POLL_S` seconds that its parent
  is still the runner (``os.getppid()`` changes when the parent dies);
- a **kernel** is started through :data:`KERNEL_BOOTSTRAP`, which starts the same watchdog
  before ipykernel: it exits, killing its own process group (the kernel runs in its own
  session), when its parent (the worker) is gone or when the runner whose pid is in
  :data:`OWNER_ENV` is gone.

Kept free of heavy imports: the kernel imports it before ipykernel.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

#: Environment variable naming the runner's pid, set by a worker for the kernels it starts.
OWNER_ENV = "AIPOLICY_REPORT_OWNER_PID"
POLL_S = 0.5
PR_SET_PDEATHSIG = 1

#: ``python -c`` code starting a kernel with the watchdog (argv: ``-f CONNECTION_FILE``).
KERNEL_BOOTSTRAP = (
    "import runpy, aipolicy.report.lifeline as l; l.guard_kernel(); "
    "runpy.run_module('ipykernel_launcher', run_name='__main__', alter_sys=True)"
)


def set_parent_death_signal(sig: int = signal.SIGTERM) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent dies; False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):  # pragma: no cover - no libc prctl
        return False


def pid_alive(pid: int) -> bool:
    """True when a process ``pid`` exists (a zombie counts as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        return True
    except OSError:
        return False
    with contextlib.suppress(OSError, IndexError):
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                return False
    return True


def watch(parent: int, owner: int | None, on_gone: Callable[[], None],
          poll: float = POLL_S) -> threading.Thread:
    """Daemon thread calling ``on_gone()`` once the parent changes or ``owner`` is gone."""

    def loop() -> None:
        while True:
            time.sleep(poll)
            if os.getppid() != parent or (owner is not None and not pid_alive(owner)):
                on_gone()
                return

    thread = threading.Thread(target=loop, name="aipolicy-lifeline", daemon=True)
    thread.start()
    return thread


def guard_worker(runner_pid: int, on_gone: Callable[[], None]) -> None:
    """In a worker: die (via ``on_gone``) when the runner ``runner_pid`` dies.

    Also exports the runner's pid in :data:`OWNER_ENV` for the kernels this worker starts.
    """
    os.environ[OWNER_ENV] = str(runner_pid)
    set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != runner_pid:  # the runner died before the request took effect
        on_gone()
        return
    watch(runner_pid, None, on_gone)


def _kill_own_group() -> None:  # pragma: no cover - runs in a kernel process
    with contextlib.suppress(OSError):
        if os.getpgrp() == os.getpid():  # own session: take any child processes along
            os.killpg(os.getpgrp(), signal.SIGKILL)
    os._exit(137)


def guard_kernel() -> None:  # pragma: no cover - runs in a kernel process
    """In a kernel: exit when its worker or the runner named in :data:`OWNER_ENV` is gone."""
    owner: int | None
    try:
        owner = int(os.environ.get(OWNER_ENV, ""))
    except ValueError:
        owner = None
    parent = os.getppid()
    if parent == 1 or (owner is not None and not pid_alive(owner)):
        _kill_own_group()
    watch(parent, owner, _kill_own_group)
