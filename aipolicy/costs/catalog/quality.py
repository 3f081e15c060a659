"""Model quality from the LMArena text leaderboard, to pair models of similar quality.

The catalog ``quality.csv`` holds, for every model of the price catalogs that LMArena rates, its
text rating (Elo scale) with the 95% interval, and the style-controlled rating as a second
column, each row with its public source and as-of date (December 2025 snapshot of
``lmarena/arena-catalog``). Ratings of one file and one category only are compared: raw and
style-controlled orders differ (gemini-2.5-pro is 2nd raw, 8th style-controlled).

A rating is used only for the exact model rated: a model LMArena does not rate under its own
name (Grok 4.1 Fast, whose flagship Grok 4.1 is rated) is ``unrated``. ``kind`` is
``proprietary``, ``open`` (an open model of the self-hosting catalog) or ``open-api`` (open
weights sold per token by their maker's API, such as ``deepseek-v3.2``: a per-token option,
labelled as open weights).

An Elo difference ``d`` (points) means the higher-rated model wins a head-to-head vote with
probability ``1 / (1 + 10 ** (-d / 400))``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aipolicy.costs.catalog.files import load_catalog
from aipolicy.errors import CatalogError

__all__ = [
    "API_KINDS",
    "Quality",
    "maker_api_label",
    "QualityGap",
    "at_least_as_good",
    "quality",
    "quality_gap",
    "rated_models",
    "win_probability",
]

RATINGS = ("raw", "style")
#: Kinds of model sold per token through an API: proprietary, and open weights sold by their
#: maker.
API_KINDS = ("proprietary", "open-api")


@dataclass(frozen=True)
class Quality:
    """A model's LMArena text rating (Elo points) with its 95% interval, or unrated.

    ``rating``/``ci_low``/``ci_high`` are None when LMArena has no rating of that kind.
    """

    model: str
    kind: str
    rating: float | None
    ci_low: float | None
    ci_high: float | None
    rank: int | None
    arena_key: str
    which: str
    source: str
    as_of: str
    note: str = ""

    @property
    def rated(self) -> bool:
        """True when there is a rating of the chosen kind."""
        return self.rating is not None

    @property
    def label(self) -> str:
        """``1276 (1273–1280)`` or ``unrated``."""
        if not self.rated:
            return "unrated"
        return f"{self.rating:.0f} ({self.ci_low:.0f}–{self.ci_high:.0f})"


@dataclass(frozen=True)
class QualityGap:
    """How much better ``a`` is than ``b``: Elo points and head-to-head win probability."""

    a: str
    b: str
    elo_points: float
    win_probability: float


def _num(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(
        value)


def _check_which(which: str) -> str:
    if which not in RATINGS:
        raise CatalogError(f"which={which!r}: choose 'raw' (text rating) or 'style' "
                           "(style-controlled)", field="which", value=which)
    return which


def rated_models(kind: str | tuple[str, ...] | None = None) -> list[str]:
    """Models the quality catalog lists (``kind``: ``proprietary``, ``open``, ``open-api``, a
    tuple of them, or None = all)."""
    table = load_catalog("quality")
    if kind is not None:
        table = table[table["kind"].isin((kind,) if isinstance(kind, str) else kind)]
    return list(table["model"])


def maker_api_label(model: str) -> str:
    """``"open weights, maker's API"`` for open weights sold per token by their maker
    (``deepseek-v3.2``), else ``""``."""
    table = load_catalog("quality")
    kinds = table.loc[table["model"] == model.split("@", 1)[0], "kind"]
    return "open weights, maker's API" if len(kinds) and kinds.iloc[0] == "open-api" else ""


def quality(model: str, which: str = "raw") -> Quality:
    """LMArena rating of ``model`` (``which``: ``raw`` or ``style``-controlled).

    A model absent from the catalog, or without a rating of that kind, is returned unrated
    (``rating`` None), never guessed.
    """
    _check_which(which)
    table = load_catalog("quality")
    rows = table[table["model"] == model]
    if rows.empty:
        return Quality(model, "unknown", None, None, None, None, "", which,
                       "not rated by LMArena in the catalog", "undated")
    row = rows.iloc[0]
    prefix = "" if which == "raw" else "style_"
    rating = _num(row[f"{prefix}rating"])
    rank = _num(row["rank"]) if which == "raw" else None
    return Quality(model=model, kind=str(row["kind"]), rating=rating,
                   ci_low=_num(row[f"{prefix}ci_low"]), ci_high=_num(row[f"{prefix}ci_high"]),
                   rank=int(rank) if rank is not None else None,
                   arena_key=str(row["arena_key"]), which=which, source=str(row["source"]),
                   as_of=str(row["as_of"]), note=str(row["note"] or ""))


def win_probability(elo_points: float) -> float:
    """Probability that a model ``elo_points`` above another wins a head-to-head vote."""
    return 1.0 / (1.0 + 10.0 ** (-float(elo_points) / 400.0))


def quality_gap(a: str, b: str, which: str = "raw") -> QualityGap | None:
    """Rating of ``a`` minus rating of ``b`` (Elo points) and P(a preferred); None if unrated."""
    qa, qb = quality(a, which), quality(b, which)
    if not (qa.rated and qb.rated):
        return None
    d = float(qa.rating) - float(qb.rating)  # type: ignore[arg-type]
    return QualityGap(a, b, d, win_probability(d))


def at_least_as_good(model: str, candidates: list[str] | None = None,
                     which: str = "raw") -> list[str]:
    """Models rated at least as good as ``model``: 95% interval overlapping or above its own.

    Parameters
    ----------
    model : str
        The reference (usually an open-weight model).
    candidates : list of str, optional
        Models to consider; default every per-token API model of the quality catalog
        (:data:`API_KINDS`: proprietary, and open weights sold by their maker).

    Returns
    -------
    list of str
        Rated candidates whose upper 95% bound reaches the reference's lower bound, best first.
        Empty when the reference is unrated (nothing can be said).
    """
    ref = quality(model, which)
    if not ref.rated:
        return []
    pool = candidates if candidates is not None else rated_models(API_KINDS)
    found = []
    for name in pool:
        q = quality(name, which)
        if q.rated and q.ci_high is not None and q.ci_high >= float(ref.ci_low):  # type: ignore[arg-type]
            found.append((q.rating, name))
    return [name for _, name in sorted(found, reverse=True)]
