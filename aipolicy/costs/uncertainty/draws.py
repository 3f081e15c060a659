"""The uncertain inputs of the comparison and how they are drawn.

Each uncertain input is a numeric scenario field (or ``api_price_factor``, a multiplier on
every API price) with a low, base (most likely) and high value: a triangular distribution.
:func:`default_uncertainties` gives a scenario's ranges with their sources; for bought GPUs the
colocation rate (USD per kW-month) is one of them (CBRE's North American H2 2024 asking rate as
base, the newer secondary figures in its range). :func:`draw_inputs` turns uniforms into draws;
the Monte Carlo and the sweep share it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from aipolicy.costs import catalog
from aipolicy.costs.compare import bounds
from aipolicy.costs.compare.scenario import FIELD_UNITS, Scenario
from aipolicy.errors import CatalogError, InvalidInputError

__all__ = ["COLOCATION_HIGH", "COLOCATION_LOW", "MAX_DRAWS", "UncertainInput", "WHOLE_INPUTS",
           "check_draws", "coerce_inputs", "default_uncertainties", "draw_inputs", "triangular_ppf"]


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain input: triangular distribution on [low, high] with mode ``base``.

    ``name`` is a numeric :class:`Scenario` field or ``api_price_factor``.
    """

    name: str
    low: float
    base: float
    high: float
    source: str = "aipolicy assumption"

    def __post_init__(self) -> None:
        if self.name not in FIELD_UNITS:
            raise InvalidInputError(f"unknown uncertain input {self.name!r}; use a numeric "
                                    f"scenario field: {', '.join(FIELD_UNITS)}", field="name",
                                    value=self.name)
        if not (np.isfinite([self.low, self.base, self.high]).all()
                and self.low <= self.base <= self.high):
            raise InvalidInputError(f"uncertain input {self.name!r} needs low <= base <= high, "
                                    f"got {self.low}, {self.base}, {self.high}", field=self.name)

    @property
    def unit(self) -> str:
        """Unit of the input (from :data:`FIELD_UNITS`)."""
        return FIELD_UNITS[self.name]


