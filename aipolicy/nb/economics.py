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
from aipolicy.nb.tables import Col, Table, format_value, people_table
from aipolicy.signals.price_cuts import MIN_INFERENCE_EVENTS, MODELS

#: Event window shown in the answer and the scorecard.
HEADLINE_WINDOW = "(-1,+1)"
#: The demand scenario's inputs (parameter names) as readers see them.
INPUT_NAMES = {"growth_annual": "volume growth at constant prices (a year)",
               "price_decline_annual": "token price decline (a year)",
               "elasticity": "price elasticity of demand",
               "efficiency_gain_annual": "tokens per GPU, gain (a year)"}


def input_name(name: str) -> str:
    """The reader's name of a demand input (the names of several, joined, each translated)."""
    return ", ".join(INPUT_NAMES.get(n.strip(), n.strip()) for n in str(name).split(",")
                     if n.strip())


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


def _price_change(before: Any, after: Any) -> str:
    """``$30.00 → $10.00`` (USD per 1M tokens; ``—`` for a missing side)."""
    b, a = (format_value(v, Col("usd_per_mtok", decimals=2)) for v in (before, after))
    return f"{b} → {a}"


def events_view(events: pd.DataFrame, *, clustered: bool = False) -> Table:
    """The price events: date, model, input and output price before → after, change, source.

    ``events`` are price-change rows (genai-prices' dated cuts, the curated model events, or
    both pooled into event dates); ``origin`` and ``event_kind`` are shown when present. The
    model names its provider (``openai/gpt-4o``), so the provider has no column of its own,
    and each price is one ``before → after`` cell: the table fits a 1280-px page."""
    frame = events.copy()
    for side in ("input", "output"):
        if f"{side}_before" in frame.columns and f"{side}_after" in frame.columns:
            frame[side] = [_price_change(b, a) for b, a in
                           zip(frame[f"{side}_before"], frame[f"{side}_after"], strict=True)]
    cols = ["date", "model", "event_kind", "input", "output", "blended_change"] + (
        ["n_changes"] if clustered else []) + ["origin", "source"]
    frame = frame[[c for c in cols if c in frame.columns]]
    unit = "USD per 1M tokens, before → after"
    return people_table(frame, {
        "date": "date", "model": "text",
        "event_kind": Col("text", header="kind"),
        "input": Col("text", header="input price", unit=unit, align="right"),
        "output": Col("text", header="output price", unit=unit, align="right"),
        "blended_change": Col("pct", header="blended price change", signed=True),
        "n_changes": Col("count", header="announcements", unit=""),
        "origin": Col("text", header="dated by"), "source": "source",
    }, index=False, footnote="Blended price: 3 input tokens per output token, base tier, USD "
                             "per 1M tokens. Before: the model the new price replaces or is "
                             "compared with (a list cut: the same model's old price). Dated "
                             "by: genai-prices' dated price changes, the curated table of "
                             "announcements (each row with its public source), or both.")


def price_cut_view(summary: pd.DataFrame) -> Table:
    """Mean CAR per basket, model, window and sample, with its t, p and Holm-adjusted p."""
    frame = summary[["basket", "model", "window", "sample", "n_events", "mean_car", "t_cross",
                     "p_cross", "p_holm", "note"]].set_index(["basket", "model", "window",
                                                              "sample"])
    return people_table(frame, {
        "n_events": Col("count", header="events", unit=""),
        "mean_car": Col("pct", header="mean CAR", signed=True, decimals=2),
        "t_cross": Col("number", header="t (cross-section)", decimals=2, unit=""),
        "p_cross": Col("number", header="p", decimals=3, unit=""),
        "p_holm": Col("number", header="p (Holm)", decimals=3, unit=""),
        "note": "text",
    }, index=["basket", "model", "window (sessions)", "sample"],
        footnote=["CAR: cumulative abnormal return. Market model: estimated over 250 sessions "
                  "ending 30 before the event; market-adjusted: minus the benchmark's return; "
                  "sector-adjusted: minus the sector index's return.",
                  "all: every estimable event; clean: only those whose days -1 to +5 hold no "
                  "earnings reaction of a basket member or index leader (screened windows "
                  "only).",
                  "p (Holm): adjusted for the number of cells tested in the sample."])


