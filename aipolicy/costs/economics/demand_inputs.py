"""The compute-demand scenario's inputs, calibrated to public, dated figures.

Each input of :class:`~aipolicy.costs.economics.compute_demand.DemandScenario` gets a central
value and a range, each end with its source and date (or labelled an aipolicy assumption):

- **growth at constant prices** (``growth_annual``): adoption, read from ChatGPT's weekly active
  users, 400 million on 2025-02-20 and 800 million on 2025-10-06, annualised (a proxy: users,
  not tokens per user); the range runs down to an assumed slowdown to +50 % a year;
- **price decline** (``price_decline_annual``): the price per token of the capability users
  buy, fitted to OpenAI's flagship chain in the curated announcements table (GPT-4 Turbo,
  GPT-4o, its August 2024 snapshot, GPT-4.1, GPT-5; :mod:`.model_events`); the range runs from
  the cost catalog's assumed 30 % list cut to a16z's "LLMflation" (10x cheaper a year at
  constant capability, 2024-11-12);
- **elasticity**: 1.11, the NBER working paper's estimate from OpenRouter (within-model price
  differences across providers, 2026-01); up to 1.8 from the 2026 State of the AI Economy
  report (a 10 % cheaper token brings 12-18 % more tokens); down to 0.5, an aipolicy assumption
  (switching between providers of one model is more price-elastic than the market as a whole);
- **efficiency** (``efficiency_gain_annual``): tied to the price decline by default (prices
  fall as fast as the cost to serve); :func:`hardware_efficiency` gives the tokens/s per GPU
  gained a year across NVIDIA generations (the cost models' capacities, announcement dates
  from NVIDIA's press releases) for a scenario that unties it.

:func:`observed_token_growth` is a check, not an input: the model's token growth at the central
values against Google's reported monthly tokens (480 trillion in May 2025, 3.2 quadrillion in
May 2026).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from .compute_demand import DemandScenario, gpu_demand_growth
from .price_events import blended


@dataclass(frozen=True)
class DemandInput:
    """One calibrated input: central value, range and where each comes from.

    Attributes
    ----------
    name : str
        The :class:`DemandScenario` field.
    value, low, high : float
        Central value and range (fractions a year; the elasticity is a number).
    basis : str
        How the central value was obtained, for people.
    source : str
        Public sources (URLs) of the central value and the range ends, or "aipolicy
        assumption".
    as_of : str
        Date of the newest figure used.
    """

    name: str
    value: float
    low: float
    high: float
    basis: str
    source: str
    as_of: str


_USERS = ((pd.Timestamp("2025-02-20"), 400e6), (pd.Timestamp("2025-10-06"), 800e6))
_USERS_SOURCE = (
    "ChatGPT weekly active users: 400 million (COO Brad Lightcap, 2025-02-20) "
    "https://innovanews.co.uk/openai-surpasses-400-million-weekly-active-users/ "
    "[secondary]; 800 million (Sam Altman at DevDay, 2025-10-06) "
    "https://www.webpronews.com/chatgpt-surges-to-800-million-weekly-users-eyes-1-"
    "billion/ [secondary]; low end +50 % a year: aipolicy assumption"
)
#: OpenAI's flagship models in the curated announcements, oldest first.
FLAGSHIP_CHAIN: tuple[str, ...] = ("gpt-4-turbo", "gpt-4o", "gpt-4o-2024-08-06", "gpt-4.1", "gpt-5")
_LLMFLATION = (
    "a16z, 'Welcome to LLMflation' (2024-11-12): about 10x cheaper a year at "
    "constant capability https://a16z.com/llmflation-llm-inference-cost [secondary]"
)
_ELASTICITY_SOURCE = (
    "NBER working paper 'The Emerging Market for Intelligence: Pricing, Supply, and Demand for "
    "LLMs' (OpenRouter, within-model price differences across providers): -1.11, as reported "
    "2026-01-04 at https://aione.chat/2026/01/04/price-elasticity-of-demand-for-large-language-"
    "models-estimated-at-1-11-en-version/ [secondary]; high end 1.8: 2026 State of the AI "
    "Economy report (a 10 % price cut, 12-18 % more tokens), as reported 2026-06-27 at "
    "https://ai-cost-estimator.com/blog/token-demand-elasticity-10-percent-price-drop-12-18-"
    "percent-usage-coding-team-planning [secondary]; low end 0.5: aipolicy assumption "
    "(switching between providers of one model is more elastic than the market)"
)
#: NVIDIA data-centre GPU announcements: name in the GPU catalog -> (date, press release).
GPU_LAUNCHES: dict[str, tuple[str, str]] = {
    "a100-80gb": (
        "2020-05-14",
        "https://nvidianews.nvidia.com/news/nvidias-new-ampere-data-center-gpu-in-full-production",
    ),
    "h100-sxm": (
        "2022-03-22",
        "https://nvidianews.nvidia.com/news/nvidia-announces-hopper-"
        "architecture-the-next-generation-of-accelerated-computing",
    ),
    "b200": (
        "2024-03-18",
        "https://nvidianews.nvidia.com/news/nvidia-blackwell-platform-"
        "arrives-to-power-a-new-era-of-computing",
    ),
}
_GOOGLE_TOKENS = ((pd.Timestamp("2025-05-20"), 480e12), (pd.Timestamp("2026-05-19"), 3.2e15))
_GOOGLE_SOURCE = (
    "Google's monthly tokens: 480 trillion (I/O 2025) and 3.2 quadrillion (I/O "
    "2026), as reported at https://www.milik.ai/articles/ee606a3944 [secondary]"
)


def _annualised(first: tuple[pd.Timestamp, float], last: tuple[pd.Timestamp, float]) -> float:
    years = (last[0] - first[0]).days / 365.25
    return (last[1] / first[1]) ** (1 / years) - 1


def adoption_growth() -> DemandInput:
    """Growth a year at constant prices: ChatGPT's weekly users, annualised (+203 %)."""
    g = _annualised(*_USERS)
    return DemandInput(
        "growth_annual",
        g,
        0.5,
        g,
        "ChatGPT weekly active users x2 from 2025-02-20 to 2025-10-06, annualised",
        _USERS_SOURCE,
        "2025-10-06",
    )


