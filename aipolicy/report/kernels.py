"""Start Jupyter kernels safely from several processes at once.

jupyter_client picks free TCP ports, writes them to the connection file, and the kernel binds
them a moment later; two processes starting kernels at the same time can be handed the same
ports. :class:`KernelStartMixin` holds a per-user file lock from choosing the ports until the
kernel answers (about a second), and retries once if a kernel still dies while starting.
Kernels run on this interpreter (``ipykernel_launcher`` on ``sys.executable``, after the
watchdog of :mod:`aipolicy.report.lifeline` that ends a kernel whose worker or runner died)
whatever ``python3`` kernelspec may be installed in the user's Jupyter paths, with warnings
about plain-TCP transport silenced (the ports listen on localhost only).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_core.utils import run_sync

from aipolicy.report.lifeline import KERNEL_BOOTSTRAP

START_ATTEMPTS = 2
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR"]


@contextlib.contextmanager
def kernel_start_lock(path: str | os.PathLike[str] | None) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (released by the OS if the holder dies)."""
    if not path:
        yield
        return
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: rely on the retry
        yield
        return
    with open(path, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


class ThisPythonKernelSpecManager(KernelSpecManager):
    """Resolve ``python3`` to an ipykernel running on ``sys.executable``."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        """Return the kernelspec for ``kernel_name``."""
        if kernel_name in ("python3", "python"):
            return KernelSpec(
                # ipykernel_launcher, after a watchdog that ends the kernel with its worker
                argv=[sys.executable, "-c", KERNEL_BOOTSTRAP, "-f", "{connection_file}"],
                display_name="Python 3 (ipykernel)",
                language="python",
                metadata={"debugger": True},
                resource_dir="",
            )
        return super().get_kernel_spec(kernel_name)


#: pid of the kernel this process started last (its process group is killed on SIGTERM).
KERNEL_PID: int | None = None


def kill_kernel() -> None:
    """Kill the current kernel's process group (kernels run in their own session)."""
    global KERNEL_PID
    if KERNEL_PID:
        with contextlib.suppress(OSError):
            os.killpg(KERNEL_PID, signal.SIGKILL)
    KERNEL_PID = None


class KernelStartMixin:
    """For :class:`nbclient.NotebookClient` subclasses: locked start on this interpreter.

    The class using it defines ``lock_path`` (str) and may define ``_emit(**event)``.
    """

    lock_path: str

    def _emit(self, **event: Any) -> None:
        pass

    def create_kernel_manager(self) -> Any:
        """Kernel manager resolving ``python3`` with :class:`ThisPythonKernelSpecManager`."""
        kw: dict[str, Any] = {
            "config": self.config,  # type: ignore[attr-defined]
            "kernel_spec_manager": ThisPythonKernelSpecManager(),
        }
        if self.kernel_name:  # type: ignore[attr-defined]
            kw["kernel_name"] = self.kernel_name  # type: ignore[attr-defined]
        self.km = self.kernel_manager_class(**kw)  # type: ignore[attr-defined]
        return self.km

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        """Start kernel and client under the lock; retry once if the kernel dies.

        A client with a non-empty ``kernel_env`` mapping starts the kernel with those
        variables set over this process's environment (no change to ``os.environ``, so
        threads starting kernels at once do not see each other's).
        """
        global KERNEL_PID
        kernel_env = getattr(self, "kernel_env", None)
        if kernel_env and "env" not in kwargs:
            kwargs["env"] = {**os.environ, **{str(k): str(v) for k, v in kernel_env.items()}}
        self._emit(event="state", state="starting kernel")
        extra = [a for a in KERNEL_ARGS if a not in self.extra_arguments]  # type: ignore[attr-defined]
        self.extra_arguments = [*self.extra_arguments, *extra]  # type: ignore[attr-defined]
        with kernel_start_lock(getattr(self, "lock_path", "")):
            for attempt in range(1, START_ATTEMPTS + 1):
                if self.km is None:  # type: ignore[has-type]
                    self.create_kernel_manager()
                try:
                    await super().async_start_new_kernel(**kwargs)  # type: ignore[misc]
                    KERNEL_PID = getattr(getattr(self.km, "provisioner", None), "pid", None)
                    self._emit(event="kernel", pid=KERNEL_PID)
                    await self.async_start_new_kernel_client()  # type: ignore[attr-defined]
                    break
                except (RuntimeError, TimeoutError):
                    kill_kernel()
                    self.kc = None
                    self.km = None
                    if attempt == START_ATTEMPTS:
                        raise
        self._emit(event="state", state="running")

    def start_new_kernel(self, **kwargs: Any) -> None:
        """Synchronous form (papermill's client uses it)."""
        run_sync(self.async_start_new_kernel)(**kwargs)
