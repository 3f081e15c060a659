"""Progress display: one line per notebook with its state and cells done.

On a terminal, a tqdm bar per notebook (``queued``, ``starting kernel``, ``running``,
``rendering``, then ``ok``/``FAILED``/``TIMEOUT``/``reused`` and the duration). Elsewhere (a
cron log, CI) one plain line per change of state, so logs stay readable.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO


class Progress:
    """Show each notebook's state; ``enabled=False`` shows nothing."""

    def __init__(self, names: Sequence[str], *, enabled: bool = True, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.width = max((len(n) for n in names), default=10)
        self.states: dict[str, str] = {n: "queued" for n in names}
        self.bars: dict[str, Any] = {}
        self.t0 = time.monotonic()
        if self.tty:
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread: the runner forks workers
            for i, name in enumerate(names):
                self.bars[name] = tqdm(
                    total=1,
                    position=i,
                    desc=self._desc(name, "queued"),
                    bar_format="{desc} {bar:20} {n_fmt}/{total_fmt} cells",
                    file=self.stream,
                    leave=True,
                    dynamic_ncols=True,
                )

    def _desc(self, name: str, state: str) -> str:
        return f"{name:<{self.width}}  {state:<16}"

    def update(self, name: str, state: str | None = None, cell: int | None = None,
               total: int | None = None) -> None:
        """Record a new state and/or the index of the cell running."""
        if not self.enabled:
            return
        changed = state is not None and state != self.states.get(name)
        if state is not None:
            self.states[name] = state
        bar = self.bars.get(name)
        if bar is not None:
            if total:
                bar.total = total
            if cell is not None:
                bar.n = cell
            bar.set_description_str(self._desc(name, self.states[name]), refresh=False)
            bar.refresh()
        elif changed:
            elapsed = time.monotonic() - self.t0
            print(f"[{elapsed:7.1f} s] {name:<{self.width}}  {state}", file=self.stream, flush=True)

    def done(self, name: str, status: str, duration: float | None, detail: str = "") -> None:
        """Mark a notebook finished."""
        from aipolicy.report.index import STATUS_LABEL

        label = STATUS_LABEL.get(status, status)
        text = f"{label} ({duration:.1f} s)" if duration is not None else label
        bar = self.bars.get(name)
        if bar is not None and bar.total:
            bar.n = bar.total
        self.update(name, text + (f" {detail}" if detail and bar is None else ""))

    def close(self) -> None:
        """Close the bars."""
        for bar in self.bars.values():
            bar.close()
        self.bars.clear()
