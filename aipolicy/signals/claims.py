"""Check narrative claims (from the seed documents) against loaded data.

Claims are data: :data:`DEFAULT_CLAIMS_FILE` (``claims.yaml`` in this package) lists the
claims made in the seed documents with their metric, assets, window, comparison, threshold and
tolerance. :func:`check_claims` evaluates each against the frames it is given and returns one
row per claim with a verdict that is strictly one of :data:`VERDICTS`.

Metrics (units of ``computed`` in brackets):

- ``max_rally`` [fraction]: max over the window of close / lowest earlier close - 1; when the
  data covers only part of the window, the rally inside it is a lower bound, which decides
  "at least" claims it meets and "at most" claims it breaks (else: cannot be checked);
- ``cpi_yoy_high`` [months]: months back from ``as_of`` to the last month with CPI YoY at least
  as high (all available history if none);
- ``record_high`` [ratio]: highest close in the window / highest close in all data to the
  window's end (1.0 = the window holds the record of the data's history);
- ``ipo_proceeds`` [USD]: proceeds_usd from the IPO table;
- ``basket_outperformance`` [fraction]: total return of an equal-weight, monthly rebalanced
  basket minus the benchmark's total return over the window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from aipolicy.errors import InvalidInputError

from .baskets import basket_returns
from .inflation import cpi_yoy, highest_in_n_months
from .returns import simple_returns

DEFAULT_CLAIMS_FILE = Path(__file__).resolve().parent / "claims.yaml"
SUPPORTED = "supported"
NOT_SUPPORTED = "not supported"
CANNOT = "cannot be checked with this data"
VERDICTS = (SUPPORTED, NOT_SUPPORTED, CANNOT)
COLUMNS = [
    "claim_id",
    "claim",
    "metric",
    "computed",
    "threshold",
    "verdict",
    "data_source",
    "as_of",
    "note",
]
REQUIRED = ("id", "text", "source", "metric", "assets", "window", "comparison", "threshold")
COMPARISONS = (">=", ">", "<=", "<", "approx")


class _CannotCheck(Exception):
    """Internal: the data does not allow a verdict; the message says why."""


def load_claims(path: str | Path | None = None) -> list[dict]:
    """Read and validate a claims YAML file (default: the shipped seed claims).

    Returns a list of dicts with at least the keys in ``REQUIRED``.
    """
    import yaml

    p = Path(path) if path is not None else DEFAULT_CLAIMS_FILE
    if not p.exists():
        raise InvalidInputError(f"claims file {p} does not exist")
    with p.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, list):
        raise InvalidInputError(f"{p} must hold a YAML list of claims, got {type(data).__name__}")
    return [validate_claim(c) for c in data]


def validate_claim(claim: Mapping) -> dict:
    """Check one claim dict's fields; returns a normalised copy."""
    if not isinstance(claim, Mapping):
        raise InvalidInputError(f"each claim must be a mapping, got {type(claim).__name__}")
    c = dict(claim)
    missing = [k for k in REQUIRED if k not in c]
    if missing:
        raise InvalidInputError(f"claim {c.get('id', '?')!r} lacks field(s) {missing}")
    if c["metric"] not in METRICS:
        raise InvalidInputError(
            f"claim {c['id']!r}: unknown metric {c['metric']!r}; one of {sorted(METRICS)}"
        )
    if c["comparison"] not in COMPARISONS:
        raise InvalidInputError(
            f"claim {c['id']!r}: comparison must be one of {COMPARISONS}, got {c['comparison']!r}"
        )
    if isinstance(c["assets"], str):
        c["assets"] = [c["assets"]]
    if not isinstance(c["window"], Mapping):
        raise InvalidInputError(
            f"claim {c['id']!r}: window must be a mapping {{start, end}} or {{as_of}}"
        )
    c["threshold"] = float(c["threshold"])
    c["tolerance"] = float(c.get("tolerance", 0.0) or 0.0)
    if c["tolerance"] < 0:
        raise InvalidInputError(f"claim {c['id']!r}: tolerance must be >= 0")
    return c


def verdict(computed: float, comparison: str, threshold: float, tolerance: float = 0.0) -> str:
    """Compare ``computed`` with ``threshold`` (tolerance in the metric's units)."""
    if computed is None or not np.isfinite(computed):
        return CANNOT
    ok = {
        ">=": computed >= threshold - tolerance,
        ">": computed > threshold - tolerance,
        "<=": computed <= threshold + tolerance,
        "<": computed < threshold + tolerance,
        "approx": abs(computed - threshold) <= tolerance,
    }[comparison]
    return SUPPORTED if ok else NOT_SUPPORTED