def per_event_view(car: pd.DataFrame, events: pd.DataFrame,
                   window: str = HEADLINE_WINDOW) -> Table:
    """The events one by one: per event date and basket, the CAR over ``window`` under each
    model, and whether earnings confound the window.

    Parameters
    ----------
    car : DataFrame
        :attr:`aipolicy.signals.price_cuts.PriceCutResult.car`.
    events : DataFrame
        The pooled events (``date``, ``model``): their models are shown beside the date.
    """
    sub = car[car["window"] == window]
    wide = sub.pivot_table(index=["event_date", "basket"], columns="model", values="car",
                           aggfunc="first", sort=False)
    models = [m for m in MODELS if m in wide.columns]
    wide = wide[models]
    info = sub.drop_duplicates(["event_date", "basket"]).set_index(["event_date", "basket"])
    names = {pd.Timestamp(d): m for d, m in zip(events["date"], events["model"], strict=True)}
    wide["announced"] = [names.get(pd.Timestamp(d), "") for d, _ in wide.index]
    wide["status"] = info.loc[wide.index, "status"].to_numpy()
    wide["confounders"] = info.loc[wide.index, "confounders"].to_numpy()
    cols: dict[str, Col | str] = {m: Col("pct", header=f"CAR {window}, {m}", signed=True,
                                         decimals=2) for m in models}
    cols.update({"announced": "text", "status": Col("text", header="window"),
                 "confounders": Col("text", header="earnings in days -1 to +5", missing="")})
    return people_table(wide, cols, index=["event date", "basket"],
                        footnote="Each event alone: a CAR of one event is an anecdote, not a "
                                 "test. Confounded: a report of a basket member or index leader "
                                 "moves prices inside the window.")


