"""``aipolicy report``: run the notebooks with papermill and render the reports.

Each run writes a new ``reports/<UTC time>-<random>/`` (or ``--out DIR``, replaced only when
it is a report this command wrote), lists it in ``reports/index.html`` and moves
``reports/latest`` to it only when it ran the whole collection (a ``--notebooks`` subset says
where it went and leaves ``latest``) and every notebook ran ok (or was reused).

``--scheduler ADDR`` runs the notebooks on the workers of a Dask cluster (one task per
notebook; ``--jobs`` is then ignored): papermill runs on a worker into its own temporary
folder, the executed notebook comes back, and this process writes it, renders the HTML and the
index with the usual atomic rules. The workers must run the same aipolicy version (checked)
from the same checkout or installed package, with the notebooks at the same absolute path
(see :mod:`aipolicy.report.dask_runner`).

``--matrix FILE.yaml`` renders one report per parameter set listed in the file (each a name
and a ``--params`` document) into ``--out DIR/<name>/``, with an overview ``DIR/index.html``
(default ``reports/matrix-<UTC time>-<random>/``); every entry is checked before anything
runs (see :mod:`aipolicy.report.matrix`). It combines with ``--scheduler``, ``--notebooks``
and ``--source``, not with ``--params``.

Exit status: 0 when every notebook ran (or was reused; a ``partial`` notebook, which skipped an
analysis for lack of data, also counts as run), 1 when any failed or timed out (the
report is still written, in its own folder, and ``latest`` is not moved; with ``--matrix``,
the worst of the reports), 2 for a usage error (bad flag, params or matrix file, notebook
name, an ``--out`` folder holding other files, an unreachable ``--scheduler`` or workers of
another aipolicy version), 130 when interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from aipolicy.commands.asof import AS_OF_HELP, as_of_flag
from aipolicy.marketdata.provenance import SOURCES as DATA_SOURCES

if TYPE_CHECKING:
    from aipolicy.report.runner import ReportResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``report`` flags to ``parser``."""
    parser.add_argument(
        "--source", choices=DATA_SOURCES, default=None,
        help="market data source passed to every market notebook (default: the notebooks' own)",
    )
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder of CSV files for --source csv (passed to market notebooks)")
    params = parser.add_mutually_exclusive_group()
    params.add_argument("--params", type=Path, default=None, metavar="FILE.yaml",
                        help="YAML: global parameters plus a section per notebook")
    params.add_argument("--matrix", type=Path, default=None, metavar="FILE.yaml",
                        help="YAML 'reports:' list of {name, params}: one report per entry in "
                             "--out DIR/<name>/ plus an overview DIR/index.html (default DIR: "
                             "reports/matrix-<UTC time>-<random>/); exit status: the worst")
    parser.add_argument("--notebooks", nargs="+", default=None, metavar="NAME",
                        help="run only these notebooks ('01', '01_build_vs_buy' or its .ipynb)")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="report folder, replaced only if aipolicy report wrote it (default: a "
                             "new reports/<UTC time>-<random>/ per run, with reports/latest; "
                             "with --matrix: the folder of the reports and their overview)")
    parser.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                        help="notebooks run in parallel (default: number of CPUs; ignored "
                             "with --scheduler)")
    parser.add_argument("--scheduler", default=None, metavar="ADDR",
                        help="run the notebooks on this Dask scheduler's workers (e.g. "
                             "tcp://HOST:8786); pages and index are written here. Workers need "
                             "the same aipolicy version and the notebooks at the same absolute "
                             "path (same checkout or installed package)")
    parser.add_argument("--timeout", type=float, default=1800.0, metavar="SECONDS",
                        help="time limit per notebook; 0 for none (default: 1800)")
    parser.add_argument("--cell-timeout", type=float, default=600.0, metavar="SECONDS",
                        help="time limit per cell; 0 for none (default: 600)")
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--with-code", dest="no_input", action="store_false", default=True,
                       help="show the code, prompts and notebook instructions in the HTML pages "
                            "(default: results only; the executed .ipynb always has everything)")
    shown.add_argument("--no-input", dest="no_input", action="store_true",
                       help="results-only pages (the default; kept for older scripts)")
    parser.add_argument("--reuse", action="store_true",
                        help="copy notebooks whose inputs are unchanged since the last complete "
                             "report instead of re-running them (live/auto data always re-runs)")
    parser.add_argument("--as-of", type=as_of_flag, default=None, metavar="YYYY-MM-DD",
                        help=f"{AS_OF_HELP}, for every notebook (default: as_of in --params, "
                             "else the sample's own date on the sample data, today otherwise)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress display")


def _outcome(result: ReportResult, prefix: str = "") -> None:
    """Print where a report is, its status counts, and a line per failed or partial notebook."""
    counts: dict[str, int] = {}
    for status in result.statuses.values():
        counts[status] = counts.get(status, 0) + 1
    text = ", ".join(f"{n} {s}" for s, n in counts.items())
    print(f"{prefix}report: {result.folder / 'index.html'} ({text})")
    if result.runs_index is not None and result.exit_code != 0:
        print("  not complete: kept in its own folder; reports/latest was not moved "
              f"(all runs: {result.runs_index})", file=sys.stderr)
    elif result.runs_index is not None and result.subset:
        ran, size = len(result.statuses), result.collection_size
        print(f"  {ran} of the {size} notebooks: {result.runs_index.parent / 'latest'} was not "
              f"moved (it points at the newest complete run of all {size})", file=sys.stderr)
    for name, nb in result.summary["notebooks"].items():
        for item in (nb.get("records") or {}).get("skipped") or []:
            if isinstance(item, dict):
                print(f"  {prefix}{name}: partial: skipped {item.get('analysis')}: "
                      f"{item.get('reason')}"[:300], file=sys.stderr)
        if nb.get("error"):
            err = nb["error"]
            print(f"  {prefix}{name}: {nb['status'].upper()}: {err.get('ename')}: "
                  f"{err.get('evalue')}"[:300], file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Run the report (or the matrix of reports); print where it is and each failure."""
    from aipolicy.record import count_word as counted
    from aipolicy.report.runner import ReportOptions, run_report

    if args.scheduler and args.jobs is not None and not args.quiet:
        print("aipolicy report: note: --jobs is ignored with --scheduler (the Dask scheduler "
              "places the notebooks)", file=sys.stderr)
    opts = ReportOptions(
        source=args.source,
        data_dir=args.data_dir,
        params_file=args.params,
        notebooks=args.notebooks,
        out=args.out,
        jobs=args.jobs,
        timeout=args.timeout,
        cell_timeout=args.cell_timeout,
        no_input=args.no_input,
        reuse=args.reuse,
        progress=not args.quiet,
        scheduler=args.scheduler,
        as_of=args.as_of,
    )
    if args.matrix is not None:
        from aipolicy.report.matrix import run_matrix

        matrix = run_matrix(args.matrix, opts)
        for name, result in matrix.results.items():
            _outcome(result, prefix=f"{name}: ")
        print(f"matrix: {matrix.folder / 'index.html'} ({counted(len(matrix.results), 'report')}"
              f", {sum(r.exit_code == 0 for r in matrix.results.values())} complete)")
        return matrix.exit_code
    result = run_report(opts)
    _outcome(result)
    return result.exit_code
