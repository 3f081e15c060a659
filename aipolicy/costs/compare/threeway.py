"""The comparison an inference engineer expects: every way to buy the same answers, side by side.

For one workload, :func:`compare_all` prices

1. the proprietary API model the scenario names;
2. the cheapest per-token API model at least as good as the open model (proprietary, or open
   weights sold by their maker's API, labelled so; LMArena 95% intervals overlapping or above;
   retired models left out), when it is another model;
3. the same open weights on the cheapest hosted per-token provider for this request shape;
4. self-hosting on rented GPUs; 5. on bought GPUs; 6. the best hybrid (own acquisition mode).

Each option carries its monthly cost (USD per month), USD per 1M input + output tokens, the
quality rating of the model it serves, and for self-hosting the fleet and the capacity basis
(measured / interpolated / estimated throughput, latency target, spares). The break-even of
self-hosting is given against each API option. API options apply the batch tier to the
batchable share; self-hosting runs that share off-peak (:mod:`aipolicy.costs.compare.selfhost`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from aipolicy.costs.catalog.prices import valuation_day
from aipolicy.costs.compare.api import api_monthly
from aipolicy.costs.compare.curve import breakeven
from aipolicy.costs.compare.hybrid import optimise_hybrid
from aipolicy.costs.compare.inputs import api_price_entries
from aipolicy.costs.compare.scenario import Scenario, scenario_params
from aipolicy.costs.compare.selfhost import planned_share, selfhost_monthly, with_acquisition
from aipolicy.errors import AipolicyError
from aipolicy.record import share_text

__all__ = ["Option", "best_proprietary_match", "cheapest_equal_quality", "compare_all",
           "late_price_warnings",
           "options_frame",
           "replica_capacity", "with_api_model"]


@dataclass(frozen=True)
class Option:
    """One way to serve the workload, priced.

    ``monthly_usd`` is USD per month, ``usd_per_mtok`` USD per 1M input + output tokens;
    ``fixed_usd`` the part of ``monthly_usd`` that does not grow with volume (staff, platform,
    implementation) and ``volume_usd_per_mtok`` the rest (the token bill, or GPUs, power and
    space) per 1M input + output tokens, so a small token bill is not hidden in the overhead;
    ``breakeven_requests_per_day`` (API options only) is the volume from which self-hosting in
    the scenario's mode is no dearer than this option (None: not reached).
    """

    key: str
    label: str
    model: str
    monthly_usd: float
    usd_per_mtok: float
    quality: str
    fleet: str = ""
    capacity_basis: str = ""
    breakeven_requests_per_day: float | None = None
    breakeven_tokens_per_day: float | None = None
    note: str = ""
    #: Per-token options: where the price comes from, the date of the price row used (its
    #: start date; ``undated`` for a first price genai-prices gives no date) and its note
    #: (e.g. ``in force until 2025-06-10``).
    price_source: str = ""
    price_as_of: str = ""
    price_note: str = ""
    #: ``per_token``, ``selfhost`` or ``hybrid``.
    kind: str = ""
    #: Meets the quality floor (rated at least as good as the open model)? None: not rated.
    quality_ok: bool | None = None
    quality_note: str = ""
    #: Meets the latency target? None: not checked (no public figure) or no target.
    latency_ok: bool | None = None
    latency_note: str = ""
    #: A hybrid whose best split self-hosts 100% (``rent``/``buy``) or 0% (``per_token``).
    same_as: str = ""
    #: A hybrid's per-token partner (model slug).
    partner: str = ""
    fixed_usd: float = math.nan
    volume_usd_per_mtok: float = math.nan

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN as None)."""
        out = dataclasses.asdict(self)
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in out.items()}


