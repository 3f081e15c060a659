"""The builder's steps: catalog look-ups that fill the inputs of a scenario.

Each step returns ``{field: (value, Provenance)}`` for one group of inputs of
:func:`aipolicy.costs.build_scenario`: the workload, the API prices (USD per 1M tokens), the
throughput and replica size (output tokens/s, GPUs), the hardware (USD per GPU-hour, W, USD
per server) and the catalog's operating defaults. ``given`` is the preset's values and the
caller's overrides, which win over every step.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from aipolicy.costs import catalog
from aipolicy.costs.capacity.throughput import default_precision, min_gpus_for, replica_throughput
from aipolicy.costs.compare.fields import Provenance, catalog_key
from aipolicy.errors import CatalogError

__all__ = ["Entries", "api_price_entries", "catalog_default", "hardware_entries",
           "reasoning_entries", "throughput_entries", "workload_entries"]

#: (value, provenance) of scenario fields, as the builder's steps return them.
Entries = dict[str, tuple[Any, Provenance]]


def _fig_prov(fig: catalog.Figure) -> Provenance:
    return Provenance(fig.source, fig.as_of, fig.note)


def catalog_default(name: str, acquisition: str) -> tuple[float, Provenance]:
    """The catalog default of scenario field ``name`` for ``acquisition``, with provenance.

    Only fields in :data:`~aipolicy.costs.compare.fields.CATALOG_DEFAULTS` have one (``staff_fte`` and
    ``implementation_usd`` differ between renting and buying).
    """
    fig = catalog.cost_default(catalog_key(name, acquisition))
    return fig.value, _fig_prov(fig)


def workload_entries(requests_per_day: float, input_tokens: float, output_tokens: float,
                     profile: str | Sequence[float]) -> Entries:
    """Volume (requests/day), tokens per request and the load profile from the arguments."""
    src = Provenance("build_scenario argument")
    prof = Provenance("aipolicy assumption" if profile != "flat" else "default (flat)",
                      note=str(profile))
    return {"requests_per_day": (float(requests_per_day), src),
            "input_tokens": (float(input_tokens), src),
            "output_tokens": (float(output_tokens), src), "load_profile": (profile, prof)}


_DERIVED_PRICES = (  # field, catalog attribute, standard price it is a discount of
    ("api_cached_input_per_mtok_usd", "cached_input_per_mtok_usd", "input"),
    ("api_batch_input_per_mtok_usd", "batch_input_per_mtok_usd", "input"),
    ("api_batch_output_per_mtok_usd", "batch_output_per_mtok_usd", "output"),
)


def api_price_entries(api_model: str, as_of: str | dt.date | None, input_tokens: float,
                      given: Mapping[str, Any]) -> Entries:
    """API prices in USD per 1M tokens: the catalog's, or the caller's standard prices.

    When the caller gives ``api_input_per_mtok_usd`` / ``api_output_per_mtok_usd``, the
    cached and batch prices not given keep the catalog's ratio to the standard price (the
    standard price where the catalog lists none).
    """
    std_given = {"input": given.get("api_input_per_mtok_usd"),
                 "output": given.get("api_output_per_mtok_usd")}
    price = catalog.api_price(api_model, as_of=as_of, input_tokens=input_tokens)
    ap = Provenance(price.source, price.as_of, price.note)
    std = {"input": price.input_per_mtok_usd, "output": price.output_per_mtok_usd}
    out = {"api_input_per_mtok_usd": (std["input"], ap),
           "api_output_per_mtok_usd": (std["output"], ap)}
    for key, attr, kind in _DERIVED_PRICES:
        listed = getattr(price, attr)
        ratio = listed / std[kind] if listed is not None and std[kind] else 1.0
        if std_given[kind] is not None:
            out[key] = (float(std_given[kind]) * ratio, Provenance(
                price.source, price.as_of, f"caller's {kind} price x the catalog's ratio "
                                           f"{ratio:.4g} to the standard price"))
        elif listed is None:
            out[key] = (std[kind], Provenance(price.source, price.as_of,
                                              "not listed: the standard price is used"))
        else:
            out[key] = (listed, ap)
    return out


def reasoning_entries(open_model: str, api_model: str, given: Mapping[str, Any]) -> Entries:
    """Hidden reasoning tokens per request of the open model and of the API model (tokens,
    billed as output): the catalog's figure (``reasoning_tokens.csv``; 0 for a model that
    does not reason by default) unless given. The open weights served per token
    (``<open>@<host>``) reason like the self-hosted ones, so they take the open model's figure.
    """
    out: Entries = {}
    for key, model in (("reasoning_tokens", open_model), ("api_reasoning_tokens", api_model)):
        if key in given:
            out[key] = (float(given[key]), Provenance("caller override"))
        elif key == "api_reasoning_tokens" and api_model.split("@", 1)[0] == open_model:
            out[key] = out["reasoning_tokens"]
        else:
            out[key] = (catalog.reasoning_tokens(model).value,
                        _fig_prov(catalog.reasoning_tokens(model)))
    return out


def throughput_entries(open_model: str, gpu: str, input_tokens: float, output_tokens: float,
                       precision: str | None, given: Mapping[str, Any]) -> Entries:
    """Output tokens/s of one replica and its size in GPUs (measured, estimated or given)."""
    gpr = given.get("gpus_per_replica")
    out: Entries = {}
    if "throughput_tok_s" in given:
        if gpr is None:
            try:
                gpr = replica_throughput(open_model, gpu, input_tokens, output_tokens,
                                         precision=precision).gpus_per_replica
            except CatalogError:
                # the estimate lacks a GPU figure, but only the replica size is needed here:
                # the smallest power of two whose memory holds the weights
                gpr = min_gpus_for(open_model, gpu, precision or default_precision(gpu))
        own = Provenance("caller override")
        out["throughput_tok_s"] = (float(given["throughput_tok_s"]), own)
        out["throughput_estimated"] = (bool(given.get("throughput_estimated", False)), own)
        out["throughput_basis"] = (str(given.get("throughput_basis", "given")), own)
        out["throughput_fit_max_error"] = (math.nan, own)
        out["precision"] = (precision or "fp8", own)
    else:
        try:
            est = replica_throughput(open_model, gpu, input_tokens, output_tokens,
                                     gpus_per_replica=None if gpr is None else int(gpr),
                                     precision=precision)
        except CatalogError as exc:
            raise CatalogError(f"{exc} (or give throughput_tok_s)",
                               field="throughput_tok_s") from None
        gpr = est.gpus_per_replica
        out.update(_replica_entries(est, open_model, gpu, input_tokens, output_tokens))
    out["gpus_per_replica"] = (int(gpr), Provenance("throughput catalog (tensor-parallel size)"))
    return out


def _replica_entries(est: Any, open_model: str, gpu: str, input_tokens: float,
                     output_tokens: float) -> Entries:
    """Throughput entries from the package's estimate ``est`` or a curve of one replica.

    The order of evidence: a measured row of the package's own tables (``est`` measured);
    the measured serving runs aiconfigurator-core ships for exactly this case; the package's
    fit of measured rows (interpolated or extrapolated); aiconfigurator-core's estimate; the
    package's roofline estimate. The figure used notes the other source when they disagree by
    more than 15%.
    """
    from aipolicy.costs.capacity import estimator, silicon

    c = silicon.replica_curve(open_model, gpu, est.gpus_per_replica, est.precision,
                              input_tokens, output_tokens)
    measured = isinstance(c, silicon.MeasuredCurve)
    if c is not None and c.fits and (est.basis == "estimated"
                                     or (measured and est.basis != "measured")):
        source = (c.measured_by if measured else estimator.SOURCE)
        as_of = c.measured_as_of if measured else estimator.released(c.version)
        note = estimator.saturation_note(c)
        if measured:
            note += estimator.disagreement(
                c.saturation.output_tok_s, est.output_tok_s, "output tokens/s",
                f"the package's {est.basis} figure ({est.source})", c.basis)
        else:
            note += silicon.checked_note(c.model, c.backend)
        tp = Provenance(source, as_of, note)
        return {"throughput_tok_s": (c.saturation.output_tok_s, tp),
                "throughput_estimated": (not measured, tp), "precision": (est.precision, tp),
                "throughput_basis": (c.basis, tp), "throughput_fit_max_error": (math.nan, tp)}
    note = est.note
    if c is not None and c.fits:
        note += estimator.disagreement(est.output_tok_s, c.saturation.output_tok_s,
                                       "output tokens/s at saturation", c.named, est.basis)
    tp = Provenance(est.source, est.as_of, note)
    fit_err = est.fit_max_error if est.fit_max_error is not None else math.nan
    return {"throughput_tok_s": (est.output_tok_s, tp), "throughput_estimated": (est.estimated, tp),
            "precision": (est.precision, tp), "throughput_basis": (est.basis, tp),
            "throughput_fit_max_error": (fit_err, tp)}


def hardware_entries(gpu: str, acquisition: str, rental_provider: str | None,
                     given: Mapping[str, Any]) -> Entries:
    """GPU-hour price, GPU board power and the server (price, GPUs, installation).

    The GPU-hour price is :func:`aipolicy.costs.catalog.rental.planning_rate`'s: the market
    rate for an always-on fleet over a year or more (the horizon and rent mode in ``given``,
    else the catalog defaults), the default on-demand row otherwise, or ``rental_provider``'s.
    """
    from aipolicy.costs.catalog.rental import planning_rate

    out: Entries = {}
    if "gpu_hour_usd" not in given:
        horizon = given.get("horizon_months", catalog.cost_default("horizon_months").value)
        try:
            fig = planning_rate(gpu, horizon_months=float(horizon), provider=rental_provider,
                                rent_mode=str(given.get("rent_mode", "always_on")))
            out["gpu_hour_usd"] = (fig.value, _fig_prov(fig))
        except CatalogError as exc:  # buying needs no rental price, but a known provider
            if acquisition == "rent" or exc.field == "rental_provider":
                raise
    spec = catalog.gpu_spec(gpu)
    if spec.board_power_w is not None:
        out["board_power_w"] = (spec.board_power_w.value, _fig_prov(spec.board_power_w))
    try:
        server = catalog.server_for(gpu)
    except CatalogError:
        if acquisition == "buy" and not all(
                k in given for k in ("gpus_per_server", "server_price_usd", "installation_usd")):
            raise
        out.update(_server_power_entry(gpu, given.get("gpus_per_server"), given))
        return out
    sp = Provenance(server.source, server.as_of,
                    f"server {server.server}; {server.note}".rstrip("; "))
    inst = catalog.cost_default("installation_share")
    out["gpus_per_server"] = (float(server.gpus_per_server), sp)
    out["server_price_usd"] = (server.price_usd, sp)
    out["installation_usd"] = (server.installation_usd, Provenance(
        inst.source, inst.as_of, "estimated: " + inst.note) if server.installation_estimated
        else sp)
    out.update(_server_power_entry(gpu, given.get("gpus_per_server", server.gpus_per_server),
                                   given))
    return out


def _server_power_entry(gpu: str, gpus_per_server: Any, given: Mapping[str, Any]) -> Entries:
    """``server_power_w``: the server's maximum input power (W), sourced or estimated.

    It sets the provisioned kW that colocation charges (see :mod:`aipolicy.costs.compare.selfhost`);
    energy is billed on board power and base power instead. Nothing when the caller gives it,
    or when the server size or the GPU's power is unknown (buying then asks for it).
    """
    if "server_power_w" in given or gpus_per_server is None:
        return {}
    try:
        fig = catalog.server_power(gpu, int(gpus_per_server), given.get("server_base_power_w"))
    except CatalogError:
        return {}
    return {"server_power_w": (fig.value, _fig_prov(fig))}
