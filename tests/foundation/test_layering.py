"""The package's layers, read from its import statements: a back-arrow fails here.

Flow: catalogs and loaders (``costs`` catalogs, ``marketdata``) -> cost models and signals
(``costs``, ``signals``) -> the sweep over many workloads (``sweep``, built on ``costs``) ->
notebook layer (``nb``) -> notebooks -> report runner (``report``, which runs notebooks but
imports none of the layers above ``marketdata``). ``commands`` holds the argparse front-ends. Every import counts, also those inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "aipolicy"

#: package (or top-level module) -> the aipolicy packages it may import. "aipolicy" itself
#: (``from aipolicy import __version__``) may be imported by everyone.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "config": set(),
    "valuation": {"errors"},
    "record": {"errors"},
    "cluster": {"errors"},
    "safeyaml": {"errors"},
    "startup": set(),
    "costs": {"errors", "config", "record", "valuation"},
    "marketdata": {"errors", "config", "valuation"},
    "signals": {"errors", "config", "marketdata", "valuation"},
    "sweep": {"errors", "config", "costs", "cluster", "valuation", "safeyaml"},
    "nb": {"errors", "config", "record", "costs", "marketdata", "signals", "sweep", "valuation"},
    "report": {"errors", "config", "record", "marketdata", "cluster", "valuation", "safeyaml",
               "startup"},
    "commands": {"errors", "config", "costs", "marketdata", "signals", "record", "report",
                 "sweep", "valuation", "startup"},
    "__main__": {"commands"},
    "__init__": set(),
}


def _unit(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    return rel.parts[0]


def _imported_modules(path: Path) -> set[tuple[str, int]]:
    """(dotted module, line) for every import statement in ``path``; ``from M import n``
    counts as ``M`` and ``M.n`` (``n`` may be a sub-module)."""
    out: set[tuple[str, int]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            # resolve "from .x import y" against the file's own package
            pkg = list(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
            base = pkg[: len(pkg) - node.level + 1]
            module = ".".join(base + ([node.module] if node.module else []))
            names = [module] + [f"{module}.{a.name}" for a in node.names]
        out.update((name, node.lineno) for name in names)
    return out


def _imported_units(path: Path) -> set[tuple[str, int]]:
    """(aipolicy sub-package, line) for every import statement in ``path``."""
    return {(name.split(".")[1], line) for name, line in _imported_modules(path)
            if name.startswith("aipolicy.") and name.split(".")[1] != "__version__"}


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_package_has_a_layer():
    units = {_unit(p) for p in _sources()}
    assert units <= set(ALLOWED), f"add these to ALLOWED: {sorted(units - set(ALLOWED))}"


@pytest.mark.parametrize("unit", sorted(ALLOWED))
def test_imports_point_down_only(unit):
    bad = []
    for path in _sources():
        if _unit(path) != unit:
            continue
        for target, line in _imported_units(path):
            if target != unit and target not in ALLOWED[unit]:
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports aipolicy.{target}")
    assert not bad, f"aipolicy.{unit} may import only {sorted(ALLOWED[unit])}:\n" + "\n".join(bad)


def test_the_checker_sees_an_import_inside_a_function(tmp_path):
    src = tmp_path / "x.py"
    src.write_text("def f():\n    from aipolicy.nb import costs\n    import aipolicy.signals.x\n")
    assert {t for t, _ in _imported_units(src)} == {"nb", "signals"}



#: The cost models' rooms, lowest first: each may import only those before it (and itself).
COST_LAYERS = ("catalog", "capacity", "compare", "uncertainty", "economics")


def _cost_imports(path: Path) -> set[tuple[str, int]]:
    """(costs sub-package, line) for every import of ``aipolicy.costs.<sub>`` in ``path``."""
    return {(name.split(".")[2], line) for name, line in _imported_modules(path)
            if name.startswith("aipolicy.costs.") and name.split(".")[2] in COST_LAYERS}


@pytest.mark.parametrize("layer", COST_LAYERS)
def test_cost_subpackages_point_down_only(layer):
    allowed = set(COST_LAYERS[: COST_LAYERS.index(layer) + 1])
    bad = []
    for path in sorted((PACKAGE / "costs" / layer).rglob("*.py")):
        bad += [f"{path.relative_to(PACKAGE.parent)}:{line} imports aipolicy.costs.{target}"
                for target, line in _cost_imports(path) if target not in allowed]
    assert not bad, f"aipolicy.costs.{layer} may import only {sorted(allowed)}:\n" + "\n".join(bad)


def test_no_costs_module_imports_the_costs_face():
    """Inside ``costs`` a module names the sub-package it takes from, never the lazy face
    ``aipolicy.costs`` (that would hide which room it leans on and can tie a circle)."""
    bad = []
    for path in sorted((PACKAGE / "costs").rglob("*.py")):
        if path == PACKAGE / "costs" / "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "aipolicy.costs":
                names = {a.name for a in node.names}
                if names - set(COST_LAYERS):
                    bad.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert not bad, "import from the sub-package instead:\n" + "\n".join(bad)


def test_no_folder_holds_more_than_twenty_modules_and_no_module_450_lines():
    folders: dict[Path, int] = {}
    long = []
    for path in _sources():
        if path.name != "__init__.py":  # a package's face is no module of its room
            folders[path.parent] = folders.get(path.parent, 0) + 1
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > 450:
            long.append(f"{path.relative_to(PACKAGE.parent)}: {n} lines")
    crowded = [f"{p.relative_to(PACKAGE.parent)}: {n}" for p, n in folders.items() if n > 20]
    assert not crowded and not long, "\n".join(crowded + long)