def demand_view(demand: pd.DataFrame, gpus: Sequence[str]) -> Table:
    """The compute-demand index by year: volume, price, spend and GPUs per generation."""
    cols = {"tokens_per_day": Col("number", header="tokens a day", scale="auto", decimals=1),
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
    cols = ["low", "base", "high", "growth_at_low", "growth_at_high", "swing"] + (
        ["moves_with"] if "moves_with" in tornado.columns else [])
    frame = tornado.set_index("input")[cols].rename(index=input_name)
    if "moves_with" in frame.columns:
        frame = frame.assign(moves_with=frame["moves_with"].map(input_name))
    return people_table(frame, {
        "low": Col("number", decimals=2, unit=""), "base": Col("number", decimals=2, unit=""),
        "high": Col("number", decimals=2, unit=""),
        "growth_at_low": Col("pct", header="GPU demand growth at low", signed=True),
        "growth_at_high": Col("pct", header="GPU demand growth at high", signed=True),
        "swing": Col("pp", header="swing", decimals=1),
        "moves_with": Col("text", header="moves with it", missing=""),
    }, index="input", footnote="Growth of the number of GPUs needed, a year. Inputs are "
                               "fractions a year, except the elasticity. A tied input moves "
                               "with the one it is tied to.")


def car_record(result: Any, window: str = HEADLINE_WINDOW) -> dict[str, Any]:
    """Per basket, the record the report reads: events counted, and the mean CAR only when
    there are enough events for inference (``None`` otherwise).

    Returns
    -------
    dict
        ``{basket: {"n_events", "n_clean", "inference", "car", "t", "p_holm", "car_clean",
        "note"}}``: market model, ``window``; ``car``/``t``/``p_holm`` over all estimable
        events and ``car_clean`` over the clean ones, each None without inference.
    """
    s = result.summary
    if s is None or s.empty:
        return {}
    sel = s[(s["model"] == "market model") & (s["window"] == window)]
    out = {}
    for b, g in sel.groupby("basket", sort=False):
        every = g[g["sample"] == "all"].iloc[0]
        clean = g[g["sample"] == "clean"].iloc[0]
        ok = bool(result.inference)
        out[b] = {"n_events": int(every["n_events"]), "n_clean": int(clean["n_events"]),
                  "inference": ok,
                  "car": float(every["mean_car"]) if ok else None,
                  "t": float(every["t_cross"]) if ok else None,
                  "p_holm": float(every["p_holm"]) if ok else None,
                  "car_clean": float(clean["mean_car"]) if ok and clean["n_events"] >= 2
                  else None,
                  "note": "" if ok else f"{int(every['n_events'])} event(s): fewer than "
                                        f"{MIN_INFERENCE_EVENTS}, no mean CAR"}
    return out


def scorecard_numbers_view(cars: Mapping[str, Mapping[str, Any]], demand_growth: Any,
                           exposure: Mapping[str, str]) -> Table:
    """Per basket: the mean CAR to price cuts (``—`` without inference) with its t and count,
    beside the implied GPU demand growth (a fraction a year, or a ``(low, high)`` range)."""
    lo, hi = demand_growth if isinstance(demand_growth, tuple) else (demand_growth,) * 2
    rows = [{"basket": b, "car": v.get("car"), "t": v.get("t"), "n": v["n_events"],
             "gpu_low": lo, "gpu_high": hi, "exposure": exposure.get(b, "")}
            for b, v in cars.items()]
    frame = pd.DataFrame(rows).set_index("basket")
    return people_table(frame, {
        "car": Col("pct", header=f"mean CAR {HEADLINE_WINDOW} to price cuts", signed=True,
                   decimals=2),
        "t": Col("number", header="t", decimals=2, unit=""),
        "n": Col("count", header="events", unit=""),
        "gpu_low": Col("pct", header="implied GPU demand growth a year, low", signed=True),
        "gpu_high": Col("pct", header="high", signed=True),
        "exposure": "text",
    }, index="basket", footnote=f"—: fewer than {MIN_INFERENCE_EVENTS} events, no mean CAR "
                                "is a finding.")


def event_study_points(result: Any, n_inside: int, cars: Mapping[str, Mapping[str, Any]]
                       ) -> tuple[str, list[str]]:
    """The answer's headline and points about the event study.

    Parameters
    ----------
    result : PriceCutResult or None
        :func:`aipolicy.signals.price_cuts.price_cut_car` (None: no event in the data).
    n_inside : int
        Event dates inside the price data.
    cars : mapping
        :func:`car_record` of ``result``.
    """
    if result is None or n_inside == 0:
        return ("No API price cut or cheaper model falls inside the price data's window: no "
                "event study."), []
    n_est, n_clean = result.n_estimable, result.n_clean
    dropped = n_inside - n_est
    ev = result.events[result.events["estimable"]]
    confounded = ev[ev["status"] == "confounded"]
    points = []
    if len(confounded):
        who = sorted({c.split()[0] for s in confounded["confounders"] for c in s.split("; ")})
        points.append(f"Earnings reactions of basket members or index leaders "
                      f"({', '.join(who)}) fall in {len(confounded)} of the {n_est} estimable "
                      f"window(s); {n_clean} window(s) are screened and clean.")
    if dropped:
        points.append(f"{dropped} event date(s) inside the data could not be estimated (too "
                      "little history before them for the market model): left out, and the "
                      "page is partial.")
    if not result.inference:
        head = (f"No inference is possible: {n_est} of {n_inside} price event(s) inside the "
                f"price data can be estimated, fewer than {MIN_INFERENCE_EVENTS}, so no mean "
                "abnormal return is given; the events are shown one by one below.")
        return head, points
    parts = [f"{b} {fmt_pct(v['car'], 2)} (t = {v['t']:.2f}, Holm p = {v['p_holm']:.2f})"
             for b, v in cars.items()]
    head = (f"Around {n_est} API price events, the baskets' mean abnormal return over days -1 "
            f"to +1 (market model) was " + ", ".join(parts) + ".")
    clean = [f"{b} {fmt_pct(v['car_clean'], 2)}" for b, v in cars.items()
             if v.get("car_clean") is not None]
    if clean:
        points.append(f"Over the {n_clean} windows clear of earnings: " + ", ".join(clean)
                      + ".")
    cells = len(result.summary[result.summary["sample"] == "all"])
    points.append(f"{cells} mean CARs are tested (baskets x windows x models); at 5 % about "
                  f"{0.05 * cells:.1f} would pass by chance, hence the Holm-adjusted p-values.")
    return head, points


def economics_answer(headline: str, points: Sequence[str], context: str,
                     synthetic: bool) -> Answer:
    """Notebook 08's answer: what price events did to the baskets, and what GPU demand the
    token-demand scenario implies (the headline and points are written by
    :func:`event_study_points` and the demand helpers)."""
    return Answer(
        question=("Do API price cuts move AI-infrastructure stocks, and what GPU demand do "
                  "falling token prices imply?"),
        context=context, headline=headline, points=list(points), synthetic=synthetic,
        caveat=caveat(synthetic, "events are dated by their announcements and genai-prices; "
                                 "the demand figures rest on the public, dated inputs named "
                                 "below and a range of elasticities."),
    )


def demand_points(s: Any, growth_range: tuple[float, float], jevons: float,
                  elasticity_range: tuple[float, float], observed: Any = None) -> list[str]:
    """The answer's points on the compute demand: a range over the elasticity, the Jevons
    threshold and the check against reported token growth.

    Parameters
    ----------
    s : DemandScenario
        The scenario (central values).
    growth_range : (float, float)
        GPU demand growth a year at the elasticity range's ends (fractions).
    jevons : float
        Elasticity above which cheaper tokens raise GPU demand.
    elasticity_range : (float, float)
        The elasticities of ``growth_range``.
    observed : DemandInput, optional
        Reported token growth a year (:func:`aipolicy.costs.economics.demand_inputs.
        observed_token_growth`).
    """
    from aipolicy.costs.economics.compute_demand import gpu_demand_growth
    from aipolicy.costs.economics.demand_inputs import token_growth

    lo, hi = growth_range
    eff = "tied to the price decline" if s.tied else "given"
    points = [f"GPU demand would grow {fmt_pct(lo)} to {fmt_pct(hi)} a year over elasticities "
              f"{elasticity_range[0]:g} to {elasticity_range[1]:g} "
              f"({fmt_pct(gpu_demand_growth(s))} at {s.elasticity:g}), with growth at constant "
              f"prices {fmt_pct(s.growth_annual)} a year, token prices "
              f"{fmt_pct(-s.price_decline_annual)} a year and tokens per GPU "
              f"{fmt_pct(s.efficiency)} a year ({eff}): a range, not a forecast."]
    if jevons <= 0:
        points.append("Growth at constant prices alone outruns the efficiency gain, so GPU "
                      "demand rises at any elasticity; cheaper tokens add to it when the "
                      "elasticity exceeds 1.")
    else:
        points.append(f"Cheaper tokens raise GPU demand only when the elasticity exceeds "
                      f"{jevons:.2f}.")
    if observed is not None:
        points.append(f"Check: the scenario implies tokens growing {fmt_pct(token_growth(s))} "
                      f"a year; reported: {fmt_pct(observed.value)} ({observed.basis}).")
    return points


def demand_inputs_view(inputs: Sequence[Any]) -> Table:
    """The demand scenario's calibrated inputs: value, range, basis and sources."""
    frame = pd.DataFrame([{"input": input_name(i.name), "value": i.value, "low": i.low, "high": i.high,
                           "basis": i.basis, "as_of": i.as_of, "source": i.source}
                          for i in inputs]).set_index("input")
    return people_table(frame, {
        "value": Col("number", decimals=3, unit=""), "low": Col("number", decimals=3, unit=""),
        "high": Col("number", decimals=3, unit=""), "basis": "text",
        "as_of": Col("text", header="as of"), "source": "source",
    }, index="input", footnote="Fractions a year (0.5 = 50 %), except the elasticity.")
