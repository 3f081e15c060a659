"""Plan a report before any kernel starts: check options, pick notebooks, resolve parameters.

:func:`plan_report` turns :class:`ReportOptions` into a :class:`ReportPlan`: the notebooks to
run with their injected parameters, each one's input hash (for ``--reuse``), the folder to
write (``--out DIR``, refused unless new, empty or a report the runner wrote; otherwise a new
``reports/<UTC time>-<random>/`` per run), and the limits. Every bad option is a :class:`~aipolicy.errors.ReportError` raised here,
so nothing is written and no kernel starts for a run that cannot succeed.

Relative paths in a params (or matrix) file: a user writes ``sweep_dir: sweeps/small`` in
``my/params.yaml`` right after ``aipolicy sweep ... --out sweeps/small``; the kernel runs in
``notebooks/``, so the value must reach it absolute. A relative value of a path parameter
(:data:`PATH_PARAMETERS`) is looked for beside the file it was written in and in the working
directory (:func:`resolve_path`): the one that exists is used; both existing as different
places is ambiguous and refused; neither existing is an error naming both paths tried.
Without a file (parameters passed as a mapping) only the working directory is tried.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aipolicy import config, valuation
from aipolicy.errors import InvalidInputError, ReportError
from aipolicy.marketdata.provenance import SOURCES as DATA_SOURCES
from aipolicy.report import fingerprint, notebooks, params
from aipolicy.report.folder import LATEST, check_replaceable, read_manifest, run_name

DEFAULT_TIMEOUT_S = 1800.0
DEFAULT_CELL_TIMEOUT_S = 600.0


@dataclass
class ReportOptions:
    """What ``aipolicy report`` was asked to do (see :mod:`aipolicy.commands.report`)."""

    source: str | None = None
    data_dir: Path | None = None
    params_file: Path | None = None
    params: Mapping[str, Any] | None = None
    notebooks: Sequence[str] | None = None
    out: Path | None = None
    jobs: int | None = None
    timeout: float | None = DEFAULT_TIMEOUT_S
    cell_timeout: float | None = DEFAULT_CELL_TIMEOUT_S
    no_input: bool = True
    reuse: bool = False
    notebooks_dir: Path | None = None
    reports_dir: Path | None = None
    progress: bool = True
    #: Dask scheduler address: run the notebooks on its workers (:mod:`~.dask_runner`).
    scheduler: str | None = None
    #: How errors name where ``params`` came from (default ``--params FILE`` or ``--params``).
    params_origin: str | None = None
    #: Valuation date (YYYY-MM-DD or ``today``) of every notebook; None: ``as_of`` of the
    #: params, else the sample's own date on the sample data and today otherwise.
    as_of: str | None = None
    #: Folder a relative path in ``params`` is looked for in first (the matrix file's);
    #: default: the ``params_file``'s folder (see :mod:`aipolicy.report.paths`).
    params_base: Path | None = None
    #: Notebooks to copy instead of run: name -> (report folder, label for the page); the
    #: matrix sets it for a notebook an earlier entry ran with the same parameters.
    copy_from: Mapping[str, tuple[Path, str]] | None = None


@dataclass
class ReportPlan:
    """A checked report: what runs, with which parameters, written where.

    ``timeout`` and ``cell_timeout`` are seconds (None = no limit); ``hashes`` maps each
    selected notebook to the hash of its content, parameters, data and package;
    ``previous`` is the (folder, manifest) of the complete report to reuse from, if any.
    """

    started_at: dt.datetime
    root: Path
    final: Path
    replace: bool
    selected: list[str]
    infos: dict[str, notebooks.NotebookInfo]
    injected: dict[str, dict[str, Any]]
    hashes: dict[str, str | None]
    data_sources: dict[str, str | None]
    jobs: int
    timeout: float | None
    cell_timeout: float | None
    previous: tuple[Path, dict[str, Any]] | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


def notebooks_dir() -> Path:
    """The notebook folder, honouring ``AIPOLICY_NOTEBOOKS_DIR`` at call time."""
    return Path(os.environ.get("AIPOLICY_NOTEBOOKS_DIR", config.NOTEBOOKS_DIR))


def reports_dir() -> Path:
    """The reports folder, honouring ``AIPOLICY_REPORTS_DIR`` at call time."""
    return Path(os.environ.get("AIPOLICY_REPORTS_DIR", config.REPORTS_DIR))


def default_jobs() -> int:
    """CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def check_options(opts: ReportOptions) -> None:
    """Refuse options out of range, naming the flag (:class:`ReportError`)."""
    if opts.source is not None and opts.source not in DATA_SOURCES:
        raise ReportError(f"--source: {opts.source!r} is not one of {list(DATA_SOURCES)}")
    if opts.jobs is not None and opts.jobs < 1:
        raise ReportError(f"--jobs: {opts.jobs} must be at least 1")
    for flag, value in (("--timeout", opts.timeout), ("--cell-timeout", opts.cell_timeout)):
        if value is not None and value < 0:
            raise ReportError(f"{flag}: {value} must be positive (0 means no limit)")
    if opts.scheduler is not None and not str(opts.scheduler).strip():
        raise ReportError("--scheduler: give the Dask scheduler's address, e.g. tcp://HOST:8786")
    if opts.data_dir is not None and not Path(opts.data_dir).is_dir():
        raise ReportError(f"--data-dir {opts.data_dir}: no such folder")


