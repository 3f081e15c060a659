"""Public, dated speed figures of per-token APIs: output tokens/s per request, time to first token.

One row of ``api_latency.csv`` per (model, provider) with its source and as-of date. The
verdict uses them to tell whether a per-token option meets the latency target; where no row
exists the option is "not checked", never assumed fast or slow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aipolicy.costs.catalog.files import load_catalog

__all__ = ["ApiLatency", "api_latency"]


@dataclass(frozen=True)
class ApiLatency:
    """Speed of one per-token model at one provider.

    ``output_tokens_per_s`` is the median output speed a single request sees (tokens/s);
    ``ttft_s`` the median time to first token (seconds); None where the source gives none.
    """

    model: str
    provider: str
    output_tokens_per_s: float | None
    ttft_s: float | None
    source: str
    as_of: str
    note: str = ""


def _num(v: object) -> float | None:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def api_latency(model: str) -> ApiLatency | None:
    """The speed figure of ``model`` (``name`` at its own vendor, or ``name@provider``), or None."""
    name, _, provider = model.partition("@")
    table = load_catalog("api_latency")
    rows = table[table["model"] == name]
    if provider:
        rows = rows[rows["provider"] == provider]
    else:
        rows = rows[rows["provider"].isin(["openai", "anthropic", "google", "xai", "vendor"])]
    if rows.empty:
        return None
    r = rows.iloc[0]
    return ApiLatency(model=name, provider=str(r["provider"]),
                      output_tokens_per_s=_num(r["output_tokens_per_s"]), ttft_s=_num(r["ttft_s"]),
                      source=str(r["source"]), as_of=str(r["as_of"]), note=str(r["note"] or ""))