def with_api_model(scenario: Scenario, model: str, entries: Any = None) -> Scenario:
    """The scenario with another API model's prices (for this request shape), all else kept.

    ``entries`` are ``api_price_entries(model, scenario_day(scenario), scenario.input_tokens,
    {})`` when the caller already has them (the sweep reuses them across configs). Prices are
    those in force on the scenario's valuation date.
    """
    if entries is None:
        entries = api_price_entries(model, scenario_day(scenario), scenario.input_tokens, {})
    entries = {**entries, "api_reasoning_tokens": _api_reasoning(scenario, model)}
    s = scenario.replace(**{k: v for k, (v, _) in entries.items()})
    prov = dict(s.provenance)
    prov.update({k: p for k, (_, p) in entries.items()})
    return dataclasses.replace(s, api_model=model, provenance=prov)


def _api_reasoning(scenario: Scenario, model: str) -> tuple[float, Any]:
    """Hidden reasoning tokens of per-token ``model``: the open model's (as the scenario holds
    them, overrides included) for its hosted copies, else the catalog's figure."""
    from aipolicy.costs.catalog import reasoning_tokens
    from aipolicy.costs.compare.fields import Provenance

    if model.split("@", 1)[0] == scenario.open_model:
        return scenario.reasoning_tokens, scenario.provenance.get(
            "reasoning_tokens", Provenance("default"))
    fig = reasoning_tokens(model)
    return fig.value, Provenance(fig.source, fig.as_of, fig.note)


def scenario_day(scenario: Scenario) -> dt.date:
    """The scenario's valuation date (the run's when the scenario records none)."""
    return valuation_day(scenario.as_of or None)


def best_proprietary_match(scenario: Scenario) -> str | None:
    """Cheapest current proprietary model rated at least as good as the open model, or None.

    Candidates: :func:`aipolicy.costs.catalog.quality.at_least_as_good` (95% intervals overlapping or
    above); retired models, models retiring within the horizon and models not yet priced on
    the valuation date are left out.
    """
    from aipolicy.costs.catalog.lifecycle import first_priced, retirement_warning
    from aipolicy.costs.catalog.quality import at_least_as_good

    best: tuple[float, str] | None = None
    day = scenario_day(scenario)
    for model in at_least_as_good(scenario.open_model):
        first = first_priced(model)
        if retirement_warning(model, horizon_months=scenario.horizon_months, today=day) or (
                first is not None and day < first[0]):
            continue
        try:
            cost = api_monthly(with_api_model(scenario, model)).monthly_usd
        except AipolicyError:
            continue
        if best is None or cost < best[0]:
            best = (cost, model)
    return None if best is None else best[1]


def replica_capacity(scenario: Scenario) -> dict[str, Any]:
    """One replica's capacity and its basis (requests/s).

    Keys: ``saturation_req_s`` (max-throughput requests/s), ``planned_req_s`` (what sizing
    uses), ``planned_share`` (planned / saturation), ``slo`` (the latency target in words or
    None), ``basis`` (throughput basis and SLO basis in words), ``fit_max_error`` (fraction or
    None), ``redundancy_replicas``; and the batch share's ``batch_share`` (of requests),
    ``batch_req_s`` and ``batch_planned_share`` (saturation x planning utilisation: batch
    work has no latency target and runs in the hours the interactive load leaves free).
    """
    sat = scenario.throughput_tok_s / (scenario.output_tokens + scenario.reasoning_tokens)
    share = float(planned_share({"planning_utilization": scenario.planning_utilization,
                                 "slo_capacity_fraction": scenario.slo_capacity_fraction}))
    tp = scenario.provenance.get("throughput_tok_s")
    slo_p = scenario.provenance.get("slo_capacity_fraction")
    has_slo = scenario.slo_capacity_fraction < 1.0 or not (
        math.isnan(scenario.slo_tokens_per_user) and math.isnan(scenario.slo_ttft_s))
    slo = None
    if has_slo:
        parts = []
        if not math.isnan(scenario.slo_tokens_per_user):
            parts.append(f">= {scenario.slo_tokens_per_user:g} tokens/s per user")
        if not math.isnan(scenario.slo_ttft_s):
            parts.append(f"first token <= {scenario.slo_ttft_s:g} s")
        slo = " and ".join(parts) or "given capacity fraction"
    basis = f"throughput {scenario.throughput_basis}" + (
        f" ({tp.note})" if tp is not None and tp.note else "")
    if has_slo and slo_p is not None:
        basis += f"; latency target: {slo_p.note}"
    else:
        basis += f"; no latency target: planned at {scenario.planning_utilization:.0%} of it"
    fit_err = scenario.throughput_fit_max_error
    return {"saturation_req_s": sat, "planned_req_s": sat * share, "planned_share": share,
            "batch_share": scenario.batch_share,
            "batch_req_s": sat * scenario.planning_utilization,
            "batch_planned_share": scenario.planning_utilization, "slo": slo, "basis": basis,
            "fit_max_error": None if fit_err is None or math.isnan(fit_err) else fit_err,
            "redundancy_replicas": int(scenario.redundancy_replicas)}