# ----------------------------------------------------------------------------- helpers
def _attr_source(frame: pd.DataFrame | None, key: str | None = None) -> str:
    if frame is None:
        return ""
    attrs = getattr(frame, "attrs", {}) or {}
    prov = attrs.get("provenance")
    if isinstance(prov, Mapping) and key is not None and key in prov:
        return str(prov[key])
    if isinstance(prov, str) and prov:
        return prov
    src = attrs.get("source")
    if isinstance(prov, Mapping) and prov and src is None:
        return "; ".join(f"{k}: {v}" for k, v in list(prov.items())[:3])
    return str(src) if src else "unknown (frame has no attrs['source'])"


def _synthetic_note(frame: pd.DataFrame | None) -> str:
    if frame is None:
        return ""
    syn = (getattr(frame, "attrs", {}) or {}).get("synthetic")
    if (
        syn is True
        or (isinstance(syn, Mapping) and any(syn.values()))
        or (isinstance(syn, Sequence) and not isinstance(syn, str) and len(syn))
    ):
        return "SYNTHETIC sample data: the verdict describes the sample, not the market. "
    return ""


def _window(claim: dict, data_end: pd.Timestamp | None = None):
    w = claim["window"]
    start = pd.Timestamp(w["start"]) if w.get("start") not in (None, "") else None
    end_raw = w.get("end")
    if end_raw in (None, "", "latest"):
        end = data_end
    else:
        end = pd.Timestamp(end_raw)
    return start, end


def _price_series(prices: pd.DataFrame | None, ticker: str) -> pd.Series:
    if prices is None:
        raise _CannotCheck("no price data given")
    if ticker not in prices.columns:
        raise _CannotCheck(f"ticker {ticker} not in the price data")
    s = prices[ticker].dropna().astype(float)
    if s.empty:
        raise _CannotCheck(f"ticker {ticker} has no prices")
    return s


def _covers(s: pd.Series, start, end, slack_days: int, what: str) -> None:
    slack = pd.Timedelta(days=slack_days)
    first, last = s.index[0], s.index[-1]
    if start is not None and first > start + slack:
        raise _CannotCheck(f"{what} starts {first.date()}, after the window start {start.date()}")
    if end is not None and last < end - slack:
        raise _CannotCheck(f"{what} ends {last.date()}, before the window end {end.date()}")


# ----------------------------------------------------------------------------- metrics
def _max_rally(claim, prices, fred, ipos):
    t = claim["assets"][0]
    s = _price_series(prices, t)
    start, end = _window(claim, s.index[-1])
    try:
        _covers(s, start, end, int(claim.get("coverage_days", 7)), f"{t} prices")
        gap = None
    except _CannotCheck as exc:
        gap = str(exc)
    w = s.loc[start:end]
    if len(w) < 2:
        raise _CannotCheck(gap or f"fewer than 2 {t} prices in the window")
    ratio = w / w.cummin() - 1.0
    peak_date = ratio.idxmax()
    low_date = w.loc[:peak_date].idxmin()
    computed = float(ratio.max())
    note = (
        f"{t} low {w.loc[low_date]:.2f} on {low_date.date()}, high {w.loc[peak_date]:.2f} on "
        f"{peak_date.date()}; last close {w.iloc[-1]:.2f} on {w.index[-1].date()} "
        f"({w.iloc[-1] / w.loc[low_date] - 1:+.0%} from the low)"
    )
    if gap is not None:
        # The largest rally inside part of the window is a lower bound on the largest rally
        # over the whole window: it can confirm "at least X" and refute "at most X", nothing
        # else.
        outcome = verdict(computed, claim["comparison"], claim["threshold"], claim["tolerance"])
        decisive = (claim["comparison"] in (">=", ">") and outcome == SUPPORTED) or (
            claim["comparison"] in ("<=", "<") and outcome == NOT_SUPPORTED
        )
        if not decisive:
            raise _CannotCheck(
                f"{gap}; the {computed:.0%} rally inside the data is only a lower bound: {note}"
            )
        note = (
            f"partial window ({gap}): the rally inside the data is a lower bound on the "
            f"window's largest rally, and it already decides the claim; {note}"
        )
    return computed, note, _attr_source(prices, t), w.index[-1], prices