def flagship_price_decline() -> DemandInput:
    """Price decline a year of OpenAI's flagship (blended price, log-linear fit over time)."""
    from .model_events import model_events

    ev = model_events()
    chain = ev[(ev["provider"] == "openai") & ev["model"].isin(FLAGSHIP_CHAIN)]
    years = (chain["date"] - chain["date"].iloc[0]).dt.days / 365.25
    prices = [
        blended(i, o) for i, o in zip(chain["input_after"], chain["output_after"], strict=True)
    ]
    slope = _slope(list(years), [math.log(p) for p in prices])
    d = 1 - math.exp(slope)
    first, last = chain.iloc[0], chain.iloc[-1]
    return DemandInput(
        "price_decline_annual",
        d,
        0.3,
        0.9,
        f"OpenAI's flagship from {first['model']} ({first['date']:%Y-%m-%d}) to "
        f"{last['model']} ({last['date']:%Y-%m-%d}), blended price fitted log-linearly",
        "aipolicy/catalogs/model_events.csv (each row's public source); low end 30 %: the cost "
        f"catalog's assumed API list-price cut; high end: {_LLMFLATION}",
        f"{last['date']:%Y-%m-%d}",
    )


def _slope(x, y) -> float:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    return sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sum(
        (a - mx) ** 2 for a in x
    )


def elasticity() -> DemandInput:
    """The price elasticity of token demand: 1.11 (NBER), range 0.5-1.8."""
    return DemandInput(
        "elasticity",
        1.11,
        0.5,
        1.8,
        "NBER working paper's estimate",
        _ELASTICITY_SOURCE,
        "2026-06-27",
    )


