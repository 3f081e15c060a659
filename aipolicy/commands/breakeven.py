"""``aipolicy breakeven``: API vs self-hosting, break-even, hybrid split and Monte Carlo.

Argument parsing imports nothing heavy; the cost models (pandas, NumPy) load in :func:`run`.
Flag values are checked by argparse (the error names the flag); anything the cost models
reject (unknown catalog names, missing catalog figures) is reported by :func:`run` with the
flag of the error's ``field`` (:data:`FIELD_FLAGS`) and, for names, the known values.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from typing import Any

from aipolicy.commands import breakeven_extras as extra
from aipolicy.commands.asof import AS_OF_HELP, as_of_flag
from aipolicy.commands.numbers import amount, cell
from aipolicy.commands.reserve import acquisition_label, gpu_hour, rate_line, reserved_overrides
from aipolicy.costs.capacity.targets import INTERACTIVE_SLO_TOKENS_PER_USER, INTERACTIVE_SLO_TTFT_S
from aipolicy.costs.compare.presets import list_presets
from aipolicy.errors import AipolicyError, CatalogError, InvalidInputError, in_user_terms
from aipolicy.record import fmt_scaled, to_jsonable


def _number(kind: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not math.isfinite(v):
            raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
        if kind == "nonneg" and v < 0:
            raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
        if kind == "positive" and v <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
        if kind == "share" and not 0 <= v <= 1:
            raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
        if kind == "utilization" and not 0 < v <= 1:
            raise argparse.ArgumentTypeError(f"must be in (0, 1] (a share of measured "
                                             f"capacity, e.g. 0.9), got {text}")
        return v

    parse.__name__ = f"{kind} number"
    return parse


def _whole(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if v < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {text}")
        return v

    parse.__name__ = "whole number"
    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the flags of ``aipolicy breakeven``."""
    parser.epilog = ("What can be named, with prices, quality and dates: 'aipolicy catalog "
                     "models' (--api-model), 'aipolicy catalog gpus' (--gpu). API prices come "
                     "from genai-prices ('aipolicy prices show'). Explicit values win over the "
                     "catalog and the preset.")
    g = parser.add_argument_group("scenario")
    g.add_argument("--preset", choices=list_presets(), default="midmarket",
                   help="organisation profile to start from (default: midmarket)")
    g.add_argument("--api-model", help="API model slug, e.g. gpt-4o, or llama-3.3-70b@groq")
    g.add_argument("--open-model", help="open-weight model slug, e.g. llama-3.3-70b")
    g.add_argument("--gpu", help="GPU slug, e.g. h100-sxm, a100-80gb, h200")
    g.add_argument("--acquisition", choices=("rent", "reserve", "buy"),
                   help="rent GPU-hours on demand, reserve them (a committed rate, billed "
                        "24 h a day whether used or not) or buy servers")
    g.add_argument("--rental-provider", help="rental price row, e.g. runpod (default: catalog's)")
    g.add_argument("--as-of", type=as_of_flag, metavar="YYYY-MM-DD",
                   help=f"{AS_OF_HELP}, retirements counted from it (default today)")
    g.add_argument("--rent-mode", choices=("always_on", "autoscale"),
                   help="rented replicas run 24 h (default) or follow the hourly load")
    w = parser.add_argument_group("workload")
    w.add_argument("--requests-per-day", type=_number("nonneg"), help="requests per day")
    w.add_argument("--input-tokens", type=_number("nonneg"), help="input tokens per request")
    w.add_argument("--output-tokens", type=_number("positive"), help="output tokens per request")
    w.add_argument("--cached-share", type=_number("share"),
                   help="share of input tokens that is a shared prompt prefix (0-1): the API "
                        "bills it at its cached price, a self-hosted replica skips its prefill")
    w.add_argument("--batch-share", type=_number("share"),
                   help="share of requests that can use the API's batch tier (0-1)")
    w.add_argument("--load-profile", choices=("flat", "business_hours", "evening_peak"),
                   help="24-hour load shape (sets the peak)")
    extra.add_reasoning_flags(w, _number)
    o = parser.add_argument_group("overrides (win over the catalog)")
    o.add_argument("--api-input-price", type=_number("nonneg"),
                   help="USD per 1M input tokens (cached/batch prices keep the catalog's ratio)")
    o.add_argument("--api-output-price", type=_number("nonneg"),
                   help="USD per 1M output tokens (batch price keeps the catalog's ratio)")
    o.add_argument("--gpu-hourly", type=_number("nonneg"), help="USD per GPU-hour (rent)")
    o.add_argument("--gpus-per-replica", type=_whole(1), help="GPUs per replica (TP size)")
    o.add_argument("--throughput", type=_number("positive"),
                   help="output tokens/s for one whole replica")
    o.add_argument("--utilization", type=_number("utilization"),
                   help="planning utilisation of measured capacity, in (0, 1]")
    o.add_argument("--staff-fte", type=_number("nonneg"), help="self-hosting staff, FTE")
    o.add_argument("--platform-monthly", type=_number("nonneg"),
                   help="platform / MLOps cost, USD per month")
    o.add_argument("--implementation", type=_number("nonneg"),
                   help="one-off implementation cost, USD (spread over the horizon)")
    o.add_argument("--horizon-months", type=_whole(1), help="analysis horizon, months")
    _topology_and_output(parser)


