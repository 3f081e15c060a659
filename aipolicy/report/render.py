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
    Path(html).write_text(body, encoding="utf-8")
