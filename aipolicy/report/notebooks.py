"""Find the notebooks of the collection and read their parameters.

Notebooks are named ``NN_name.ipynb``; a request may name one by its number (``"01"``), its
stem (``"01_build_vs_buy"``) or its file name (``"01_build_vs_buy.ipynb"``). Parameters are
read from the cell tagged ``parameters`` with :mod:`ast` (fast; no papermill import), with
``papermill.inspect_notebook`` as the fallback for cells that are not plain Python.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aipolicy.errors import ReportError

NOTEBOOK_RE = re.compile(r"^(\d{2})_[A-Za-z0-9_\-]+\.ipynb$")
#: Sentinel for a default that is not a Python literal (e.g. ``date.today()``).
NOT_LITERAL = object()


@dataclass(frozen=True)
class Parameter:
    """One assignment in a notebook's ``parameters`` cell."""

    name: str
    default_text: str
    default: Any = NOT_LITERAL


@dataclass(frozen=True)
class NotebookInfo:
    """A notebook of the collection: its path, raw bytes and parameters."""

    name: str
    path: Path
    content: bytes = field(repr=False)
    parameters: dict[str, Parameter]

    @property
    def title(self) -> str:
        """The notebook's first level-1 heading (``# ...``), or its name."""
        import json

        try:
            cells = json.loads(self.content.decode("utf-8")).get("cells", [])
        except (UnicodeDecodeError, ValueError):
            return self.name
        for cell in cells:
            if cell.get("cell_type") != "markdown":
                continue
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            for line in text.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
        return self.name

    @property
    def is_market(self) -> bool:
        """True when the notebook reads market data (it has a ``data_source`` parameter)."""
        return "data_source" in self.parameters

    def default_values(self) -> dict[str, Any]:
        """Defaults as values where literal, as source text otherwise."""
        return {
            k: (p.default if p.default is not NOT_LITERAL else p.default_text)
            for k, p in self.parameters.items()
        }


def discover(notebooks_dir: Path) -> list[Path]:
    """Return the collection's notebooks (``NN_name.ipynb``) in ``notebooks_dir``, sorted."""
    if not notebooks_dir.is_dir():
        return []
    return sorted(p for p in notebooks_dir.iterdir() if p.is_file() and NOTEBOOK_RE.match(p.name))


def match_name(request: str, available: Iterable[str]) -> str | None:
    """Return the stem in ``available`` that ``request`` names, or None."""
    req = request.strip()
    req = req.removesuffix(".ipynb")
    req = Path(req).name
    names = list(available)
    if req in names:
        return req
    if re.fullmatch(r"\d{1,2}", req):
        prefix = f"{int(req):02d}_"
        hits = [n for n in names if n.startswith(prefix)]
        if len(hits) == 1:
            return hits[0]
    return None


def select(requests: Sequence[str] | None, available: Sequence[str]) -> list[str]:
    """Resolve requested names to stems (all when ``requests`` is empty), in collection order.

    Raises
    ------
    ReportError
        A name matches no notebook; the message lists the available ones.
    """
    if not requests:
        return list(available)
    chosen: set[str] = set()
    for req in requests:
        hit = match_name(req, available)
        if hit is None:
            listing = ", ".join(available) or "(none)"
            raise ReportError(
                f"--notebooks: no notebook named {req!r}; available: {listing} "
                "(a number such as '01' or a name with or without .ipynb is accepted)"
            )
        chosen.add(hit)
    return [n for n in available if n in chosen]


def parameters_cell(nb: dict[str, Any]) -> str | None:
    """Source of the first cell tagged ``parameters``, or None."""
    for cell in nb.get("cells", []):
        tags = (cell.get("metadata") or {}).get("tags") or []
        if "parameters" in tags:
            src = cell.get("source", "")
            return "".join(src) if isinstance(src, list) else str(src)
    return None


def parse_parameters(source: str) -> dict[str, Parameter]:
    """Parse top-level assignments of a parameters cell.

    Raises
    ------
    SyntaxError
        The cell is not plain Python (the caller falls back to papermill).
    """
    tree = ast.parse(source)
    out: dict[str, Parameter] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets = [t for t in node.targets if isinstance(t, ast.Name)]
            value = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            targets = [node.target]
            value = node.value
        else:
            continue
        text = ast.get_source_segment(source, value) or ""
        try:
            default = ast.literal_eval(value)
        except (ValueError, SyntaxError, TypeError):
            default = NOT_LITERAL
        for t in targets:
            out[t.id] = Parameter(t.id, text, default)
    return out


def _papermill_parameters(path: Path) -> dict[str, Parameter]:
    import papermill

    found = papermill.inspect_notebook(str(path))
    out: dict[str, Parameter] = {}
    for name, info in found.items():
        text = str(info.get("default", ""))
        try:
            default = ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError):
            default = NOT_LITERAL
        out[name] = Parameter(name, text, default)
    return out


def load(path: Path) -> NotebookInfo:
    """Read a notebook's bytes and parameters.

    Raises
    ------
    ReportError
        The file is not a readable notebook.
    """
    content = path.read_bytes()
    try:
        nb = json.loads(content)
    except ValueError as exc:
        raise ReportError(f"{path}: not a notebook (invalid JSON: {exc})") from exc
    source = parameters_cell(nb)
    if source is None:
        params: dict[str, Parameter] = {}
    else:
        try:
            params = parse_parameters(source)
        except SyntaxError:
            params = _papermill_parameters(path)
    return NotebookInfo(name=path.stem, path=path, content=content, parameters=params)
