"""Check narrative claims (from the seed documents) against loaded data.

Claims are data: :data:`DEFAULT_CLAIMS_FILE` (``claims.yaml`` in this package) lists the
claims made in the seed documents with their metric, assets, window, comparison, threshold and
tolerance. :func:`check_claims` evaluates each against the frames it is given and returns one
row per claim with a verdict that is strictly one of :data:`VERDICTS`.

The metrics (``max_rally``, ``cpi_yoy_high``, ``record_high``, ``ipo_proceeds``,
``basket_outperformance``, ``jobs_market``, ``index_vs_picks``, ``attribution``) and their units
are in :mod:`aipolicy.signals.claim_metrics`; the verdicts and what each means
(:data:`VERDICT_MEANINGS`) in :mod:`aipolicy.signals.claim_base`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError

from .claim_base import (
    CANNOT,
    CONSISTENT,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    VERDICT_MEANINGS,
    VERDICT_ORDER,
    VERDICTS,
    CannotCheck,
    attr_source,
    synthetic_note,
    verdict,
    window_text,
)
from .claim_metrics import METRIC_INPUTS, METRICS, NEEDS_OTHER_DATA
from .claim_robustness import robustness

__all__ = [
    "CANNOT",
    "COLUMNS",
    "CONSISTENT",
    "DEFAULT_CLAIMS_FILE",
    "NEEDS_OTHER_DATA",
    "NOT_SUPPORTED",
    "PARTLY",
    "SUPPORTED",
    "VERDICTS",
    "VERDICT_MEANINGS",
    "VERDICT_ORDER",
    "check_claims",
    "load_claims",
    "price_tickers",
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
    "window",
    "data_source",
    "as_of",
    "note",
    "robustness",
    "robust",
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
    if c["assets"] == "universe":
        from aipolicy.marketdata import universe

        c["assets"] = list(dict.fromkeys(universe.INFRA_TICKERS + universe.PLATFORM_TICKERS))
    elif isinstance(c["assets"], str):
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


def price_tickers(claims: Sequence[Mapping] | None = None) -> list[str]:
    """Every ticker the claims read from the price data (assets and benchmarks), in order."""
    items = load_claims() if claims is None else [validate_claim(c) for c in claims]
    out: list[str] = []
    for c in items:
        if METRIC_INPUTS.get(c["metric"]) == "prices":
            out += list(c["assets"]) + [c[k] for k in ("benchmark", "sector_index") if c.get(k)]
    return list(dict.fromkeys(out))


def _as_of_str(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    try:
        return pd.Timestamp(value).date().isoformat()
    except (ValueError, TypeError):
        return str(value)


def _own_as_of(claim: Mapping, frame: pd.DataFrame | None) -> str:
    """The last date of the claim's own series in ``frame`` (its assets and benchmark), ""
    when the frame holds none of them: a jobs claim is never dated by the CPI beside it."""
    if frame is None:
        return ""
    own = [k for k in [*claim["assets"], claim.get("benchmark")] if k in frame.columns]
    lasts = [frame[k].last_valid_index() for k in own]
    lasts = [d for d in lasts if d is not None]
    return _as_of_str(max(lasts)) if lasts else ""


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
    DataFrame with columns claim_id, claim, metric, computed (float, the metric's units; NaN
    when the claim cannot be checked), threshold, verdict (one of :data:`VERDICTS`, meanings in
    :data:`VERDICT_MEANINGS`), window (the window the verdict is about and the data used),
    data_source (from the frame's attrs['provenance'] / attrs['source'], a curated row's
    public source, or both), as_of (ISO date of the last data point of the claim's own
    series; "" when the data hold none of them), note (how it was computed, or why it cannot
    be checked and what data would decide it; flags synthetic data), robustness (the same test without the last bar used, against the sector index,
    equal weight without rebalancing, where they apply: :mod:`.claim_robustness`) and robust
    (True when every variant gives the verdict, False when one flips it, None when none
    applies).
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
    frames = {"prices": prices, "fred": fred, "ipos": ipos}
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
            res = METRICS[c["metric"]](c, prices, fred, ipos)
            decided = res.verdict or verdict(res.computed, c["comparison"], c["threshold"],
                                             c["tolerance"])
            rob = robustness(METRICS[c["metric"]], c, prices, fred, ipos, decided, res.as_of)
            row.update(
                computed=res.computed,
                verdict=decided,
                window=res.window or window_text(c),
                data_source=res.data_source,
                as_of=_as_of_str(res.as_of),
                note=synthetic_note(res.frame) + res.note,
                robustness=rob.text,
                robust=rob.robust,
            )
        except CannotCheck as exc:
            frame = frames.get(METRIC_INPUTS.get(c["metric"]) or "")
            own = _own_as_of(c, frame)
            row.update(
                verdict=CANNOT,
                window=window_text(c),
                data_source=attr_source(frame) if own else "none of its series in the data",
                as_of=own,
                note=synthetic_note(frame) + str(exc),
                robustness="no verdict to test",
                robust=None,
            )
        rows.append(row)
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["computed"] = out["computed"].astype(float)
    out["threshold"] = out["threshold"].astype(float)
    # Python True/False/None (a bool column would hand out numpy bools)
    out["robust"] = pd.Series([r.get("robust") for r in rows], index=out.index, dtype=object)
    return out
