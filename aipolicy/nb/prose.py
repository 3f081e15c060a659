"""Sentences for readers: what a notebook says between its tables and charts.

A ``print()`` of prose becomes a preformatted block on the page: a fixed-width font, lines as
long as the code wrote them, no links. :class:`Prose` is the same text as HTML that wraps at
words (paragraphs, a bulleted list, terms with their meaning, or entries with labelled lines),
with every URL linked, and as plain text that nbval compares (one line per paragraph or item,
no markup). :func:`say` displays it. :class:`Folded` shows a long table or text closed under
a one-line summary (a click opens it), so a page's decisive section stays short.

Examples
--------
>>> Prose.lines("Highest Sharpe ratio: NVDA (1.31).", "Betas range from 1.00 to 2.36.")
Highest Sharpe ratio: NVDA (1.31).
Betas range from 1.00 to 2.36.
>>> Prose.bullets(["infrastructure: +803.9 %", "platforms: +394.3 %"])
- infrastructure: +803.9 %
- platforms: +394.3 %
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from aipolicy.nb.links import link_html

__all__ = ["Entry", "Folded", "Prose", "say"]

# the font is inherited: on a page and in JupyterLab prose reads like the Markdown around it
_BOX_STYLE = "max-width:100%;overflow-wrap:break-word;"
_P_STYLE = "margin:0.3em 0;white-space:normal;"
_LIST_STYLE = "margin:0.3em 0 0.3em 1.2em;padding:0;white-space:normal;"


@dataclass(frozen=True)
class Entry:
    """One entry of an :meth:`Prose.entries` block: a heading and labelled lines.

    Attributes
    ----------
    heading : str
        Shown in bold (plain text: the line itself).
    lines : tuple of (label, text)
        Shown as a list under the heading, ``label: text`` (plain text: indented by four
        spaces); an empty label shows the text alone.
    """

    heading: str
    lines: tuple[tuple[str, str], ...] = ()


# a block is (kind, payload): ("p", str), ("ul", tuple[str]), ("dl", tuple[(term, text)]),
# ("entries", tuple[Entry])
_Block = tuple[str, object]


@dataclass(frozen=True)
class Prose:
    """Text for readers: HTML paragraphs and lists that wrap at words, and stable plain text.

    Build one with :meth:`lines`, :meth:`bullets`, :meth:`terms` or :meth:`entries`, join
    several with ``+``, show it with :func:`say` (or as a cell's last expression).
    """

    blocks: tuple[_Block, ...] = ()

    # ------------------------------------------------------------------ building
    @classmethod
    def lines(cls, *paragraphs: str) -> Prose:
        """One paragraph per argument (empty ones left out)."""
        return cls(tuple(("p", str(p)) for p in paragraphs if p))

    @classmethod
    def bullets(cls, items: Iterable[str], lead: str | None = None) -> Prose:
        """A bulleted list, after an optional ``lead`` paragraph."""
        block: _Block = ("ul", tuple(str(i) for i in items))
        return cls.lines(lead or "") + cls((block,) if block[1] else ())

    @classmethod
    def terms(cls, pairs: Iterable[tuple[str, str]], lead: str | None = None) -> Prose:
        """A list of terms in bold with their meaning (``term: meaning``)."""
        block: _Block = ("dl", tuple((str(t), str(d)) for t, d in pairs))
        return cls.lines(lead or "") + cls((block,) if block[1] else ())

    @classmethod
    def entries(cls, entries: Iterable[Entry]) -> Prose:
        """Entries, each a bold heading with its labelled lines."""
        return cls((("entries", tuple(entries)),))

    def __add__(self, other: Prose) -> Prose:
        return Prose(self.blocks + other.blocks)

    # ------------------------------------------------------------------ plain text
    def to_text(self) -> str:
        """The plain text nbval compares: one line per paragraph, item, term or entry line."""
        out: list[str] = []
        for kind, payload in self.blocks:
            if kind == "p":
                out.append(str(payload))
            elif kind == "ul":
                out.extend(f"- {i}" for i in payload)  # type: ignore[union-attr]
            elif kind == "dl":
                out.extend(f"{t}: {d}" for t, d in payload)  # type: ignore[union-attr]
            else:
                for e in payload:  # type: ignore[union-attr]
                    out.append(e.heading)
                    out.extend(f"    {lab}: {txt}" if lab else f"    {txt}"
                               for lab, txt in e.lines)
        return "\n".join(out)

    def __repr__(self) -> str:
        return self.to_text()

    def __str__(self) -> str:
        return self.to_text()

    # ------------------------------------------------------------------ HTML
    def to_html(self) -> str:
        """Paragraphs and lists in a ``<div class="aipolicy-prose">``; text escaped, URLs
        linked."""
        parts = [f'<div class="aipolicy-prose" style="{_BOX_STYLE}">']
        for kind, payload in self.blocks:
            if kind == "p":
                parts.append(f'<p style="{_P_STYLE}">{link_html(str(payload))}</p>')
            elif kind == "ul":
                items = "".join(f"<li>{link_html(i)}</li>" for i in payload)  # type: ignore[union-attr]
                parts.append(f'<ul style="{_LIST_STYLE}">{items}</ul>')
            elif kind == "dl":
                items = "".join(f"<li><b>{html.escape(t)}</b>: {link_html(d)}</li>"
                                for t, d in payload)  # type: ignore[union-attr]
                parts.append(f'<ul style="{_LIST_STYLE}list-style:none;margin-left:0;">'
                             f"{items}</ul>")
            else:
                for e in payload:  # type: ignore[union-attr]
                    parts.append(f'<p style="{_P_STYLE}margin-top:0.7em;">'
                                 f"<b>{link_html(e.heading)}</b></p>")
                    rows = "".join(
                        f"<li><i>{html.escape(lab)}</i>: {link_html(txt)}</li>" if lab
                        else f"<li>{link_html(txt)}</li>" for lab, txt in e.lines)
                    if rows:
                        parts.append(f'<ul style="{_LIST_STYLE}">{rows}</ul>')
        parts.append("</div>")
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()


_FOLD_STYLE = "margin:0.4em 0;"
_SUMMARY_STYLE = "cursor:pointer;color:#0b57d0;"
_HINT_STYLE = "color:#57606a;font-size:0.85em;"


@dataclass(frozen=True)
class Folded:
    """``content`` (a table, :class:`Prose` ...) closed under ``summary`` on the page.

    The HTML is a ``<details>`` (closed; a click opens it); the plain text is the summary
    line followed by the content's own text, so nbval still compares all of it.
    """

    summary: str
    content: Any

    def to_text(self) -> str:
        """The summary, then the content's plain text."""
        return f"{self.summary}\n{self.content!r}"

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        inner = getattr(self.content, "_repr_html_", None)
        body = inner() if inner else f"<pre>{html.escape(repr(self.content))}</pre>"
        return (f'<details class="aipolicy-inner-fold" style="{_FOLD_STYLE}">'
                f'<summary style="{_SUMMARY_STYLE}">{html.escape(self.summary)}'
                f'<span style="{_HINT_STYLE}"> (click to open)</span></summary>'
                f"{body}</details>")


def say(*paragraphs: str | Prose, bullets: Sequence[str] | None = None) -> None:
    """Display ``paragraphs`` (strings become one paragraph each; :class:`Prose` is shown as
    it is) and then ``bullets`` as a list: HTML on the page, plain text for nbval. Outside
    IPython it prints the plain text."""
    text = Prose()
    for p in paragraphs:
        text = text + (p if isinstance(p, Prose) else Prose.lines(p))
    if bullets:
        text = text + Prose.bullets(bullets)
    if not text.blocks:
        return
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(text)
            return
    except ImportError:  # pragma: no cover - IPython is a dependency
        pass
    print(text.to_text())