def _cpi_yoy_high(claim, prices, fred, ipos):
    sid = claim["assets"][0]
    if fred is None:
        raise _CannotCheck("no FRED data given")
    if sid not in fred.columns:
        raise _CannotCheck(f"series {sid} not in the FRED data")
    cpi = fred[sid].dropna()
    if cpi.empty:
        raise _CannotCheck(f"series {sid} has no values")
    yoy = cpi_yoy(cpi)
    as_of = pd.Timestamp(claim["window"]["as_of"]).to_period("M").to_timestamp(how="start")
    if as_of not in yoy.index or pd.isna(yoy.get(as_of)):
        raise _CannotCheck(
            f"{sid} YoY for {as_of:%Y-%m} is not in the data (YoY available "
            f"{yoy.first_valid_index():%Y-%m} to {yoy.last_valid_index():%Y-%m})"
        )
    info = highest_in_n_months(yoy, as_of, int(claim["threshold"]))
    if info.months_since_higher is None:
        if info.history_months < claim["threshold"]:
            raise _CannotCheck(
                f"{sid} YoY {info.value:.2%} in {as_of:%Y-%m} is the highest of only "
                f"{info.history_months} earlier months of history"
            )
        computed = float(info.history_months)
        note = (
            f"YoY {info.value:.2%} in {as_of:%Y-%m}: highest in all {info.history_months} "
            "months of YoY history"
        )
    else:
        computed = float(info.months_since_higher)
        note = (
            f"YoY {info.value:.2%} in {as_of:%Y-%m}; last month at least as high: "
            f"{info.last_higher_date:%Y-%m} ({yoy.loc[info.last_higher_date]:.2%}), "
            f"{info.months_since_higher} month{'s' if info.months_since_higher != 1 else ''} earlier"
        )
    return computed, note, _attr_source(fred, sid), as_of, fred


def _record_high(claim, prices, fred, ipos):
    t = claim["assets"][0]
    s = _price_series(prices, t)
    start, end = _window(claim, s.index[-1])
    slack = int(claim.get("coverage_days", 7))
    _covers(s, start, end, slack, f"{t} prices")
    hist = claim.get("history_start")
    if hist is not None and s.index[0] > pd.Timestamp(hist) + pd.Timedelta(days=slack):
        raise _CannotCheck(
            f"{t} history starts {s.index[0].date()}; a record needs data from {hist} on"
        )
    upto = s.loc[:end]
    w = upto.loc[start:]
    if w.empty:
        raise _CannotCheck(f"no {t} prices in the window")
    computed = float(w.max() / upto.max())
    note = (
        f"window high {w.max():.2f} on {w.idxmax().date()}; highest close in data "
        f"{upto.max():.2f} on {upto.idxmax().date()}; a record within data starting "
        f"{s.index[0].date()} (not necessarily all time)"
    )
    return computed, note, _attr_source(prices, t), w.index[-1], prices


def _ipo_proceeds(claim, prices, fred, ipos):
    t = claim["assets"][0]
    if ipos is None:
        raise _CannotCheck("no IPO table given")
    if "ticker" not in ipos.columns or "proceeds_usd" not in ipos.columns:
        raise _CannotCheck("IPO table lacks ticker / proceeds_usd columns")
    rows = ipos[ipos["ticker"] == t]
    if rows.empty:
        raise _CannotCheck(f"{t} not in the IPO table")
    row = rows.iloc[-1]
    proceeds = pd.to_numeric(pd.Series([row["proceeds_usd"]]), errors="coerce").iloc[0]
    if pd.isna(proceeds):
        raise _CannotCheck(f"{t} has no proceeds_usd in the IPO table")
    src = (
        str(row["source"])
        if "source" in row and pd.notna(row.get("source"))
        else _attr_source(ipos)
    )
    as_of = row.get("as_of") if pd.notna(row.get("as_of", np.nan)) else row.get("first_trade_date")
    verified = row.get("verified", None)
    note = (
        f"{t} proceeds ${proceeds / 1e9:.2f}B vs claimed ${claim['threshold'] / 1e9:.2f}B "
        f"(tolerance ${claim['tolerance'] / 1e9:.3f}B)"
    )
    if verified is not None and not (isinstance(verified, float) and np.isnan(verified)):
        note += f"; verified={verified}"
    return float(proceeds), note, src, as_of, ipos


