"""The "What this says" box each notebook opens with, and the record of what it had to skip.

A notebook computes its answer first and shows it right after the title: the question, its
context (preset and workload, or data source and window), one headline sentence and a few
points, all written from the numbers. :func:`show_answer` displays the box (a styled HTML box,
and plain text that nbval compares) and records it as ``answer`` for the report index.

:class:`Gaps` collects the analyses a notebook skipped for lack of data. Each call to
:meth:`Gaps.skip` re-records ``skipped`` (a list of ``{"analysis", "reason"}``); the report
runner marks a notebook that completed with a non-empty ``skipped`` as ``partial``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from aipolicy.record import record

TITLE = "What this says"


@dataclass
class Answer:
    """A notebook's answer, written for people.

    Attributes
    ----------
    question : str
        The question the notebook answers, in one line.
    context : str
        What the answer is for: preset and workload, or data source and window.
    headline : str
        The answer in one sentence (the report index shows it).
    points : list of str
        Supporting figures, one sentence each.
    caveat : str, optional
        What the reader must keep in mind (e.g. synthetic data, an assumption-driven figure).
    synthetic : bool
        The answer comes from synthetic sample data: the box says so first.
    """

    question: str
    context: str
    headline: str
    points: list[str] = field(default_factory=list)
    caveat: str | None = None
    synthetic: bool = False

    def as_record(self) -> dict[str, Any]:
        """The JSON form recorded as ``answer``."""
        return {"question": self.question, "context": self.context, "headline": self.headline,
                "points": list(self.points), "caveat": self.caveat, "synthetic": self.synthetic}

    def __repr__(self) -> str:
        lines = [TITLE]
        if self.synthetic:
            lines.append("SAMPLE DATA — synthetic: not market prices.")
        lines += [self.context, self.headline, *(f"- {p}" for p in self.points)]
        if self.caveat:
            lines.append(f"Keep in mind: {self.caveat}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        mark = ""
        if self.synthetic:
            mark = ('<p class="aipolicy-synthetic" style="margin:.2rem 0;color:#b00020;'
                    'font-weight:700">SAMPLE DATA — synthetic: not market prices.</p>')
        items = "".join(f"<li>{esc(p)}</li>" for p in self.points)
        caveat = (f'<p style="margin:.4rem 0 0;color:#555"><b>Keep in mind:</b> '
                  f"{esc(self.caveat)}</p>" if self.caveat else "")
        return (
            '<div class="aipolicy-answer" style="border-left:6px solid #0b57d0;'
            "background:#f1f5fd;padding:.7rem 1rem;margin:.5rem 0 1rem;border-radius:4px;"
            'font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;'
            'font-size:15px;line-height:1.45;color:#1d1d1f">'
            f'<div style="font-size:1.15rem;font-weight:700;margin-bottom:.2rem">{TITLE}</div>'
            f"{mark}"
            f'<p class="aipolicy-context" style="margin:.2rem 0;color:#444">{esc(self.context)}</p>'
            f'<p class="aipolicy-headline" style="margin:.3rem 0;font-weight:600">'
            f"{esc(self.headline)}</p>"
            f'<ul style="margin:.2rem 0 0 1.1rem;padding:0">{items}</ul>{caveat}</div>'
        )


def show_answer(answer: Answer) -> Answer:
    """Display ``answer`` (HTML box and plain text) and record it as ``answer``."""
    record("answer", answer.as_record())
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(answer)
            return answer
    except ImportError:  # pragma: no cover - IPython is a dependency
        pass
    print(repr(answer))
    return answer


class Gaps:
    """Analyses a notebook skipped for lack of data, recorded as ``skipped``.

    Examples
    --------
    >>> gaps = Gaps(display=False)
    >>> gaps.skip("rolling beta", "needs 126 sessions; the data has 90")
    >>> gaps.items
    [{'analysis': 'rolling beta', 'reason': 'needs 126 sessions; the data has 90'}]
    """

    def __init__(self, *, display: bool = True) -> None:
        self.items: list[dict[str, str]] = []
        self._display = display
        record("skipped", [], display=display)

    def skip(self, analysis: str, reason: str) -> None:
        """Note that ``analysis`` was skipped because of ``reason`` (both short, for people)."""
        item = {"analysis": analysis, "reason": reason}
        if item not in self.items:
            self.items.append(item)
        record("skipped", self.items, display=self._display)

    def text(self) -> str:
        """One line per skipped analysis, or a line saying nothing was skipped."""
        if not self.items:
            return "Every analysis ran: nothing was skipped for lack of data."
        return "\n".join(f"Skipped: {i['analysis']}: {i['reason']}" for i in self.items)

    def show(self) -> None:
        """Display :meth:`text` as prose (one paragraph per skipped analysis)."""
        from aipolicy.nb.prose import say

        say(*self.text().splitlines())

    def __bool__(self) -> bool:
        return bool(self.items)