def _topology_and_output(parser: argparse.ArgumentParser) -> None:
    """The latency target, spares and on-call flags, and the output flags."""
    t = parser.add_argument_group("production topology and latency target")
    t.add_argument("--slo-tokens-per-user", type=_number("positive"),
                   help="minimum output tokens/s each user sees (interactive presets: "
                        f"{INTERACTIVE_SLO_TOKENS_PER_USER:g})")
    t.add_argument("--slo-ttft-s", type=_number("positive"),
                   help="maximum time to first token, seconds (interactive presets: "
                        f"{INTERACTIVE_SLO_TTFT_S:g})")
    t.add_argument("--no-slo", action="store_true",
                   help="no latency target: plan replicas at saturation x --utilization")
    t.add_argument("--redundancy", type=_whole(0),
                   help="spare replicas beyond the peak-hour need (default 1: N+1)")
    t.add_argument("--min-replicas", type=_whole(1), help="smallest fleet (default 1)")
    t.add_argument("--oncall-share", type=_number("share"),
                   help="share of a 24/7 on-call rotation the service carries (0-1)")
    m = parser.add_argument_group("output")
    m.add_argument("--draws", type=_whole(0), default=0,
                   help="Monte Carlo draws (0 = none; default 0)")
    m.add_argument("--seed", type=int, default=0, help="Monte Carlo seed (default 0)")
    m.add_argument("--json", action="store_true", help="print one JSON object")


#: Scenario field or build_scenario argument -> its flag. Values of set flags are passed to
#: ``scenario_from_preset`` under the field's name, and an error about a field (``exc.field``)
#: is reported with its flag.
FIELD_FLAGS: dict[str, str] = {
    "api_model": "--api-model", "open_model": "--open-model", "gpu": "--gpu",
    "acquisition": "--acquisition", "rental_provider": "--rental-provider", "as_of": "--as-of",
    "rent_mode": "--rent-mode",
    "requests_per_day": "--requests-per-day", "input_tokens": "--input-tokens",
    "output_tokens": "--output-tokens", "cached_input_share": "--cached-share",
    "batch_share": "--batch-share", "load_profile": "--load-profile",
    "api_input_per_mtok_usd": "--api-input-price", "api_output_per_mtok_usd": "--api-output-price",
    "gpu_hour_usd": "--gpu-hourly", "gpus_per_replica": "--gpus-per-replica",
    "throughput_tok_s": "--throughput", "planning_utilization": "--utilization",
    "staff_fte": "--staff-fte", "platform_monthly_usd": "--platform-monthly",
    "implementation_usd": "--implementation", "horizon_months": "--horizon-months",
    "slo_tokens_per_user": "--slo-tokens-per-user", "slo_ttft_s": "--slo-ttft-s",
    "redundancy_replicas": "--redundancy", "min_replicas": "--min-replicas",
    "oncall_share": "--oncall-share", **extra.EXTRA_FLAGS,
}
#: Errors about a field no flag sets: the flag that helps instead.
_OTHER_FLAGS: dict[str, str] = {
    "preset": "--preset", "server_price_usd": "--acquisition", "gpus_per_server": "--acquisition",
    "installation_usd": "--acquisition", "draws": "--draws", "seed": "--seed",
}
#: A catalog figure is missing: what else the user can do.
_MISSING_HINTS: dict[str, str] = {
    "gpu_hour_usd": " (or --acquisition buy)",
    "server_price_usd": " (or --acquisition rent with --gpu-hourly)",
    "api_input_per_mtok_usd": " (flags --api-input-price and --api-output-price, or another "
                              "--api-model)",
}


