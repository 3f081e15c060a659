"""Where two capacity sources exist for the same case, how far apart they are.

Sources: the package's measured TensorRT-LLM maximum-throughput rows (saturation, output
tokens/s of a replica at a measured request shape) and latency sweeps (NIM, TensorRT-LLM online
serving: the capacity a latency target keeps), against aiconfigurator-core's estimate of the
same model, GPU, precision, tensor-parallel size and request shape. A case is listed when both
exist; ``differs`` marks a gap over :data:`~aipolicy.costs.capacity.estimator.DISAGREE` (15%).
The answer always uses the measured figure where one exists (the estimator fills the gaps).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from aipolicy.costs import catalog
from aipolicy.costs.capacity import estimator
from aipolicy.costs.capacity.rows import measured_rows

__all__ = ["COLUMNS", "capacity_basis", "measured_cases", "saturation_cases"]

COLUMNS = ["model", "gpu", "precision", "tp", "input_tokens", "output_tokens", "measured_tok_s",
           "measured_source", "estimated_tok_s", "estimator", "difference", "differs"]


def saturation_cases(limit: int | None = None) -> pd.DataFrame:
    """Measured maximum-throughput rows against the estimator's saturation (output tokens/s
    of one replica), one row per case both cover; at most ``limit`` cases (None: all).

    Frame columns: :data:`COLUMNS`; ``difference`` = estimated / measured - 1.
    """

    def estimate(r: Any) -> estimator.Curve | None:
        if r.model not in estimator.MODELS or not estimator.backends_for(r.gpu):
            return None
        return estimator.curve(r.model, r.gpu, int(r.tp), str(r.precision),
                               float(r.input_tokens), float(r.output_tokens))

    return _beside_measured_rows(estimate, limit)


def measured_cases() -> pd.DataFrame:
    """The package's measured maximum-throughput rows against aiconfigurator-core's measured
    serving runs of the same case where those reach saturation (two measurements of one
    figure: different engines' builds, dates and concurrency limits).

    Frame columns: :data:`COLUMNS` (``estimated_tok_s`` and ``estimator`` hold the other
    measurement and its basis); ``difference`` = theirs / ours - 1.
    """
    from aipolicy.costs.capacity import silicon

    def measured(r: Any) -> estimator.Curve | None:
        m = silicon.measured_curve(r.model, r.gpu, int(r.tp), str(r.precision),
                                   float(r.input_tokens), float(r.output_tokens))
        return m if m is not None and m.saturated else None

    return _beside_measured_rows(measured, None)


def _beside_measured_rows(other: Callable[[Any], estimator.Curve | None],
                          limit: int | None) -> pd.DataFrame:
    """Each measured row beside the saturation of ``other(row)``'s curve (rows it gives no
    fitting curve for are left out); at most ``limit`` rows."""
    out = []
    for r in measured_rows().itertuples(index=False):
        if limit is not None and len(out) >= limit:
            break
        c = other(r)
        if c is None or not c.fits:
            continue
        ours, theirs = float(r.output_tok_s), c.saturation.output_tok_s
        diff = theirs / ours - 1 if ours > 0 else math.nan
        out.append((r.model, r.gpu, r.precision, int(r.tp), int(r.input_tokens),
                    int(r.output_tokens), ours, f"TensorRT-LLM perf overview {r.version}",
                    theirs, c.basis, diff, abs(diff) > estimator.DISAGREE))
    return pd.DataFrame(out, columns=COLUMNS)


def capacity_basis(gpu: str) -> str:
    """Where a replica's capacity on the GPU can come from: measured rows (how many),
    aiconfigurator-core (its system and engines), else the package's roofline estimate."""
    rows = catalog.throughput_table()
    n = int((rows["gpu"] == gpu).sum())
    parts = [f"measured rows ({n})"] if n else []
    engines = estimator.backends_for(gpu)
    system = estimator.system_for(gpu)
    if engines:
        parts.append(f"{estimator.LIBRARY} ({system}: {', '.join(engines)})")
    elif system in estimator.SPEC_ONLY:
        parts.append(f"roofline estimate ({estimator.LIBRARY} has only a speed-of-light bound "
                     "for it)")
    if not parts:
        parts.append("roofline estimate")
    return "; ".join(parts)
