"""``aipolicy report``: run the notebooks with papermill and render the reports.

Each run writes a new ``reports/<UTC time>-<random>/`` (or ``--out DIR``, replaced only when
it is a report this command wrote), lists it in ``reports/index.html`` and moves
``reports/latest`` to it only when every notebook ran ok (or was reused).

Exit status: 0 when every notebook ran (or was reused; a ``partial`` notebook, which skipped an
analysis for lack of data, also counts as run), 1 when any failed or timed out (the
report is still written, in its own folder, and ``latest`` is not moved), 2 for a usage error
(bad flag, params file or notebook name, an ``--out`` folder holding other files), 130 when
interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aipolicy.marketdata.provenance import SOURCES as DATA_SOURCES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``report`` flags to ``parser``."""
    parser.add_argument(
        "--source", choices=DATA_SOURCES, default=None,
        help="market data source passed to every market notebook (default: the notebooks' own)",
    )
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder of CSV files for --source csv (passed to market notebooks)")
    parser.add_argument("--params", type=Path, default=None, metavar="FILE.yaml",
                        help="YAML: global parameters plus a section per notebook")
    parser.add_argument("--notebooks", nargs="+", default=None, metavar="NAME",
                        help="run only these notebooks ('01', '01_build_vs_buy' or its .ipynb)")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="report folder, replaced only if aipolicy report wrote it (default: a "
                             "new reports/<UTC time>-<random>/ per run, with reports/latest)")
    parser.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                        help="notebooks run in parallel (default: number of CPUs)")
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
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress display")


def run(args: argparse.Namespace) -> int:
    """Run the report; print where it is and a one-line outcome per failed notebook."""
    from aipolicy.report.runner import ReportOptions, run_report

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
    )
    result = run_report(opts)
    counts: dict[str, int] = {}
    for status in result.statuses.values():
        counts[status] = counts.get(status, 0) + 1
    text = ", ".join(f"{n} {s}" for s, n in counts.items())
    print(f"report: {result.folder / 'index.html'} ({text})")
    if result.runs_index is not None and result.exit_code != 0:
        print("  not complete: kept in its own folder; reports/latest was not moved "
              f"(all runs: {result.runs_index})", file=sys.stderr)
    for name, nb in result.summary["notebooks"].items():
        for item in (nb.get("records") or {}).get("skipped") or []:
            if isinstance(item, dict):
                print(f"  {name}: partial: skipped {item.get('analysis')}: {item.get('reason')}"
                      [:300], file=sys.stderr)
        if nb.get("error"):
            err = nb["error"]
            print(f"  {name}: {nb['status'].upper()}: {err.get('ename')}: {err.get('evalue')}"[:300],
                  file=sys.stderr)
    return result.exit_code
