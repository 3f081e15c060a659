"""The cheapest self-hosted fleet: every GPU of the catalog and every tensor-parallel size the
model allows, priced like the user's choice.

For each GPU of ``gpus.csv`` and each replica size from the smallest whose memory holds the
weights up to :data:`~aipolicy.costs.compare.capacity_plan.MAX_TP` GPUs (powers of two), the
scenario is rebuilt with that GPU and size and everything else kept (workload, latency target,
traffic classes, prefix cache, staff, horizon, acquisition mode and rate tier): throughput,
latency share, GPU-hour rate and server come from the catalogs for that GPU. A candidate that
cannot be priced (no rate or server for the mode, a size that cannot meet the latency target,
no throughput figure) is listed as skipped with the reason. The user's own choice is priced
as it stands (its overrides included). Curves from aiconfigurator-core are cached on disk by
the estimator and the builds of one process are memoised, so a repeated search is fast.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from aipolicy.costs import catalog
from aipolicy.costs.compare.capacity_plan import MAX_TP
from aipolicy.costs.compare.scenario import Scenario, build_scenario
from aipolicy.costs.compare.selfhost import selfhost_monthly
from aipolicy.errors import AipolicyError

__all__ = ["Candidate", "FleetSearch", "GPU_FIELDS", "cheapest_fleet", "fleet_text"]

#: Scenario fields that belong to the GPU and replica size (rebuilt for every candidate).
GPU_FIELDS = frozenset({
    "throughput_tok_s", "throughput_estimated", "throughput_basis", "throughput_fit_max_error",
    "precision", "gpus_per_replica", "slo_capacity_fraction", "gpu_hour_usd", "gpus_per_server",
    "server_price_usd", "installation_usd", "board_power_w", "server_power_w"})
_BUILD_ARGS = ("name", "api_model", "open_model", "gpu", "acquisition", "as_of", "provenance",
               "requests_per_day", "input_tokens", "output_tokens", "load_profile")


@dataclass(frozen=True)
class Candidate:
    """One self-hosted fleet: a GPU and replica size, priced (USD per month), or skipped."""

    gpu: str
    gpus_per_replica: int
    monthly_usd: float = math.nan
    replicas: int = 0
    gpus: int = 0
    gpu_hour_usd: float = math.nan
    throughput_basis: str = ""
    skipped: str = ""
    chosen: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN as None)."""
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in dataclasses.asdict(self).items()}


