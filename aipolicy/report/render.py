"""Executed notebook -> HTML with nbconvert, one exporter reused per process.

Building an :class:`nbconvert.HTMLExporter` and loading its templates costs about half a
second; the runner builds one per option set (before forking its workers, so they inherit
it warm) and reuses it for every notebook.

Cells tagged ``hide-in-report`` or ``remove-cell`` (the interactive explorer, scratch cells)
are left out; ``remove-input``/``hide-input`` drop a cell's code and ``remove-output`` its
outputs.

Pages are **results only** by default (``no_input=True``): no code, no prompts, no
``recorded: ...`` lines (the record outputs are plumbing for the report index), and no cell
tagged ``notebook-only`` (prose about cells a reader of the page cannot see, such as "change
the parameters in the next cell"). ``no_input=False`` (``aipolicy report --with-code``) keeps
all of it, as in the executed ``.ipynb``.

Results-only pages are also **folded**: what comes before the first ``##`` heading (the title
and the "What this says" box) and every section whose heading cell is tagged ``keep-open`` (the
page's decisive table or chart) stay open; every other ``##`` section becomes a closed
``<details>`` whose summary is the section's heading (still an ``<h2>``, so anchors and the
outline are unchanged), and a click opens it. Printed text wraps at spaces, not mid-word (a
long word or address still breaks rather than overflow).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

HIDDEN_CELL_TAGS = frozenset({"hide-in-report", "remove-cell"})
HIDDEN_INPUT_TAGS = frozenset({"remove-input", "hide-input"})
HIDDEN_OUTPUT_TAGS = frozenset({"remove-output"})
#: Cells shown only with the code (``--with-code``) and in the notebook itself.
NOTEBOOK_ONLY_TAG = "notebook-only"


def results_only(nb: Any) -> Any:
    """Drop record outputs, empty code cells and ``notebook-only`` cells from ``nb`` (in place)."""
    from aipolicy.record import MIME_TYPE

    kept = []
    for cell in nb.cells:
        if NOTEBOOK_ONLY_TAG in (cell.get("metadata", {}).get("tags") or []):
            continue
        if cell.get("cell_type") == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if MIME_TYPE not in (o.get("data") or {})]
            if not cell.outputs:
                continue
        kept.append(cell)
    nb.cells = kept
    return nb

_EXPORTERS: dict[bool, Any] = {}


def get_exporter(no_input: bool = False) -> Any:
    """Return the process's HTML exporter for this option set (built on first use)."""
    exporter = _EXPORTERS.get(no_input)
    if exporter is None:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        c = Config()
        c.TagRemovePreprocessor.enabled = True
        c.TagRemovePreprocessor.remove_cell_tags = set(HIDDEN_CELL_TAGS)
        c.TagRemovePreprocessor.remove_input_tags = set(HIDDEN_INPUT_TAGS)
        c.TagRemovePreprocessor.remove_all_outputs_tags = set(HIDDEN_OUTPUT_TAGS)
        c.HTMLExporter.exclude_input = no_input
        c.HTMLExporter.exclude_input_prompt = no_input
        c.HTMLExporter.exclude_output_prompt = no_input
        exporter = HTMLExporter(config=c)
        _EXPORTERS[no_input] = exporter
    return exporter


def warm_up(no_input: bool = False) -> None:
    """Build the exporter and load its templates by rendering an empty notebook."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    get_exporter(no_input).from_notebook_node(nb)


def render_html(ipynb: Path, html: Path, *, no_input: bool = False, title: str | None = None) -> None:
    """Render the executed notebook ``ipynb`` to ``html``."""
    import nbformat

    nb = nbformat.read(str(ipynb), as_version=4)
    if no_input:
        results_only(nb)
    resources = {"metadata": {"name": title or Path(ipynb).stem}}
    body, _ = get_exporter(no_input).from_notebook_node(nb, resources=resources)
    if no_input:
        body = fold_sections(body, open_heading_ids(nb))
    Path(html).write_text(body, encoding="utf-8")


#: Tag of a markdown cell whose ``##`` section stays open in the report.
KEEP_OPEN_TAG = "keep-open"

_STYLE = """
details.aipolicy-fold { margin: 0.6em 0; border-top: 1px solid #d0d7de;
  font-family: var(--jp-content-font-family, system-ui, -apple-system, "Segoe UI", sans-serif); }
details.aipolicy-fold > summary { cursor: pointer; list-style-position: outside;
  margin-left: 1.2em; padding: 0.2em 0; }
details.aipolicy-fold > summary h2 { display: inline; font-size: 1.25em; font-weight: 500;
  margin: 0; color: var(--jp-content-font-color1, #1f2328); }
details.aipolicy-fold > summary::after { content: " (click to open)"; color: #57606a;
  font-size: 0.85em; }
details.aipolicy-fold[open] > summary::after { content: ""; }
.jp-OutputArea-output pre { white-space: pre-wrap; word-break: normal;
  overflow-wrap: break-word; }
"""


def open_heading_ids(nb: Any) -> set[str]:
    """Cell ids of the markdown cells tagged :data:`KEEP_OPEN_TAG` in notebook ``nb``."""
    return {str(c.get("id")) for c in nb.cells if c.get("cell_type") == "markdown"
            and KEEP_OPEN_TAG in (c.get("metadata", {}).get("tags") or [])}


def fold_sections(body: str, keep_open: set[str]) -> str:
    """The page ``body`` (nbconvert HTML) with each ``##`` section not in ``keep_open`` (cell
    ids of heading cells) folded into a closed ``<details>``; unchanged without sections."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "html.parser")
    main = soup.find("main")
    if main is None:
        return body
    section = None
    for cell in [c for c in main.find_all("div", recursive=False)
                 if "jp-Cell" in (c.get("class") or [])]:
        h2 = cell.find("h2") if "jp-MarkdownCell" in cell["class"] else None
        if h2 is None:
            if section is not None:
                section.append(cell.extract())
            continue
        if cell.get("id", "").removeprefix("cell-id=") in keep_open:
            section = None
            continue
        section = soup.new_tag("details", attrs={"class": "aipolicy-fold"})
        summary = soup.new_tag("summary")
        cell.insert_before(section)
        section.append(summary)
        summary.append(h2.extract())
        section.append(cell.extract())
    if soup.head is not None:
        style = soup.new_tag("style")
        style.string = _STYLE
        soup.head.append(style)
    return str(soup)
