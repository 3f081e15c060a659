"""Presets: three organisations from the documents this project grew from.

Every value a preset sets is an aipolicy assumption with its rationale recorded in the
scenario's provenance (see :func:`aipolicy.costs.describe_assumptions`); everything else comes
from the catalogs.

``startup``
    Seed-stage SaaS adding an LLM feature. 5,000 requests/day of 800 input / 250 output
    tokens in business hours; GPT-4o mini against Llama 3.1 8B on one rented H100; nobody
    on staff runs GPUs (0.3 FTE would have to be bought in). Expected: API far cheaper.
``midmarket``
    Enterprise with a small platform team running an internal assistant and document Q&A:
    40,000 requests/day of 1,500 / 400 tokens, 20% of input from the prompt cache, business
    hours; GPT-4o against Llama 3.3 70B on rented 2xH100 replicas; 0.2 FTE (ConfigIQ) and
    USD 2,000/month of MLOps tooling. Expected: a close call.
``financial``
    Financial-services firm extracting and classifying about 2 million documents a day
    (2,000 input / 200 output tokens), 80% of them batch work that can wait hours (it runs at
    saturation x the planning utilisation, off-peak), the interactive 20% under the
    interactive latency target, 30% of input cached (shared instructions), business hours;
    GPT-4o against Llama 3.3 70B on owned 8xH100 servers; 2 FTE platform team, USD 10,000
    a month of platform and USD 250,000 implementation. Expected: self-host or hybrid cheaper.

This module is the one list of presets: :data:`PRESETS` (and :func:`list_presets`) is what
``aipolicy breakeven --preset``, the notebooks' ``preset`` parameter and the scorecard read. It
imports nothing heavy, so the command line can list the names without loading pandas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aipolicy.costs.capacity.targets import INTERACTIVE_SLO_TOKENS_PER_USER, INTERACTIVE_SLO_TTFT_S
from aipolicy.costs.compare.judgment import PRESET_WEIGHTS
from aipolicy.errors import InvalidInputError

if TYPE_CHECKING:  # pragma: no cover
    from aipolicy.costs.compare.scenario import Scenario

__all__ = ["PRESETS", "Preset", "list_presets", "scenario_from_preset"]

_WORKLOAD_ARGS = ("requests_per_day", "input_tokens", "output_tokens", "load_profile")
_BUILD_ARGS = ("api_model", "open_model", "gpu", "acquisition", "rental_provider", "precision",
               "as_of")


@dataclass(frozen=True)
class Preset:
    """A named organisation profile.

    Attributes
    ----------
    build : dict
        Catalog names for :func:`build_scenario` (api_model, open_model, gpu, acquisition).
    values : dict
        Scenario field -> (value, rationale). All are aipolicy assumptions.
    scorecard_weights : dict
        Default scorecard weights (judgment).
    """

    name: str
    title: str
    description: str
    build: dict[str, Any]
    values: dict[str, tuple[Any, str]]
    scorecard_weights: dict[str, float] = field(default_factory=dict)


#: The latency target of the interactive presets (values in :mod:`aipolicy.costs.compare.fields`).
_INTERACTIVE_SLO: dict[str, tuple[Any, str]] = {
    "slo_tokens_per_user": (INTERACTIVE_SLO_TOKENS_PER_USER,
                            "interactive chat: at least 25 output tokens/s per user (40 ms per "
                            "token, MLPerf's interactive bound; about 4x reading speed)"),
    "slo_ttft_s": (INTERACTIVE_SLO_TTFT_S,
                   "first token within 1 s keeps the user's flow of thought"),
}

PRESETS: dict[str, Preset] = {
    "startup": Preset(
        name="startup", title="Start-up: low volume, no ML team, speed matters most",
        description="Seed-stage SaaS adding an LLM feature; pays per token unless "
                    "self-hosting is much cheaper, which it is not at this volume.",
        build={"api_model": "gpt-4o-mini", "open_model": "llama-3.1-8b", "gpu": "h100-sxm",
               "acquisition": "rent"},
        values={
            "requests_per_day": (5_000.0, "a few thousand users, a few requests each"),
            "input_tokens": (800.0, "short prompts with some context"),
            "output_tokens": (250.0, "chat-length answers"),
            "load_profile": ("business_hours", "users in one time zone"),
            "staff_fte": (0.3, "no ML team: GPU operations bought in as a contractor share"),
            **_INTERACTIVE_SLO,
        },
        scorecard_weights=PRESET_WEIGHTS["startup"]),
    "midmarket": Preset(
        name="midmarket", title="Mid-market enterprise with a small platform team",
        description="Internal assistant and document Q&A at 40,000 requests a day: with "
                    "2026 H100 rental prices and a production fleet (a spare replica, an "
                    "on-call share) self-hosting a 70B model costs about twice the API.",
        build={"api_model": "gpt-4o", "open_model": "llama-3.3-70b", "gpu": "h100-sxm",
               "acquisition": "rent"},
        values={
            "requests_per_day": (40_000.0, "about 5,000 employees, 8 requests a day each"),
            "input_tokens": (1_500.0, "retrieved passages plus the question"),
            "output_tokens": (400.0, "paragraph-length answers"),
            "cached_input_share": (0.2, "shared system prompt served from the prompt cache"),
            "load_profile": ("business_hours", "office hours"),
            "platform_monthly_usd": (2_000.0, "MLOps tooling: gateway, monitoring, evals"),
            **_INTERACTIVE_SLO,
        },
        scorecard_weights=PRESET_WEIGHTS["midmarket"]),
    "financial": Preset(
        name="financial", title="Financial services: millions of documents a day",
        description="Extraction and classification of about 2 million documents a day, "
                    "mostly in overnight batches, on owned hardware for data governance.",
        build={"api_model": "gpt-4o", "open_model": "llama-3.3-70b", "gpu": "h100-sxm",
               "acquisition": "buy"},
        values={
            "requests_per_day": (2_000_000.0, "about 2 million documents a day, one call each"),
            "input_tokens": (2_000.0, "a document page plus instructions"),
            "output_tokens": (200.0, "structured fields / a label"),
            "cached_input_share": (0.3, "shared extraction instructions cached"),
            "batch_share": (0.8, "document extraction can wait hours: 80% goes to the API's "
                                 "batch tier or to off-peak self-hosted capacity"),
            "load_profile": ("business_hours", "documents arrive in business hours"),
            # the interactive 20% is latency-sensitive: it is planned under the latency target
            # (its share of saturation); the batch 80% runs at saturation x the planning
            # utilisation of cost_defaults.csv, in the hours the interactive load leaves free
            **_INTERACTIVE_SLO,
            "oncall_share": (0.5, "a regulated, business-critical service: half a dedicated "
                                  "rotation"),
            "staff_fte": (2.0, "a platform team's share for the serving fleet"),
            "platform_monthly_usd": (10_000.0, "MLOps platform, monitoring, security tooling"),
            "implementation_usd": (250_000.0, "integration, validation and model-risk review"),
        },
        scorecard_weights=PRESET_WEIGHTS["financial"]),
}


def list_presets() -> list[str]:
    """Names of the presets."""
    return list(PRESETS)


def scenario_from_preset(name: str, **overrides: Any) -> Scenario:
    """Build the preset's scenario; ``overrides`` (catalog names or scenario fields) win.

    Examples
    --------
    >>> s = scenario_from_preset("financial", acquisition="rent", requests_per_day=1e6)
    """
    from aipolicy.costs.compare.fields import Provenance
    from aipolicy.costs.compare.scenario import build_scenario

    if name not in PRESETS:
        raise InvalidInputError(f"unknown preset {name!r}; known: {', '.join(PRESETS)}",
                                field="preset", value=name)
    preset = PRESETS[name]
    build = dict(preset.build)
    build.update({k: v for k, v in overrides.items() if k in _BUILD_ARGS})
    fields = {k: v for k, v in overrides.items() if k not in _BUILD_ARGS}
    values = {k: v for k, (v, _) in preset.values.items()}
    prov = {k: Provenance(f"aipolicy assumption (preset {name})", note=why)
            for k, (_, why) in preset.values.items()}
    # Workload keys are explicit build_scenario arguments that preset values would overwrite:
    # pass the caller's value as a preset value, marked as a caller override.
    for key in _WORKLOAD_ARGS:
        if key in fields:
            values[key] = fields.pop(key)
            prov[key] = Provenance("caller override")
    return build_scenario(name=name, preset_values=values, preset_provenance=prov,
                          **build, **fields)
