"""Every option side by side: the API, self-hosting on rented and on bought GPUs, the hybrid.

:func:`compare_options` is the monthly comparison the cost notebooks show (the other
acquisition mode is priced by :func:`aipolicy.costs.compare.selfhost.with_acquisition`, the one place
that does so); :func:`explore` recomputes the headline figures with some main inputs changed,
for the interactive explorer. Money is USD per month (a month of 365/12 days); prices per 1M
tokens are over input + output tokens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from aipolicy.costs.compare.api import ApiResult, api_monthly
from aipolicy.costs.compare.curve import breakeven
from aipolicy.costs.compare.hybrid import HybridResult, optimise_hybrid
from aipolicy.costs.compare.scenario import Scenario
from aipolicy.costs.compare.selfhost import SelfHostResult, selfhost_monthly, with_acquisition
from aipolicy.errors import AipolicyError

__all__ = ["OPTION_COLUMNS", "OptionCosts", "compare_options", "explore"]

#: Columns of :meth:`OptionCosts.frame`.
OPTION_COLUMNS = ("monthly_usd", "usd_per_mtok", "horizon_total_usd", "replicas", "gpus",
                  "servers")


@dataclass(frozen=True)
class OptionCosts:
    """The monthly cost of each option for one scenario.

    Attributes
    ----------
    scenario : Scenario
        The scenario compared (its ``acquisition`` is the self-host mode of ``selfhost`` and
        ``hybrid``).
    api, selfhost, hybrid : ApiResult, SelfHostResult, HybridResult
        The API, self-hosting in the scenario's own mode, and the cheapest hybrid.
    modes : dict
        ``"rent"`` / ``"buy"`` -> :class:`SelfHostResult` for each mode that could be priced.
    unavailable : dict
        Option label (``"self-host (buy)"``) -> why it could not be priced.
    cheapest : str
        ``api``, ``selfhost`` or ``hybrid`` (in the scenario's own acquisition mode).
    """

    scenario: Scenario
    api: ApiResult
    selfhost: SelfHostResult
    hybrid: HybridResult
    modes: Mapping[str, SelfHostResult]
    unavailable: Mapping[str, str] = field(default_factory=dict)

    @property
    def cheapest(self) -> str:
        """``api``, ``selfhost`` or ``hybrid`` for the scenario's own acquisition mode."""
        return self.hybrid.cheapest

    def frame(self) -> pd.DataFrame:
        """One row per option, unrounded.

        Returns
        -------
        DataFrame
            Index ``option`` (``API (pay per token)``, ``self-host, rented GPUs``,
            ``self-host, bought GPUs``, ``hybrid (<mode>)``); columns ``monthly_usd`` (USD per
            month), ``usd_per_mtok`` (USD per 1M input + output tokens), ``horizon_total_usd``
            (USD over ``horizon_months``), ``replicas``, ``gpus``, ``servers`` (NaN for the
            hybrid).
        """
        s = self.scenario
        rows: dict[str, dict[str, float]] = {
            "API (pay per token)": {"monthly_usd": self.api.monthly_usd, "replicas": 0,
                                    "gpus": 0, "servers": 0}}
        for mode, label in (("rent", "self-host, rented GPUs"),
                            ("buy", "self-host, bought GPUs")):
            r = self.modes.get(mode)
            if r is not None:
                rows[label] = {"monthly_usd": r.monthly_usd, "replicas": r.replicas,
                               "gpus": r.gpus, "servers": r.servers}
        hyb = self.hybrid
        rows[f"hybrid ({s.acquisition})"] = {
            "monthly_usd": hyb.hybrid_monthly_usd, "replicas": hyb.hybrid_replicas,
            "gpus": hyb.hybrid_replicas * s.gpus_per_replica, "servers": np.nan}
        df = pd.DataFrame.from_dict(rows, orient="index")
        df.index.name = "option"
        tokens = s.workload.tokens_per_month
        df["usd_per_mtok"] = df["monthly_usd"] / tokens * 1e6 if tokens > 0 else np.nan
        df["horizon_total_usd"] = df["monthly_usd"] * s.horizon_months
        return df[list(OPTION_COLUMNS)].astype(float)


def compare_options(scenario: Scenario) -> OptionCosts:
    """Monthly cost of the API, self-hosting (rented and bought GPUs) and the best hybrid.

    The scenario's own acquisition mode is priced as it is; the other one through
    :func:`~aipolicy.costs.compare.selfhost.with_acquisition`. When the other mode cannot be priced
    (no rental price or server for the GPU in the catalog) it is left out and the reason is
    in ``unavailable``.
    """
    own = selfhost_monthly(scenario)
    modes = {scenario.acquisition: own}
    unavailable: dict[str, str] = {}
    other = "buy" if scenario.acquisition == "rent" else "rent"
    try:
        modes[other] = selfhost_monthly(with_acquisition(scenario, other))
    except AipolicyError as exc:
        unavailable[f"self-host ({other})"] = str(exc)
    return OptionCosts(scenario=scenario, api=api_monthly(scenario), selfhost=own,
                       hybrid=optimise_hybrid(scenario),
                       modes={m: modes[m] for m in ("rent", "buy") if m in modes},
                       unavailable=unavailable)


def explore(
    scenario: Scenario,
    *,
    requests_per_day: float | None = None,
    gpu_hour_usd: float | None = None,
    planning_utilization: float | None = None,
    staff_fte: float | None = None,
    api_price_factor: float | None = None,
) -> dict[str, Any]:
    """Recompute the headline comparison with some main inputs changed (the explorer's core).

    Parameters
    ----------
    scenario : Scenario
    requests_per_day : float, optional
        Requests per day.
    gpu_hour_usd : float, optional
        USD per GPU-hour; ignored for bought GPUs.
    planning_utilization : float, optional
        Share of measured capacity planned for, in (0, 1].
    staff_fte : float, optional
        Self-hosting staff, FTE.
    api_price_factor : float, optional
        Multiplier on the API's list prices.

    Returns
    -------
    dict
        Plain numbers: ``api_monthly_usd``, ``selfhost_monthly_usd``, ``hybrid_monthly_usd``
        (USD per month), ``hybrid_replicas``, ``selfhost_replicas``, ``savings_monthly_usd``
        (API minus self-host), ``cheapest``, ``breakeven_requests_per_day`` (None if not
        reached) and ``breakeven_tokens_per_day``.
    """
    changes: dict[str, float] = {}
    for key, val in (("requests_per_day", requests_per_day),
                     ("planning_utilization", planning_utilization),
                     ("staff_fte", staff_fte), ("api_price_factor", api_price_factor)):
        if val is not None:
            changes[key] = float(val)
    if gpu_hour_usd is not None and scenario.acquisition == "rent":
        changes["gpu_hour_usd"] = float(gpu_hour_usd)
    s = scenario.replace(**changes) if changes else scenario
    hyb = optimise_hybrid(s, tables=False)
    be = breakeven(s)
    return {
        "api_monthly_usd": hyb.api_monthly_usd,
        "selfhost_monthly_usd": hyb.selfhost_monthly_usd,
        "hybrid_monthly_usd": hyb.hybrid_monthly_usd,
        "hybrid_replicas": hyb.hybrid_replicas,
        "selfhost_replicas": hyb.selfhost_replicas,
        "savings_monthly_usd": hyb.api_monthly_usd - hyb.selfhost_monthly_usd,
        "cheapest": hyb.cheapest,
        "breakeven_requests_per_day": be.requests_per_day,
        "breakeven_tokens_per_day": be.tokens_per_day,
    }