def hardware_efficiency(per_gpu: Mapping[str, float]) -> DemandInput | None:
    """Tokens/s per GPU gained a year across NVIDIA generations (A100 -> H100 -> B200).

    Parameters
    ----------
    per_gpu : mapping of str to float
        GPU name -> tokens a second one GPU serves (the cost models' planned capacity).

    Returns
    -------
    DemandInput or None
        Central: H100 -> B200 a year; range: the slower and faster of the two steps. None when
        the capacities lack two of the generations.
    """
    steps = []
    names = [g for g in GPU_LAUNCHES if g in per_gpu]
    for a, b in zip(names, names[1:], strict=False):
        years = (pd.Timestamp(GPU_LAUNCHES[b][0]) - pd.Timestamp(GPU_LAUNCHES[a][0])).days / 365.25
        steps.append(((a, b), (per_gpu[b] / per_gpu[a]) ** (1 / years) - 1))
    if not steps:
        return None
    rates = [r for _, r in steps]
    (a, b), central = steps[-1]
    return DemandInput(
        "efficiency_gain_annual",
        central,
        min(rates),
        max(rates),
        f"tokens/s per GPU from {a} to {b}, per year between their "
        "announcements (the cost models' capacities); used only when the "
        "efficiency gain is not tied to the price decline",
        "NVIDIA press releases: " + "; ".join(f"{g} {d} {u}" for g, (d, u) in GPU_LAUNCHES.items()),
        max(d for d, _ in GPU_LAUNCHES.values()),
    )


def calibrated_inputs() -> dict[str, DemandInput]:
    """Growth, price decline and elasticity, calibrated (see the module docstring)."""
    return {i.name: i for i in (adoption_growth(), flagship_price_decline(), elasticity())}


def calibrated_scenario(
    tokens_per_day: float, years: int = 5, **overrides: float | None
) -> DemandScenario:
    """A :class:`DemandScenario` at the calibrated central values, efficiency tied to the price
    decline; ``overrides`` (a field -> value, None keeps the calibrated one) win."""
    values = {k: v.value for k, v in calibrated_inputs().items()}
    values.update({k: v for k, v in overrides.items() if v is not None})
    tied = overrides.get("efficiency_gain_annual")
    return DemandScenario(
        tokens_per_day,
        values["growth_annual"],
        values["price_decline_annual"],
        values["elasticity"],
        tied,
        years,
    )


def tornado_ranges(
    s: DemandScenario, efficiency: DemandInput | None = None
) -> dict[str, tuple[float, float]]:
    """The calibrated ranges for :func:`~aipolicy.costs.economics.compute_demand.demand_tornado`
    (the efficiency gain only when ``s`` does not tie it to the price decline)."""
    out = {k: (v.low, v.high) for k, v in calibrated_inputs().items()}
    if not s.tied and efficiency is not None:
        out["efficiency_gain_annual"] = (efficiency.low, efficiency.high)
    return out


def demand_range(
    s: DemandScenario, elasticities: tuple[float, float] | None = None
) -> tuple[float, float]:
    """GPU demand growth a year (fractions) at the low and high end of the elasticity range,
    the other inputs at ``s``'s values (sorted, low first)."""
    lo, hi = elasticities or (elasticity().low, elasticity().high)
    ends = sorted(
        gpu_demand_growth(
            DemandScenario(
                s.tokens_per_day,
                s.growth_annual,
                s.price_decline_annual,
                e,
                s.efficiency_gain_annual,
                s.years,
            )
        )
        for e in (lo, hi)
    )
    return ends[0], ends[1]


def token_growth(s: DemandScenario) -> float:
    """Token volume growth a year the scenario implies: (1 + g)(1 - d)^-e - 1."""
    return (1 + s.growth_annual) * (1 - s.price_decline_annual) ** (-s.elasticity) - 1


def observed_token_growth() -> DemandInput:
    """Google's reported monthly tokens, annualised: the check on :func:`token_growth`."""
    g = _annualised(*_GOOGLE_TOKENS)
    return DemandInput(
        "token_growth",
        g,
        g,
        g,
        "Google's monthly tokens, May 2025 to May 2026",
        _GOOGLE_SOURCE,
        "2026-05-19",
    )