def _dest(flag: str) -> str:
    return flag[2:].replace("-", "_")


def flag_error(exc: AipolicyError) -> InvalidInputError:
    """The error re-worded for the command line: prefixed with the flag of ``exc.field``, and
    every input it names by its flag (``keep --utilization at least 0.004``)."""
    flag = FIELD_FLAGS.get(exc.field or "") or _OTHER_FLAGS.get(exc.field or "")
    msg = str(exc)
    if exc.field and msg.startswith(f"{exc.field} "):  # the flag goes in front instead
        msg = msg[len(exc.field) + 1:]
    msg = in_user_terms(msg, {**FIELD_FLAGS, "draws": "--draws", "seed": "--seed"})
    if flag is None:
        return InvalidInputError(msg, field=exc.field)
    if isinstance(exc, CatalogError):
        msg += _MISSING_HINTS.get(exc.field or "", "")
    return InvalidInputError(f"{flag}: {msg}", field=exc.field)


def build_from_args(args: argparse.Namespace):  # -> Scenario
    """Scenario from the preset, catalog names and explicit flag values.

    Raises
    ------
    InvalidInputError
        Naming the flag of the input at fault (looked up from the error's ``field``).
    """
    from aipolicy.costs.compare.presets import scenario_from_preset

    kw = {field: getattr(args, _dest(flag)) for field, flag in FIELD_FLAGS.items()
          if getattr(args, _dest(flag), None) is not None}
    if getattr(args, "no_slo", False):
        if "slo_tokens_per_user" in kw or "slo_ttft_s" in kw:
            raise InvalidInputError("--no-slo: cannot be combined with --slo-tokens-per-user "
                                    "or --slo-ttft-s; give one or the other",
                                    field="slo_tokens_per_user")
        kw.update(slo_tokens_per_user=math.nan, slo_ttft_s=math.nan)
    if kw.get("acquisition") == "reserve":
        kw.update(reserved_overrides(kw, args.preset))
    try:
        return scenario_from_preset(args.preset, **kw)
    except (CatalogError, InvalidInputError) as exc:
        raise flag_error(exc) from None


def compute(args: argparse.Namespace) -> dict[str, Any]:
    """All figures of the command as a JSON-ready dict."""
    from aipolicy.costs.compare.api import api_monthly
    from aipolicy.costs.compare.curve import breakeven
    from aipolicy.costs.compare.hybrid import optimise_hybrid
    from aipolicy.costs.compare.selfhost import selfhost_monthly
    from aipolicy.costs.compare.threeway import compare_all, replica_capacity

    s = build_from_args(args)
    api = api_monthly(s)
    sh = selfhost_monthly(s)
    be = breakeven(s)
    hy = optimise_hybrid(s, tables=False)
    options = compare_all(s)
    out: dict[str, Any] = {
        "preset": s.name, "api_model": s.api_model, "open_model": s.open_model, "gpu": s.gpu,
        "acquisition": acquisition_label(args, s), "requests_per_day": s.requests_per_day,
        "input_tokens": s.input_tokens, "output_tokens": s.output_tokens,
        "peak_factor": s.peak_factor, "throughput_tok_s": s.throughput_tok_s,
        "throughput_estimated": s.throughput_estimated,
        "throughput_basis": s.throughput_basis,
        "gpu_hour": gpu_hour(s),
        "gpus_per_replica": s.gpus_per_replica,
        "api_monthly_usd": api.monthly_usd, "api_per_request_usd": api.per_request_usd,
        "selfhost_monthly_usd": sh.monthly_usd, "selfhost_breakdown_usd": dict(sh.breakdown),
        "replicas": sh.replicas, "gpus": sh.gpus, "servers": sh.servers,
        "hybrid_replicas": hy.hybrid_replicas, "hybrid_monthly_usd": hy.hybrid_monthly_usd,
        "hybrid_selfhost_share": hy.selfhost_share_of_requests,
        "named_api_split": hy.cheapest,
        "breakeven_reached": be.reached,
        "breakeven_requests_per_day": be.requests_per_day,
        "breakeven_tokens_per_day": be.tokens_per_day,
        "breakeven_tokens_per_month": be.tokens_per_month,
        "breakeven_message": be.message, "horizon_months": s.horizon_months,
        "as_of": s.as_of,
        "api_price_source": s.provenance["api_input_per_mtok_usd"].source,
        "api_price_as_of": s.provenance["api_input_per_mtok_usd"].as_of,
        "api_price_note": s.provenance["api_input_per_mtok_usd"].note,
        "price_snapshot": _snapshot(s.as_of),
        "warnings": _warnings(s, options),
        "options": [o.to_dict() for o in options], "reasoning": extra.reasoning(s),
        "fleet_search": extra.fleet_search(s),
        "replica_capacity": replica_capacity(s),
    }
    out.update(_choice(s, options, args))
    return out


