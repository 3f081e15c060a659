"""``summary.json`` and ``index.html`` of a report, both built from one summary dict.

``index.html`` is self-contained (inline CSS, no scripts): title, run time (UTC), data source
and as-of, a prominent sample-data warning when any notebook ran on synthetic data, and a table
of notebooks with status, duration, headline figures and links. Nested figures (dicts, lists)
are summarised in a collapsible block; everything is in ``summary.json``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

TITLE = "aipolicy report"
SAMPLE_WARNING = "SAMPLE DATA — synthetic"
#: Records describing provenance, shown in the data line rather than as figures.
META_KEYS = ("data_source", "data_as_of", "synthetic")
#: Headline figures by notebook number, shown first when recorded.
HEADLINES: dict[str, tuple[str, ...]] = {
    "01": ("breakeven_tokens_per_day", "p_selfhost_cheaper", "cheapest"),
    "02": ("hybrid_replicas", "npv_usd", "irr", "payback_month"),
    "03": ("performance",),
    "04": ("cpi_yoy_latest", "cpi_yoy_highest_in_months", "cpi_yoy_highest_in_years"),
    "05": ("ipo_bhar",),
    "06": ("claims", "scorecard"),
}
MAX_FIGURES = 6
STATUS_LABEL = {"ok": "ok", "reused": "reused", "failed": "FAILED", "timeout": "TIMEOUT"}

CSS = """
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d1d1f;line-height:1.4}
h1{margin-bottom:.2rem}.meta{color:#555;margin-top:0}
.warning{border:3px solid #b00020;background:#fdecea;color:#b00020;padding:.7rem 1rem;
font-weight:700;font-size:1.15rem;margin:1rem 0;border-radius:4px}
.warning small{display:block;font-weight:400;font-size:.9rem;color:#6b0014}
.data{background:#f3f6f9;padding:.5rem 1rem;border-radius:4px}
table{border-collapse:collapse;width:100%;margin-top:1rem}
th,td{border-bottom:1px solid #ddd;padding:.45rem .5rem;text-align:left;vertical-align:top}
th{background:#fafafa}td.num{text-align:right;white-space:nowrap}
.st{font-weight:700;white-space:nowrap}.st-ok{color:#1b5e20}.st-reused{color:#2e5f8a}
.st-FAILED,.st-TIMEOUT{color:#b00020}tr.bad{background:#fff5f5}
.err{color:#b00020;font-family:monospace;font-size:.85rem;white-space:pre-wrap;margin-top:.3rem}
dl.figs{display:grid;grid-template-columns:max-content auto;gap:.1rem .8rem;margin:0}
dl.figs dt{color:#555}dl.figs dd{margin:0;font-family:monospace}
details pre{max-height:16rem;overflow:auto;background:#f7f7f7;padding:.4rem;font-size:.8rem}
.sub{color:#666;font-size:.85rem}a{color:#0b57d0}
footer{margin-top:2rem;color:#777;font-size:.85rem}
"""


def is_synthetic(summary: Mapping[str, Any]) -> bool:
    """True when any notebook recorded ``synthetic`` or ran with ``data_source: sample``."""
    for nb in summary.get("notebooks", {}).values():
        rec = nb.get("records") or {}
        if rec.get("synthetic") is True or rec.get("data_source") == "sample":
            return True
        if nb.get("data_source") == "sample":
            return True
    return False


def data_lines(summary: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Distinct (source, as-of) pairs over the market notebooks."""
    seen: list[tuple[str, str]] = []
    for nb in summary.get("notebooks", {}).values():
        rec = nb.get("records") or {}
        src = rec.get("data_source") or nb.get("data_source")
        if not src:
            continue
        pair = (str(src), str(rec.get("data_as_of") or "unknown"))
        if pair not in seen:
            seen.append(pair)
    known = {s for s, a in seen if a != "unknown"}  # a failed notebook recorded no as-of
    return [(s, a) for s, a in seen if a != "unknown" or s not in known]


def format_value(value: Any) -> str:
    """Compact text for a scalar figure."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != 0 and (abs(value) >= 1e4):
            return f"{value:,.0f}"
        return f"{value:.4g}"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | str)


def headline_figures(name: str, records: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Figures to show for a notebook: known headlines first, then other scalars."""
    figures = {k: v for k, v in records.items() if k not in META_KEYS}
    order = [k for k in HEADLINES.get(name[:2], ()) if k in figures]
    order += [k for k, v in figures.items() if k not in order and _is_scalar(v)]
    order += [k for k in figures if k not in order]
    return [(k, figures[k]) for k in order[:MAX_FIGURES]]


def _figure_html(key: str, value: Any) -> str:
    k = html.escape(key)
    if _is_scalar(value):
        return f"<dt>{k}</dt><dd>{html.escape(format_value(value))}</dd>"
    n = len(value) if hasattr(value, "__len__") else 1
    kind = "entries" if isinstance(value, Mapping) else "items"
    text = json.dumps(value, indent=1, default=str)
    if len(text) > 3000:
        text = text[:3000] + "\n… (see summary.json)"
    return (
        f"<dt>{k}</dt><dd><details><summary>{n} {kind}</summary>"
        f"<pre>{html.escape(text)}</pre></details></dd>"
    )


def _row(name: str, nb: Mapping[str, Any]) -> str:
    status = nb.get("status", "?")
    label = STATUS_LABEL.get(status, status)
    esc = html.escape
    cls = ' class="bad"' if label in ("FAILED", "TIMEOUT") else ""
    rec = nb.get("records") or {}
    sub = ""
    if rec.get("data_source") or nb.get("data_source"):
        src = rec.get("data_source") or nb.get("data_source")
        sub = f'<div class="sub">data: {esc(str(src))}, as of {esc(str(rec.get("data_as_of") or "unknown"))}</div>'
    reused = ""
    if status == "reused" and nb.get("reused_from"):
        reused = f'<div class="sub">from {esc(str(nb["reused_from"]))}</div>'
    err = ""
    if nb.get("error"):
        e = nb["error"]
        msg = f"{e.get('ename', 'Error')}: {e.get('evalue', '')}"
        if len(msg) > 600:
            msg = msg[:600] + "…"
        err = f'<div class="err">{esc(msg)}</div>'
    figs = headline_figures(name, rec)
    n_more = len([k for k in rec if k not in META_KEYS]) - len(figs)
    fig_html = "".join(_figure_html(k, v) for k, v in figs)
    fig_html = f'<dl class="figs">{fig_html}</dl>' if fig_html else '<span class="sub">—</span>'
    if n_more > 0:
        fig_html += f'<div class="sub">+{n_more} more in <a href="summary.json">summary.json</a></div>'
    links = []
    if nb.get("html"):
        links.append(f'<a href="{esc(nb["html"])}">report</a>')
    if nb.get("ipynb"):
        links.append(f'<a href="{esc(nb["ipynb"])}">notebook</a>')
    duration = nb.get("duration_s")
    dur = f"{duration:.1f} s" if isinstance(duration, int | float) else "—"
    return (
        f"<tr{cls} data-notebook=\"{esc(name)}\"><td><b>{esc(name)}</b>{sub}</td>"
        f'<td class="st st-{esc(label)}">{esc(label)}{reused}{err}</td>'
        f'<td class="num">{dur}</td><td>{fig_html}</td><td>{" · ".join(links)}</td></tr>'
    )


def render_index(summary: Mapping[str, Any]) -> str:
    """The ``index.html`` text for a summary dict (see :func:`aipolicy.report.runner`)."""
    esc = html.escape
    notebooks: Mapping[str, Any] = summary.get("notebooks", {})
    counts: dict[str, int] = {}
    for nb in notebooks.values():
        label = STATUS_LABEL.get(nb.get("status"), nb.get("status"))
        counts[label] = counts.get(label, 0) + 1
    count_text = ", ".join(f"{v} {k}" for k, v in counts.items())
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{TITLE} — {esc(str(summary.get('generated_at', '')))}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{TITLE}</h1>",
        f'<p class="meta">Run at <b>{esc(str(summary.get("generated_at_text", "")))}</b>'
        f" · took {summary.get('wall_time_s', 0):.1f} s"
        f" · aipolicy {esc(str(summary.get('aipolicy_version', '')))}"
        f" · {len(notebooks)} notebooks: {esc(count_text)}</p>",
    ]
    if is_synthetic(summary):
        parts.append(
            f'<div class="warning" id="sample-warning">⚠ {SAMPLE_WARNING}'
            "<small>These results come from the embedded synthetic sample data set, generated "
            "for demonstration. They are not market prices: do not draw investment conclusions "
            "from them.</small></div>"
        )
    pairs = data_lines(summary)
    if pairs:
        text = "; ".join(f"source <b>{esc(s)}</b>, as of <b>{esc(a)}</b>" for s, a in pairs)
        parts.append(f'<p class="data">Market data: {text}</p>')
    parts.append(
        '<table id="notebooks"><thead><tr><th>Notebook</th><th>Status</th><th>Duration</th>'
        "<th>Headline figures</th><th>Links</th></tr></thead><tbody>"
    )
    parts.extend(_row(name, nb) for name, nb in notebooks.items())
    parts.append("</tbody></table>")
    parts.append(
        '<footer>Every recorded figure: <a href="summary.json">summary.json</a>. '
        "Executed notebooks (.ipynb) open in JupyterLab; a failed notebook shows papermill's "
        "error marker at the top and the failing cell's traceback."
        + (' <a href="../index.html">All runs</a>.' if summary.get("runs_page") else "")
        + "</footer>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)


def render_runs(runs: list[Mapping[str, Any]], latest: str | None = None) -> str:
    """The reports folder's ``index.html``: every run, newest first, with status and links.

    ``runs`` come from :func:`aipolicy.report.folder.list_runs`; ``latest`` is the folder
    ``latest`` points at (the newest run whose notebooks all ran ok).
    """
    from aipolicy.report.folder import RUNS_GENERATOR

    esc = html.escape
    rows = []
    for run in runs:
        name = str(run.get("name", ""))
        statuses: Mapping[str, str] = run.get("statuses") or {}
        counts: dict[str, int] = {}
        for s in statuses.values():
            label = STATUS_LABEL.get(s, s)
            counts[label] = counts.get(label, 0) + 1
        if not statuses:
            overall = "unknown"
        elif run.get("ok"):
            overall = "ok"
        else:
            overall = "FAILED"
        bad = [f"{n} {STATUS_LABEL.get(s, s)}" for n, s in statuses.items()
               if STATUS_LABEL.get(s, s) in ("FAILED", "TIMEOUT")]
        detail = ", ".join(f"{v} {k}" for k, v in counts.items())
        if bad:
            detail += f'<div class="err">{esc("; ".join(bad))}</div>'
        badges = ""
        if name == latest:
            badges += ' <span class="st st-ok">latest</span>'
        if run.get("synthetic"):
            badges += ' <span class="sub">sample data</span>'
        link = (f'<a href="{esc(name)}/{INDEX_FILE}">{esc(name)}</a>' if run.get("has_index")
                else esc(name))
        wall = run.get("wall_time_s")
        took = f"{wall:.1f} s" if isinstance(wall, int | float) else "—"
        cls = ' class="bad"' if overall == "FAILED" else ""
        rows.append(
            f'<tr{cls} data-run="{esc(name)}"><td><b>{link}</b>{badges}</td>'
            f"<td>{esc(str(run.get('generated_at_text') or ''))}</td>"
            f'<td class="st st-{esc(overall)}">{esc(overall)}</td>'
            f"<td>{detail}</td><td class=\"num\">{took}</td></tr>"
        )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta name="generator" content="{RUNS_GENERATOR}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{TITLE} — runs</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{TITLE}: runs</h1>",
        f'<p class="meta">{len(runs)} runs, newest first. '
        + (f'<a href="{esc(latest)}/{INDEX_FILE}">latest</a> is the newest run whose notebooks '
           "all ran ok." if latest else "No run has completed with every notebook ok yet.")
        + " A run with a FAILED or TIMEOUT notebook is kept here but never becomes latest.</p>",
        '<table id="runs"><thead><tr><th>Run</th><th>Started (UTC)</th><th>Status</th>'
        "<th>Notebooks</th><th>Took</th></tr></thead><tbody>",
        *rows,
        "</tbody></table>",
        "</body></html>",
    ]
    return "\n".join(parts)


INDEX_FILE = "index.html"
