"""Which options may win: the quality floor and the latency target, checked per option.

The user asks for answers as good as the open model's and, for interactive work, as fast as
the latency target. An option is *known* to fail a check (``False``), known to pass
(``True``), or not checked (``None``: no rating, no public speed figure, or no target). The
verdict (:mod:`aipolicy.costs.compare.verdict`) leaves out only the options known to fail, and
says which were not checked.

* Quality: LMArena 95% intervals (:func:`aipolicy.costs.catalog.quality.at_least_as_good`);
  the same open weights, self-hosted or hosted per token, meet the floor by definition.
* Latency of a per-token option: the public, dated output speed (tokens/s per request) and
  time to first token of that provider and model in the ``api_latency`` catalog. Self-hosting
  is planned to meet the target (the fleet is sized under it).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["NO_TARGET", "both", "latency_check", "not_checked", "quality_check",
           "selfhost_latency"]

Check = tuple[bool | None, str]

#: The note of a latency check when the scenario sets no latency target.
NO_TARGET = "no latency target"


def both(checks: list[Check]) -> Check:
    """Two or more checks of one option (a hybrid's own fleet and its per-token partner).

    Known to fail if any fails, not checked if any is, else passes; the notes joined, each
    once.
    """
    oks = [ok for ok, _ in checks]
    ok = False if False in oks else None if None in oks else True
    return ok, "; ".join(dict.fromkeys(note for _, note in checks if note))


def not_checked(ok: bool | None, note: str) -> bool:
    """Whether a check could not be made (no figure), as opposed to passed, failed or moot
    (no target)."""
    return ok is None and bool(note) and note != NO_TARGET


def quality_check(model: str, open_model: str) -> Check:
    """Does per-token ``model`` meet the quality floor set by ``open_model``?

    ``model`` may be ``name@provider``; a hosted copy of the open weights meets it. Returns
    ``(ok, note)``: ``ok`` None when either model is unrated (nothing is guessed).
    """
    from aipolicy.costs.catalog.quality import at_least_as_good, quality

    base = model.split("@", 1)[0]
    if base == open_model:
        return True, "the same open weights"
    if not (quality(base).rated and quality(open_model).rated):
        return None, f"quality not checked: {base} or {open_model} has no LMArena rating"
    if at_least_as_good(open_model, [base]):
        return True, f"rated at least as good as {open_model} (LMArena 95% intervals)"
    return False, (f"rated below {open_model}: its LMArena 95% interval lies below "
                   f"{open_model}'s")


def _target(scenario: Any) -> tuple[float | None, float | None]:
    tps, ttft = scenario.slo_tokens_per_user, scenario.slo_ttft_s
    return (None if math.isnan(tps) else float(tps)), (None if math.isnan(ttft) else float(ttft))


def latency_check(model: str, scenario: Any) -> Check:
    """Does per-token ``model`` (``name`` or ``name@provider``) meet the scenario's latency target?

    Uses the ``api_latency`` catalog's public, dated figures; a criterion without a figure is
    "not checked". Returns ``(ok, note)``.
    """
    from aipolicy.costs.catalog.latency_figures import api_latency

    tps, ttft = _target(scenario)
    if tps is None and ttft is None:
        return None, NO_TARGET
    fig = api_latency(model)
    if fig is None:
        return None, f"latency not checked: no public speed figure for {model} in the catalog"
    fails, passes, unknown = [], [], []
    for want, have, name, unit, bad in (
            (tps, fig.output_tokens_per_s, "output speed", " tokens/s", lambda w, h: h < w),
            (ttft, fig.ttft_s, "time to first token", " s", lambda w, h: h > w)):
        if want is None:
            continue
        if have is None:
            unknown.append(name)
        elif bad(want, have):
            fails.append(f"{name} {have:g}{unit} against a target of {want:g}{unit}")
        else:
            passes.append(f"{name} {have:g}{unit}")
    src = f" ({fig.source}, {fig.as_of})"
    if fails:
        return False, "misses the latency target: " + "; ".join(fails) + src
    note = "; ".join(passes) + (" meets the target" if passes else "")
    if unknown:
        note = (note + "; " if note else "") + f"{' and '.join(unknown)} not checked"
        return None, note + src
    return True, "meets the latency target: " + "; ".join(passes) + src


def selfhost_latency(capacity: dict[str, Any]) -> Check:
    """Self-hosting is sized under the latency target (``capacity`` of ``replica_capacity``)."""
    if not capacity.get("slo"):
        return None, NO_TARGET
    return True, f"fleet sized to meet {capacity['slo']}"