def _fleet(r: Any, scenario: Scenario) -> str:
    spare = int(scenario.redundancy_replicas)
    text = f"{r.replicas} replica(s) = {r.gpus} GPUs"
    if r.servers:
        gps = int(scenario.gpus_per_server)
        idle = int(r.servers) * gps - int(r.gpus)
        text += f" in {r.servers} {_server_name(scenario)} server(s) of {gps} GPUs"
        if idle > 0:
            text += f" ({idle} GPUs idle; no smaller server priced)"
    return text + (f", incl. {spare} spare" if spare else "")


def _server_name(scenario: Scenario) -> str:
    """The catalog server the scenario buys (``hgx-8xh100``), or ``given`` when none is named."""
    p = scenario.provenance.get("gpus_per_server")
    note = p.note if p is not None else ""
    if note.startswith("server "):
        return note[len("server "):].split(";", 1)[0].strip()
    return "given"


def compare_all(scenario: Scenario) -> list[Option]:
    """Every option for the scenario (see the module docstring), in a fixed order.

    Each option says whether it meets the quality floor (``quality_ok``) and the latency
    target (``latency_ok``); :func:`aipolicy.costs.compare.verdict.verdict` picks from them.
    """
    tokens = scenario.workload.tokens_per_month
    per_mtok = (lambda usd: usd / tokens * 1e6) if tokens > 0 else (lambda usd: math.nan)
    out = _per_token_options(scenario, per_mtok)
    cap = replica_capacity(scenario)
    for mode, label in (("rent", "self-host, rented GPUs"), ("buy", "self-host, bought GPUs")):
        out.append(_selfhost_option(scenario, mode, label, cap, per_mtok))
    out.append(_hybrid_option(scenario, "hybrid", scenario, cap, per_mtok))
    partner = cheapest_equal_quality(out)
    if partner is not None and partner.model != scenario.api_model:
        out.append(_hybrid_option(scenario, "hybrid_match",
                                  with_api_model(scenario, partner.model), cap, per_mtok))
    return out


def _per_token_options(scenario: Scenario, per_mtok: Any) -> list[Option]:
    """The named API, the cheapest proprietary API at least as good, the hosted open weights."""
    from aipolicy.costs.catalog.hosted import cheapest_hosted
    from aipolicy.costs.catalog.quality import quality

    named = scenario.api_model
    out = [_api_option("api", _api_label(named), scenario, per_mtok,
                       "the API model the scenario names")]
    match = best_proprietary_match(scenario)
    if match is not None and match != named:
        out.append(_api_option(
            "api_match", _api_label(match, "cheapest at least as good"),
            with_api_model(scenario, match), per_mtok,
            f"cheapest proprietary model rated at least as good as {scenario.open_model}"
            f"{_gap_text(match, scenario.open_model)}"))
    try:
        hosted = cheapest_hosted(scenario.open_model, input_tokens=scenario.input_tokens,
                                 output_tokens=scenario.output_tokens
                                 + scenario.reasoning_tokens,
                                 cached_share=scenario.cached_input_share,
                                 as_of=scenario_day(scenario))
        out.append(_api_option(
            "hosted", _api_label(hosted.model), with_api_model(scenario, hosted.model),
            per_mtok, f"the same weights per token; cheapest of the catalog's providers "
                      f"({hosted.source}, {hosted.as_of})"))
    except AipolicyError as exc:
        out.append(Option("hosted", "hosted open weights", scenario.open_model, math.nan,
                          math.nan, quality(scenario.open_model).label, note=str(exc)))
    return out


