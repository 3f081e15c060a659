"""Notebook 06's claims table: each market claim of the seed documents with its verdict, the
figure and test behind it, its window and its source, formatted for people."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from aipolicy.nb.format import scale_of
from aipolicy.nb.prose import Entry, Prose
from aipolicy.nb.tables import (
    Col,
    Table,
    format_value,
    people_table,
)
from aipolicy.signals.claim_base import SYNTHETIC_NOTE, VERDICT_MEANINGS, VERDICT_ORDER

__all__ = ["CLAIM_UNITS", "claim_details", "claims_view", "synthetic_warning",
           "verdict_meanings"]


# --------------------------------------------------------------------------- claims
#: Claim metric -> (display unit, how its values are shown: ``pct``, ``int``, ``ratio``,
#: ``usd``, ``none``).
CLAIM_UNITS: dict[str, tuple[str, str]] = {
    "max_rally": ("rise from low to high (%)", "pct"),
    "cpi_yoy_high": ("months back to a month at least as high", "int"),
    "record_high": ("window high ÷ all-time high before it (above 1 = new record)", "ratio"),
    "ipo_proceeds": ("USD", "usd"),
    "basket_outperformance": ("basket minus index total return (%)", "pct"),
    "jobs_market": ("payroll gain, thousand jobs a month", "int"),
    "index_vs_picks": ("share of stock picks behind the index (%)", "pct"),
    "active_funds_vs_index": ("", "none"),
    "attribution": ("", "none"),
}
#: Metric -> the test shown for a claim that no market data can decide.
_NO_TEST = {"attribution": "none: an attribution",
            "active_funds_vs_index": "none: needs active funds' net returns (SPIVA)"}


_COMPARISONS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "approx": "≈"}


def _usd_scale(x: float) -> str | None:
    """The scale word of a claim's USD threshold (``bn``, ``M``; None below a million)."""
    word = scale_of(x)[0]
    return word if word in ("M", "bn", "tn") else None


