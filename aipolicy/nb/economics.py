"""Notebook 08's layer: price-cut events, their effect on the baskets and the compute demand.

Tables for people (:func:`events_view`, :func:`price_cut_view`, :func:`demand_view`,
:func:`demand_tornado_view`, :func:`scorecard_numbers_view`), the per-GPU capacities the
demand index uses (:func:`gpu_capacities`), the records the report index reads
(:func:`car_record`) and the answer box (:func:`economics_answer`). The statistics themselves
live in :mod:`aipolicy.costs.economics.price_events`, :mod:`aipolicy.signals.price_cuts` and
:mod:`aipolicy.costs.economics.compute_demand`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from aipolicy.nb.answer import Answer
from aipolicy.nb.format import fmt_pct
from aipolicy.nb.market_answer import caveat
from aipolicy.nb.tables import Col, Table, people_table
from aipolicy.signals.price_cuts import MIN_EVENTS

#: Event window shown in the answer and the scorecard.
HEADLINE_WINDOW = "(-1,+1)"


def gpu_capacities(preset: str, gpus: Sequence[str]) -> tuple[dict[str, float], list[str]]:
    """Tokens a second one GPU serves (planned capacity under the preset's latency target) for
    each GPU the catalog can price for the preset's open model; and the GPUs it cannot.

    :func:`capacity_basis` says, per GPU, whether the throughput is measured, interpolated or
    estimated."""
    from aipolicy.costs import scenario_from_preset
    from aipolicy.costs.economics.compute_demand import tokens_per_gpu_second
    from aipolicy.errors import AipolicyError

    out, left = {}, []
    for g in gpus:
        try:
            out[g] = tokens_per_gpu_second(scenario_from_preset(preset, gpu=g))
        except AipolicyError:
            left.append(g)
    return out, left


def capacity_basis(preset: str, gpus: Sequence[str]) -> dict[str, str]:
    """GPU -> the basis of its throughput (``measured``, ``interpolated``, ``estimated``)."""
    from aipolicy.costs import scenario_from_preset

    return {g: scenario_from_preset(preset, gpu=g).throughput_basis for g in gpus}


def events_view(events: pd.DataFrame, *, clustered: bool = False) -> Table:
    """The price changes: date, provider/model, prices before and after, change, source."""
    cols = ["date", "provider", "model", "input_before", "input_after", "output_before",
            "output_after", "blended_change"] + (["n_changes"] if clustered else []) + ["source"]
    frame = events[[c for c in cols if c in events.columns]]
    return people_table(frame, {
        "date": "date", "provider": "text", "model": "text",
        "input_before": Col("usd_per_mtok", header="input before"),
        "input_after": Col("usd_per_mtok", header="input after"),
        "output_before": Col("usd_per_mtok", header="output before"),
        "output_after": Col("usd_per_mtok", header="output after"),
        "blended_change": Col("pct", header="blended price change", signed=True),
        "n_changes": Col("count", header="price changes that day", unit=""),
        "source": "source",
    }, index=False, footnote="Blended price: 3 input tokens per output token. Prices of the "
                             "base tier, USD per 1M tokens, as genai-prices records them.")


def price_cut_view(summary: pd.DataFrame) -> Table:
    """Mean CAR per basket, window and cut size, with its t-statistics and the caveat."""
    frame = summary[["basket", "window", "size", "n_events", "mean_car", "t_cross", "p_cross",
                     "t_pooled", "note"]].set_index(["basket", "window", "size"])
    return people_table(frame, {
        "n_events": Col("count", header="events", unit=""),
        "mean_car": Col("pct", header="mean CAR", signed=True, decimals=2),
        "t_cross": Col("number", header="t (cross-section)", decimals=2, unit=""),
        "p_cross": Col("number", header="p", decimals=3, unit=""),
        "t_pooled": Col("number", header="t (pooled)", decimals=2, unit=""),
        "note": "text",
    }, index=["basket", "window (sessions)", "cuts"],
        footnote="CAR: cumulative abnormal return against the market model (estimation: 250 "
                 "sessions ending 30 before the event). Large cuts: at least 50 % of the "
                 "blended price.")


def demand_view(demand: pd.DataFrame, gpus: Sequence[str]) -> Table:
    """The compute-demand index by year: volume, price, spend and GPUs per generation."""
    cols = {"tokens_per_day": Col("number", header="tokens a day", scale="bn", decimals=2),
            "price_index": Col("number", header="price per token (today = 1)", decimals=3,
                               unit=""),
            "spend_index": Col("number", header="spend on tokens (today = 1)", decimals=2,
                               unit=""),
            "gpu_index": Col("number", header="GPUs needed (today = 1)", decimals=2, unit="")}
    for g in gpus:
        cols[f"gpus_{g}"] = Col("number", header=f"GPUs if all {g}", decimals=1, unit="")
    return people_table(demand[list(cols)], cols, index="year")


def demand_tornado_view(tornado: pd.DataFrame) -> Table:
    """Each input at its low and high end: the yearly growth of GPU demand."""
    frame = tornado.set_index("input")[["low", "base", "high", "growth_at_low",
                                        "growth_at_high", "swing"]]
    return people_table(frame, {
        "low": Col("number", decimals=2, unit=""), "base": Col("number", decimals=2, unit=""),
        "high": Col("number", decimals=2, unit=""),
        "growth_at_low": Col("pct", header="GPU demand growth at low", signed=True),
        "growth_at_high": Col("pct", header="GPU demand growth at high", signed=True),
        "swing": Col("pp", header="swing", decimals=1),
    }, index="input", footnote="Growth of the number of GPUs needed, a year. Inputs are "
                               "fractions a year, except the elasticity.")


def car_record(summary: pd.DataFrame, window: str = HEADLINE_WINDOW) -> dict[str, Any]:
    """``{basket: {"car", "t", "n_events", "note"}}`` for the report (all cuts, one window)."""
    sub = summary[(summary["window"] == window) & (summary["size"] == "all")]
    return {r["basket"]: {"car": r["mean_car"], "t": r["t_cross"], "n_events": int(r["n_events"]),
                          "note": r["note"]} for _, r in sub.iterrows()}


def scorecard_numbers_view(cars: Mapping[str, Mapping[str, Any]], demand_growth: float,
                           exposure: Mapping[str, str]) -> Table:
    """Per basket: the CAR to price cuts with its t and count, beside the implied GPU demand."""
    rows = [{"basket": b, "car": v["car"], "t": v["t"], "n": v["n_events"],
             "gpu_growth": demand_growth, "exposure": exposure.get(b, "")}
            for b, v in cars.items()]
    frame = pd.DataFrame(rows).set_index("basket")
    return people_table(frame, {
        "car": Col("pct", header=f"CAR {HEADLINE_WINDOW} to price cuts", signed=True,
                   decimals=2),
        "t": Col("number", header="t", decimals=2, unit=""),
        "n": Col("count", header="events", unit=""),
        "gpu_growth": Col("pct", header="implied GPU demand growth a year", signed=True),
        "exposure": "text",
    }, index="basket")


def economics_answer(n_changes: int, n_events: int, cars: Mapping[str, Mapping[str, Any]],
                     demand_growth: float, jevons: float, elasticity: float, years: int,
                     context: str, synthetic: bool) -> Answer:
    """Notebook 08's answer: what price cuts did to the baskets, and what GPU demand implies."""
    if n_events == 0:
        head = "No API price cut falls inside the price data's window: no event study."
    else:
        parts = []
        for b, v in cars.items():
            t = v.get("t")
            t_text = "t n/a" if t is None or t != t else f"t = {t:.2f}"
            parts.append(f"{b} {fmt_pct(v.get('car'), 2)} ({t_text})")
        head = (f"Around {n_events} API price-cut date(s) ({n_changes} price changes), the "
                f"baskets' mean abnormal return over days -1 to +1 was " + ", ".join(parts)
                + ".")
    if abs(demand_growth) < 1e-9:
        effect = "leave GPU demand flat"
    else:
        effect = (f"{'raise' if demand_growth > 0 else 'lower'} GPU demand: "
                  f"{fmt_pct(demand_growth)} a year ({(1 + demand_growth) ** years:,.2f}x in "
                  f"{years} years)")
    points = [
        f"With demand elasticity {elasticity:g}, falling token prices {effect}. Cheaper tokens "
        f"raise GPU demand only when the elasticity exceeds {jevons:.2f}.",
    ]
    few = [b for b, v in cars.items() if v.get("note")]
    if few or n_events < MIN_EVENTS:
        points.append("Too few events for a test to mean much: read the CARs as description, "
                      "not evidence.")
    return Answer(
        question=("Do API price cuts move AI-infrastructure stocks, and what GPU demand do "
                  "falling token prices imply?"),
        context=context, headline=head, points=points, synthetic=synthetic,
        caveat=caveat(synthetic, "price changes are dated as genai-prices records them; the "
                                 "elasticity and growth rates are assumptions (tornado below)."),
    )
