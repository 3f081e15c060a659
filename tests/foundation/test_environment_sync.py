"""pyproject.toml and environment.yml must list the same dependencies with the same bounds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
# PyPI name -> conda-forge name, where they differ
PYPI_TO_CONDA: dict[str, str] = {}


#: pip extras that conda-forge ships as one package: conda-forge's ``dask`` is dask-core plus
#: distributed, i.e. pip's ``dask[distributed]``
EXTRAS_IN_CONDA_PACKAGE = {"dask[distributed]": "dask"}


def _split(req: str) -> tuple[str, str]:
    for extra, conda_name in EXTRAS_IN_CONDA_PACKAGE.items():
        if req.strip().startswith(extra):
            req = conda_name + req.strip()[len(extra):]
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    assert m, req
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = list(data["project"]["dependencies"]) + list(
        data["project"]["optional-dependencies"]["test"]
    )
    return dict(_split(PYPI_TO_CONDA.get(_split(r)[0], r)) for r in reqs)


def _environment() -> tuple[dict[str, str], list]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda: dict[str, str] = {}
    pip_section: list = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section = dep.get("pip", [])
            continue
        name, spec = _split(dep)
        if name in {"python", "pip"}:
            continue
        conda[name] = spec
    return conda, pip_section


#: PyPI-only packages (not on conda-forge): environment.yml lists them in its pip section
PIP_ONLY = {"aiconfigurator-core"}


def test_environment_yml_lists_exactly_the_pyproject_dependencies_with_same_bounds():
    conda, pip_section = _environment()
    pip_reqs = dict(_split(r) for r in pip_section if not r.startswith("-"))
    assert set(pip_reqs) == PIP_ONLY, "the pip section holds the PyPI-only packages and -e ."
    conda.update(pip_reqs)
    py = _pyproject()
    assert sorted(set(py) - set(conda)) == [], "in pyproject.toml but not environment.yml"
    assert sorted(set(conda) - set(py)) == [], "in environment.yml but not pyproject.toml"
    differing = {k: (py[k], conda[k]) for k in py if py[k] != conda[k]}
    assert differing == {}, "version bounds differ (pyproject, environment.yml)"


def test_environment_yml_installs_the_package_editable_with_pip():
    _, pip_section = _environment()
    assert "-e ." in pip_section


def test_environment_yml_python_bound_matches_requires_python():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert f"python{data['project']['requires-python']}" in env["dependencies"]
