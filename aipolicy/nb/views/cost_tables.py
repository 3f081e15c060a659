"""The cost notebooks' tables (01 build vs buy, 02 hybrid and investment), formatted for people.

Each view takes the DataFrame (or result) the notebook already computes and returns a
:class:`~aipolicy.nb.tables.Table`: money as ``$10,290`` (USD), shares in percent, counts as
whole numbers, a payback month as ``month 7`` or ``never``, sources whole and linked, a
footnote saying what ``—`` or ``n/a`` means; the figures come from :mod:`aipolicy.costs`.

Views
-----
``price_view(scenario_or_price_table)``      API prices (``vc.price_table``)
``options_view(options)``                    every option side by side (``vc.options_table``)
``assumptions_view(frame)``                  every input with unit, source, as-of, note
``summary_view(summary)``                    monthly cost per option (``vc.cost_summary``)
``scorecard_view(card)``                     the judgment scorecard (``aipolicy.costs.scorecard``)
``breakdown_view(table)``                    component x option, USD per month
``tornado_view(tor)``                        one-at-a-time sensitivity (``aipolicy.costs.tornado``)
``percentiles_view(pct)``                    Monte Carlo percentiles
``hybrid_view(table)``                       cost per number of self-hosted replicas
``choice_view(table)``                       Monte Carlo over every option: P(cheapest)
``drawn_inputs_view(inputs)``                its drawn ranges

The investor's tables (cash flows per year, NPV/IRR/payback per scenario) are in
:mod:`aipolicy.nb.views.investor_tables`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from aipolicy.costs.compare.fields import field_label
from aipolicy.costs.compare.judgment import FACTOR_LABELS
from aipolicy.nb.format import share_text
from aipolicy.nb.tables import (
    Col,
    Table,
    any_missing,
    display_unit,
    format_by_unit,
    format_value,
    people_table,
    present_columns,
)

__all__ = [
    "ASOF_NOTE",
    "assumptions_view",
    "breakdown_view",
    "options_view",
    "percentiles_view",
    "price_view",
    "scorecard_view",
    "summary_view",
    "tornado_view",
    "choice_view",
    "drawn_inputs_view",
]

#: Footnote of every table with an ``as of`` column.
ASOF_NOTE = ("as of “—”: the source gives no date (a project assumption, a default, a "
             "notebook argument or an undated reference).")


# --------------------------------------------------------------------------- 01: prices
def price_view(scenario_or_table: Any) -> Table:
    """The API prices the comparison uses.

    Parameters
    ----------
    scenario_or_table : Scenario or DataFrame
        A :class:`~aipolicy.costs.Scenario` (its :func:`aipolicy.nb.costs.price_table` is
        used) or that table (index ``price``; ``model``, ``provider``, ``USD per 1M tokens``,
        ``source``, ``as_of``, ``note``).

    Returns
    -------
    Table
        Prices in USD per 1M tokens (``$2.50``); sources whole with links.
    """
    if isinstance(scenario_or_table, pd.DataFrame):
        frame = scenario_or_table
    else:
        from aipolicy.nb.costs import price_table

        frame = price_table(scenario_or_table)
    cols = {
        "model": Col("text"),
        "provider": Col("text"),
        "USD per 1M tokens": Col("usd_per_mtok", header="price"),
        "source": Col("source"),
        "as_of": Col("date", header="as of"),
        "note": Col("text", missing=""),
    }
    frame = frame[present_columns(frame, list(cols))]
    notes = [ASOF_NOTE] if any_missing(frame, ["as_of"], blank_text=True) else []
    return people_table(frame, cols, footnote=notes)


# --------------------------------------------------------------------------- 01/02: options
def options_view(options: pd.DataFrame) -> Table:
    """Every way to buy the same answers, from :func:`aipolicy.nb.costs.options_table`.

    Parameters
    ----------
    options : DataFrame
        Indexed by option; ``USD/month``, ``fixed USD/month``, ``USD per 1M tokens`` (the
        volume part; numbers or the table's ``"10,290"``-style strings; ``"n/a"`` when an
        option cannot be priced),
        ``quality (LMArena)``, ``fleet``, ``break-even vs self-host (requests/day)``.

    Returns
    -------
    Table
        Monthly cost in USD, USD per 1M tokens (3 decimals), the break-even volume in
        requests/day (``not reached`` / ``—`` as the table gives them).
    """
    be = "break-even vs self-host (requests/day)"
    cols = {
        "USD/month": Col("usd", header="monthly cost", missing="n/a"),
        "fixed USD/month": Col("usd", header="of which fixed", missing="n/a"),
        "USD per 1M tokens": Col("usd_per_mtok", header="volume cost", decimals=3, missing="n/a"),
        "quality (LMArena)": Col("text", header="quality (LMArena rating, 95% interval)",
                                 align="right"),
        "fleet": Col("text"),
        "checks": Col("text", header="meets quality floor / latency target"),
        be: Col("number", header="break-even vs self-host", unit="requests/day", decimals=0),
    }
    frame = options[present_columns(options, list(cols))]
    notes = ["quality floor: rated at least as good as the open model (LMArena 95% intervals); "
             "latency target: self-hosting is sized under it, a per-token API is checked "
             "against public, dated speed figures (“not checked” where none exist). Only an "
             "option known to miss one cannot be the verdict."] if "checks" in frame else []
    notes += ["of which fixed: staff, platform and implementation, paid whatever the volume; "
              "volume cost: the rest (the token bill; GPUs, power, space) per 1M input + output "
              "tokens."] if "fixed USD/month" in frame else []
    notes += ["break-even “—”: not applicable (the option is self-hosted); “not reached”: "
             "self-hosting stays dearer over the volumes searched."] if be in frame else []
    if any_missing(frame, ["USD/month"], blank_text=True) or (frame.astype(str) == "n/a").to_numpy().any():
        notes.append("n/a: the option cannot be priced for this choice.")
    return people_table(frame, cols, index="option", footnote=notes)


# --------------------------------------------------------------------------- assumptions
def assumptions_view(frame: pd.DataFrame, *, caption: str | None = None) -> Table:
    """Every number the comparison uses, each value formatted by its unit.

    Parameters
    ----------
    frame : DataFrame
        :func:`aipolicy.nb.costs.assumptions_table` (index ``parameter``; ``value``, ``unit``,
        ``source``, ``as_of``, ``note``), or a subset of its rows or columns. ``value`` mixes
        names and numbers; ``unit`` decides the format (USD -> ``$18,000``, a share or ratio
        -> ``20 %``, counts with thousands separators).
    caption : str, optional
        Title above the table.

    Returns
    -------
    Table
        Columns ``value``, ``unit`` (fractions shown as ``% of ...``), ``source`` (whole, with
        links), ``as of`` (``—`` when the source gives no date), ``note``.
    """
    df = frame.copy()
    if "value" in df.columns:
        units = df["unit"] if "unit" in df.columns else pd.Series("", index=df.index)
        df["value"] = [format_by_unit(v, u) for v, u in zip(df["value"], units, strict=True)]
    if "unit" in df.columns:
        df["unit"] = [display_unit(u) for u in df["unit"]]
    cols = {
        "value": Col("text", align="right"),
        "unit": Col("text"),
        "source": Col("source"),
        "as_of": Col("date", header="as of"),
        "note": Col("text", missing=""),
    }
    df = df[present_columns(df, list(cols))].rename(index=field_label)
    notes = []
    if any_missing(frame, ["as_of"], blank_text=True):
        notes.append(ASOF_NOTE)
    if "value" in df.columns and (df["value"] == "n/a").any():
        notes.append("n/a: not defined for this choice.")
    return people_table(df, cols, index="parameter", caption=caption, footnote=notes)


# --------------------------------------------------------------------------- 01: summary
def summary_view(summary: pd.DataFrame) -> Table:
    """Monthly cost of the API, self-hosting (rented, bought) and the best hybrid.

    Parameters
    ----------
    summary : DataFrame
        The first element of :func:`aipolicy.nb.costs.cost_summary` (index ``option``;
        ``monthly_usd``, ``usd_per_mtok``, ``horizon_total_usd``, ``replicas``, ``gpus``,
        ``servers``).

    Returns
    -------
    Table
        USD per month, USD per 1M tokens (3 decimals), USD over the horizon, whole replicas,
        GPUs and servers (``—`` where not reported: servers of the hybrid).
    """
    cols = {
        "monthly_usd": Col("usd", header="monthly cost", missing="n/a"),
        "usd_per_mtok": Col("usd_per_mtok", header="cost", decimals=3, missing="n/a"),
        "horizon_total_usd": Col("usd", header="total over the horizon", missing="n/a"),
        "replicas": Col("int"),
        "gpus": Col("int", header="GPUs"),
        "servers": Col("int"),
    }
    frame = summary[present_columns(summary, list(cols))]
    notes = ["“—”: not reported for this option (the hybrid's servers are not counted "
             "separately)."] if any_missing(frame, ["replicas", "gpus", "servers"], blank_text=True) else []
    if any_missing(frame, ["monthly_usd", "usd_per_mtok", "horizon_total_usd"], blank_text=True):
        notes.append("n/a: the option cannot be priced for this choice.")
    return people_table(frame, cols, index="option", footnote=notes)


# --------------------------------------------------------------------------- 01: scorecard
def scorecard_view(card: pd.DataFrame) -> Table:
    """The decision factors that are not money, from :func:`aipolicy.costs.scorecard`.

    Parameters
    ----------
    card : DataFrame
        The scorecard (``factor``, ``weight``, ``api``, ``selfhost``, ``hybrid``,
        ``rationale``; ``factor`` as a column or as the index). Scores are 1 (poor) to 5
        (good); weights are fractions summing to 1; the ``weighted score`` row holds the
        weighted means.

    Returns
    -------
    Table
        Weights in percent, scores as whole numbers (weighted scores with 2 decimals), the
        rationale whole; captioned with the card's label (``judgment, not measurement``).
    """
    df = (card.set_index("factor") if "factor" in card.columns else card.copy()).rename(
        index=FACTOR_LABELS)  # the reader's words, not the keys weights are given by
    label = card.attrs.get("label", "judgment, not measurement")
    score_cols = present_columns(df, ["api", "selfhost", "hybrid"])
    out = df[present_columns(df, ["weight", *score_cols, "rationale"])].copy()
    total = [str(i).strip().lower().startswith("weighted") for i in out.index]
    for c in score_cols:
        out[c] = [
            format_by_unit(v, "") if not is_total and float(v).is_integer()
            else f"{float(v):,.2f}" if pd.notna(v) else "—"
            for v, is_total in zip(df[c], total, strict=True)]
    cols = {
        "weight": Col("pct", decimals=0),
        "api": Col("text", header="API", unit="score 1-5", align="right"),
        "selfhost": Col("text", header="self-host", unit="score 1-5", align="right"),
        "hybrid": Col("text", header="hybrid", unit="score 1-5", align="right"),
        "rationale": Col("text"),
    }
    return people_table(out, cols, index="factor", caption=f"Scorecard ({label})",
                        footnote="Scores: 1 = poor, 5 = good; the weighted score is the "
                                 "weight-averaged score of each option.")


# --------------------------------------------------------------------------- 01: breakdown
def breakdown_view(table: pd.DataFrame) -> Table:
    """Monthly cost by component (rows) and option (columns), USD per month.

    Parameters
    ----------
    table : DataFrame
        Components as the index (labels, e.g. ``staff``, ``GPU rental``, ``total``), one column
        per option, USD per month; a `` (USD/month)`` suffix on the column names is dropped.

    Returns
    -------
    Table
        Every cell in whole USD (``$0`` where the option has no such cost).
    """
    df = table.copy()
    df.columns = [str(c).removesuffix(" (USD/month)") for c in df.columns]
    cols = {c: Col("usd", unit="") for c in df.columns}
    return people_table(df, cols, index="component (USD/month)")


# --------------------------------------------------------------------------- 01: tornado
def _ranges_in_units(df: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """``unit`` (for display) and the ``columns`` present, each value written in its row's
    unit (shares in percent); the rows of ``df`` in order, indexed by the reader's label of
    each field (:func:`~aipolicy.costs.compare.fields.field_label`)."""
    out = pd.DataFrame(index=df.index.map(field_label).rename(df.index.name))
    units = df["unit"] if "unit" in df.columns else pd.Series("", index=df.index)
    if "unit" in df.columns:
        out["unit"] = [display_unit(u) for u in units]
    for c in columns:
        if c in df.columns:
            out[c] = [format_by_unit(v, u) for v, u in zip(df[c], units, strict=True)]
    return out


def tornado_view(tor: pd.DataFrame) -> Table:
    """One-at-a-time sensitivity of the monthly saving, from :func:`aipolicy.costs.tornado`.

    Parameters
    ----------
    tor : DataFrame
        The tornado table (``parameter``, ``unit``, ``low_value``, ``base_value``,
        ``high_value``, ``savings_at_low_usd``, ``savings_at_high_usd``, ``swing_usd``, and
        optionally ``base_savings_usd``, ``source``); ``parameter`` as a column or the index.

    Returns
    -------
    Table
        Low / base / high values in each row's unit (shares in percent), the monthly saving of
        self-hosting (API cost minus self-hosted cost, USD per month; negative: self-hosting
        dearer) at the low and high value, the swing, and the range's source.
    """
    df = tor.set_index("parameter") if "parameter" in tor.columns else tor.copy()
    out = _ranges_in_units(df, ("low_value", "base_value", "high_value"))
    for c in ("savings_at_low_usd", "savings_at_high_usd", "swing_usd", "source"):
        if c in df.columns:
            out[c] = df[c].to_numpy()
    cols = {
        "unit": Col("text"),
        "low_value": Col("text", header="low", align="right"),
        "base_value": Col("text", header="base", align="right"),
        "high_value": Col("text", header="high", align="right"),
        "savings_at_low_usd": Col("usd", header="saving at low", unit="USD/month"),
        "savings_at_high_usd": Col("usd", header="saving at high", unit="USD/month"),
        "swing_usd": Col("usd", header="swing", unit="USD/month"),
        "source": Col("source", header="range and its source"),
    }
    notes = ["saving = API cost minus self-hosted cost per month; negative: self-hosting "
             "is dearer."]
    if "base_savings_usd" in df.columns and len(df):
        base = format_value(df["base_savings_usd"].iloc[0], Col("usd"))
        notes.insert(0, f"Saving at the base values: {base} per month.")
    return people_table(out, cols, index="parameter", footnote=notes)


# --------------------------------------------------------------------------- Monte Carlo
def percentiles_view(pct: Any) -> Table:
    """Monte Carlo percentiles of the monthly saving (and the break-even volume).

    Parameters
    ----------
    pct : DataFrame, Series or MonteCarloResult
        Indexed by percentile (``p5`` ... ``p95``) with ``monthly_saving_usd`` (USD per month)
        and optionally ``breakeven_requests_per_day``; a Series is taken as the monthly
        saving; a :class:`~aipolicy.costs.MonteCarloResult` gives both.

    Returns
    -------
    Table
        Savings in USD per month (negative: self-hosting dearer), break-even in requests/day
        (``not reached`` when a draw never breaks even).
    """
    if hasattr(pct, "savings_percentiles"):
        frame = pd.DataFrame({"monthly_saving_usd": pct.savings_percentiles,
                              "breakeven_requests_per_day": pct.breakeven_percentiles})
    elif isinstance(pct, pd.Series):
        frame = pct.rename("monthly_saving_usd").to_frame()
    else:
        frame = pct
    cols = {
        "monthly_saving_usd": Col("usd", header="monthly saving of self-hosting",
                                  unit="USD/month"),
        "breakeven_requests_per_day": Col("number", header="break-even", unit="requests/day",
                                          decimals=0, missing="not reached"),
    }
    frame = frame[present_columns(frame, list(cols))]
    return people_table(frame, cols, index="percentile",
                        footnote="saving = API cost minus self-hosted cost; negative: "
                                 "self-hosting is dearer.")


# --------------------------------------------------------------------------- 02: hybrid
def hybrid_view(table: pd.DataFrame, *, max_rows: int = 30) -> Table:
    """Monthly cost for every number of self-hosted replicas (the rest overflows to the API).

    Parameters
    ----------
    table : DataFrame
        ``optimise_hybrid(scenario).table`` (``replicas`` as a column or the index; ``gpus``,
        ``selfhost_monthly_usd``, ``api_monthly_usd``, ``total_monthly_usd``,
        ``selfhost_share_of_requests``, ``optimum``).
    max_rows : int
        Longer tables are thinned to about 20 evenly spaced rows plus the optimum and the
        full fleet (as notebook 02 does); the footnote says so.

    Returns
    -------
    Table
        Whole GPUs, USD per month, the self-hosted share of requests in percent
        (:func:`aipolicy.record.share_text`, as the answer writes it), and
        ``yes`` on the cheapest row.
    """
    df = table.set_index("replicas") if "replicas" in table.columns else table.copy()
    notes: list[str] = []
    if len(df) > max_rows:
        step = max(1, len(df) // 20)
        keep = set(range(0, len(df), step)) | {len(df) - 1}
        if "optimum" in df.columns:
            keep |= {i for i, v in enumerate(df["optimum"]) if bool(v)}
        df = df.iloc[sorted(keep)]
        notes.append(f"Every {step}th replica count is shown, plus the optimum and the full "
                     "fleet.")
    cols = {
        "gpus": Col("int", header="GPUs"),
        "selfhost_monthly_usd": Col("usd", header="self-hosted", unit="USD/month"),
        "api_monthly_usd": Col("usd", header="API overflow", unit="USD/month"),
        "total_monthly_usd": Col("usd", header="total", unit="USD/month"),
        "selfhost_share_of_requests": Col("text", header="self-hosted share of requests",
                                          align="right"),
        "optimum": Col("bool", header="cheapest"),
    }
    df = df[present_columns(df, list(cols))]
    if "selfhost_share_of_requests" in df.columns:  # as the answer writes it: 99.7% never 100%
        df = df.assign(selfhost_share_of_requests=df["selfhost_share_of_requests"].map(share_text))
    return people_table(df, cols, index="replicas", footnote=notes)


def choice_view(table: pd.DataFrame) -> Table:
    """The Monte Carlo over every option: P(cheapest) and the monthly cost's percentiles.

    Parameters
    ----------
    table : DataFrame
        Indexed by option label; ``P(cheapest)`` (share of draws, 0-1) and ``p5`` ... ``p95``
        (USD per month; NaN for a hybrid that is never a real split). P(cheapest) is written
        as the answer writes shares (:func:`aipolicy.record.share_text`).
    """
    cols: dict[str, Col] = {"P(cheapest)": Col("text", header="P(cheapest)", align="right")}
    for q in [c for c in table.columns if c.startswith("p") and c[1:].isdigit()]:
        cols[q] = Col("usd", header=q, unit="USD/month", missing="never a split")
    frame = table[list(cols)].assign(**{"P(cheapest)": table["P(cheapest)"].map(share_text)})
    return people_table(frame, cols, index="option",
                        footnote="P(cheapest) sums to 100% over the options; a hybrid counts "
                                 "only in draws where its best split is a real split.")


def drawn_inputs_view(inputs: pd.DataFrame) -> Table:
    """The ranges the Monte Carlo over every option draws, one row per input and range.

    ``inputs`` is ``ChoiceResult.inputs`` (``parameter``, ``option``, ``low``, ``base``,
    ``high``, ``unit``, ``source``).
    """
    df = inputs.set_index("parameter")
    out = _ranges_in_units(df, ("low", "base", "high"))
    out.insert(0, "option", df.get("option_labels", df["option"]).to_numpy())  # names, not keys
    out["source"] = df["source"].to_numpy()
    cols = {"option": Col("text", header="options it drives"), "unit": Col("text"),
            "low": Col("text", align="right"), "base": Col("text", align="right"),
            "high": Col("text", align="right"), "source": Col("source", header="range and its source")}
    return people_table(out, cols, index="parameter")
