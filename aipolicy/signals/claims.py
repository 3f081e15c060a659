"""Check narrative claims (from the seed documents) against loaded data.

Claims are data: :data:`DEFAULT_CLAIMS_FILE` (``claims.yaml`` in this package) lists the
claims made in the seed documents with their metric, assets, window, comparison, threshold and
tolerance. :func:`check_claims` evaluates each against the frames it is given and returns one
row per claim with a verdict that is strictly one of :data:`VERDICTS`.

The metrics (``max_rally``, ``cpi_yoy_high``, ``record_high``, ``ipo_proceeds``,
``basket_outperformance``) and their units are in :mod:`aipolicy.signals.claim_metrics`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError

from .claim_metrics import (
    CANNOT,
    METRICS,
    NOT_SUPPORTED,
    SUPPORTED,
    VERDICTS,
    CannotCheck,
    _attr_source,
    _synthetic_note,
    verdict,
)

__all__ = [
    "CANNOT",
    "COLUMNS",
    "DEFAULT_CLAIMS_FILE",
    "NOT_SUPPORTED",
    "SUPPORTED",
    "VERDICTS",
    "check_claims",
    "load_claims",
    "validate_claim",
    "verdict",
]

DEFAULT_CLAIMS_FILE = Path(__file__).resolve().parent / "claims.yaml"
COLUMNS = [
    "claim_id",
    "claim",
    "metric",
    "computed",
    "threshold",
    "verdict",
    "data_source",
    "as_of",
    "note",
]
REQUIRED = ("id", "text", "source", "metric", "assets", "window", "comparison", "threshold")
COMPARISONS = (">=", ">", "<=", "<", "approx")


def load_claims(path: str | Path | None = None) -> list[dict]:
    """Read and validate a claims YAML file (default: the shipped seed claims).

    Returns a list of dicts with at least the keys in ``REQUIRED``.
    """
    import yaml

    p = Path(path) if path is not None else DEFAULT_CLAIMS_FILE
    if not p.exists():
        raise InvalidInputError(f"claims file {p} does not exist")
    with p.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, list):
        raise InvalidInputError(f"{p} must hold a YAML list of claims, got {type(data).__name__}")
    return [validate_claim(c) for c in data]


def validate_claim(claim: Mapping) -> dict:
    """Check one claim dict's fields; returns a normalised copy."""
    if not isinstance(claim, Mapping):
        raise InvalidInputError(f"each claim must be a mapping, got {type(claim).__name__}")
    c = dict(claim)
    missing = [k for k in REQUIRED if k not in c]
    if missing:
        raise InvalidInputError(f"claim {c.get('id', '?')!r} lacks field(s) {missing}")
    if c["metric"] not in METRICS:
        raise InvalidInputError(
            f"claim {c['id']!r}: unknown metric {c['metric']!r}; one of {sorted(METRICS)}"
        )
    if c["comparison"] not in COMPARISONS:
        raise InvalidInputError(
            f"claim {c['id']!r}: comparison must be one of {COMPARISONS}, got {c['comparison']!r}"
        )
    if isinstance(c["assets"], str):
        c["assets"] = [c["assets"]]
    if not isinstance(c["window"], Mapping):
        raise InvalidInputError(
            f"claim {c['id']!r}: window must be a mapping {{start, end}} or {{as_of}}"
        )
    c["threshold"] = float(c["threshold"])
    c["tolerance"] = float(c.get("tolerance", 0.0) or 0.0)
    if c["tolerance"] < 0:
        raise InvalidInputError(f"claim {c['id']!r}: tolerance must be >= 0")
    return c


def _as_of_str(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    try:
        return pd.Timestamp(value).date().isoformat()
    except (ValueError, TypeError):
        return str(value)


def check_claims(
    prices: pd.DataFrame | None,
    fred: pd.DataFrame | None = None,
    ipos: pd.DataFrame | None = None,
    claims: Sequence[Mapping] | pd.DataFrame | str | Path | None = None,
) -> pd.DataFrame:
    """Evaluate claims against data.

    Parameters
    ----------
    prices : DataFrame or None
        Daily prices (columns = tickers, e.g. '^GSPC', 'MU'); ``attrs`` supply source/as-of.
    fred : DataFrame, optional
        FRED series as columns (CPIAUCSL ...), levels as published.
    ipos : DataFrame, optional
        IPO table (ticker, proceeds_usd, source, as_of, ...).
    claims : list of dicts, DataFrame, path, or None
        Claims in the format of ``claims.yaml``; default :func:`load_claims`.

    Returns
    -------
    DataFrame with columns claim_id, claim, metric, computed (float, the metric's units),
    threshold, verdict (one of :data:`VERDICTS`), data_source (from the frame's
    attrs['provenance'] / attrs['source'] or the IPO row's source), as_of (ISO date of the
    last data point used), note (how it was computed, or why it cannot be checked; flags
    synthetic data).
    """
    if claims is None:
        items = load_claims()
    elif isinstance(claims, str | Path):
        items = load_claims(claims)
    elif isinstance(claims, pd.DataFrame):
        items = [validate_claim(r) for r in claims.to_dict("records")]
    else:
        items = [validate_claim(c) for c in claims]
    for name, frame in (("prices", prices), ("fred", fred), ("ipos", ipos)):
        if frame is not None and not isinstance(frame, pd.DataFrame):
            raise InvalidInputError(
                f"{name} must be a DataFrame or None, got {type(frame).__name__}"
            )
    rows = []
    for c in items:
        row = {
            "claim_id": c["id"],
            "claim": c["text"],
            "metric": c["metric"],
            "computed": np.nan,
            "threshold": c["threshold"],
        }
        try:
            computed, note, src, as_of, used = METRICS[c["metric"]](c, prices, fred, ipos)
            row.update(
                computed=computed,
                verdict=verdict(computed, c["comparison"], c["threshold"], c["tolerance"]),
                data_source=src,
                as_of=_as_of_str(as_of),
                note=_synthetic_note(used) + note,
            )
        except CannotCheck as exc:
            frame = (
                ipos
                if c["metric"] == "ipo_proceeds"
                else (fred if c["metric"] == "cpi_yoy_high" else prices)
            )
            row.update(
                verdict=CANNOT,
                data_source=_attr_source(frame) if frame is not None else "",
                as_of=_as_of_str((frame.attrs or {}).get("as_of")) if frame is not None else "",
                note=_synthetic_note(frame) + str(exc),
            )
        rows.append(row)
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["computed"] = out["computed"].astype(float)
    out["threshold"] = out["threshold"].astype(float)
    return out