def _choice(s: Any, options: list[Any], args: argparse.Namespace) -> dict[str, Any]:
    """The verdict over every option, what would flip it, and with draws P(each is cheapest)."""
    from aipolicy.costs.compare.verdict import verdict
    from aipolicy.costs.uncertainty.choice import choice_monte_carlo, verdict_flips

    v = verdict(options)
    flips = verdict_flips(s, options)
    out: dict[str, Any] = {"verdict": v.to_dict(), "cheapest": v.key,
                           "verdict_flips": flips.to_dict(orient="records")}
    if args.draws:
        try:
            mc = choice_monte_carlo(s, options, draws=args.draws, seed=args.seed)
        except InvalidInputError as exc:
            raise flag_error(exc) from None
        out.update({"draws": args.draws, "seed": args.seed, "p_cheapest": mc.p_cheapest,
                    "monthly_percentiles_usd": {
                        k: {q: (None if math.isnan(x) else x) for q, x in row.items()}
                        for k, row in mc.percentiles.to_dict(orient="index").items()}})
    return out


def _snapshot(as_of: str) -> dict[str, Any]:
    from dataclasses import asdict

    from aipolicy.costs.catalog.prices import snapshot

    snap = snapshot(as_of)
    return {**asdict(snap), "label": snap.label}


def _warnings(s: Any, options: list[Any]) -> list[str]:
    """Retirement of the API model within the horizon, counted from the valuation date, and
    per-token prices dated after it."""
    import datetime as dt

    from aipolicy.costs.capacity.estimator import LIBRARY
    from aipolicy.costs.capacity.throughput import how_far_outside
    from aipolicy.costs.catalog.lifecycle import retirement_warning
    from aipolicy.costs.compare.threeway import late_price_warnings

    found = retirement_warning(s.api_model, horizon_months=s.horizon_months,
                               today=dt.date.fromisoformat(s.as_of))
    out = ([found] if found else []) + late_price_warnings(options, s.as_of)
    if s.throughput_basis == "extrapolated":
        note = s.provenance["throughput_tok_s"].note
        other = note.split(f"; {LIBRARY} ", 1)  # the estimator's own figure, when it differs
        also = f"; {LIBRARY} {other[1]}" if len(other) == 2 else ""
        out.append(f"throughput of {s.open_model} on {s.gpu} is extrapolated beyond the "
                   f"measured request shapes ({how_far_outside(note)}){also}; treat the "
                   "self-hosting cost as a rough estimate")
    return out


def verdict_line(r: dict[str, Any]) -> str:
    """The first result line: the cheapest option meeting quality and latency, and its margin."""
    return f"verdict: {r['verdict']['sentence']}"


def _checks(o: dict[str, Any]) -> str:
    word = {True: "ok", False: "FAILS", None: "-"}
    return f"{word[o['quality_ok']]}/{word[o['latency_ok']]}"


def _verdict_lines(r: dict[str, Any]) -> list[str]:
    """The verdict's basis, what is excluded, what would flip it, and its Monte Carlo."""
    v = r["verdict"]
    lines = [f"basis: {v['reason']}"]
    by_key = {o["key"]: o for o in r["options"]}
    for key, why in v["excluded"].items():
        if by_key[key]["kind"] != "hybrid" or not by_key[key]["same_as"]:
            lines.append(f"  left out: {by_key[key]['label']}: {why}")
    flips = r.get("verdict_flips") or []
    if flips:
        lines.append("would flip it: " + "; ".join(
            f"{f['parameter']} at its {f['end']} -> {f['cheapest_label']} "
            f"({f['monthly_usd']:,.0f} vs {f['verdict_monthly_usd']:,.0f})" for f in flips))
    else:
        lines.append("robust: no single uncertain input at its low or high end changes it")
    if "p_cheapest" in r:
        ranked = sorted(r["p_cheapest"].items(), key=lambda kv: -kv[1])
        lines.append(f"Monte Carlo ({r['draws']:,} draws, seed {r['seed']}): P(cheapest) "
                     + ", ".join(f"{by_key[k]['label']} {p:.1%}" for k, p in ranked if p > 0))
    return lines