def _claim_value(x: Any, style: str, scale: str | None = None, *, signed: bool = False) -> str:
    """One claim figure in the claim's display unit (``n/a`` when missing)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "n/a" if x is None else str(x)
    if not math.isfinite(v):
        return "n/a"
    if style == "pct":
        return format_value(v, Col("pct", signed=signed))
    if style == "int":
        return format_value(v, Col("int"))
    if style == "ratio":
        return format_value(v, Col("number", decimals=3))
    if style == "usd":
        return format_value(v, Col("usd", scale=scale))
    return format_value(v, Col("number"))


def _claim_test(spec: Mapping[str, Any], metric: Any, threshold: Any, style: str,
                scale: str | None) -> str:
    """The test a claim must pass, in its unit (``≥ 700.0 %``, ``≈ $5.5 bn ± $0.28 bn``)."""
    if metric in _NO_TEST:
        return _NO_TEST[str(metric)]
    comparison = str(spec.get("comparison", ""))
    test = f"{_COMPARISONS.get(comparison, comparison)} {_claim_value(threshold, style, scale)}"
    if comparison == "approx" and spec.get("tolerance") is not None:
        test += f" ± {_claim_value(spec['tolerance'], style, scale)}"
    if metric == "jobs_market":
        rise = float(spec.get("unemployment_rise_max", 0.0))
        test += f" and unemployment up at most {rise:+.1f} pp in 12 months"
    return test.strip()


def _robust_text(robust: Any) -> str | None:
    """``yes``, ``no (fragile)`` or None (no variant applies, or no verdict)."""
    if robust is None or (isinstance(robust, float) and math.isnan(robust)):
        return None
    return "yes" if bool(robust) else "no (fragile)"


def claims_view(checked: pd.DataFrame, claims: Sequence[Mapping[str, Any]] | None = None, *,
                units: Mapping[str, str] | None = None) -> Table:
    """The claims check (:func:`aipolicy.signals.check_claims`), one row per claim.

    Parameters
    ----------
    checked : DataFrame
        ``check_claims`` output: ``claim_id``, ``metric``, ``computed``, ``verdict``,
        ``as_of`` (and ``threshold``, ``window``, ``data_source``).
    claims : sequence of dict, optional
        The claim definitions (:func:`aipolicy.signals.load_claims`, loaded when None) for the
        comparison and tolerance of each test.
    units : mapping, optional
        Metric -> unit text, overriding the units of :data:`CLAIM_UNITS`.

    Returns
    -------
    Table
        Indexed by claim; ``verdict``, ``computed`` and ``test`` in the claim's unit (fractions
        in percent, USD as ``$5.6 bn``, counts whole; never scientific notation, e.g.
        ``≈ $5.5 bn ± $0.28 bn``), ``unit``, ``robust`` (yes, no (fragile) or —, from
        ``check_claims``' ``robust``), ``window`` (the claim's and the data's), ``source``
        (whole, with links), ``as of``; ``n/a`` when the data cannot give the figure.
    """
    if claims is None:
        from aipolicy.signals import load_claims

        claims = load_claims()
    by_id = {c["id"]: c for c in claims}
    rows = []
    for _, r in checked.iterrows():
        cid = r["claim_id"]
        metric = r.get("metric", by_id.get(cid, {}).get("metric"))
        unit, style = CLAIM_UNITS.get(str(metric), ("", "number"))
        if units and metric in units:
            unit = units[metric]
        spec = by_id.get(cid, {})
        threshold = spec.get("threshold", r.get("threshold"))
        scale = None
        if style == "usd":
            try:
                scale = _usd_scale(float(threshold))
            except (TypeError, ValueError):
                scale = None
        computed = _claim_value(r.get("computed"), style, scale, signed=True)
        rows.append({"claim": str(spec.get("text") or cid), "verdict": r.get("verdict"), "computed": computed,
                     "test": _claim_test(spec, metric, threshold, style, scale), "unit": unit,
                     "robust": _robust_text(r.get("robust")),
                     "window": r.get("window"), "source": r.get("data_source"),
                     "as_of": r.get("as_of")})
    frame = pd.DataFrame(rows, columns=["claim", "verdict", "computed", "test", "unit",
                                        "robust", "window", "source", "as_of"]
                         ).set_index("claim")
    cols = {
        "verdict": Col("text"),
        "computed": Col("text", align="right", missing="n/a"),
        "test": Col("text", header="test (claim holds when)", align="right"),
        "unit": Col("text", missing=""),
        "robust": Col("text", header="robust", missing="—"),
        "window": Col("text", missing=""),
        "source": Col("source", missing=""),
        "as_of": Col("date", header="as of", missing="n/a"),
    }
    notes = ["n/a: the data cannot give the figure (the claim cannot be checked)."] if (
        (frame["computed"] == "n/a").any()) else []
    notes.append("robust: the verdict is the same without the last bar used, against the "
                 "sector index and with equal weights never rebalanced, where each applies "
                 "(the lines below give the figures); —: no variant applies or no verdict.")
    return people_table(frame, cols, footnote=notes)


def synthetic_warning(synthetic: bool) -> Prose:
    """The warning above the claims table when the data are the synthetic sample (nothing
    otherwise: on real data the verdicts are about the market)."""
    if not synthetic:
        return Prose()
    return Prose.terms([(
        "On the synthetic sample these verdicts mean nothing about real markets",
        "the sample is generated, and a claim it \"supports\" or rejects says only what the "
        "generator produced. Run the report on real data (aipolicy report --source csv "
        "--data-dir DIR, or --source live) to check the claims against real markets.")])


def verdict_meanings() -> Prose:
    """The five verdicts with what each means, strongest first."""
    return Prose.terms([(v, VERDICT_MEANINGS[v] + ".") for v in VERDICT_ORDER],
                       lead="What each verdict means:")


def claim_details(checked: pd.DataFrame) -> Prose:
    """Each claim's verdict with how it was reached: window, the computation, the robustness
    line, the data and the document the claim comes from.

    Parameters
    ----------
    checked : DataFrame
        :func:`aipolicy.signals.check_claims` output with a ``document`` column (where each
        claim was made); ``note`` loses the synthetic-data prefix (the data line names the
        synthetic sample already).
    """
    entries = []
    for _, r in checked.iterrows():
        how = str(r["note"]).removeprefix(SYNTHETIC_NOTE)
        entries.append(Entry(f"{str(r['verdict']).capitalize()}: {r['claim']}", (
            ("window", str(r["window"])), ("note", how),
            ("robustness", str(r["robustness"])),
            ("data", f"{r['data_source']}, as of {format_value(r['as_of'], Col('date', missing='n/a'))}"),
            ("claim made in", str(r["document"])))))
    counts = checked["verdict"].value_counts()
    summary = "In all: " + ", ".join(f"{counts[v]} {v}" for v in VERDICT_ORDER if v in counts)
    return Prose.entries(entries) + Prose.lines(summary + ".")
