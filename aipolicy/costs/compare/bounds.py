"""Every bound of a cost comparison in one place: the sizes and values the cost model accepts,
and the checks that refuse the rest before any work starts.

``aipolicy breakeven``, ``aipolicy sweep`` and the cost notebooks all pass through here:
:func:`~aipolicy.costs.compare.scenario.build_scenario` runs the scenario checks (context
window, tensor-parallel size, first price date, fleet size), the sweep's grid runs the size
checks (volumes, configs, cells, draws x cells, requests/day) before it builds an array, and
the notebooks' parameter checks take the same numbers.

A refusal is an :class:`~aipolicy.errors.InvalidInputError` whose ``field`` is the scenario
field (or grid key) at fault and ``value`` its value; the message is a sentence about that
field ("gpus_per_replica 3 does not divide ...") that says why and what would be right. A
front-end names inputs its own way (``--gpus-per-replica``, ``axes.tokens_per_day``) with
:func:`aipolicy.errors.in_user_terms`.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from aipolicy.errors import InvalidInputError

__all__ = ["DEFAULT_UPPER", "MAX_CELLS", "MAX_CONFIGS", "MAX_DRAW_CELLS", "MAX_DRAWS",
           "MAX_GRID_DRAWS", "MAX_REPLICAS", "MAX_REQUESTS_PER_DAY", "MAX_TOKENS_PER_REQUEST",
           "MAX_VOLUMES", "UPPER_BOUNDS", "check_context", "check_first_price", "check_fleet",
           "check_grid_size", "check_tensor_parallel", "check_tokens_per_day",
           "tensor_parallel_sizes"]

#: Requests per day: a trillion, ~1,000x today's largest services.
MAX_REQUESTS_PER_DAY = 1e12
#: Input or output tokens per request (the longest context windows are 10M tokens).
MAX_TOKENS_PER_REQUEST = 1e7
#: Largest values the scenario accepts (beyond them the arithmetic stops being meaningful);
#: every other numeric field is capped at :data:`DEFAULT_UPPER`.
UPPER_BOUNDS: dict[str, float] = {
    "requests_per_day": MAX_REQUESTS_PER_DAY,
    "input_tokens": MAX_TOKENS_PER_REQUEST, "output_tokens": MAX_TOKENS_PER_REQUEST,
    "reasoning_tokens": MAX_TOKENS_PER_REQUEST, "api_reasoning_tokens": MAX_TOKENS_PER_REQUEST,
    "volume_growth_annual": 100.0,  # 100x a year
}
DEFAULT_UPPER = 1e15
#: Replicas of one self-hosted fleet: 200,000 replicas are at least 200,000 GPUs, the size of
#: the largest AI clusters built; the hybrid search covers every fleet up to it.
MAX_REPLICAS = 200_000
#: Monte Carlo draws of one comparison (memory grows about 0.25 GB per million draws).
MAX_DRAWS = 5_000_000
#: Sweep grids: points of the volume axis, configs (combinations of the other axes), cells,
#: draws per cell and draws x cells (about 1.4 million draw-cells a second on one core: the
#: limit is about a day of one core, minutes on a cluster).
MAX_VOLUMES = 100_000
MAX_CONFIGS = 100_000
MAX_CELLS = 10_000_000
MAX_GRID_DRAWS = 1_000_000
MAX_DRAW_CELLS = 1e11


def _bad(field: str, value: Any, message: str) -> InvalidInputError:
    return InvalidInputError(message, field=field, value=value)


def check_context(open_model: str, context: Any, in_tok: float, out_tok: float) -> None:
    """Refuse a request longer than the model's context window (input + output tokens).

    ``context`` is the catalog's ``context_tokens`` figure (None: the catalog has none, and
    nothing is checked). The error names ``input_tokens`` and the window with its source.
    """
    if context is None:
        return
    window = float(context.value)
    if in_tok + out_tok > window:
        raise _bad("input_tokens", in_tok,
                   f"input_tokens {in_tok:,.0f} + {out_tok:,.0f} output tokens exceed "
                   f"{open_model}'s context window of {window:,.0f} tokens ({context.source}); "
                   "no engine serves such a request: keep input_tokens at most "
                   f"{max(window - out_tok, 0):,.0f} or pick a model with a longer window")


def tensor_parallel_sizes(heads: int) -> list[int]:
    """GPU counts a tensor-parallel replica can span: the divisors of the attention heads."""
    return [n for n in range(1, heads + 1) if heads % n == 0]


def check_tensor_parallel(open_model: str, heads: Any, gpus_per_replica: Any) -> None:
    """Refuse a replica size that does not divide the model's attention heads.

    Tensor parallelism splits the attention heads evenly over the GPUs (vLLM, SGLang and
    TensorRT-LLM all require it). ``heads`` is the catalog's ``n_heads`` figure (None: not
    known, nothing is checked).
    """
    tp = gpus_per_replica
    if heads is None or isinstance(tp, bool) or not isinstance(tp, int | float) \
            or not math.isfinite(tp) or tp != int(tp) or tp < 1:
        return  # no figure, or not a whole number >= 1 (the scenario's own check names it)
    n = int(heads.value)
    if n % int(tp):
        sizes = tensor_parallel_sizes(n)
        raise _bad("gpus_per_replica", tp,
                   f"gpus_per_replica {tp:g} does not divide {open_model}'s {n} attention heads "
                   f"({heads.source}): a tensor-parallel replica splits them evenly over its "
                   f"GPUs; give {', '.join(map(str, sizes[:-1]))} or {sizes[-1]}")


def check_first_price(api_model: str, day: dt.date) -> None:
    """Refuse a valuation date before the API model's first price (its release).

    Nothing is checked for a model whose first date is unknown (see
    :func:`aipolicy.costs.catalog.lifecycle.first_priced`).
    """
    from aipolicy.costs.catalog.lifecycle import first_priced

    first = first_priced(api_model)
    if first is not None and day < first[0]:
        raise _bad("as_of", day.isoformat(),
                   f"as_of {day.isoformat()} is before the first price of API model "
                   f"{api_model!r} ({first[0].isoformat()}: {first[1]}); give as_of "
                   f"{first[0].isoformat()} or later, or another api_model")


#: Inputs that size the fleet, in the order they are blamed when the user gave them, and how
#: the replica count moves with each (+1: in proportion, -1: inversely, 0: not simply).
_FLEET_INPUTS = (("planning_utilization", -1), ("throughput_tok_s", -1),
                 ("requests_per_day", 1), ("output_tokens", 1), ("input_tokens", 0))


def check_fleet(scenario: Any) -> None:
    """Refuse a scenario whose self-hosted fleet needs more than :data:`MAX_REPLICAS`.

    The error blames the first of planning utilisation, throughput, requests/day and the
    request shape that the caller gave (else requests/day) and says which value keeps the
    fleet within the bound.
    """
    from aipolicy.costs.compare.api import growth_of
    from aipolicy.costs.compare.scenario import scenario_params
    from aipolicy.costs.compare.selfhost import selfhost_components, sizing_load

    p = scenario_params(scenario)
    c = selfhost_components(p, scenario.acquisition, scenario.rent_mode, scenario.load_profile)
    replicas = float(c["replicas"])
    if replicas <= MAX_REPLICAS:
        return
    need = (p["requests_per_day"] / 86400.0 * growth_of(p)[1]
            * float(sizing_load(p, scenario.load_profile)))  # serving replicas, unrounded
    room = MAX_REPLICAS - float(scenario.redundancy_replicas)
    given = {k for k, p in scenario.provenance.items() if p.source == "caller override"}
    field, sign = next(((f, s) for f, s in _FLEET_INPUTS if f in given),
                       ("requests_per_day", 1))
    value = float(getattr(scenario, field))
    why = (f"makes the self-hosted fleet {replicas:,.4g} replicas, above the limit of "
           f"{MAX_REPLICAS:,} (the busiest hour brings {float(c['peak_rps']):,.4g} requests/s "
           f"and one replica is planned for {float(c['capacity_rps']):.4g} requests/s)")
    if sign == 0 or room <= 0:
        hint = "use shorter requests, more GPUs per replica or a smaller model"
    else:
        bound = value * (room / need) ** sign
        hint = f"keep {field} {'at most' if sign > 0 else 'at least'} {bound:.4g}"
    raise _bad(field, value, f"{field} {value:g} {why}; {hint}")


def check_tokens_per_day(field: str, tokens_per_day: float, tokens_per_request: float,
                         shape: str) -> None:
    """Refuse a daily token volume whose requests/day exceed :data:`MAX_REQUESTS_PER_DAY`
    (the bound ``aipolicy breakeven`` applies to ``--requests-per-day``)."""
    requests = tokens_per_day / tokens_per_request
    if not math.isfinite(requests) or requests > MAX_REQUESTS_PER_DAY:
        raise _bad(field, tokens_per_day,
                   f"{tokens_per_day:g} tokens/day at {shape} tokens per request is "
                   f"{requests:.3g} requests/day, above the limit of "
                   f"{MAX_REQUESTS_PER_DAY:g} requests/day; keep tokens_per_day at most "
                   f"{MAX_REQUESTS_PER_DAY * tokens_per_request:.3g}")


def check_grid_size(n_volumes: int, n_configs: int | None = None, draws: int = 0) -> None:
    """Refuse a grid above the size limits; call it before building any of its arrays.

    ``n_configs`` None checks the volume axis alone (known first).
    """
    if n_volumes > MAX_VOLUMES:
        raise _bad("axes.tokens_per_day", n_volumes,
                   f"{n_volumes:,} volumes is above the limit of {MAX_VOLUMES:,} per grid; "
                   "take a larger step (or fewer per_decade) or split the grid")
    if n_configs is None:
        return
    if n_configs > MAX_CONFIGS:
        raise _bad("axes", n_configs,
                   f"{n_configs:,} combinations of preset, open_model, gpu, shape, slo and "
                   f"api_model is above the limit of {MAX_CONFIGS:,}; split the grid")
    cells = n_configs * n_volumes
    if cells > MAX_CELLS:
        raise _bad("axes", cells,
                   f"{cells:,} cells ({n_configs:,} configs x {n_volumes:,} volumes of "
                   f"axes.tokens_per_day) is above the limit of {MAX_CELLS:,}; split the grid")
    if draws * cells > MAX_DRAW_CELLS:
        raise _bad("draws", draws,
                   f"{draws:,} draws x {cells:,} cells is {draws * cells:.3g} draw-cells, above "
                   f"the limit of {MAX_DRAW_CELLS:.0e} (about a day of one core); give at most "
                   f"{int(MAX_DRAW_CELLS // cells):,} draws or split the grid")