def _price_date(as_of: str, note: str) -> str:
    """Where a per-token option's price row stands in time, in words."""
    until = next((p.strip() for p in note.split(";") if "in force until" in p), "")
    if as_of == "undated":
        return ("undated first price in genai-prices, " + until if until
                else "undated in genai-prices (the price it lists as current)")
    return f"price dated {as_of}" + (f", {until}" if until else "")


def render(r: dict[str, Any]) -> str:
    """Human-readable table of :func:`compute`'s result."""
    basis = r.get("throughput_basis", "measured")
    est = " (given with --throughput)" if basis == "given" else f" ({basis})"
    lines = [
        verdict_line(r),
        f"aipolicy breakeven - preset {r['preset']}: {r['api_model']} vs {r['open_model']} on "
        f"{r['gpu']} ({r['acquisition']})",
        *rate_line(r),
        f"workload: {amount(r['requests_per_day'])} requests/day, {amount(r['input_tokens'])} "
        f"in / {amount(r['output_tokens'])} out tokens, peak hour x{r['peak_factor']:.2f}",
        f"replica: {r['gpus_per_replica']} GPU(s), {r['throughput_tok_s']:,.0f} output tok/s"
        f"{est}; planned at {r['replica_capacity']['planned_req_s']:,.2f} requests/s "
        f"({r['replica_capacity']['planned_share']:.0%} of saturation, "
        + (f"latency target {r['replica_capacity']['slo']}" if r["replica_capacity"]["slo"]
           else "no latency target") + ")",
        *extra.batch_line(r), *extra.reasoning_line(r),
        "",
        f"{'every option':<58}{'USD/month':>11}{'fixed':>11}{'var/1M tok':>11}  quality   "
        "q/latency  fleet",
        *[f"{o['label'][:57]:<58}{cell(o['monthly_usd'], 11)}{cell(o['fixed_usd'], 11)}"
          f"{cell(o['volume_usd_per_mtok'], 11, 3)}  "
          f"{o['quality'].split(' ')[0]:<9} {_checks(o):<10} {o['fleet']}" for o in r["options"]],
        extra.cost_legend(), *extra.fleet_lines(r),
        "",
        *_verdict_lines(r),
        "",
    ]
    v = r["verdict"]
    if v["breakeven_against"] is not None:
        be = v["breakeven_requests_per_day"]
        against = next(o["label"] for o in r["options"] if o["key"] == v["breakeven_against"])
        lines.append(f"break-even of self-hosting ({r['acquisition']}) against the cheapest "
                     f"per-token option, {against}: " + (
                         "not reached within 1,000x this volume" if be is None else
                         f"{be:,.0f} requests/day = {fmt_scaled(v['breakeven_tokens_per_day'], 1)} "
                         "tokens/day"))
    lines.append(f"break-even of self-hosting ({r['acquisition']}) against each API option:")
    for o in r["options"]:
        if o["key"] in ("api", "api_match", "hosted") and o["monthly_usd"] is not None:
            be = o["breakeven_requests_per_day"]
            txt = ("not reached" if be is None else
                   f"{be:,.0f} requests/day = {fmt_scaled(o['breakeven_tokens_per_day'], 1)} "
                   "tokens/day")
            lines.append(f"  {o['label']}: {txt}")
    lines.append(f"valued as of {r['as_of']}: {r['price_snapshot']['label']}")
    for o in r["options"]:
        if o.get("price_source"):
            lines.append(f"  {o['label']}: {_price_date(o['price_as_of'], o['price_note'])}")
    lines += [f"warning: {w}" for w in r.get("warnings", [])]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Compute and print; returns 0. Raises :class:`InvalidInputError` naming the flag."""
    result = compute(args)
    bad = extra.non_finite(result)
    if bad:
        raise InvalidInputError(
            f"the inputs give non-finite figures ({', '.join(bad[:3])}); check very large or "
            "very small values such as --requests-per-day", field=None)
    if args.json:
        print(json.dumps(to_jsonable(result), indent=2, sort_keys=True, allow_nan=False))
    else:
        print(render(result))
    return 0