#: Notebook parameters that name a file or folder.
PATH_PARAMETERS = ("data_dir", "sweep_dir", "grid")


def resolve_path(value: str, key: str, base: Path | None, origin: str) -> str:
    """The absolute path of a path parameter's ``value`` as given in a params file.

    Parameters
    ----------
    value : str
        The value written (``~`` is expanded; an absolute path is returned as it is).
    key : str
        The parameter's name, for the messages.
    base : Path, optional
        The folder of the file the value was written in; None: only the working directory.
    origin : str
        Where the value came from (``--params FILE``), for the messages.

    Raises
    ------
    ReportError
        Neither candidate exists (the message names both), or both exist and differ.
    """
    given = Path(value).expanduser()
    if given.is_absolute():
        return str(given)
    tried: list[tuple[Path, str]] = []
    if base is not None:
        tried.append(((Path(base).expanduser() / given).absolute(), "beside the file"))
    tried.append((Path.cwd() / given, "the working directory"))
    found: dict[Path, tuple[Path, str]] = {}
    for path, where in tried:
        if path.exists():
            found.setdefault(path.resolve(), (path, where))
    if len(found) == 1:
        return str(next(iter(found.values()))[0])
    shown = " and ".join(f"{p} ({w})" for p, w in tried if p.resolve() in found or not found)
    if found:
        raise ReportError(
            f"{origin}: {key} {value!r} is ambiguous: both {shown} exist; give an absolute path",
            field=key,
            value=value,
        )
    raise ReportError(
        f"{origin}: {key} {value!r}: no such file or folder; tried {shown}", field=key, value=value
    )


