"""Decision factors beyond cost: a weighted scorecard, labelled as judgment.

Scores run from 1 (poor) to 5 (good) for the organisation, per option (API, self-host,
hybrid). They are the project's judgment, not measurements; so are the default weights per
preset. Show the scorecard *beside* the cost result, never folded into it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from aipolicy.errors import InvalidInputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["FACTORS", "FACTOR_LABELS", "JUDGMENT_LABEL", "PRESET_WEIGHTS", "SCORES", "scorecard"]

JUDGMENT_LABEL = "judgment, not measurement"

#: factor -> what a high score means
FACTORS: dict[str, str] = {
    "control_auditability": "model, weights and logs under your control; behaviour auditable",
    "vendor_lock_in": "freedom to switch model or supplier (5 = no lock-in)",
    "data_governance": "data stays within your perimeter and jurisdiction",
    "time_to_market": "how fast a first production version ships",
    "operational_burden": "how little operating work it needs (5 = least)",
    "guaranteed_uptime": "availability you can count on or contract for",
}

#: factor -> its name for a reader (the keys stay what ``scorecard(weights=...)`` takes)
FACTOR_LABELS: dict[str, str] = {
    "control_auditability": "control and auditability", "vendor_lock_in": "no vendor lock-in",
    "data_governance": "data governance", "time_to_market": "time to market",
    "operational_burden": "low operating burden", "guaranteed_uptime": "guaranteed uptime",
}

#: factor -> option -> (score 1-5, rationale). Option "selfhost" is split by acquisition.
SCORES: dict[str, dict[str, tuple[int, str]]] = {
    "control_auditability": {
        "api": (2, "provider controls model versions and deprecations"),
        "selfhost_rent": (5, "pinned open weights, full request logs"),
        "selfhost_buy": (5, "pinned open weights, full request logs"),
        "hybrid": (4, "base load auditable; overflow goes to the provider"),
    },
    "vendor_lock_in": {
        "api": (2, "proprietary model and API surface"),
        "selfhost_rent": (4, "open weights; GPU cloud can be changed"),
        "selfhost_buy": (5, "open weights on owned hardware"),
        "hybrid": (4, "open weights for the base; API only for overflow"),
    },
    "data_governance": {
        "api": (2, "prompts leave the perimeter (contractual controls only)"),
        "selfhost_rent": (4, "data on rented machines you administer"),
        "selfhost_buy": (5, "data never leaves your facilities"),
        "hybrid": (3, "peak-hour overflow leaves the perimeter"),
    },
    "time_to_market": {
        "api": (5, "an API key and a prompt"),
        "selfhost_rent": (3, "serving stack to build and tune"),
        "selfhost_buy": (1, "procurement, installation, then the serving stack"),
        "hybrid": (2, "both paths plus routing"),
    },
    "operational_burden": {
        "api": (5, "provider operates everything"),
        "selfhost_rent": (2, "on-call, upgrades, capacity planning"),
        "selfhost_buy": (1, "all of renting plus hardware and facilities"),
        "hybrid": (2, "self-hosted fleet plus routing and two cost lines"),
    },
    "guaranteed_uptime": {
        "api": (3, "provider SLA, shared capacity, rate limits"),
        "selfhost_rent": (3, "depends on your own redundancy"),
        "selfhost_buy": (3, "depends on your own redundancy"),
        "hybrid": (5, "each path is the other's failover"),
    },
}

#: preset -> factor -> weight (normalised to 1 when used). Judgment.
PRESET_WEIGHTS: dict[str, dict[str, float]] = {
    "startup": {"control_auditability": 0.05, "vendor_lock_in": 0.10, "data_governance": 0.10,
                "time_to_market": 0.35, "operational_burden": 0.30, "guaranteed_uptime": 0.10},
    "midmarket": {"control_auditability": 0.15, "vendor_lock_in": 0.15, "data_governance": 0.20,
                  "time_to_market": 0.15, "operational_burden": 0.20, "guaranteed_uptime": 0.15},
    "financial": {"control_auditability": 0.25, "vendor_lock_in": 0.10, "data_governance": 0.30,
                  "time_to_market": 0.05, "operational_burden": 0.10, "guaranteed_uptime": 0.20},
    "balanced": dict.fromkeys(FACTORS, 1.0 / len(FACTORS)),
}


def scorecard(preset: str | None = None, *, acquisition: str = "rent",
              weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Weighted scorecard of API, self-host and hybrid (judgment, not measurement).

    Parameters
    ----------
    preset : str, optional
        Preset whose default weights to use (``startup``, ``midmarket``, ``financial``);
        default ``balanced`` (equal weights).
    acquisition : {"rent", "buy"}
        Which self-host scores to use.
    weights : mapping, optional
        factor -> weight (>= 0); overrides the preset's weights; normalised to sum 1.

    Returns
    -------
    DataFrame
        One row per factor plus a final ``weighted score`` row; columns ``factor``,
        ``weight``, ``api``, ``selfhost``, ``hybrid`` (scores 1-5), ``rationale``, ``kind``
        (always ``"judgment, not measurement"``). ``attrs["label"]`` says the same.
    """
    import pandas as pd

    if acquisition not in ("rent", "buy"):
        raise InvalidInputError(f"acquisition must be 'rent' or 'buy', got {acquisition!r}",
                                field="acquisition", value=acquisition)
    key = preset or "balanced"
    if key not in PRESET_WEIGHTS:
        raise InvalidInputError(f"unknown preset {preset!r} for the scorecard; known: "
                                f"{', '.join(PRESET_WEIGHTS)}", field="preset", value=preset)
    w = dict(PRESET_WEIGHTS[key])
    if weights is not None:
        unknown = set(weights) - set(FACTORS)
        if unknown:
            raise InvalidInputError(f"unknown scorecard factor(s) {sorted(unknown)}; known: "
                                    f"{', '.join(FACTORS)}", field="weights")
        w.update({k: float(v) for k, v in weights.items()})
    if any(v < 0 for v in w.values()) or sum(w.values()) <= 0:
        raise InvalidInputError("scorecard weights must be >= 0 and not all zero",
                                field="weights")
    total = sum(w.values())
    sh = f"selfhost_{acquisition}"
    rows = []
    for f in FACTORS:
        s = SCORES[f]
        rows.append({"factor": f, "weight": w[f] / total, "api": s["api"][0],
                     "selfhost": s[sh][0], "hybrid": s["hybrid"][0],
                     "rationale": f"api: {s['api'][1]}; self-host: {s[sh][1]}; "
                                  f"hybrid: {s['hybrid'][1]}",
                     "kind": JUDGMENT_LABEL})
    df = pd.DataFrame(rows)
    weighted = {opt: float((df["weight"] * df[opt]).sum()) for opt in ("api", "selfhost",
                                                                       "hybrid")}
    df = pd.concat([df, pd.DataFrame([{"factor": "weighted score", "weight": 1.0, **weighted,
                                       "rationale": f"weights: {key}", "kind": JUDGMENT_LABEL}])],
                   ignore_index=True)
    df.attrs["label"] = JUDGMENT_LABEL
    return df
