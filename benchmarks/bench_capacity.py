"""Benchmark: capacity curves from aiconfigurator-core, cold and warm, and the agreement table.

Cold: a new cache folder, a fresh process-level memo; warm: the same curve read back from the
disk cache (a new process pays only the file read) and from the memo. Then the sweep's cells/s
on a grid of GPUs the estimator covers (RTX PRO 6000 only by it), cold and warm. Last, the agreement
table: every measured TensorRT-LLM maximum-throughput row that the estimator also covers, with
the difference, printed in full (the closing note of the capacity issue quotes it); and the
estimator against the library's own measured silicon rows (InferenceX and others) per model,
engine and GPU.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

CASE = ("llama-3.3-70b", "h100-sxm", 2, "fp8", 1500.0, 400.0)


def _fresh(folder: str) -> None:
    """An empty disk cache, an empty memo and no installed curves: everything computed."""
    from aipolicy.costs.capacity import curve_snapshot, estimator

    os.environ["AIPOLICY_CACHE_DIR"] = folder
    curve_snapshot.lookup = lambda key: None
    estimator.clear_memo()


def run() -> list[dict]:
    """Rows: figure, target, measured, ok."""
    from aipolicy.costs.capacity import estimator
    from aipolicy.costs.capacity.agreement import measured_cases, saturation_cases

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        _fresh(tmp)
        estimator.databases_for("h100-sxm")  # library import and database listing, once
        t0 = time.perf_counter()
        c = estimator.curve(*CASE)
        cold = time.perf_counter() - t0
        warm_disk = []
        for _ in range(5):
            estimator.clear_memo()
            t0 = time.perf_counter()
            estimator.curve(*CASE)
            warm_disk.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        estimator.curve(*CASE)
        memo = time.perf_counter() - t0
        rows += [
            {"figure": f"one curve cold ({len(c.points)} concurrencies; {c.basis})",
             "target": "-", "measured": f"{cold:.2f} s", "ok": "-"},
            {"figure": "the same curve warm from the disk cache (median of 5)", "target": "-",
             "measured": f"{statistics.median(warm_disk) * 1000:.1f} ms", "ok": "-"},
            {"figure": "the same curve from the process memo", "target": "-",
             "measured": f"{memo * 1e6:.0f} us", "ok": "-"},
        ]
        rows.append(_installed_row(tmp))
        rows += _sweep_rows(tmp)
        t0 = time.perf_counter()
        table = saturation_cases()
        took = time.perf_counter() - t0
        rows += _silicon_rows()
    n, far = len(table), int(table["differs"].sum())
    rows.append({"figure": f"agreement table: {n} measured rows the estimator covers, "
                           f"{far} differ by > 15% (median difference "
                           f"{table['difference'].median():+.0%})",
                 "target": "-", "measured": f"{took:.0f} s cold", "ok": "-"})
    print(table.drop(columns=["estimator", "measured_source"]).to_string(
        index=False, float_format=lambda v: f"{v:,.2f}"))
    both = measured_cases()
    rows.append({"figure": f"two measurements of one case: {len(both)} measured rows beside "
                           "aiconfigurator-core's saturated measured runs, "
                           f"{int(both['differs'].sum())} differ by > 15%",
                 "target": "-", "measured": "; ".join(
                     f"{r.model} {r.tp}x {r.gpu} {r.input_tokens}/{r.output_tokens}: "
                     f"{r.difference:+.0%}" for r in both.itertuples()) or "-", "ok": "-"})
    return rows


def _installed_row(tmp: str) -> dict:
    """The same curve read from the curves installed with the package (empty disk cache)."""
    import importlib

    from aipolicy.costs.capacity import curve_snapshot, estimator

    importlib.reload(curve_snapshot)  # the real lookup again
    os.environ["AIPOLICY_CACHE_DIR"] = os.path.join(tmp, "empty")
    estimator.clear_memo()
    t0 = time.perf_counter()
    estimator.curve(*CASE)
    took = time.perf_counter() - t0
    return {"figure": "the same curve from the installed curves (empty disk cache)",
            "target": "-", "measured": f"{took * 1000:.1f} ms", "ok": "-"}


def _silicon_rows() -> list[dict]:
    """The estimator against the library's own measured rows, per model, engine and GPU."""
    from aipolicy.costs.capacity.silicon import accuracy

    t0 = time.perf_counter()
    table = accuracy()
    took = time.perf_counter() - t0
    summary = table.groupby(["model", "backend", "gpu", "precision"]).agg(
        rows=("difference", "size"), median=("difference", "median"),
        within_15=("differs", lambda d: 1 - d.mean()))
    print(summary.to_string(float_format=lambda v: f"{v:+.0%}"))
    return [{"figure": f"estimator vs {len(table)} measured silicon rows: median difference "
                       f"{table['difference'].median():+.0%}, "
                       f"{1 - table['differs'].mean():.0%} within 15%",
             "target": "-", "measured": f"{took:.0f} s cold", "ok": "-"}]


def _sweep_rows(tmp: str) -> list[dict]:
    from aipolicy.sweep.grid import grid_from_mapping
    from aipolicy.sweep.run import evaluate_grid

    grid = grid_from_mapping({"axes": {
        "preset": ["midmarket"], "gpu": ["rtx-pro-6000", "l40s", "a100-80gb"],
        "open_model": ["llama-3.3-70b", "llama-3.1-8b"],
        "shape": ["500/200", "1000/200", "1500/400", "2000/400", "4000/800"],
        "slo": ["preset", "none"], "tokens_per_day": [1e7, 1e8, 1e9]}})
    out = []
    for label in ("cold", "warm"):
        if label == "cold":
            _fresh(os.path.join(tmp, "sweep"))
        else:
            from aipolicy.costs.capacity import estimator

            estimator.clear_memo()  # a new process: the disk cache only
        t0 = time.perf_counter()
        frame = evaluate_grid(grid)
        took = time.perf_counter() - t0
        out.append({"figure": f"sweep of {len(frame)} cells (rtx-pro-6000, l40s, a100; "
                              f"estimator curves), {label}", "target": "-",
                    "measured": f"{len(frame) / took:,.0f} cells/s ({took:.1f} s)", "ok": "-"})
    return out


if __name__ == "__main__":
    for row in run():
        print(row)
