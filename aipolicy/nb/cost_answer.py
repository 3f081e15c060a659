"""The answers notebooks 01 and 02 open with, written from the cost models' numbers.

Pure functions of already-computed results (the scenario, the options of
:func:`aipolicy.costs.compare.threeway.compare_all`, the hybrid, the investment), so they are cheap to
test against hand-made inputs. The notebooks display them with
:func:`aipolicy.nb.answer.show_answer`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from aipolicy.nb.answer import Answer
from aipolicy.nb.format import fmt_usd
from aipolicy.record import format_figure, share_text

API_KEYS = ("api", "api_match", "hosted")


def workload_context(scenario: Any, preset: str, preset_title: str) -> str:
    """One sentence: preset, workload, models and GPUs of ``scenario``."""
    w = scenario.workload
    return (
        f"Preset {preset} ({preset_title}): {w.requests_per_day:,.0f} requests/day of "
        f"{w.input_tokens:,.0f} input + {w.output_tokens:,.0f} output tokens "
        f"({format_figure(w.tokens_per_day, 'tokens_per_day')}); open model "
        f"{scenario.open_model} on {scenario.gpus_per_replica} x {scenario.gpu} per replica "
        f"({scenario.acquisition}); API model {scenario.api_model}; costs averaged over "
        f"{scenario.horizon_months:,.0f} months."
    )


def option_name(option: Any) -> str:
    """An option in words, e.g. ``"llama-3.3-70b hosted by novita (per token)"``."""
    key, model = option.key, str(option.model)
    if key == "api":
        return f"the API {model}"
    if key == "api_match":
        return f"{model} (cheapest per-token API rated at least as good)"
    if key == "hosted":
        name, _, host = model.partition("@")
        return f"{name} hosted by {host} (per token)" if host else f"{model} (per token)"
    if key in ("rent", "buy"):
        return f"self-hosting on {'rented' if key == 'rent' else 'bought'} GPUs"
    return str(option.label)


def priced(options: Sequence[Any]) -> list[Any]:
    """The options with a finite monthly cost, cheapest first."""
    return sorted((o for o in options if math.isfinite(o.monthly_usd)),
                  key=lambda o: o.monthly_usd)


def breakeven_sentence(option: Any, scenario: Any) -> str:
    """From which volume self-hosting (scenario's mode) is no dearer than API ``option``."""
    mode = f"self-hosting on {'bought' if scenario.acquisition == 'buy' else 'rented'} GPUs"
    head = f"Against {option_name(option)} ({fmt_usd(option.monthly_usd)}/month)"
    if option.breakeven_tokens_per_day is None:
        return f"{head}, {mode} never breaks even within 1,000x this volume."
    ratio = option.breakeven_tokens_per_day / scenario.workload.tokens_per_day
    where = (f"{ratio:,.1f}x this volume" if ratio >= 1
             else f"so it is already cheaper at this volume, {1 / ratio:,.1f}x the break-even")
    return (f"{head}, {mode} breaks even from "
            f"{format_figure(option.breakeven_tokens_per_day, 'tokens_per_day')} "
            f"({option.breakeven_requests_per_day:,.0f} requests/day), {where}.")


def selfhost_sentence(options: Sequence[Any]) -> str:
    """Where self-hosting stands against the cheapest per-token option."""
    by_key = {o.key: o for o in options}
    token = [o for o in priced(options) if o.key in API_KEYS]
    own = [by_key[k] for k in ("rent", "buy") if k in by_key and math.isfinite(by_key[k].monthly_usd)]
    if not token or not own:
        return ""
    best_own = min(own, key=lambda o: o.monthly_usd)
    best_token = token[0]
    ratio = best_own.monthly_usd / best_token.monthly_usd
    if ratio > 1:
        return (f"The cheaper way to self-host, {option_name(best_own)} ({best_own.fleet}), "
                f"costs {fmt_usd(best_own.monthly_usd)}/month: {ratio:,.1f}x the cheapest "
                f"per-token option.")
    return (f"The cheaper way to self-host, {option_name(best_own)} ({best_own.fleet}), "
            f"costs {fmt_usd(best_own.monthly_usd)}/month: {1 - ratio:.0%} less than the "
            f"cheapest per-token option, {option_name(best_token)}.")


def verdict_headline(verdict: Any) -> str:
    """The headline notebooks 01 and 02 open with: the one verdict, as the command line says it."""
    return f"Cheapest at the quality floor and the latency target: {verdict.sentence()}."


def probability_sentence(choice: Any | None, options: Sequence[Any]) -> str:
    """P(each option is the cheapest) from the Monte Carlo over every option, in words."""
    if choice is None:
        return "Monte Carlo skipped (draws = 0): no probability."
    labels = {o.key: option_name(o) for o in options}
    ranked = sorted(((p, k) for k, p in choice.p_cheapest.items() if p > 0), reverse=True)
    parts = [f"{labels.get(k, k)} in {share_text(p)}" for p, k in ranked]
    return (f"Cheapest in {choice.draws:,} Monte Carlo draws of every option's uncertain inputs "
            f"(ranges are assumptions, listed below): {'; '.join(parts)}.")


def flips_sentence(flips: Any) -> str:
    """Which single input, at its low or high end, would change the verdict."""
    if flips is None or len(flips) == 0:
        return "No single uncertain input at its low or high end changes the verdict."
    parts = [f"{r.parameter} at its {r.end} end ({r.cheapest_label} would cost "
             f"{fmt_usd(r.monthly_usd)}/month against {fmt_usd(r.verdict_monthly_usd)})"
             for r in flips.itertuples()]
    return "The verdict would change with " + "; ".join(parts) + "."


def build_vs_buy_answer(scenario: Any, preset: str, preset_title: str, options: Sequence[Any],
                        choice: Any | None, flips: Any = None) -> Answer:
    """Notebook 01's answer: the one verdict, how sure it is, and every break-even.

    ``choice`` is :func:`aipolicy.costs.uncertainty.choice.choice_monte_carlo`'s result (None:
    no draws); ``flips`` :func:`~aipolicy.costs.uncertainty.choice.verdict_flips`'s table.
    """
    from aipolicy.costs.compare.verdict import verdict

    v = verdict(options)
    points = [selfhost_sentence(options)]
    points += [breakeven_sentence(o, scenario) for o in options if o.key in API_KEYS
               and math.isfinite(o.monthly_usd)]
    points += [probability_sentence(choice, options), flips_sentence(flips)]
    return Answer(
        question="Self-host an open-weight model, or pay per token, for this workload?",
        context=workload_context(scenario, preset, preset_title),
        headline=verdict_headline(v),
        points=[p for p in points if p],
        caveat=(f"{v.reason}. Quality is the LMArena rating (table below); API prices are "
                "list prices from the genai-prices snapshot, each with its date in the price "
                "table."),
    )


def hybrid_investment_answer(scenario: Any, preset: str, preset_title: str, hybrid: Any,
                             investment: dict[str, Any] | None, options: Sequence[Any]
                             ) -> Answer:
    """Notebook 02's answer: the best split, and buying the servers as a capital project.

    ``investment`` has ``npv_usd``, ``irr`` (a yearly fraction or None), ``payback_month``
    (None: not within the horizon), ``capex_usd`` and ``p_buy_cheaper`` (or None), or is None
    when buying cannot be priced.
    """
    from aipolicy.costs.compare.verdict import verdict

    k, n = hybrid.hybrid_replicas, hybrid.selfhost_replicas
    if hybrid.cheapest == "hybrid":
        split = (f"Best split with {scenario.api_model}: self-host {k} of {n} replicas "
                 f"({share_text(hybrid.selfhost_share_of_requests)} of requests) and send the "
                 f"rest to it: {fmt_usd(hybrid.hybrid_monthly_usd)}/month, against "
                 f"{fmt_usd(hybrid.api_monthly_usd)} all-API and "
                 f"{fmt_usd(hybrid.selfhost_monthly_usd)} all self-hosted.")
    elif k == 0:
        split = (f"No split with {scenario.api_model} pays: all-API at "
                 f"{fmt_usd(hybrid.api_monthly_usd)}/month beats self-hosting any part "
                 f"(the whole load: {fmt_usd(hybrid.selfhost_monthly_usd)}/month).")
    else:
        split = (f"Against {scenario.api_model}, self-host everything: all {n} replicas at "
                 f"{fmt_usd(hybrid.selfhost_monthly_usd)}/month, against "
                 f"{fmt_usd(hybrid.api_monthly_usd)}/month all-API.")
    match = next((o for o in options if o.key == "hybrid_match"), None)
    points = [split]
    if match is not None:
        points.append(f"Split with the cheapest per-token option of equal quality, "
                      f"{match.partner}: {match.fleet} ({fmt_usd(match.monthly_usd)}/month).")
    if investment is None:
        points.append("Buying the servers cannot be priced for this choice of GPU.")
    else:
        irr = investment.get("irr")
        pay = investment.get("payback_month")
        points.append(
            f"Buying the servers ({fmt_usd(investment['capex_usd'])} up front) instead of "
            f"paying {scenario.api_model}: net present value {fmt_usd(investment['npv_usd'])}, "
            + ("no internal rate of return (the cash flows never change sign)"
               if irr is None else f"internal rate of return {irr:.0%} a year")
            + ", payback " + ("not within the horizon" if pay is None else f"in month {pay}")
            + "."
        )
        if irr is not None and irr > 1:
            points.append(
                "An IRR above 100% a year means the up-front outlay is small next to the "
                "monthly saving; judge the project by its NPV and by the savings range, not "
                "by the IRR.")
        if investment.get("p_buy_cheaper") is not None:
            points.append(f"Owning is cheaper per month than the API in "
                          f"{share_text(investment['p_buy_cheaper'])} of the Monte Carlo draws.")
    return Answer(
        question=("Which share of the workload should run on owned or rented GPUs, and is "
                  "buying the servers a good capital investment?"),
        context=workload_context(scenario, preset, preset_title),
        headline=verdict_headline(verdict(options)),
        points=points,
        caveat=("this is capital budgeting for the buyer of the servers, not a view of the "
                "chip stocks (notebooks 03-06); the split and the capital project are priced "
                f"against the API the preset names ({scenario.api_model})."),
    )
