"""Dated API list-price changes, read from genai-prices' price history.

genai-prices records, per model, the list prices in force over time: a first price, then prices
that start on a date (a ``StartDateConstraint``); prices by time of day (DeepSeek's off-peak
discount) are not changes and are ignored. :func:`price_change_events` turns each dated change
into one row: provider, model, date, input and output prices before and after (USD per 1M
tokens, base tier), the relative change of each and of a blended price, and whether it is a cut
or a rise, with the public source (the provider's pricing page as genai-prices cites it).

The **blended price** weights input and output 3:1 (three input tokens per output token, the
convention of public LLM price comparisons such as Artificial Analysis); its relative change is
the size of an event. **Flagship** marks the first-party providers' general models (OpenAI,
Anthropic, Google, DeepSeek, Mistral, xAI) without the small-tier words in their names (mini,
nano, flash, lite, haiku, small, tts, image, ...): an aipolicy judgment, so that resellers'
catalog refreshes (aggregators re-listing dozens of models on one day) do not swamp the events.

Dates after the price data's own as-of date are announced changes, not events; they are left
out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

#: First-party providers whose general models count as flagship (aipolicy judgment).
FLAGSHIP_PROVIDERS: tuple[str, ...] = ("openai", "anthropic", "google", "deepseek", "mistral",
                                       "x-ai", "xai")
#: Words in a model id that mark a small, specialised or non-text tier (not flagship).
NON_FLAGSHIP_WORDS = re.compile(
    r"(mini|nano|flash|lite|haiku|small|tiny|tts|audio|image|vision|embed|ocr|realtime|search|"
    r"transcribe|moderation|robotics|preview|cyber|codex|instruct-\d)", re.IGNORECASE)
#: Input tokens per output token in the blended price.
BLEND_INPUT_WEIGHT = 3.0

COLUMNS = ["date", "provider", "model", "input_before", "input_after", "output_before",
           "output_after", "input_change", "output_change", "blended_change", "kind",
           "flagship", "source"]


def blended(input_per_mtok: float, output_per_mtok: float) -> float:
    """USD per 1M tokens at 3 input tokens per output token."""
    w = BLEND_INPUT_WEIGHT
    return (w * input_per_mtok + output_per_mtok) / (w + 1.0)


def is_flagship(provider: str, model: str) -> bool:
    """A first-party provider's general model (see :data:`FLAGSHIP_PROVIDERS`)."""
    return provider in FLAGSHIP_PROVIDERS and not NON_FLAGSHIP_WORDS.search(model)


def _dated_periods(model_info: Any) -> list[tuple[dt.date | None, Any]]:
    """(start date or None for the first price, ModelPrice), oldest first, dated ones only."""
    from genai_prices.types import StartDateConstraint

    if not isinstance(model_info.prices, list):
        return []
    out: list[tuple[dt.date | None, Any]] = []
    for cp in model_info.prices:
        c = cp.constraint
        if c is None and not out:
            out.append((None, cp.prices))
        elif isinstance(c, StartDateConstraint):
            out.append((c.start_date, cp.prices))
    return sorted(out, key=lambda p: p[0] or dt.date.min)


def _change(before: float, after: float) -> float:
    return after / before - 1.0 if before > 0 else float("nan")


def _wanted_providers(snap: Any, providers: str | Iterable[str] | None) -> set[str] | None:
    """The provider ids asked for (None: all), each checked against the price data.

    Parameters
    ----------
    snap : genai_prices data snapshot
        Its ``providers`` are the known ids.
    providers : str or iterable of str, optional
        As :func:`price_change_events` takes it.

    Returns
    -------
    set of str or None
        The ids, or None when ``providers`` is None.

    Raises
    ------
    InvalidInputError
        Naming the ids the price data does not know.
    """
    if providers is None:
        return None
    from aipolicy.errors import InvalidInputError

    wanted = {providers} if isinstance(providers, str) else set(providers)
    known = {p.id for p in snap.providers}
    unknown = sorted(str(w) for w in wanted - known)
    if unknown:
        raise InvalidInputError(
            f"providers: {', '.join(unknown)} not in the price data; known ids include "
            f"{', '.join(sorted(known & set(FLAGSHIP_PROVIDERS)))} (list them with "
            "'aipolicy catalog providers')", field="providers", value=providers)
    return wanted


