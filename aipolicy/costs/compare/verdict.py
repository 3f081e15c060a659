"""One verdict: the cheapest way to serve the workload at the quality floor and the latency target.

:func:`verdict` picks from :func:`~aipolicy.costs.compare.threeway.compare_all`'s options: the
candidates are the priced options not known to fail the quality floor or the latency target
(:mod:`aipolicy.costs.compare.eligibility`), hybrids only where the best split is a real split.
The verdict names the cheapest, its margin to the runner-up (USD per month and % of the
runner-up's cost), the constraint that decided it, and the break-even volume of self-hosting
against the cheapest per-token candidate. The command line, the notebooks and the report index
all state this one object.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from aipolicy.costs.compare.eligibility import not_checked
from aipolicy.costs.compare.threeway import Option

__all__ = ["Verdict", "candidates", "known_to_fail", "verdict"]


def known_to_fail(o: Option) -> str:
    """Why an option cannot be chosen at all ('' when it can): unpriced, or known to fail the
    quality floor or the latency target."""
    if not math.isfinite(o.monthly_usd):
        return "not priced: " + (o.note or "no price")
    if o.quality_ok is False:
        return o.quality_note
    if o.latency_ok is False:
        return o.latency_note
    return ""


def _excluded_because(o: Option) -> str:
    """Why an option cannot win ('' when it can): :func:`known_to_fail`, or a hybrid whose best
    split is the pure option."""
    return known_to_fail(o) or (o.fleet if o.kind == "hybrid" and o.same_as else "")


def candidates(options: Sequence[Option]) -> list[Option]:
    """The options that may win, cheapest first (ties keep the listed order)."""
    ok = [o for o in options if not _excluded_because(o)]
    return sorted(ok, key=lambda o: o.monthly_usd)


@dataclass(frozen=True)
class Verdict:
    """The cheapest option meeting the quality floor and the latency target.

    Money in USD per month; ``margin_pct`` is the margin as a fraction of the runner-up's cost.
    ``decided_by`` is ``price`` (the cheapest option overall), ``quality floor`` or
    ``latency target`` (a cheaper option was left out for it). ``breakeven_*`` is the volume
    from which self-hosting (the scenario's mode) is no dearer than the cheapest per-token
    candidate ``breakeven_against`` (None: not reached, or no per-token candidate).
    """

    key: str
    label: str
    model: str
    monthly_usd: float
    runner_up_key: str | None
    runner_up_label: str | None
    runner_up_monthly_usd: float | None
    margin_usd: float | None
    margin_pct: float | None
    decided_by: str
    reason: str
    candidates: int
    excluded: dict[str, str] = field(default_factory=dict)
    not_checked: list[str] = field(default_factory=list)
    breakeven_against: str | None = None
    breakeven_requests_per_day: float | None = None
    breakeven_tokens_per_day: float | None = None

    def sentence(self) -> str:
        """The verdict in one line (the command line's first line and the notebooks' headline).

        E.g. ``hosted open weights: llama-3.3-70b@novita at 23,369 USD/month, 4,867 USD/month
        (17%) less than the runner-up, API: gpt-4o-mini (...) at 28,235 (decided by price)``.
        """
        text = f"{self.label} at {self.monthly_usd:,.0f} USD/month"
        if self.runner_up_label is not None:
            pct = "" if self.margin_pct is None else f" ({self.margin_pct:.0%})"
            text += (f", {self.margin_usd:,.0f} USD/month{pct} less than the runner-up, "
                     f"{self.runner_up_label} at {self.runner_up_monthly_usd:,.0f}")
        return text + f" (decided by {self.decided_by})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict, with :meth:`sentence` under ``sentence``."""
        return {**asdict(self), "sentence": self.sentence()}


def verdict(options: Sequence[Option]) -> Verdict:
    """The one verdict over ``options`` (see the module docstring).

    Raises
    ------
    ValueError
        No option can be priced and meets the constraints (cannot happen with compare_all's
        options: self-hosting the open weights meets both by construction when priced).
    """
    ranked = candidates(options)
    if not ranked:
        raise ValueError("no option is priced and meets the quality floor and latency target")
    best = ranked[0]
    excluded = {o.key: why for o in options if (why := _excluded_because(o))}
    cheaper_out = [o for o in options if o.key in excluded and math.isfinite(o.monthly_usd)
                   and o.monthly_usd < best.monthly_usd and not o.same_as]
    decided = ("quality floor" if any(o.quality_ok is False for o in cheaper_out)
               else "latency target" if cheaper_out else "price")
    runner = ranked[1] if len(ranked) > 1 else None
    margin = None if runner is None else runner.monthly_usd - best.monthly_usd
    unchecked = [o.key for o in ranked if not_checked(o.latency_ok, o.latency_note)]
    token = next((o for o in ranked if o.kind == "per_token"), None)
    return Verdict(
        key=best.key, label=best.label, model=best.model, monthly_usd=best.monthly_usd,
        runner_up_key=runner.key if runner else None,
        runner_up_label=runner.label if runner else None,
        runner_up_monthly_usd=runner.monthly_usd if runner else None,
        margin_usd=margin,
        margin_pct=(margin / runner.monthly_usd if runner and runner.monthly_usd > 0 else None),
        decided_by=decided, reason=_reason(best, ranked, cheaper_out, unchecked),
        candidates=len(ranked), excluded=excluded, not_checked=unchecked,
        breakeven_against=token.key if token else None,
        breakeven_requests_per_day=token.breakeven_requests_per_day if token else None,
        breakeven_tokens_per_day=token.breakeven_tokens_per_day if token else None)


def _reason(best: Option, ranked: Sequence[Option], cheaper_out: Sequence[Option],
            not_checked: Sequence[str]) -> str:
    """The verdict's basis in one sentence."""
    text = (f"cheapest of {len(ranked)} option(s) that meet the quality floor and the latency "
            "target")
    if cheaper_out:
        text += "; cheaper but left out: " + "; ".join(
            f"{o.label} ({_excluded_because(o)})" for o in cheaper_out)
    if not_checked:
        text += (f"; latency not checked for {len(not_checked)} of them (no public speed "
                 "figure for their per-token part)")
    return text
