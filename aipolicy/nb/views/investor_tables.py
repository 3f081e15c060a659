"""The investor view's tables (notebooks 02 and 04): cash flows per year and NPV, IRR and payback
under price-trend scenarios, in USD, formatted for people."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from aipolicy.nb.tables import (
    Col,
    Table,
    any_missing,
    people_table,
    present_columns,
)

__all__ = ["CASHFLOW_LABELS", "cashflow_view", "investor_scenarios_view"]


#: Investor cash-flow column -> row label.
CASHFLOW_LABELS: dict[str, str] = {
    "api_cost_avoided_usd": "API bill avoided",
    "capex_usd": "servers (purchase and installation)",
    "implementation_usd": "implementation",
    "gpu_rental_usd": "GPU rental",
    "power_usd": "power",
    "maintenance_usd": "maintenance",
    "facilities_usd": "facilities",
    "staff_usd": "staff",
    "platform_usd": "platform / tooling",
    "residual_usd": "resale value",
    "net_cash_flow_usd": "net cash flow",
    "discounted_usd": "discounted net cash flow",
    "cumulative_usd": "cumulative net cash flow",
}


# --------------------------------------------------------------------------- 02: investor
def _yearly(cashflows: pd.DataFrame) -> pd.DataFrame:
    cf = cashflows.copy()
    cf["year"] = (cf["month"] + 11) // 12
    drop = [c for c in ("month", "cumulative_usd", "discount_factor") if c in cf.columns]
    yearly = cf.drop(columns=drop).groupby("year").sum()
    yearly["cumulative_usd"] = yearly["net_cash_flow_usd"].cumsum()
    yearly.index = ["month 0" if y == 0 else f"year {y}" for y in yearly.index]
    return yearly


def cashflow_view(yearly: Any) -> Table:
    """The investor's cash flows per year (USD; inflows positive, outflows negative).

    Parameters
    ----------
    yearly : DataFrame or InvestorResult
        Notebook 02's ``yearly`` frame (one row per period: ``month 0``, ``year 1`` ...; one
        column per cash flow, ``*_usd``), its transpose (``yearly.T``), or the
        :class:`~aipolicy.costs.InvestorResult` (its monthly ``cashflows`` are summed per
        year the same way).

    Returns
    -------
    Table
        One row per cash flow (labels in :data:`CASHFLOW_LABELS`), one column per period,
        whole USD.
    """
    if hasattr(yearly, "cashflows"):
        frame = _yearly(yearly.cashflows).T
    elif "net_cash_flow_usd" in getattr(yearly, "columns", []):
        frame = yearly.T
    else:
        frame = yearly
    frame = frame.copy()
    frame.index = [CASHFLOW_LABELS.get(str(i), str(i).removesuffix("_usd").replace("_", " "))
                   for i in frame.index]
    cols = {c: Col("usd", unit="") for c in frame.columns}
    return people_table(frame, cols, index="cash flow (USD)",
                        footnote="Inflows positive, outflows negative; month 0 is the "
                                 "purchase, year 1 months 1-12, and so on.")


def investor_scenarios_view(sc: pd.DataFrame, *, columns: Sequence[str] | None = None) -> Table:
    """The investment under price-trend scenarios, from :func:`aipolicy.costs.investor_scenarios`.

    Parameters
    ----------
    sc : DataFrame
        One row per scenario (``scenario`` as a column or the index) with the yearly rates as
        fractions (``api_price_decline_annual``, ``gpu_price_decline_annual``,
        ``opex_inflation_annual``), ``npv_usd``, ``irr_annual`` (fraction a year; None when
        there is none), ``payback_month`` (None when never), ``total_net_usd``, ``source``.
    columns : sequence of str, optional
        The columns to show, in order; default all of the above that ``sc`` has.

    Returns
    -------
    Table
        Rates and IRR in percent a year (IRR ``n/a`` when the cash flows never change sign),
        NPV and total net cash flow in USD, payback as ``month 7`` or ``never``, the source
        whole with links.
    """
    df = sc.set_index("scenario") if "scenario" in sc.columns else sc.copy()
    cols: dict[str, Col] = {
        "api_price_decline_annual": Col("pct", header="API price decline", unit="% a year"),
        "gpu_price_decline_annual": Col("pct", header="GPU price decline", unit="% a year"),
        "opex_inflation_annual": Col("pct", header="opex inflation", unit="% a year"),
        "npv_usd": Col("usd", header="NPV", missing="n/a"),
        "irr_annual": Col("pct", header="IRR", unit="% a year", missing="n/a"),
        "payback_month": Col("months", header="payback"),
        "total_net_usd": Col("usd", header="total net cash flow", missing="n/a"),
        "source": Col("source"),
    }
    wanted = list(columns) if columns is not None else list(cols)
    df = df[present_columns(df, wanted)]
    notes = []
    if any_missing(df, ["irr_annual"], blank_text=True):
        notes.append("IRR n/a: the cash flows never change sign, so there is no rate of "
                     "return.")
    if any_missing(df, ["payback_month"], blank_text=True):
        notes.append("payback “never”: the cumulative cash flow does not stay at or above "
                     "zero within the horizon.")
    return people_table(df, cols, index="scenario", footnote=notes)