def resolve_paths(
    globals_: Mapping[str, Any],
    sections: Mapping[str, Mapping[str, Any]],
    *,
    base: Path | None,
    origin: str,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """``globals_`` and ``sections`` with every relative path parameter made absolute
    (:func:`resolve_path`); other values are left as they are."""

    def fix(values: Mapping[str, Any]) -> dict[str, Any]:
        return {
            k: resolve_path(v, k, base, origin)
            if k in PATH_PARAMETERS and isinstance(v, str) and v.strip()
            else v
            for k, v in values.items()
        }

    return fix(globals_), {name: fix(section) for name, section in sections.items()}


def run_as_of(given: str | None, sources: Sequence[Any], where: str = "--as-of") -> dt.date:
    """The one valuation date of a run: ``given``, else the sample's own date when every
    notebook runs on the sample (the cost notebooks count as such), else today.

    Raises
    ------
    ReportError
        ``given`` is not a date; the message starts with ``where``.
    """
    from aipolicy.marketdata.provenance import default_as_of

    if given is not None:
        try:
            return valuation.parse(given)
        except InvalidInputError:
            raise ReportError(f"{where}: {given!r} is not a date; give YYYY-MM-DD (e.g. "
                              "2026-10-30) or 'today'") from None
    on_sample = all(s in (None, "sample") for s in sources)
    return default_as_of("sample") if on_sample else valuation.today()


def _params_doc(opts: ReportOptions) -> Mapping[str, Any]:
    if opts.params_file is not None:
        return params.load_params_file(Path(opts.params_file))
    return opts.params or {}


def _inputs(selected: Sequence[str], infos: Mapping[str, notebooks.NotebookInfo],
            injected: Mapping[str, Mapping[str, Any]], render_options: Mapping[str, Any],
            origin: str) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """Each notebook's input hash (for ``--reuse``) and market data source; a CSV source
    without a folder is refused before any kernel starts."""
    hashes: dict[str, str | None] = {}
    data_sources: dict[str, str | None] = {}
    for name in selected:
        info = infos[name]
        eff = params.effective(info, injected[name])
        data_sources[name] = str(eff.get("data_source")) if info.is_market else None
        if info.is_market and eff.get("data_source") == "csv" and not eff.get("data_dir"):
            raise ReportError(
                f"{name}: data_source 'csv' needs a folder of TICKER.csv files: pass "
                f"--data-dir DIR (or data_dir in {origin})"
            )
        data_fp = fingerprint.data_fingerprint(eff, info.is_market)
        hashes[name] = fingerprint.input_hash(info.content, eff, data_fp, render_options)
    return hashes, data_sources


def _folders(opts: ReportOptions, root: Path, started_at: dt.datetime
             ) -> tuple[Path, tuple[Path, dict[str, Any]] | None]:
    """The folder to write (``--out DIR`` is replaced only if the runner wrote it, otherwise a
    new folder per run) and the complete report to reuse from, if ``--reuse``."""
    final = Path(opts.out) if opts.out else root / run_name(started_at)
    final = final.expanduser().absolute()
    if opts.out:
        check_replaceable(final)
    if opts.reuse:
        for candidate in (final, root / LATEST):
            manifest = read_manifest(candidate)
            if manifest is not None:
                return final, (candidate.resolve(), manifest)
    return final, None


def plan_report(opts: ReportOptions, started_at: dt.datetime | None = None) -> ReportPlan:
    """Check ``opts`` and resolve everything a run needs; start nothing, write nothing.

    Raises
    ------
    ReportError
        Bad options or params file, unknown notebook, no notebooks, unusable output folder,
        ``data_source: csv`` without a data folder.
    """
    started_at = started_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    check_options(opts)
    nb_dir = Path(opts.notebooks_dir or notebooks_dir())
    root = Path(opts.reports_dir or reports_dir())
    paths = notebooks.discover(nb_dir)
    if not paths:
        raise ReportError(f"no notebooks (NN_name.ipynb) in {nb_dir}")
    available = [p.stem for p in paths]
    selected = notebooks.select(opts.notebooks, available)
    infos = {p.stem: notebooks.load(p) for p in paths}
    origin = opts.params_origin or (
        f"--params {opts.params_file}" if opts.params_file else "--params")
    globals_, sections = params.split_sections(_params_doc(opts), available, origin)
    given_as_of = params.take_as_of(opts.as_of, globals_, sections, origin)
    base = opts.params_base or (Path(opts.params_file).parent if opts.params_file else None)
    globals_, sections = resolve_paths(globals_, sections, base=base, origin=origin)
    injected = params.resolve(infos, selected, globals_, sections, source=opts.source,
                              data_dir=opts.data_dir, origin=origin)
    as_of = run_as_of(given_as_of, [
        params.effective(infos[n], injected[n]).get("data_source") if infos[n].is_market
        else "sample" for n in selected], "--as-of" if opts.as_of else f"{origin}: as_of")
    for name in selected:
        if "as_of" in infos[name].parameters:
            injected[name]["as_of"] = as_of.isoformat()
    hashes, data_sources = _inputs(selected, infos, injected, {"no_input": bool(opts.no_input)},
                                   origin)
    final, previous = _folders(opts, root, started_at)
    timeout = float(opts.timeout) if opts.timeout else None
    cell_timeout = float(opts.cell_timeout) if opts.cell_timeout else None
    return ReportPlan(
        started_at=started_at, root=root, final=final, replace=bool(opts.out),
        selected=list(selected), infos=infos,
        injected=injected, hashes=hashes, data_sources=data_sources,
        jobs=opts.jobs or default_jobs(), timeout=timeout, cell_timeout=cell_timeout,
        previous=previous,
        options={"source": opts.source,
                 "data_dir": str(opts.data_dir) if opts.data_dir else None,
                 "no_input": bool(opts.no_input), "timeout": timeout,
                 "cell_timeout": cell_timeout, "notebooks": list(selected),
                 "scheduler": opts.scheduler, "as_of": as_of.isoformat()},
    )