def _basket_outperformance(claim, prices, fred, ipos):
    if prices is None:
        raise _CannotCheck("no price data given")
    bench = claim.get("benchmark", "^GSPC")
    b = _price_series(prices, bench)
    members = [m for m in claim["assets"] if m in prices.columns and prices[m].notna().any()]
    absent = [m for m in claim["assets"] if m not in members]
    if len(members) * 2 < len(claim["assets"]):
        raise _CannotCheck(
            f"only {len(members)} of {len(claim['assets'])} basket members "
            f"in the data (missing {absent})"
        )
    start, end = _window(claim, b.index[-1])
    slack = int(claim.get("coverage_days", 7))
    _covers(b, start, end, slack, f"{bench} prices")
    px = prices[members + [bench]].loc[start:end]
    early = [
        m for m in members if prices[m].first_valid_index() <= start + pd.Timedelta(days=slack)
    ]
    if not early:
        raise _CannotCheck("no basket member has prices at the window start")
    rets = simple_returns(px, span_gaps=True)
    basket = basket_returns(rets[members], rebalance="M").loc[px.index[1] :]
    bw = px[bench].dropna()
    bench_total = float(bw.iloc[-1] / bw.iloc[0] - 1.0)
    basket_total = float((1.0 + basket.fillna(0.0)).prod() - 1.0)
    note = (
        f"equal-weight basket {basket_total:+.1%} vs {bench} {bench_total:+.1%} from "
        f"{px.index[0].date()} to {px.index[-1].date()} ({len(members)} members"
    )
    late = [m for m in members if m not in early]
    note += f"; joined after listing: {late}" if late else ""
    note += f"; absent: {absent})" if absent else ")"
    return basket_total - bench_total, note, _attr_source(prices, bench), px.index[-1], prices


METRICS: dict[str, Callable] = {
    "max_rally": _max_rally,
    "cpi_yoy_high": _cpi_yoy_high,
    "record_high": _record_high,
    "ipo_proceeds": _ipo_proceeds,
    "basket_outperformance": _basket_outperformance,
}


def _as_of_str(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    try:
        return pd.Timestamp(value).date().isoformat()
    except (ValueError, TypeError):
        return str(value)


def check_claims(
    prices: pd.DataFrame | None,
    fred: pd.DataFrame | None = None,
    ipos: pd.DataFrame | None = None,
    claims: Sequence[Mapping] | pd.DataFrame | str | Path | None = None,
) -> pd.DataFrame:
    """Evaluate claims against data.

    Parameters
    ----------
    prices : DataFrame or None
        Daily prices (columns = tickers, e.g. '^GSPC', 'MU'); ``attrs`` supply source/as-of.
    fred : DataFrame, optional
        FRED series as columns (CPIAUCSL ...), levels as published.
    ipos : DataFrame, optional
        IPO table (ticker, proceeds_usd, source, as_of, ...).
    claims : list of dicts, DataFrame, path, or None
        Claims in the format of ``claims.yaml``; default :func:`load_claims`.

    Returns
    -------
    DataFrame with columns claim_id, claim, metric, computed (float, the metric's units),
    threshold, verdict (one of :data:`VERDICTS`), data_source (from the frame's
    attrs['provenance'] / attrs['source'] or the IPO row's source), as_of (ISO date of the
    last data point used), note (how it was computed, or why it cannot be checked; flags
    synthetic data).
    """
    if claims is None:
        items = load_claims()
    elif isinstance(claims, str | Path):
        items = load_claims(claims)
    elif isinstance(claims, pd.DataFrame):
        items = [validate_claim(r) for r in claims.to_dict("records")]
    else:
        items = [validate_claim(c) for c in claims]
    for name, frame in (("prices", prices), ("fred", fred), ("ipos", ipos)):
        if frame is not None and not isinstance(frame, pd.DataFrame):
            raise InvalidInputError(
                f"{name} must be a DataFrame or None, got {type(frame).__name__}"
            )
    rows = []
    for c in items:
        row = {
            "claim_id": c["id"],
            "claim": c["text"],
            "metric": c["metric"],
            "computed": np.nan,
            "threshold": c["threshold"],
        }
        try:
            computed, note, src, as_of, used = METRICS[c["metric"]](c, prices, fred, ipos)
            row.update(
                computed=computed,
                verdict=verdict(computed, c["comparison"], c["threshold"], c["tolerance"]),
                data_source=src,
                as_of=_as_of_str(as_of),
                note=_synthetic_note(used) + note,
            )
        except _CannotCheck as exc:
            frame = (
                ipos
                if c["metric"] == "ipo_proceeds"
                else (fred if c["metric"] == "cpi_yoy_high" else prices)
            )
            row.update(
                verdict=CANNOT,
                data_source=_attr_source(frame) if frame is not None else "",
                as_of=_as_of_str((frame.attrs or {}).get("as_of")) if frame is not None else "",
                note=_synthetic_note(frame) + str(exc),
            )
        rows.append(row)
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["computed"] = out["computed"].astype(float)
    out["threshold"] = out["threshold"].astype(float)
    return out