def _api_label(model: str, why: str = "") -> str:
    """``API: <model>`` or ``hosted open weights: <open>@<host>``, saying when the weights are
    open and sold by their maker's API, and ``why`` the option is listed."""
    from aipolicy.costs.catalog.api_prices import maker_of
    from aipolicy.costs.catalog.quality import maker_api_label

    if "@" in model:
        name, host = model.split("@", 1)
        tags = ["the maker's API"] if host == maker_of(name) else []
        head = f"hosted open weights: {model}"
    else:
        tags = [maker_api_label(model)] if maker_api_label(model) else []
        head = f"API: {model}"
    tags += [why] if why else []
    return head + (f" ({'; '.join(tags)})" if tags else "")


def _api_option(key: str, label: str, s: Scenario, per_mtok: Any, note: str) -> Option:
    """A per-token option priced with ``s``'s API prices, with its break-even and checks."""
    from aipolicy.costs.catalog.quality import quality
    from aipolicy.costs.compare.eligibility import latency_check, quality_check

    res = api_monthly(s)
    cost, fixed = res.monthly_usd, res.breakdown["staff"] + res.breakdown["implementation"]
    be = breakeven(s)
    price = s.provenance.get("api_input_per_mtok_usd")
    q_ok, q_note = quality_check(s.api_model, s.open_model)
    l_ok, l_note = latency_check(s.api_model, s)
    return Option(key, label, s.api_model, cost, per_mtok(cost),
                  quality(s.api_model.split("@", 1)[0]).label,
                  breakeven_requests_per_day=be.requests_per_day,
                  breakeven_tokens_per_day=be.tokens_per_day, note=note,
                  price_source=price.source if price else "",
                  price_as_of=price.as_of if price else "",
                  price_note=price.note if price else "", kind="per_token",
                  quality_ok=q_ok, quality_note=q_note, latency_ok=l_ok, latency_note=l_note,
                  fixed_usd=fixed, volume_usd_per_mtok=per_mtok(cost - fixed))


def _selfhost_option(scenario: Scenario, mode: str, label: str, cap: dict[str, Any],
                     per_mtok: Any) -> Option:
    """Self-hosting the open weights on rented or bought GPUs (NaN with the reason if unpriced)."""
    from aipolicy.costs.catalog.quality import quality
    from aipolicy.costs.compare.eligibility import selfhost_latency

    q = quality(scenario.open_model).label
    l_ok, l_note = selfhost_latency(cap)
    try:
        s = with_acquisition(scenario, mode)
        r = selfhost_monthly(s)
    except AipolicyError as exc:
        return Option(mode, label, scenario.open_model, math.nan, math.nan, q, note=str(exc),
                      kind="selfhost", quality_ok=True, quality_note="the open weights")
    fixed = sum(r.breakdown[c] for c in _FIXED)
    return Option(mode, label, scenario.open_model, r.monthly_usd, per_mtok(r.monthly_usd), q,
                  fleet=_fleet(r, s), capacity_basis=cap["basis"], kind="selfhost",
                  quality_ok=True, quality_note="the open weights", latency_ok=l_ok,
                  latency_note=l_note, fixed_usd=fixed,
                  volume_usd_per_mtok=per_mtok(r.monthly_usd - fixed))