@dataclass(frozen=True)
class FleetSearch:
    """Every candidate fleet (priced ones cheapest first, then the skipped), the cheapest and
    the user's choice."""

    acquisition: str
    candidates: tuple[Candidate, ...]
    best: Candidate | None
    choice: Candidate
    searched: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def saving_usd(self) -> float:
        """USD per month the cheapest fleet saves against the user's choice (>= 0)."""
        if self.best is None or not math.isfinite(self.choice.monthly_usd):
            return math.nan
        return max(0.0, self.choice.monthly_usd - self.best.monthly_usd)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: ``acquisition``, ``best``, ``choice``, ``saving_usd``,
        ``searched`` (fleets tried), ``candidates`` (priced and skipped), ``notes``."""
        save = self.saving_usd
        return {"acquisition": self.acquisition,
                "best": None if self.best is None else self.best.to_dict(),
                "choice": self.choice.to_dict(), "saving_usd": None if math.isnan(save) else save,
                "searched": self.searched, "candidates": [c.to_dict() for c in self.candidates],
                "notes": list(self.notes)}


def _replica_sizes(open_model: str, gpu: str) -> list[int]:
    """Powers of two from the smallest replica whose memory holds the weights to MAX_TP."""
    from aipolicy.costs.capacity.throughput import default_precision, min_gpus_for

    try:
        least = min_gpus_for(open_model, gpu, default_precision(gpu))
    except AipolicyError:
        return []
    return [tp for tp in (1, 2, 4, 8) if least <= tp <= MAX_TP]


def _provider(s: Scenario) -> str | None:
    """The rental row the scenario is priced at when a committed (reserved) rate was chosen."""
    p = s.provenance.get("gpu_hour_usd")
    if p is None or not p.note.startswith("reserved"):
        return None
    return catalog.rental_provider(p.source)


def _kept(s: Scenario, gpu: str) -> dict[str, Any]:
    """The scenario's values that do not belong to the GPU (the user's GPU-hour price is kept
    for their own GPU)."""
    keep = {f.name: getattr(s, f.name) for f in dataclasses.fields(Scenario)
            if f.name not in GPU_FIELDS and f.name not in _BUILD_ARGS}
    given = s.provenance.get("gpu_hour_usd")
    if gpu == s.gpu and given is not None and given.source == "caller override":
        keep["gpu_hour_usd"] = s.gpu_hour_usd
    return keep


def _price(s: Scenario, gpu: str, tp: int) -> Candidate:
    try:
        v = _variant(s, gpu, tp)
        r = selfhost_monthly(v)
    except AipolicyError as exc:
        return Candidate(gpu, tp, skipped=str(exc).split("; ", 1)[0][:160])
    return Candidate(gpu, tp, r.monthly_usd, r.replicas, r.gpus, float(v.gpu_hour_usd),
                     v.throughput_basis)


def _variant(s: Scenario, gpu: str, tp: int) -> Scenario:
    kept = _kept(s, gpu)
    key = (s.api_model, s.open_model, s.acquisition, s.as_of, s.name, s.requests_per_day,
           s.input_tokens, s.output_tokens, tuple(s.load_profile), _provider(s), gpu, tp,
           tuple(sorted((k, _hashable(v)) for k, v in kept.items())))
    return _build(key)


def _hashable(v: Any) -> Any:
    """A value as a cache key part (NaN, which equals nothing, as the text ``nan``)."""
    if isinstance(v, list | tuple):
        return tuple(v)
    return "nan" if isinstance(v, float) and math.isnan(v) else v


@lru_cache(maxsize=512)
def _build(key: tuple) -> Scenario:
    """The scenario of one candidate (memoised: a repeated search builds nothing again)."""
    (api, open_model, acquisition, as_of, name, rpd, i, o, profile, provider, gpu, tp,
     kept) = key
    values = {k: (math.nan if v == "nan" else v) for k, v in kept}
    return build_scenario(api_model=api, open_model=open_model, gpu=gpu,
                          acquisition=acquisition, requests_per_day=rpd, input_tokens=i,
                          output_tokens=o, load_profile=profile, rental_provider=provider,
                          as_of=as_of, name=name, gpus_per_replica=tp, **values)


def cheapest_fleet(scenario: Scenario, *, gpus: list[str] | None = None) -> FleetSearch:
    """Price every GPU x replica size for ``scenario`` and return the cheapest beside it.

    Parameters
    ----------
    scenario : Scenario
        The user's choice; its own GPU and size are priced as they stand.
    gpus : list of str, optional
        GPUs to search (default: every GPU of the catalog).
    """
    r = selfhost_monthly(scenario)
    choice = Candidate(scenario.gpu, scenario.gpus_per_replica, r.monthly_usd, r.replicas,
                       r.gpus, float(scenario.gpu_hour_usd), scenario.throughput_basis,
                       chosen=True)
    found = [choice]
    for gpu in gpus or catalog.gpus():
        sizes = _replica_sizes(scenario.open_model, gpu)
        if not sizes:
            found.append(Candidate(gpu, 0, skipped=f"{scenario.open_model} does not fit on "
                                                   f"{MAX_TP} x {gpu}"))
        found += [_price(scenario, gpu, tp) for tp in sizes
                  if (gpu, tp) != (scenario.gpu, scenario.gpus_per_replica)]
    priced = sorted((c for c in found if not c.skipped), key=lambda c: (c.monthly_usd,
                                                                        not c.chosen, c.gpus))
    skipped = [c for c in found if c.skipped]
    notes = (("the user's GPU-hour price is kept for their own GPU only; other GPUs are priced "
              "at the catalog's rate",)
             if _kept(scenario, scenario.gpu).get("gpu_hour_usd") is not None else ())
    mode = "reserve" if _provider(scenario) else scenario.acquisition
    return FleetSearch(mode, tuple(priced + skipped),
                       priced[0] if priced else None, choice, len(found), notes)


def fleet_text(search: FleetSearch) -> str:
    """One or two lines: the cheapest self-hosted fleet beside the user's choice."""
    c, b = search.choice, search.best

    def fleet(x: Candidate) -> str:
        return (f"{x.replicas} replica(s) of {x.gpus_per_replica} {x.gpu} ({x.gpus} GPUs, "
                f"throughput {x.throughput_basis.split(' (', 1)[0]}) at "
                f"{x.monthly_usd:,.0f} USD/month")

    mode = {"rent": "rented", "buy": "bought", "reserve": "reserved"}.get(search.acquisition,
                                                                          search.acquisition)
    gpus = len({c.gpu for c in search.candidates})
    head = (f"cheapest self-hosted fleet ({mode}; {search.searched} fleets searched: {gpus} "
            "GPUs x the replica sizes the model allows): ")
    if b is None:
        return head + "none could be priced"
    if b.chosen or b.monthly_usd >= c.monthly_usd:
        return head + f"your choice, {fleet(c)}"
    return (head + f"{fleet(b)}, {search.saving_usd:,.0f} USD/month "
            f"({search.saving_usd / c.monthly_usd:.0%}) less than your choice, {fleet(c)}")
