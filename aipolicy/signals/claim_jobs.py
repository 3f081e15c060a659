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


def _payrolls(fred: pd.DataFrame | None, sid: str, month: pd.Period, n: int,
              threshold: float) -> tuple[bool | None, str, float]:
    """The payrolls part: average monthly change of ``sid`` over the ``n`` months to ``month``.

    Parameters
    ----------
    fred : DataFrame, optional
        FRED series by column (index: dates); ``sid`` in thousands of jobs.
    sid : str
        The payrolls series (``PAYEMS``).
    month : Period
        The jobs report's month.
    n : int
        Months the change is averaged over.
    threshold : float
        Thousand jobs a month the average must reach.

    Returns
    -------
    (bool or None, str, float)
        Pass, fail or None (cannot be checked), the note's line, and the average change
        (thousand jobs a month; NaN when it cannot be checked).
    """
    p = _monthly(fred, sid)
    if p is None:
        return None, f"payrolls cannot be checked: {sid} is not in the data", np.nan
    if month not in p.index or (month - n) not in p.index:
        return None, (f"payrolls cannot be checked: {sid} covers {p.index[0]:%Y-%m} to "
                      f"{p.index[-1]:%Y-%m}, not {month - n:%Y-%m} to {month:%Y-%m}"), np.nan
    computed = float((p[month] - p[month - n]) / n)
    ok = computed >= threshold
    return ok, (f"payrolls rose {computed:+,.0f} k a month on average over the {n} months "
                f"to {month:%Y-%m} (test: at least {threshold:,.0f} k): "
                f"{'pass' if ok else 'fail'}"), computed


def _unemployment(fred: pd.DataFrame | None, sid: str, month: pd.Period, rise_max: float
                  ) -> tuple[bool | None, str]:
    """The unemployment part: the rate in ``month`` against 12 months earlier.

    Parameters
    ----------
    fred : DataFrame, optional
        FRED series by column (index: dates); ``sid`` in percent.
    sid : str
        The unemployment rate series (``UNRATE``).
    month : Period
        The jobs report's month.
    rise_max : float
        Largest rise over the 12 months that passes (percentage points).

    Returns
    -------
    (bool or None, str)
        Pass, fail or None (cannot be checked), and the note's line.
    """
    u = _monthly(fred, sid)
    if u is None:
        return None, f"unemployment cannot be checked: {sid} is not in the data"
    if month not in u.index or (month - 12) not in u.index:
        return None, (f"unemployment cannot be checked: {sid} covers {u.index[0]:%Y-%m} to "
                      f"{u.index[-1]:%Y-%m}, not {month - 12:%Y-%m} to {month:%Y-%m}")
    change = float(u[month] - u[month - 12])
    ok = change <= rise_max + 1e-9
    return ok, (f"unemployment {u[month]:.1f} % in {month:%Y-%m} against {u[month - 12]:.1f} "
                f"% a year earlier ({change:+.1f} pp; test: at most {rise_max:+.1f} pp): "
                f"{'pass' if ok else 'fail'}")


def _verdict_of_parts(parts: Mapping[str, bool | None], needs: str) -> tuple[str, str]:
    """The verdict of a claim in parts, and the head of its note when partly supported.

    Parameters
    ----------
    parts : mapping of str to bool or None
        Each part's outcome: pass, fail or None (cannot be checked); at least one known.
    needs : str
        What data would check the unknown parts.

    Returns
    -------
    (str, str)
        Supported (all pass), partly supported (some pass) or not supported; the head
        (``"holds for ...; fails for .... "``, else empty).
    """
    passed = [k for k, v in parts.items() if v]
    failed = [k for k, v in parts.items() if v is not None and not v]
    unknown = [k for k, v in parts.items() if v is None]
    if not failed and not unknown:
        return SUPPORTED, ""
    if not passed:
        return NOT_SUPPORTED, ""
    return PARTLY, (f"holds for {' and '.join(passed)}; "
                    + (f"fails for {' and '.join(failed)}" if failed else
                       f"{' and '.join(unknown)} cannot be checked ({needs})") + ". ")


def jobs_market(claim: Mapping, prices, fred, ipos) -> ClaimResult:
    """Payroll growth (computed, thousand jobs a month) and the unemployment test; see module."""
    payems, unrate = claim["assets"][:2]
    month = pd.Timestamp(str(claim["window"]["as_of"])).to_period("M")
    n = int(claim.get("payroll_months", 3))
    rise_max = float(claim.get("unemployment_rise_max", 0.0))
    threshold = float(claim["threshold"])
    needs = (f"FRED {payems} and {unrate} from {month - 12:%Y-%m} through {month:%Y-%m} (the "
             f"jobs report for {month:%B %Y})")
    pay_ok, pay_line, computed = _payrolls(fred, payems, month, n, threshold)
    unemp_ok, unemp_line = _unemployment(fred, unrate, month, rise_max)
    parts = {"payrolls": pay_ok, "unemployment": unemp_ok}
    lines = [pay_line, unemp_line]
    if all(v is None for v in parts.values()):
        raise CannotCheck("; ".join(lines), needs=needs)
    decided, head = _verdict_of_parts(parts, needs)
    used = [sid for sid, ok in ((payems, pay_ok), (unrate, unemp_ok)) if ok is not None]
    src = "; ".join(dict.fromkeys(attr_source(fred, s) for s in used))
    window = f"{month - n:%Y-%m} to {month:%Y-%m} (payrolls); {month - 12:%Y-%m} to " \
             f"{month:%Y-%m} (unemployment)"
    return ClaimResult(computed, head + "; ".join(lines), src, month.to_timestamp(), fred,
                       window, decided)
