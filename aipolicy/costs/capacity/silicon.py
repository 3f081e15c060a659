"""aiconfigurator-core's measured serving rows against its own estimate: how far to trust it.

The library ships ``systems/silicon_sample.csv``: serving runs measured on real GPUs (time to
first token and time per output token at a given concurrency, request shape, engine, precision
and parallel layout), most from SemiAnalysis InferenceX's public benchmark dumps (source
``db-dump/<date>; ... measured=<date>``), some from NVIDIA's gap-analysis runs on NGC images,
the rest with no measurer named (each row keeps its source and measurement date). :func:`silicon_rows` reads the aggregated-serving rows of the models the
package knows, in the layout the estimator models (attention data-parallel 1, expert-parallel
1, pipeline 1), as requests/s and output tokens/s of one replica; :func:`accuracy` sets each
beside the estimator's figure for the same case and concurrency.

That comparison says where an estimate is planning-grade. Computing it takes minutes (a curve
per measured case), so its summary per model and engine is installed with the package
(``catalogs/estimator_checks.csv``, written by :func:`checks` from ``python -m
aipolicy.costs.capacity.silicon``), and :func:`checked_note` adds it to every answer that uses
the estimate; ``benchmarks/bench_capacity.py`` prints it per GPU too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from aipolicy.costs.capacity import estimator

__all__ = ["ACCURACY_COLUMNS", "CHECKS", "ROW_COLUMNS", "MeasuredCurve", "accuracy",
           "checked_note", "checks", "measured_curve", "replica_curve", "silicon_rows"]

#: The comparison per model and engine, installed with the package (``checks`` writes it).
CHECKS = Path(__file__).resolve().parents[2] / "catalogs" / "estimator_checks.csv"

#: The library's model path -> our open-model slug (Llama 3.3 70B has Llama 3.1 70B's layers).
_MODELS = {
    "meta-llama/Llama-3.1-70B": "llama-3.3-70b",
    "meta-llama/Llama-3.1-8B-Instruct": "llama-3.1-8b",
    "nvidia/Llama-3.1-8B-Instruct-FP8": "llama-3.1-8b",
    "openai/gpt-oss-120b": "gpt-oss-120b",
    "Qwen/Qwen3-235B-A22B-FP8": "qwen3-235b-a22b",
    "deepseek-ai/DeepSeek-R1": "deepseek-r1",
    "nvidia/DeepSeek-R1-NVFP4": "deepseek-r1",
    "deepseek-ai/DeepSeek-V3": "deepseek-v3",
}
#: The library's GEMM quantisation -> our precision name.
_PRECISION = {"fp8": "fp8", "nvfp4": "fp4", "bfloat16": "bf16"}

ROW_COLUMNS = ["model", "gpu", "backend", "precision", "tp", "input_tokens", "output_tokens",
               "concurrency", "ttft_ms", "tpot_ms", "req_s", "output_tok_s", "measured_by",
               "as_of", "backend_version"]
ACCURACY_COLUMNS = [*ROW_COLUMNS, "estimated_tok_s", "difference", "differs"]


def _csv() -> Path | None:
    if estimator.library_version() is None:
        return None
    import aiconfigurator_core

    path = Path(aiconfigurator_core.__file__).parent / "systems" / "silicon_sample.csv"
    return path if path.is_file() else None


def _measured_by(source: str) -> tuple[str, str]:
    """Who measured a row, as its source field says, and when (YYYY-MM-DD or 'undated')."""
    parts = dict(p.strip().split("=", 1) for p in source.split(";") if "=" in p)
    day = parts.get("measured", "")[:10] or "undated"
    if source.startswith("db-dump/"):
        return "SemiAnalysis InferenceX public benchmark dump, via aiconfigurator-core", day
    if "gap-analysis" in parts.get("source_file", ""):
        return "NVIDIA gap-analysis runs (NGC images), via aiconfigurator-core", day
    return "aiconfigurator-core silicon sample (measurer not named)", day


@lru_cache(maxsize=1)
def silicon_rows() -> pd.DataFrame:
    """The measured rows the estimator can be checked against (empty without the library).

    Frame columns: :data:`ROW_COLUMNS`; one row per measured run; ``req_s`` = concurrency /
    (TTFT + TPOT x (output tokens - 1)), ``output_tok_s`` = ``req_s`` x output tokens.
    """
    path = _csv()
    if path is None:
        return pd.DataFrame(columns=ROW_COLUMNS)
    d = pd.read_csv(path)
    gpu_of = {system: gpu for gpu, system in estimator.SYSTEMS.items()}
    simple = ((d["mode"] == "agg") & d["model_path"].isin(_MODELS)
              & d["system"].isin(gpu_of) & d["gemm_quant_mode"].isin(_PRECISION)
              & (d["attention_dp_size"].fillna(1) == 1) & (d["moe_ep_size"].fillna(1) == 1)
              & (d["pp_size"].fillna(1) == 1))
    d = d[simple]
    seconds = (d["silicon_ttft_ms"] + d["silicon_tpot_ms"] * (d["osl"] - 1)) / 1000.0
    who = d["silicon_data_source"].map(_measured_by)
    req_s = d["batch_size"] / seconds
    out = pd.DataFrame({
        "model": d["model_path"].map(_MODELS), "gpu": d["system"].map(gpu_of),
        "backend": d["backend"], "precision": d["gemm_quant_mode"].map(_PRECISION),
        "tp": d["tp_size"].astype(int), "input_tokens": d["isl"].astype(int),
        "output_tokens": d["osl"].astype(int), "concurrency": d["batch_size"].astype(int),
        "ttft_ms": d["silicon_ttft_ms"], "tpot_ms": d["silicon_tpot_ms"], "req_s": req_s,
        "output_tok_s": req_s * d["osl"], "measured_by": who.str[0], "as_of": who.str[1],
        "backend_version": d["backend_version"].fillna("").astype(str)})
    return out.sort_values(ROW_COLUMNS[:8]).reset_index(drop=True)


@dataclass(frozen=True)
class MeasuredCurve(estimator.Curve):
    """A replica's curve made of measured serving runs (one per concurrency), in the
    estimator's shape: the capacity and the latency target read it the same way.

    ``measured_by`` names who measured the runs and ``measured_as_of`` when (a date or
    ``undated``); the runs are one measurement's (one date, engine build and measurer);
    ``version`` is the aiconfigurator-core release that ships them.
    """

    measured_by: str = ""
    measured_as_of: str = "undated"

    @property
    def named(self) -> str:
        return f"the measured runs ({self.measured_by}, {self.measured_as_of})"

    @property
    def saturated(self) -> bool:
        """True when the runs reach saturation: at least :data:`MIN_POINTS` concurrencies,
        and the highest adds less than :data:`FLAT` to the output rate of the one before it
        (runs that stop while throughput still climbs understate a replica's capacity)."""
        if len(self.points) < MIN_POINTS:
            return False
        last, before = self.points[-1].output_tok_s, self.points[-2].output_tok_s
        return last <= before * (1 + FLAT)

    @property
    def basis(self) -> str:
        """``measured (<who>, <when>; <engine> <version>, N concurrencies)``."""
        engine = f"{self.backend} {self.backend_version}".strip()
        return (f"measured ({self.measured_by}, {self.measured_as_of}; {engine}, "
                f"{len(self.points)} concurrencies)")


#: Fewest measured concurrencies that make a curve (one or two runs say nothing of saturation).
MIN_POINTS = 3
#: Runs are saturated when their highest concurrency adds less than this share of throughput.
FLAT = 0.10


def replica_curve(model: str, gpu: str, tp: int, precision: str, input_tokens: float,
                  output_tokens: float) -> estimator.Curve | None:
    """The best curve of one replica: the measured runs of exactly this case when they reach
    saturation (:attr:`MeasuredCurve.saturated`), else aiconfigurator-core's estimate (None:
    neither covers the case)."""
    found = measured_curve(model, gpu, tp, precision, input_tokens, output_tokens)
    if found is not None and found.saturated:
        return found
    return estimator.curve(model, gpu, tp, precision, input_tokens, output_tokens)


@lru_cache(maxsize=1024)
def measured_curve(model: str, gpu: str, tp: int, precision: str, input_tokens: float,
                   output_tokens: float) -> MeasuredCurve | None:
    """The measured runs of exactly this case as a curve (None: none was measured).

    The case is the model, GPU, tensor-parallel size, precision and request shape (whole
    tokens); the engine is the first of :data:`~aipolicy.costs.capacity.estimator.BACKENDS`
    with runs (the estimator's order), and the runs are those of one measurement
    (:func:`_one_run_set`). Remembered per process (a fleet search and the latency target ask
    for the same case more than once).
    """
    precision = "fp4" if precision == "nvfp4" else precision
    rows = silicon_rows()
    hit = rows[(rows["model"] == model) & (rows["gpu"] == gpu) & (rows["tp"] == int(tp))
               & (rows["precision"] == precision)
               & (rows["input_tokens"] == int(round(input_tokens)))
               & (rows["output_tokens"] == int(round(output_tokens)))]
    for backend in estimator.BACKENDS:
        runs = _one_run_set(hit[hit["backend"] == backend])
        if runs.empty:
            continue
        points = tuple(estimator.CurvePoint(int(r.concurrency), float(r.ttft_ms),
                                            float(r.tpot_ms), float(r.req_s),
                                            float(r.output_tok_s))
                       for r in runs.itertuples(index=False))
        first = runs.iloc[0]
        return MeasuredCurve(
            model, gpu, estimator.system_for(gpu) or gpu, backend, str(first["backend_version"]),
            precision, int(tp), int(round(input_tokens)), int(round(output_tokens)), points,
            estimator.library_version() or "", str(first["measured_by"]), str(first["as_of"]))
    return None


def _one_run_set(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs of one measurement (same date, engine build and measurer), one per
    concurrency in order: the newest set with at least :data:`MIN_POINTS` concurrencies, else
    the newest (undated sets last). Runs of different builds or dates are never mixed in one
    curve: their throughputs differ, and a mixed curve can look saturated when it is not."""
    if runs.empty:
        return runs
    sets = [g.drop_duplicates("concurrency").sort_values("concurrency")
            for _, g in runs.groupby(["as_of", "backend_version", "measured_by"], sort=False)]
    sets.sort(key=lambda g: (g["as_of"].iloc[0] != "undated", g["as_of"].iloc[0]),
              reverse=True)
    full = [g for g in sets if len(g) >= MIN_POINTS]
    return (full or sets)[0]


def accuracy(limit: int | None = None, models: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Each measured row beside the estimator's output tokens/s at the same concurrency.

    Only rows whose concurrency is one of the curve's points are compared (the curve is
    computed at 1, 2, 4, ... concurrent requests). ``limit`` caps the number of distinct
    cases (curves) computed; ``models`` restricts the models.

    Frame columns: :data:`ACCURACY_COLUMNS`; ``difference`` = estimated / measured - 1;
    ``differs`` marks a gap over :data:`~aipolicy.costs.capacity.estimator.DISAGREE`.
    """
    rows = silicon_rows()
    if models is not None:
        rows = rows[rows["model"].isin(models)]
    case_cols = ROW_COLUMNS[:7]
    out = []
    for n, (case, group) in enumerate(rows.groupby(case_cols, sort=True)):
        if limit is not None and n >= limit:
            break
        model, gpu, backend, precision, tp, isl, osl = case
        c = estimator.curve(model, gpu, tp, precision, isl, osl, backend=backend)
        if c is None or not c.fits:
            continue
        at = {p.concurrency: p.output_tok_s for p in c.points}
        for r in group.itertuples(index=False):
            theirs = at.get(int(r.concurrency))
            if theirs is None:
                continue
            diff = theirs / r.output_tok_s - 1 if r.output_tok_s > 0 else math.nan
            out.append((*r, theirs, diff, abs(diff) > estimator.DISAGREE))
    return pd.DataFrame(out, columns=ACCURACY_COLUMNS)


def checks(table: pd.DataFrame) -> pd.DataFrame:
    """Summary of :func:`accuracy` per model and engine.

    Frame columns: model, backend, gpus (``;``-joined), rows, median_difference (estimate /
    measured - 1), within_15 (share of rows within 15%), measured_from, measured_to (dates of
    the dated rows), library_version, source, as_of (the newest measurement, else the
    library's release).
    """
    out = []
    for (model, backend), g in table.groupby(["model", "backend"], sort=True):
        dated = g.loc[g["as_of"] != "undated", "as_of"]
        out.append({"model": model, "backend": backend,
                    "gpus": ";".join(sorted(set(g["gpu"]))), "rows": len(g),
                    "median_difference": round(float(g["difference"].median()), 4),
                    "within_15": round(float(1 - g["differs"].mean()), 4),
                    "measured_from": dated.min() if len(dated) else "undated",
                    "measured_to": dated.max() if len(dated) else "undated",
                    "library_version": estimator.library_version(),
                    "source": f"{estimator.SOURCE} systems/silicon_sample.csv (measured "
                              "serving runs: InferenceX public dumps and others) against the "
                              "library's op-level estimate of the same case",
                    "as_of": (dated.max() if len(dated)
                              else estimator.released(estimator.library_version() or ""))})
    return pd.DataFrame(out)


@lru_cache(maxsize=1)
def _installed_checks() -> pd.DataFrame:
    try:
        return pd.read_csv(CHECKS)
    except (OSError, ValueError):
        return pd.DataFrame(columns=["model", "backend"])


def checked_note(model: str, backend: str) -> str:
    """How the estimate of ``model`` on ``backend`` compares with measured runs (empty when
    there are none): e.g. '; checked against 233 measured runs of this model on trtllm
    (b200, h200; 2025-10-29 to 2026-04-17): the estimate runs -20% (median), 25% within 15%'."""
    found = _installed_checks()
    hit = found[(found["model"] == model) & (found["backend"] == backend)]
    if hit.empty:
        return f"; no measured run of {model} on {backend} to check the estimate against"
    r = hit.iloc[0]
    span = (r.measured_from if r.measured_from == r.measured_to
            else f"{r.measured_from} to {r.measured_to}")
    when = f"; measured {span}" if r.measured_from != "undated" else ""
    return (f"; checked against {int(r.rows)} measured runs of {model} on {backend} "
            f"({str(r.gpus).replace(';', ', ')}{when}; aiconfigurator-core silicon sample, "
            f"InferenceX and others): the estimate runs {r.median_difference:+.0%} (median), "
            f"{r.within_15:.0%} of runs within 15%")


if __name__ == "__main__":  # pragma: no cover - a maintainer's command (minutes)
    checks(accuracy()).to_csv(CHECKS, index=False)
    print(f"wrote {CHECKS}")