def triangular_ppf(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution (exactly ``mode`` when low == high)."""
    u = np.asarray(u, dtype=float)
    width = high - low
    if width <= 0:
        return np.full(u.shape, float(mode))
    fc = (mode - low) / width
    lower = u < fc
    # both branches unmasked, reusing their buffers (masked ufuncs are slower than np.where)
    a = u * (width * (mode - low))
    b = np.subtract(1.0, u)
    b *= width * (high - mode)
    t = np.where(lower, a, b)
    np.sqrt(t, out=t)
    np.add(t, low, out=a)
    np.subtract(high, t, out=b)
    return np.where(lower, a, b)


#: Most Monte Carlo draws one run may take (memory grows about 0.25 GB per million draws);
#: the command line and the notebooks share this limit, kept with the other bounds.
MAX_DRAWS = bounds.MAX_DRAWS

#: Colocation range, USD per kW-month (see :func:`default_uncertainties`): CBRE North America
#: H2 2024 184.06 / 1.126 (its +12.6% y/y) for the low, CBRE global Q1 2025 for the high.
COLOCATION_LOW = round(184.06 / 1.126, 2)
COLOCATION_HIGH = 217.30

#: Inputs that are whole numbers (Monte Carlo draws are rounded).
WHOLE_INPUTS = frozenset({"redundancy_replicas"})


def _topology_uncertainties(s: Scenario) -> list[UncertainInput]:
    """Latency target, spares, on-call share and batch share (production topology)."""
    out = []
    if s.slo_capacity_fraction < 1.0:
        f = s.slo_capacity_fraction
        out.append(UncertainInput(
            "slo_capacity_fraction", round(f * 0.8, 6), f, min(1.0, f * 1.15),
            "aipolicy assumption: -20%/+15% around the swept operating point (the sweeps print "
            "means, not p95; carried curves add more)"))
    out.append(UncertainInput(
        "redundancy_replicas", 0.0, s.redundancy_replicas, max(2.0, s.redundancy_replicas),
        "aipolicy assumption: from no spare to N+2"))
    out.append(UncertainInput(
        "oncall_share", min(0.1, s.oncall_share), s.oncall_share, 1.0,
        "aipolicy assumption: from a tenth of a shared rotation to a dedicated one (a rotation "
        "is 8 engineers x 25% on call: Google SRE book, 'Being On-Call')"))
    if s.batch_share > 0:
        out.append(UncertainInput(
            "batch_share", max(0.0, s.batch_share - 0.2), s.batch_share,
            min(1.0, s.batch_share + 0.1), "aipolicy assumption: -20/+10 points of batchable "
                                           "work"))
    return out


def default_uncertainties(scenario: Scenario) -> tuple[UncertainInput, ...]:
    """Default ranges for the scenario's uncertain inputs (sources stated per input)."""
    s = scenario
    fit = s.throughput_fit_max_error
    fit_note = (f"; the fit to measured rows is within {fit:.0%}" if fit == fit else "")
    out = [
        UncertainInput("planning_utilization", round(s.planning_utilization * 0.6, 6),
                       s.planning_utilization, min(1.0, s.planning_utilization * 1.05),
                       "aipolicy assumption: 60%-105% of base; production fleets are commonly "
                       "said to run at 30-70% (no primary source found)"),
        UncertainInput("throughput_tok_s", s.throughput_tok_s * 0.5, s.throughput_tok_s,
                       s.throughput_tok_s * 1.1,
                       "aipolicy assumption: 50%-110% of base; engines differ widely (vLLM vs "
                       "TensorRT-LLM docs/source/performance/perf-overview.md)" + fit_note),
        UncertainInput("api_price_factor", 0.5, 1.0, 1.0,
                       "aipolicy assumption: list prices only fall (o3 cut 80% on 2025-06-10, "
                       "pydantic/genai-prices price history)"),
        UncertainInput("staff_cost_usd_per_fte_month", s.staff_cost_usd_per_fte_month * 0.75,
                       s.staff_cost_usd_per_fte_month, s.staff_cost_usd_per_fte_month * 1.5,
                       "aipolicy assumption: 75%-150% of the loaded cost"),
        UncertainInput("staff_fte", s.staff_fte * 0.5, s.staff_fte, s.staff_fte * 2.0,
                       "aipolicy assumption: half to twice the FTE"),
        UncertainInput("volume_growth_annual", s.volume_growth_annual - 0.2,
                       s.volume_growth_annual, s.volume_growth_annual + 0.5,
                       "aipolicy assumption: -20 to +50 points of yearly volume growth"),
    ]
    if s.acquisition == "rent":
        try:
            low = float(catalog.gpu_rental_table(s.gpu)["gpu_hour_usd"].min())
            src = "low: cheapest catalog rental for this GPU (gpu_rental.csv); high: 1.5x base"
        except CatalogError:  # pragma: no cover - gpu validated at build
            low, src = s.gpu_hour_usd * 0.8, "aipolicy assumption: 80%-150% of base"
        if np.isnan(low):
            low, src = s.gpu_hour_usd * 0.8, "aipolicy assumption: 80%-150% of base"
        out.append(UncertainInput("gpu_hour_usd", min(low, s.gpu_hour_usd), s.gpu_hour_usd,
                                  s.gpu_hour_usd * 1.5, src))
    else:
        out.append(UncertainInput("server_price_usd", s.server_price_usd * 0.8,
                                  s.server_price_usd, s.server_price_usd * 1.2,
                                  "aipolicy assumption: +-20%; H100 card estimates span "
                                  "$25k-$30k (Raymond James via Barron's, 2023)"))
        out.append(UncertainInput("power_usd_per_kwh", min(0.066, s.power_usd_per_kwh),
                                  s.power_usd_per_kwh, max(0.2391, s.power_usd_per_kwh),
                                  "EIA 2023 range: Texas industrial 6.60c to California "
                                  "commercial 23.91c (EIA Electric Power Annual, "
                                  "https://www.eia.gov/electricity/annual/)"))
        c = s.colocation_usd_per_kw_month
        out.append(UncertainInput(
            "colocation_usd_per_kw_month", min(COLOCATION_LOW, c), c,
            max(COLOCATION_HIGH, c),
            "CBRE (https://www.cbre.com/insights/reports/north-america-data-center-trends-h2-2024"
            ", 2025-02-26): base 184.06 USD/kW-month, North America H2 2024; low 163.46 = the "
            "H2 2023 rate implied by its +12.6% y/y (derived); high 217.30, CBRE's global "
            "average Q1 2025 [secondary]; the 2025 North American 194.95 [secondary, "
            "low-quality rewrite] lies inside"))
    out += _topology_uncertainties(s)
    return tuple(out)


def check_draws(draws: float, seed: int | None) -> int:
    """``draws`` as an int after checking it (1 .. :data:`MAX_DRAWS`) and ``seed`` (None or >= 0).

    The Monte Carlo of one comparison and the one over every option share these checks.

    Raises
    ------
    InvalidInputError
        Naming ``draws`` or ``seed`` and what would be right.
    """
    if int(draws) != draws or draws < 1:
        raise InvalidInputError(f"draws must be a whole number >= 1, got {draws!r}",
                                field="draws", value=draws)
    if draws > MAX_DRAWS:
        raise InvalidInputError(
            f"{int(draws):,} draws is above the limit of {MAX_DRAWS:,} (a million draws take "
            "about 0.25 GB of memory; a probability is within +-0.1 points at 1,000,000)",
            field="draws", value=draws)
    if seed is not None and (int(seed) != seed or seed < 0):
        raise InvalidInputError(f"seed {seed!r} must be a whole number >= 0", field="seed",
                                value=seed)
    return int(draws)


def draw_inputs(items: Iterable[UncertainInput], uniforms: Iterable[np.ndarray]
                ) -> dict[str, np.ndarray]:
    """Each input's draws from its uniforms (one array per input, in the same order).

    Triangular inverse CDF on (low, base, high); whole-number inputs (:data:`WHOLE_INPUTS`)
    are rounded to the nearest count. The Monte Carlo and the sweep share this.
    """
    sampled: dict[str, np.ndarray] = {}
    for it, u in zip(items, uniforms, strict=True):
        drawn = triangular_ppf(u, it.low, it.base, it.high)
        # whole replicas: a triangular draw rounded to the nearest count
        sampled[it.name] = np.rint(drawn) if it.name in WHOLE_INPUTS else drawn
    return sampled


def coerce_inputs(scenario: Scenario,
                   inputs: Iterable[UncertainInput] | None) -> tuple[UncertainInput, ...]:
    items = default_uncertainties(scenario) if inputs is None else tuple(inputs)
    for it in items:
        if not isinstance(it, UncertainInput):
            raise InvalidInputError(f"inputs must be UncertainInput objects, got {it!r}")
    return items
