"""Investor view: self-hosting as an investment against paying the API, month by month.

Incremental cash flows (USD) of self-hosting instead of using the API, month ``m = 0..H``:

* month 0: ``- capex`` (buy: servers x (price + installation)) ``- implementation_usd
  + api_implementation_usd`` (the API's set-up is avoided);
* months 1..H: API cost avoided ``- opex``. The API's token cost follows volume growth and
  falls by ``api_price_decline_annual`` a year, ``(1 - d)^((m-1)/12)``; the API's staff cost
  rises with inflation. Opex (power, maintenance, facilities, staff, platform) rises with
  ``opex_inflation_annual``; rented GPU-hours fall by ``gpu_price_decline_annual`` instead;
* month H (buy): the fleet's residual value, its straight-line book value at H (down to
  ``residual_value_share`` at end of life) times ``(1 - gpu_price_decline_annual)^(H/12)``:
  the resale value is assumed to move with GPU rental prices (aipolicy assumption).

The fleet is sized for the busiest month's peak hour (as in the monthly comparison). NPV discounts
at the monthly equivalent of ``discount_rate_annual``; IRR is annualised; the payback month is
the first month from which the cumulative cash flow stays >= 0.

Opex can escalate at a fixed yearly rate or at the trailing yearly growth of a CPI series
(monthly index levels, e.g. FRED ``CPIAUCSL`` passed in by the caller).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from aipolicy.costs import catalog
from aipolicy.costs.compare.api import api_cost_per_request_usd
from aipolicy.costs.compare.scenario import Scenario, scenario_params
from aipolicy.costs.compare.selfhost import selfhost_components
from aipolicy.costs.compare.workload import DAYS_PER_MONTH
from aipolicy.errors import InvalidInputError

__all__ = ["InvestorResult", "cpi_growth_annual", "investor_cashflows", "investor_scenarios",
           "irr", "npv", "payback_month"]


def npv(cashflows: np.ndarray | pd.Series, discount_rate_annual: float) -> float:
    """Net present value (USD) of monthly cash flows, month 0 undiscounted.

    At a rate of 0 this is the plain sum of the cash flows.
    """
    cf = np.asarray(cashflows, dtype=float)
    if discount_rate_annual <= -1:
        raise InvalidInputError(f"discount_rate_annual must be > -1, got {discount_rate_annual}",
                                field="discount_rate_annual", value=discount_rate_annual)
    r = (1.0 + discount_rate_annual) ** (1.0 / 12.0) - 1.0
    return float(np.sum(cf / (1.0 + r) ** np.arange(cf.size)))


def irr(cashflows: np.ndarray | pd.Series) -> float | None:
    """Annualised internal rate of return of monthly cash flows (``None`` if none exists).

    Solved by bisection on the monthly rate over (-99.99%, +1000%) a month; needs a sign change
    of the NPV over that range. Below a rate of 0 the NPV's sign is taken from the future value
    ``sum(cf_t * (1 + r)^(n - 1 - t))`` (the NPV times a positive factor), which cannot
    overflow: ``cf / (1 + r)^t`` at ``r = -99.99%`` is ``cf * 1e4^t``, infinite beyond about
    77 months, which made every horizon of 78 months or more report no IRR.
    """
    cf = np.asarray(cashflows, dtype=float)
    months = np.arange(cf.size)

    def f(r: float) -> float:
        with np.errstate(over="ignore", under="ignore"):
            if r < 0:
                return float(np.sum(cf * (1.0 + r) ** (cf.size - 1 - months)))
            return float(np.sum(cf / (1.0 + r) ** months))

    lo, hi = -0.9999, 10.0
    flo, fhi = f(lo), f(hi)
    if not (np.isfinite(flo) and np.isfinite(fhi)) or flo * fhi > 0:
        return None
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        fm = f(mid)
        if fm == 0 or hi - lo < 1e-13:
            break
        if flo * fm < 0:
            hi, fhi = mid, fm
        else:
            lo, flo = mid, fm
    return float((1.0 + 0.5 * (lo + hi)) ** 12 - 1.0)


def payback_month(cashflows: np.ndarray | pd.Series) -> int | None:
    """First month from which the cumulative cash flow stays >= 0 (``None`` if never)."""
    cum = np.cumsum(np.asarray(cashflows, dtype=float))
    neg = np.nonzero(cum < -1e-9)[0]
    if neg.size == 0:
        return 0
    last = int(neg[-1])
    return None if last == cum.size - 1 else last + 1


def cpi_growth_annual(cpi: pd.Series, years: float = 1.0) -> float:
    """Annualised growth of a monthly CPI index over its last ``years`` years.

    Parameters
    ----------
    cpi : Series
        Monthly index levels (e.g. FRED ``CPIAUCSL``), indexed by date; NaNs are dropped.
    """
    if not isinstance(cpi, pd.Series):
        raise InvalidInputError("cpi must be a pandas Series of monthly index levels")
    s = pd.to_numeric(cpi, errors="coerce").dropna().sort_index()
    n = int(round(12 * years))
    if n < 1 or len(s) < n + 1:
        raise InvalidInputError(f"cpi needs at least {n + 1} monthly observations for "
                                f"{years:g} year(s) of growth, got {len(s)}")
    if (s <= 0).any():
        raise InvalidInputError("cpi index levels must be > 0")
    return float((s.iloc[-1] / s.iloc[-1 - n]) ** (12.0 / n) - 1.0)


@dataclass(frozen=True)
class InvestorResult:
    """Cash flows of self-hosting against the API, and their summary.

    Attributes
    ----------
    cashflows : DataFrame
        One row per month 0..H; columns ``month``, ``api_cost_avoided_usd``, ``capex_usd``,
        ``implementation_usd``, ``gpu_rental_usd``, ``power_usd``, ``maintenance_usd``,
        ``facilities_usd``, ``staff_usd``, ``platform_usd``, ``residual_usd``,
        ``net_cash_flow_usd``, ``cumulative_usd``, ``discount_factor``,
        ``discounted_usd`` (costs negative, inflows positive).
    npv_usd : float
        At ``discount_rate_annual``.
    irr_annual : float or None
    payback_month : int or None
    """

    cashflows: pd.DataFrame
    npv_usd: float
    irr_annual: float | None
    payback_month: int | None
    discount_rate_annual: float
    api_price_decline_annual: float
    gpu_price_decline_annual: float
    opex_inflation_annual: float


def investor_cashflows(scenario: Scenario, *, discount_rate_annual: float | None = None,
                       api_price_decline_annual: float = 0.0,
                       gpu_price_decline_annual: float = 0.0,
                       opex_inflation_annual: float = 0.0,
                       cpi: pd.Series | None = None) -> InvestorResult:
    """Monthly incremental cash flows of self-hosting vs the API over the horizon.

    Parameters
    ----------
    discount_rate_annual : float, optional
        Default: the scenario's ``cost_of_capital_annual``.
    api_price_decline_annual, gpu_price_decline_annual : float
        Yearly fractional declines (0.9 = prices fall to a tenth each year).
    opex_inflation_annual : float
        Yearly opex escalation; ignored when ``cpi`` is given.
    cpi : Series, optional
        Monthly CPI levels; its trailing 12-month growth becomes the opex escalation.
    """
    for name, v in (("api_price_decline_annual", api_price_decline_annual),
                    ("gpu_price_decline_annual", gpu_price_decline_annual)):
        if not 0.0 <= v < 1.0:
            raise InvalidInputError(f"{name} must be in [0, 1), got {v!r}", field=name, value=v)
    if cpi is not None:
        opex_inflation_annual = cpi_growth_annual(cpi)
    if opex_inflation_annual <= -1:
        raise InvalidInputError(f"opex_inflation_annual must be > -1, got {opex_inflation_annual}",
                                field="opex_inflation_annual", value=opex_inflation_annual)
    rate = scenario.cost_of_capital_annual if discount_rate_annual is None else \
        float(discount_rate_annual)
    p = scenario_params(scenario)
    h = int(round(scenario.horizon_months))
    if h < 1:
        raise InvalidInputError(f"horizon_months must be >= 1, got {scenario.horizon_months}",
                                field="horizon_months", value=scenario.horizon_months)
    sh = selfhost_components(p, scenario.acquisition, scenario.rent_mode, scenario.load_profile)
    m = np.arange(h + 1, dtype=float)
    t = np.where(m >= 1, (m - 1.0) / 12.0, 0.0)
    live = (m >= 1).astype(float)
    infl = (1.0 + opex_inflation_annual) ** t
    g = (1.0 + scenario.volume_growth_annual) ** t
    per_req = float(api_cost_per_request_usd(p))
    api_tokens = per_req * scenario.requests_per_day * DAYS_PER_MONTH * g \
        * (1.0 - api_price_decline_annual) ** t
    api_staff = scenario.api_staff_fte * scenario.staff_cost_usd_per_fte_month * infl
    api_avoided = live * (api_tokens + api_staff)
    api_avoided[0] = scenario.api_implementation_usd
    capex = np.zeros_like(m)
    residual = np.zeros_like(m)
    if scenario.acquisition == "buy":
        total_capex = float(sh["servers"]) * (scenario.server_price_usd + scenario.installation_usd)
        capex[0] = total_capex
        life = scenario.hardware_life_months
        book = total_capex * (1.0 - (1.0 - scenario.residual_value_share) * min(h, life) / life)
        residual[-1] = book * (1.0 - gpu_price_decline_annual) ** (h / 12.0)
    impl = np.zeros_like(m)
    impl[0] = scenario.implementation_usd
    rental = live * float(sh["gpu_rental_usd"]) * (1.0 - gpu_price_decline_annual) ** t
    comps = {k: live * float(sh[f"{k}_usd"]) * infl for k in
             ("power", "maintenance", "facilities", "platform")}
    staff = live * scenario.staff_fte * scenario.staff_cost_usd_per_fte_month * infl
    net = (api_avoided - capex - impl - rental - comps["power"] - comps["maintenance"]
           - comps["facilities"] - staff - comps["platform"] + residual)
    r = (1.0 + rate) ** (1.0 / 12.0) - 1.0
    disc = 1.0 / (1.0 + r) ** m
    frame = pd.DataFrame({
        "month": m.astype(int), "api_cost_avoided_usd": api_avoided, "capex_usd": -capex,
        "implementation_usd": -impl, "gpu_rental_usd": -rental, "power_usd": -comps["power"],
        "maintenance_usd": -comps["maintenance"], "facilities_usd": -comps["facilities"],
        "staff_usd": -staff, "platform_usd": -comps["platform"], "residual_usd": residual,
        "net_cash_flow_usd": net, "cumulative_usd": np.cumsum(net), "discount_factor": disc,
        "discounted_usd": net * disc,
    })
    return InvestorResult(cashflows=frame, npv_usd=npv(net, rate), irr_annual=irr(net),
                          payback_month=payback_month(net), discount_rate_annual=rate,
                          api_price_decline_annual=api_price_decline_annual,
                          gpu_price_decline_annual=gpu_price_decline_annual,
                          opex_inflation_annual=float(opex_inflation_annual))


def investor_scenarios(scenario: Scenario, *, discount_rate_annual: float | None = None,
                       cpi: pd.Series | None = None) -> pd.DataFrame:
    """NPV, IRR and payback under price-trend scenarios.

    Rows: ``base`` (no trends), ``api price cut`` (``api_price_cut_annual`` default, an
    aipolicy assumption), ``LLMflation`` (a16z: about 10x cheaper a year at constant
    capability), ``GPU price decline`` (``gpu_price_decline_annual``), ``opex inflation``
    (CPI series growth when ``cpi`` is given, else ``opex_inflation_annual``) and
    ``combined`` (API cut + GPU decline + inflation).

    Returns
    -------
    DataFrame
        Columns ``scenario``, ``api_price_decline_annual``, ``gpu_price_decline_annual``,
        ``opex_inflation_annual``, ``npv_usd``, ``irr_annual``, ``payback_month``,
        ``total_net_usd``, ``source``.
    """
    d = catalog.cost_defaults()
    cut = d["api_price_cut_annual"]
    llm = d["llmflation_price_decline_annual"]
    gpu = d["gpu_price_decline_annual"]
    if cpi is not None:
        infl = cpi_growth_annual(cpi)
        s = pd.to_numeric(cpi, errors="coerce").dropna().sort_index()
        last = s.index[-1]
        day = last.date() if hasattr(last, "date") else last
        infl_src = f"CPI series passed in: trailing 12-month growth to {day}"
    else:
        infl = d["opex_inflation_annual"].value
        infl_src = d["opex_inflation_annual"].source
    cases = [
        ("base", 0.0, 0.0, 0.0, "no price trends"),
        ("api price cut", cut.value, 0.0, 0.0, cut.source),
        ("LLMflation", llm.value, 0.0, 0.0, f"{llm.source} ({llm.as_of})"),
        ("GPU price decline", 0.0, gpu.value, 0.0, gpu.source),
        ("opex inflation", 0.0, 0.0, infl, infl_src),
        ("combined", cut.value, gpu.value, infl, "api price cut + GPU decline + inflation"),
    ]
    rows = []
    for name, a, gd, i, src in cases:
        r = investor_cashflows(scenario, discount_rate_annual=discount_rate_annual,
                               api_price_decline_annual=a, gpu_price_decline_annual=gd,
                               opex_inflation_annual=i)
        rows.append({"scenario": name, "api_price_decline_annual": a,
                     "gpu_price_decline_annual": gd, "opex_inflation_annual": i,
                     "npv_usd": r.npv_usd, "irr_annual": r.irr_annual,
                     "payback_month": r.payback_month,
                     "total_net_usd": float(r.cashflows["net_cash_flow_usd"].sum()),
                     "source": src})
    return pd.DataFrame(rows)

