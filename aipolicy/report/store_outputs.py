"""Re-execute the collection's notebooks in place, so their stored outputs are current.

``make notebooks`` runs ``python -m aipolicy.report.store_outputs [NAME ...]``. Each notebook
is executed with nbclient (not papermill: no injected-parameters cell, no papermill metadata)
with its default parameters, kernel ``python3`` on this interpreter, the working directory
``notebooks/`` and ``MPLBACKEND=agg``, in parallel worker processes. Volatile metadata
(execution timing, widget state) is removed so a re-run on unchanged inputs rewrites the same
bytes; ``pytest --nbval`` then compares fresh runs against these outputs. A notebook that
fails is left untouched and reported; the exit status is then 1.

The notebooks' default parameters are expected to select the sample data
(``data_source = "sample"``); a warning is printed otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from aipolicy import startup  # noqa: F401 - before nbformat (see aipolicy.startup)
from aipolicy.errors import AipolicyError
from aipolicy.report import notebooks
from aipolicy.report.task import default_lock_path

VOLATILE_CELL_METADATA = ("execution", "papermill", "ExecuteTime")
VOLATILE_NB_METADATA = ("papermill", "widgets")


def strip_volatile(nb: Any) -> Any:
    """Remove execution timing and other run-specific metadata from ``nb`` (in place)."""
    for key in VOLATILE_NB_METADATA:
        nb.metadata.pop(key, None)
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        # widget views carry a fresh random model id each run and their state is not stored,
        # so the view is useless in a stored notebook: keep only its plain-text fallback
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data:
                data.pop("application/vnd.jupyter.widget-view+json", None)
    return nb


def execute_in_place(path: Path, timeout: float | None = 600, lock_path: str = "") -> dict[str, Any]:
    """Execute the notebook at ``path`` with nbclient and write it back; return a result dict."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from traitlets import Unicode

    from aipolicy.report.kernels import KernelStartMixin, kill_kernel

    class StoreClient(KernelStartMixin, NotebookClient):
        lock_path = Unicode("")

    from aipolicy.report.task import KERNEL_ENV

    os.environ.update(KERNEL_ENV)  # headless: agg plots, no widgets
    t0 = time.monotonic()
    nb = nbformat.read(str(path), as_version=4)
    client = StoreClient(
        nb,
        timeout=int(timeout) if timeout else None,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        shutdown_kernel="immediate",
        lock_path=lock_path,
    )
    try:
        client.execute()
    except (CellExecutionError, Exception) as exc:  # leave the stored notebook untouched
        kill_kernel()
        return {"name": path.stem, "ok": False, "error": f"{type(exc).__name__}: {exc}"[:2000],
                "duration_s": time.monotonic() - t0}
    strip_volatile(nb)
    tmp = path.with_name(f".{path.name}.tmp")
    nbformat.write(nb, str(tmp))
    os.replace(tmp, path)
    return {"name": path.stem, "ok": True, "error": None, "duration_s": time.monotonic() - t0}


def _default_is_sample(info: notebooks.NotebookInfo) -> bool:
    p = info.parameters.get("data_source")
    return p is None or p.default == "sample"


def store_outputs(names: Sequence[str] | None = None, jobs: int | None = None,
                  notebooks_dir: Path | None = None, timeout: float | None = 600) -> int:
    """Execute the chosen notebooks in place; return 0 when all succeeded, 1 otherwise."""
    import multiprocessing

    from aipolicy.report.runner import default_jobs
    from aipolicy.report.runner import notebooks_dir as default_dir

    folder = Path(notebooks_dir or default_dir())
    paths = {p.stem: p for p in notebooks.discover(folder)}
    if not paths:
        raise AipolicyError(f"no notebooks (NN_name.ipynb) in {folder}")
    selected = notebooks.select(names, list(paths))
    for name in selected:
        if not _default_is_sample(notebooks.load(paths[name])):
            print(f"store_outputs: warning: {name}: default data_source is not 'sample'; "
                  "stored outputs will not match CI", file=sys.stderr)
    jobs = max(1, min(jobs or default_jobs(), len(selected)))
    ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    failures = 0
    lock = str(default_lock_path())
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        futures = [pool.submit(execute_in_place, paths[n], timeout, lock) for n in selected]
        for fut in as_completed(futures):
            res = fut.result()
            state = "stored" if res["ok"] else "FAILED"
            print(f"{res['name']}: {state} ({res['duration_s']:.1f} s)", flush=True)
            if not res["ok"]:
                failures += 1
                print(f"  {res['error']}", file=sys.stderr)
    return 1 if failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m aipolicy.report.store_outputs [NAME ...] [--jobs N]``."""
    parser = argparse.ArgumentParser(prog="python -m aipolicy.report.store_outputs",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebooks ('01', '01_build_vs_buy'); default all")
    parser.add_argument("--jobs", "-j", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    try:
        return store_outputs(args.names or None, args.jobs, timeout=args.timeout)
    except AipolicyError as exc:
        print(f"store_outputs: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
