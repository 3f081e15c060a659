"""The "strong jobs market" claim metric: payroll growth and the unemployment rate (FRED).

A claim in two parts, each a standard reading of the monthly jobs report:

- payrolls: the average monthly change of nonfarm payrolls (``PAYEMS``, thousands of jobs,
  seasonally adjusted) over the ``payroll_months`` months to ``as_of``, at least the claim's
  threshold (thousand jobs a month);
- unemployment: the unemployment rate (``UNRATE``, percent) in ``as_of`` at most
  ``unemployment_rise_max`` percentage points above its level 12 months earlier.

Both pass: supported; one passes: partly supported (the note says which); none: not supported.
A part whose series is missing cannot be checked: one passing part then gives "partly
supported", one failing part "not supported", and no part at all "cannot be checked".
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .claim_base import (
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    CannotCheck,
    ClaimResult,
    attr_source,
)


def _monthly(fred: pd.DataFrame | None, sid: str) -> pd.Series | None:
    if fred is None or sid not in fred.columns:
        return None
    s = fred[sid].dropna().astype(float)
    if s.empty:
        return None
    s.index = pd.DatetimeIndex(s.index).to_period("M")
    return s.groupby(level=0).last()


def jobs_market(claim: Mapping, prices, fred, ipos) -> ClaimResult:
    """Payroll growth (computed, thousand jobs a month) and the unemployment test; see module."""
    payems, unrate = claim["assets"][:2]
    month = pd.Timestamp(str(claim["window"]["as_of"])).to_period("M")
    n = int(claim.get("payroll_months", 3))
    rise_max = float(claim.get("unemployment_rise_max", 0.0))
    threshold = float(claim["threshold"])
    needs = (f"FRED {payems} and {unrate} from {month - 12:%Y-%m} through {month:%Y-%m} (the "
             f"jobs report for {month:%B %Y})")
    parts: dict[str, bool | None] = {}
    lines: list[str] = []
    computed = np.nan
    used: list[str] = []
    p = _monthly(fred, payems)
    if p is None:
        parts["payrolls"] = None
        lines.append(f"payrolls cannot be checked: {payems} is not in the data")
    elif month not in p.index or (month - n) not in p.index:
        parts["payrolls"] = None
        lines.append(f"payrolls cannot be checked: {payems} covers {p.index[0]:%Y-%m} to "
                     f"{p.index[-1]:%Y-%m}, not {month - n:%Y-%m} to {month:%Y-%m}")
    else:
        computed = float((p[month] - p[month - n]) / n)
        parts["payrolls"] = computed >= threshold
        used.append(payems)
        lines.append(f"payrolls rose {computed:+,.0f}k a month on average over the {n} months "
                     f"to {month:%Y-%m} (test: at least {threshold:,.0f}k): "
                     f"{'pass' if parts['payrolls'] else 'fail'}")
    u = _monthly(fred, unrate)
    if u is None:
        parts["unemployment"] = None
        lines.append(f"unemployment cannot be checked: {unrate} is not in the data")
    elif month not in u.index or (month - 12) not in u.index:
        parts["unemployment"] = None
        lines.append(f"unemployment cannot be checked: {unrate} covers {u.index[0]:%Y-%m} to "
                     f"{u.index[-1]:%Y-%m}, not {month - 12:%Y-%m} to {month:%Y-%m}")
    else:
        change = float(u[month] - u[month - 12])
        parts["unemployment"] = change <= rise_max + 1e-9
        used.append(unrate)
        lines.append(f"unemployment {u[month]:.1f} % in {month:%Y-%m} against {u[month - 12]:.1f} "
                     f"% a year earlier ({change:+.1f} pp; test: at most {rise_max:+.1f} pp): "
                     f"{'pass' if parts['unemployment'] else 'fail'}")
    known = {k: v for k, v in parts.items() if v is not None}
    if not known:
        raise CannotCheck("; ".join(lines), needs=needs)
    passed = [k for k, v in known.items() if v]
    failed = [k for k, v in known.items() if not v]
    unknown = [k for k, v in parts.items() if v is None]
    if not failed and not unknown:
        decided = SUPPORTED
    elif passed:
        decided = PARTLY
    else:
        decided = NOT_SUPPORTED
    head = ""
    if decided == PARTLY:
        head = (f"holds for {' and '.join(passed)}; "
                + (f"fails for {' and '.join(failed)}" if failed else
                   f"{' and '.join(unknown)} cannot be checked ({needs})") + ". ")
    src = "; ".join(dict.fromkeys(attr_source(fred, s) for s in used))
    window = f"{month - n:%Y-%m} to {month:%Y-%m} (payrolls); {month - 12:%Y-%m} to " \
             f"{month:%Y-%m} (unemployment)"
    return ClaimResult(computed, head + "; ".join(lines), src, month.to_timestamp(), fred,
                       window, decided)