def _model_events(prov: Any, model: Any, window: tuple[pd.Timestamp, pd.Timestamp], *,
                  min_change: float, kind: str | None, flagship_only: bool
                  ) -> list[dict[str, Any]]:
    """One model's dated price changes in ``window``, as rows of :data:`COLUMNS`.

    Parameters
    ----------
    prov, model : genai_prices provider and model
        The model's price history and its provider's name and pricing page.
    window : (Timestamp, Timestamp)
        First and last date kept, both inclusive.
    min_change, kind, flagship_only
        As :func:`price_change_events` takes them (``kind`` already checked).

    Returns
    -------
    list of dict
        One row per change, oldest first; prices in USD per 1M tokens, changes as fractions.
        A price without per-token input and output (images, audio...) gives no row.
    """
    from aipolicy.costs.catalog.prices import _rates, package_version

    first, last = window
    url = (prov.pricing_urls or [""])[0]
    rows = []
    periods = _dated_periods(model)
    for (_, before), (date, after) in zip(periods, periods[1:], strict=False):
        if date is None:
            continue
        when = pd.Timestamp(date)
        if not first <= when <= last:
            continue
        try:
            ib, ob, _ = _rates(before, 1)
            ia, oa, _ = _rates(after, 1)
        except (TypeError, ValueError, KeyError, AttributeError):
            continue  # a price without per-token input/output (images, audio...)
        b = _change(blended(ib, ob), blended(ia, oa))
        if not b == b or abs(b) < max(min_change, 1e-9):
            continue
        k = "cut" if b < 0 else "rise"
        if kind is not None and k != kind:
            continue
        flag = is_flagship(prov.id, model.id)
        if flagship_only and not flag:
            continue
        rows.append({
            "date": when, "provider": prov.id, "model": model.id,
            "input_before": ib, "input_after": ia, "output_before": ob,
            "output_after": oa, "input_change": _change(ib, ia),
            "output_change": _change(ob, oa), "blended_change": b, "kind": k,
            "flagship": flag,
            "source": f"genai-prices {package_version()}: {prov.name} pricing page "
                      f"{url}".rstrip(),
        })
    return rows


def price_change_events(
    *,
    providers: str | Iterable[str] | None = None,
    min_change: float = 0.0,
    kind: str | None = None,
    flagship_only: bool = False,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
) -> pd.DataFrame:
    """Every dated API list-price change in the price data, one row per (model, date).

    Parameters
    ----------
    providers : str or iterable of str, optional
        genai-prices provider ids (``openai``, ``anthropic``...); default all. An unknown id is
        an error naming it.
    min_change : float
        Smallest absolute relative change of the blended price kept (0.1 = 10 %).
    kind : {"cut", "rise"}, optional
        Keep only cuts or only rises.
    flagship_only : bool
        Keep only flagship models (:func:`is_flagship`).
    start, end : date or ISO str, optional
        Keep changes dated in ``[start, end]``; ``end`` defaults to the price data's as-of date
        (later dates are announced, not yet in force).

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, sorted by date; prices in USD per 1M tokens (base tier, short prompt),
        changes as fractions (-0.8 = 80 % cheaper), ``date`` a Timestamp.
    """
    from aipolicy.costs.catalog.prices import _load

    if kind not in (None, "cut", "rise"):
        from aipolicy.errors import InvalidInputError

        raise InvalidInputError(f"kind must be 'cut', 'rise' or None, got {kind!r}",
                                field="kind", value=kind)
    snap, info = _load()
    wanted = _wanted_providers(snap, providers)
    last = pd.Timestamp(end) if end is not None else (
        pd.Timestamp(info.as_of) if info.as_of != "undated" else pd.Timestamp.max)
    first = pd.Timestamp(start) if start is not None else pd.Timestamp.min
    rows = []
    for prov in snap.providers:
        if wanted is not None and prov.id not in wanted:
            continue
        for model in prov.models:
            rows.extend(_model_events(prov, model, (first, last), min_change=min_change,
                                      kind=kind, flagship_only=flagship_only))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["date", "provider", "model"]).reset_index(drop=True)


def cluster_starts(dates: Iterable[pd.Timestamp], min_gap_days: int) -> list[pd.Timestamp]:
    """For each of ``dates`` (in order), the first date of its cluster: a new cluster starts
    more than ``min_gap_days`` calendar days after the previous cluster's first date."""
    out: list[pd.Timestamp] = []
    start = None
    for d in dates:
        if start is None or (d - start).days > min_gap_days:
            start = d
        out.append(start)
    return out


def one_per_date(events: pd.DataFrame, *, min_gap_days: int = 0) -> pd.DataFrame:
    """Cluster events on the same date (or within ``min_gap_days`` calendar days of the first
    of a cluster) into one event: the date of the first, the largest absolute blended change,
    the models joined, and ``n_changes``.

    Stocks see one date, not one model: an event study on clustered events never counts the
    same market day twice.
    """
    if events.empty:
        return events.assign(n_changes=pd.Series(dtype=int))
    ev = events.sort_values("date", kind="stable").reset_index(drop=True)
    ev["cluster"] = cluster_starts(ev["date"], min_gap_days)
    out = []
    for date, g in ev.groupby("cluster", sort=True):
        top = g.loc[g["blended_change"].abs().idxmax()]
        row = top.to_dict()
        row.update(date=date, n_changes=len(g),
                   model="; ".join(dict.fromkeys(
                       f"{p}/{m}" for p, m in zip(g["provider"], g["model"], strict=True))))
        out.append(row)
    return pd.DataFrame(out).drop(columns=["cluster"]).reset_index(drop=True)
