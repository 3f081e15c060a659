"""One report per parameter set: ``aipolicy report --matrix FILE.yaml``.

The matrix file lists the reports, each a name and the content of a ``--params`` file
(global parameters plus a section per notebook, see :mod:`aipolicy.report.params`)::

    reports:
      - name: startup
        params:
          01_build_vs_buy: {preset: startup}
          02_hybrid_and_investment_view: {preset: startup}
      - name: financial
        params: {preset: financial}

Every entry is checked before anything runs: the file's keys (``reports``; in an entry
``name`` and ``params``), each name (a safe folder name, unique ignoring case) and each
entry's parameters against the selected notebooks, exactly as ``--params`` is checked. Any
error is one line naming the key, and nothing is written.

Output: ``--out DIR`` (default ``reports/matrix-<UTC time>-<random>/``) holds one report
folder per entry, ``DIR/<name>/``, each written by the runner with its usual atomic rules
(:mod:`aipolicy.report.runner`), and ``DIR/index.html``, the overview: each report's name,
status counts, link and each notebook's headline. The overview is written last, atomically;
``DIR`` must be new, empty or a matrix folder this command wrote (report folders and its own
overview); the folder of an entry no longer in the file is left as it is, and not listed. The
reports run one after the other, each on the Dask cluster with ``--scheduler``
(one connection for all of them). A notebook whose parameters are the same as in an earlier
entry (say a market notebook when the entries differ only in the preset of the cost
notebooks) runs once: later entries copy its outputs (status ``reused``, "reused from
<entry> (same parameters)"). Exit status: the worst of the reports'.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aipolicy.errors import ReportError
from aipolicy.report import index, params
from aipolicy.report.folder import (
    INDEX,
    OK_STATUSES,
    OLD_PREFIX,
    TMP_PREFIX,
    owned_files,
    run_name,
)
from aipolicy.report.ownership import out_entries
from aipolicy.report.plan import ReportOptions, ReportPlan, plan_report, reports_dir

if TYPE_CHECKING:
    from aipolicy.report.runner import ReportResult

FLAG = "--matrix"
#: Keys of the matrix file, and of each of its entries.
MATRIX_KEYS = ("reports",)
ENTRY_KEYS = ("name", "params")
#: A report's folder name: letters, digits, ``.``, ``_``, ``-``; not starting with ``.``/``-``.
NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,63}")
#: Names that would collide with the matrix folder's own files.
RESERVED_NAMES = frozenset({INDEX.lower()})
NAME_RULE = ("letters, digits, '.', '_' and '-', not starting with '.' or '-', at most 64 "
             "characters")


@dataclass(frozen=True)
class MatrixEntry:
    """One report of the matrix: its folder name and its params document."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class MatrixResult:
    """Outcome of a matrix run: its folder, each report's result, the worst exit status."""

    folder: Path
    results: dict[str, ReportResult]
    exit_code: int


def _where(path: Path, i: int, name: str | None = None) -> str:
    return f"{FLAG} {path}: reports[{i}]" + (f" ({name})" if name else "")


def _entry_name(raw: Any, where: str) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise ReportError(f"{where}: 'name' must be text (a folder name: {NAME_RULE}), "
                          f"got {type(raw).__name__}")
    name = str(raw)
    if not NAME_RE.fullmatch(name):
        raise ReportError(f"{where}: name {name!r} is not a safe folder name: use {NAME_RULE}")
    if name.lower() in RESERVED_NAMES:
        raise ReportError(f"{where}: name {name!r} is reserved (the overview page); choose "
                          "another")
    return name


def parse_matrix(doc: Any, path: Path) -> list[MatrixEntry]:
    """Check a matrix document (see the module docstring) and return its entries.

    Raises
    ------
    ReportError
        A key other than those allowed (named, with the valid ones), no ``reports`` list, an
        entry without a name, an unsafe or duplicate name, ``params`` not a mapping.
    """
    shape = "a mapping with the key 'reports': a list of entries, each with name and params"
    if not isinstance(doc, Mapping):
        got = "an empty file" if doc is None else type(doc).__name__
        raise ReportError(f"{FLAG} {path}: expected {shape}; got {got}")
    for key in doc:
        if key not in MATRIX_KEYS:
            raise ReportError(f"{FLAG} {path}: unknown key {str(key)!r}; valid keys: "
                              f"{', '.join(MATRIX_KEYS)}")
    reports = doc.get("reports")
    if not isinstance(reports, list) or not reports:
        raise ReportError(f"{FLAG} {path}: 'reports' must be a non-empty list of entries, each "
                          "with name and params")
    entries: list[MatrixEntry] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(reports):
        if not isinstance(item, Mapping):
            raise ReportError(f"{_where(path, i)}: expected a mapping with name and params, "
                              f"got {type(item).__name__}")
        label = str(item["name"]) if isinstance(item.get("name"), str | int) else None
        for key in item:
            if key not in ENTRY_KEYS:
                raise ReportError(f"{_where(path, i, label)}: unknown key {str(key)!r}; valid "
                                  f"keys: {', '.join(ENTRY_KEYS)}")
        if "name" not in item:
            raise ReportError(f"{_where(path, i)}: missing 'name' (the report's folder name: "
                              f"{NAME_RULE})")
        name = _entry_name(item["name"], _where(path, i))
        if name.lower() in seen:
            raise ReportError(f"{_where(path, i, name)}: duplicate name {name!r} (also "
                              f"reports[{seen[name.lower()]}]); each report needs its own "
                              "folder name")
        seen[name.lower()] = i
        doc_params = item.get("params")
        if doc_params is None:
            doc_params = {}
        if not isinstance(doc_params, Mapping):
            raise ReportError(f"{_where(path, i, name)}: 'params' must be a mapping (what a "
                              f"--params file holds), got {type(doc_params).__name__}")
        entries.append(MatrixEntry(name=name, params=dict(doc_params)))
    return entries