def _hybrid_option(scenario: Scenario, key: str, partner: Scenario, cap: dict[str, Any],
                   per_mtok: Any) -> Option:
    """Self-host the base load in the scenario's mode, send the overflow to ``partner``'s API.

    A best split that self-hosts nothing or everything is not a hybrid: the option says which
    pure option it is (``same_as``) and the verdict leaves it out.
    """
    from aipolicy.costs.catalog.quality import quality
    from aipolicy.costs.compare.eligibility import (
        both,
        latency_check,
        quality_check,
        selfhost_latency,
    )

    hyb = optimise_hybrid(partner, tables=False)
    share = hyb.selfhost_share_of_requests
    fixed = _hybrid_fixed(partner, hyb.hybrid_replicas, share)
    same = ("" if hyb.cheapest == "hybrid" else
            scenario.acquisition if hyb.cheapest == "selfhost" else "per_token")
    q_ok, q_note = quality_check(partner.api_model, scenario.open_model)
    l_ok, l_note = both([selfhost_latency(cap), latency_check(partner.api_model, partner)])
    what = {"": f"{hyb.hybrid_replicas} replica(s) self-hosted, {share_text(share)} of requests",
            scenario.acquisition: f"self-hosts 100%: the same as self-hosting ({scenario.acquisition})",
            "per_token": f"self-hosts 0%: the same as {partner.api_model} alone"}[same]
    return Option(key, f"hybrid ({scenario.acquisition}) with {partner.api_model}",
                  scenario.open_model, hyb.hybrid_monthly_usd, per_mtok(hyb.hybrid_monthly_usd),
                  quality(scenario.open_model).label, fleet=what, capacity_basis=cap["basis"],
                  note=f"{partner.api_model} takes the overflow and covers failures",
                  kind="hybrid", quality_ok=q_ok, quality_note=q_note, latency_ok=l_ok,
                  latency_note=l_note, same_as=same,
                  partner=partner.api_model, fixed_usd=fixed,
                  volume_usd_per_mtok=per_mtok(hyb.hybrid_monthly_usd - fixed))


#: Self-hosting components that do not grow with volume (USD per month).
_FIXED = ("staff", "platform", "implementation")


def _hybrid_fixed(partner: Scenario, k: int, share: float) -> float:
    """Fixed overhead of a split (USD per month): the own fleet's staff, platform and
    implementation when it runs (k > 0), the API's when anything overflows to it."""
    from aipolicy.costs.compare.selfhost import selfhost_components

    out = 0.0
    if k > 0:
        c = selfhost_components(scenario_params(partner), partner.acquisition,
                                partner.rent_mode, partner.load_profile, replicas_cap=k)
        out += sum(float(c[f"{name}_usd"]) for name in _FIXED)
    if k == 0 or share < 1.0:
        res = api_monthly(partner)
        out += res.breakdown["staff"] + res.breakdown["implementation"]
    return out


def cheapest_equal_quality(options: list[Option]) -> Option | None:
    """The cheapest priced per-token option that meets the quality floor (None: none does)."""
    ok = [o for o in options if o.kind == "per_token" and o.quality_ok
          and math.isfinite(o.monthly_usd)]
    return min(ok, key=lambda o: o.monthly_usd) if ok else None


def late_price_warnings(options: list[Option], as_of: str | dt.date) -> list[str]:
    """One line per per-token option whose price row is dated after the valuation date.

    The catalogs hold no earlier price for it, so the comparison uses a price that was not yet
    listed on ``as_of`` (for example a hosted provider added later); the user should know.
    """
    from aipolicy.costs.catalog.files import parse_as_of

    day = valuation_day(as_of)
    out = []
    for o in options:
        try:
            dated = parse_as_of(o.price_as_of) if o.price_as_of else None
        except ValueError:
            continue
        if dated is not None and dated > day:
            out.append(f"{o.label}: its price is dated {o.price_as_of}, after the valuation "
                       f"date {day} (no earlier price is known); the comparison uses it anyway")
    return out


def _gap_text(model: str, open_model: str) -> str:
    from aipolicy.costs.catalog.quality import quality_gap

    gap = quality_gap(model, open_model)
    if gap is None:
        return ""
    return (f" ({gap.elo_points:+.0f} Elo points, preferred {gap.win_probability:.0%} of the "
            "time)")


def options_frame(options: list[Option]) -> pd.DataFrame:
    """The options as a table indexed by label (USD per month, USD per 1M tokens, quality...)."""
    frame = pd.DataFrame([o.to_dict() for o in options]).set_index("label")
    frame.index.name = "option"
    return frame