def load_matrix(path: Path) -> list[MatrixEntry]:
    """Read and check the matrix file ``path`` (see :func:`parse_matrix`)."""
    return parse_matrix(params.load_yaml(Path(path), FLAG), Path(path))


def _overview_is_ours(page: Path) -> bool:
    try:
        head = page.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return False
    return index.MATRIX_GENERATOR in head


def check_matrix_folder(folder: Path) -> None:
    """Refuse ``--out`` for a matrix unless new, empty or a matrix folder this command wrote.

    Such a folder holds only report folders written by the runner, the runner's temporary
    folders and the overview page it wrote.
    """
    flag = f"--out {folder}"
    foreign = []
    for child in out_entries(folder) or []:
        if child.is_symlink():
            foreign.append(child.name)
        elif child.is_dir():
            if not child.name.startswith((TMP_PREFIX, OLD_PREFIX)) and owned_files(child) is None:
                foreign.append(child.name)
        elif child.name != INDEX or not _overview_is_ours(child):
            foreign.append(child.name)
    if foreign:
        shown = ", ".join(sorted(foreign)[:5]) + (", …" if len(foreign) > 5 else "")
        raise ReportError(
            f"{flag}: refusing to write a matrix into a folder holding files aipolicy report "
            f"did not write ({shown}); choose an empty or new folder"
        )


def _write_overview(folder: Path, text: str) -> None:
    page = folder / INDEX
    tmp = folder / f".{INDEX}.{os.getpid()}-{secrets.token_hex(4)}"
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, page)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def same_run_key(plan: ReportPlan, name: str) -> str:
    """What a notebook's outputs depend on within one matrix run: its content, the parameters
    it sees and how its page is rendered (the data and package cannot change in between)."""
    info = plan.infos[name]
    h = hashlib.sha256(info.content)
    h.update(json.dumps(params.effective(info, plan.injected[name]), sort_keys=True,
                        default=str).encode())
    h.update(repr(bool(plan.options.get("no_input"))).encode())
    return h.hexdigest()


def run_matrix(matrix_file: Path, base: ReportOptions) -> MatrixResult:
    """Run one report per entry of ``matrix_file`` with the options ``base``.

    ``base.out`` is the matrix folder (default ``reports/matrix-<UTC time>-<random>/``);
    ``base.params``/``base.params_file`` are not used (each entry has its own parameters).

    Raises
    ------
    ReportError
        A bad matrix file, entry or option, an unusable folder, an unreachable scheduler:
        before anything is written.
    KeyboardInterrupt
        Interrupted: the reports already complete stay, the one running leaves nothing, the
        overview is not (re)written.
    """
    from aipolicy.report.runner import run_report

    matrix_file = Path(matrix_file)
    entries = load_matrix(matrix_file)
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    root = Path(base.reports_dir or reports_dir())
    folder = Path(base.out) if base.out else root / f"matrix-{run_name(started)}"
    folder = folder.expanduser().absolute()
    check_matrix_folder(folder)
    options = [
        replace(base, params=entry.params, params_file=None, out=folder / entry.name,
                params_base=matrix_file.parent,
                params_origin=f"{_where(matrix_file, i, entry.name)} params")
        for i, entry in enumerate(entries)
    ]
    from aipolicy.report.runner import check_reachable

    plans = [plan_report(opts, started) for opts in options]  # all checked before any runs
    for plan in plans:
        check_reachable(plan)
    session = None
    if base.scheduler:
        from aipolicy.report.dask_runner import DaskSession

        session = DaskSession.connect(base.scheduler)
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ReportError(f"--out {folder}: cannot create the folder: "
                              f"{exc.strerror or exc}") from None
        results: dict[str, ReportResult] = {}
        done: dict[str, tuple[Path, str]] = {}  # same-run key -> (report folder, label)
        for n, (entry, opts, plan) in enumerate(zip(entries, options, plans, strict=True), 1):
            if base.progress:
                print(f"matrix: report {entry.name} ({n}/{len(entries)})", file=sys.stderr,
                      flush=True)
            keys = {name: same_run_key(plan, name) for name in plan.selected}
            copy_from = {name: done[k] for name, k in keys.items() if k in done}
            result = run_report(replace(opts, copy_from=copy_from), session=session)
            results[entry.name] = result
            for name, k in keys.items():
                if result.statuses.get(name) in OK_STATUSES and k not in done:
                    done[k] = (result.folder, f"{entry.name} (same parameters)")
    finally:
        if session is not None:
            session.close()
    reports = [{
        "name": entry.name,
        "params": entry.params,
        "summary": results[entry.name].summary,
        "exit_code": results[entry.name].exit_code,
        "has_index": (results[entry.name].folder / INDEX).is_file(),
    } for entry in entries]
    _write_overview(folder, index.render_matrix(reports, matrix_file.name, started))
    return MatrixResult(folder=folder, results=results,
                        exit_code=max(r.exit_code for r in results.values()))
