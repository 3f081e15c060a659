"""``summary.json`` and ``index.html`` of a report, both built from one summary dict.

``index.html`` is self-contained (inline CSS, no scripts). It reads like a report's front page:
title, run time (UTC), a prominent sample-data warning when any notebook ran on synthetic data,
the data each market series comes from with its own as-of date, then one section per notebook
with its question, its context (preset and workload, or data window), its one-sentence answer
and its headline figures, each written with the label, unit and format the notebook recorded
it with (:func:`aipolicy.record.format_figure`); the index never guesses a unit. A notebook that
completed but skipped an analysis for lack of data is ``partial``, with what was skipped and
why. Everything recorded is in ``summary.json``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from aipolicy.record import count_word as counted
from aipolicy.record import format_figure

TITLE = "aipolicy report"
SAMPLE_WARNING = "SAMPLE DATA — synthetic"
#: Records describing provenance or the page itself, never listed as figures.
META_KEYS = ("data_source", "data_as_of", "synthetic", "data_series", "answer", "skipped")
#: Headline figures shown per notebook (those recorded with a label), at most.
MAX_FIGURES = 8
STATUS_LABEL = {"ok": "ok", "partial": "partial", "reused": "reused", "failed": "FAILED",
                "timeout": "TIMEOUT"}

CSS = """
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d1d1f;line-height:1.45}
h1{margin-bottom:.2rem}.meta{color:#555;margin-top:0}
.warning{border:3px solid #b00020;background:#fdecea;color:#b00020;padding:.7rem 1rem;
font-weight:700;font-size:1.15rem;margin:1rem 0;border-radius:4px}
.warning small{display:block;font-weight:400;font-size:.9rem;color:#6b0014}
.data{background:#f3f6f9;padding:.5rem 1rem;border-radius:4px}
.data ul{margin:.2rem 0 0 1.2rem;padding:0}
section.nb{border:1px solid #ddd;border-radius:6px;padding:.8rem 1rem;margin:1rem 0}
section.nb.bad{border-color:#b00020;background:#fff5f5}
section.nb h2{font-size:1.15rem;margin:0 0 .2rem}
.question{margin:.1rem 0;color:#333}.context{margin:.1rem 0;color:#555;font-size:.92rem}
.headline{margin:.5rem 0;font-weight:600;font-size:1.05rem;border-left:5px solid #0b57d0;
padding:.2rem .6rem;background:#f1f5fd}
.st{font-weight:700;white-space:nowrap;font-size:.9rem;margin-left:.4rem}.st-ok{color:#1b5e20}
.st-reused{color:#2e5f8a}.st-partial{color:#8a5a00}.st-FAILED,.st-TIMEOUT{color:#b00020}
.err{color:#b00020;font-family:monospace;font-size:.85rem;white-space:pre-wrap;margin-top:.3rem}
.skipped{color:#6b4500;background:#fff8e6;padding:.3rem .6rem;border-radius:4px;font-size:.92rem}
.skipped ul{margin:.2rem 0 0 1.2rem;padding:0}
dl.figs{display:grid;grid-template-columns:max-content auto;gap:.15rem 1rem;margin:.4rem 0}
dl.figs dt{color:#555}dl.figs dd{margin:0;font-variant-numeric:tabular-nums;font-weight:600}
.links{margin-top:.4rem;font-size:.92rem}.sub{color:#666;font-size:.85rem}a{color:#0b57d0}
table{border-collapse:collapse;width:100%;margin-top:1rem}
th,td{border-bottom:1px solid #ddd;padding:.45rem .5rem;text-align:left;vertical-align:top}
th{background:#fafafa}td.num{text-align:right;white-space:nowrap}tr.bad{background:#fff5f5}
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


def series_lines(records: Mapping[str, Any]) -> list[str]:
    """One line per data series a notebook recorded (``data_series``), e.g.
    ``"prices: sample (synthetic), 2019-01-02 to 2026-05-11"``; else source and as-of."""
    series = records.get("data_series") or []
    lines = []
    for item in series:
        if not isinstance(item, Mapping):
            continue
        span = f"{item.get('first')} to {item.get('last')}" if item.get("first") else \
            f"as of {item.get('last') or 'unknown'}"
        lines.append(f"{item.get('series')}: {item.get('source')}, {span}")
    if not lines and records.get("data_source"):
        lines.append(f"{records['data_source']}, as of {records.get('data_as_of') or 'unknown'}")
    return lines


def data_lines(summary: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Distinct (source, as-of) pairs over the market notebooks (for ``summary.json``)."""
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


def headline_figures(records: Mapping[str, Any], figures: Mapping[str, Mapping[str, Any]]
                     ) -> list[tuple[str, str]]:
    """(label, text) of each figure recorded with a label, in recording order."""
    out = []
    for name, meta in figures.items():
        if name in META_KEYS or name not in records:
            continue
        out.append((str(meta.get("label") or name),
                    format_figure(records[name], meta.get("format"), meta.get("unit"))))
    return out[:MAX_FIGURES]


def _title(name: str, nb: Mapping[str, Any]) -> str:
    """``"01 · Self-host or pay per token?"``: the notebook's number and its own title."""
    number = name.split("_", 1)[0]
    title = str(nb.get("title") or " ".join(name.split("_")[1:]) or name)
    return title if title.startswith(number) else f"{number} · {title}"


def _section(name: str, nb: Mapping[str, Any]) -> str:
    esc = html.escape
    status = nb.get("status", "?")
    label = STATUS_LABEL.get(status, status)
    bad = label in ("FAILED", "TIMEOUT")
    rec = nb.get("records") or {}
    answer = rec.get("answer") if isinstance(rec.get("answer"), Mapping) else {}
    parts = [f'<section class="nb{" bad" if bad else ""}" data-notebook="{esc(name)}">',
             f'<h2>{esc(_title(name, nb))}<span class="st st-{esc(label)}">{esc(label)}</span></h2>']
    if answer.get("question"):
        parts.append(f'<p class="question">{esc(str(answer["question"]))}</p>')
    if answer.get("context"):
        parts.append(f'<p class="context">{esc(str(answer["context"]))}</p>')
    if answer.get("headline"):
        parts.append(f'<p class="headline">{esc(str(answer["headline"]))}</p>')
    figs = headline_figures(rec, nb.get("figures") or {})
    if figs:
        parts.append('<dl class="figs">' + "".join(
            f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in figs) + "</dl>")
    lines = series_lines(rec)
    if lines and not answer.get("context"):  # the answer's context already names the data
        parts.append('<p class="sub">Data: ' + "; ".join(esc(x) for x in lines) + "</p>")
    skipped = [s for s in rec.get("skipped") or [] if isinstance(s, Mapping)]
    if skipped and not bad:
        items = "".join(f"<li>{esc(str(s.get('analysis')))}: {esc(str(s.get('reason')))}</li>"
                        for s in skipped)
        parts.append(f'<div class="skipped"><b>Partial:</b> skipped for lack of data<ul>{items}'
                     "</ul></div>")
    if nb.get("error"):
        e = nb["error"]
        msg = f"{e.get('ename', 'Error')}: {e.get('evalue', '')}"
        parts.append(f'<div class="err">{esc(msg if len(msg) <= 600 else msg[:600] + "…")}</div>')
    links = []
    if nb.get("html"):
        links.append(f'<a href="{esc(nb["html"])}">read the page</a>')
    if nb.get("ipynb"):
        links.append(f'<a href="{esc(nb["ipynb"])}">notebook with code (.ipynb)</a>')
    duration = nb.get("duration_s")
    took = f"ran in {duration:.1f} s" if isinstance(duration, int | float) else ""
    if status == "reused" and nb.get("reused_from"):
        took = f"reused from {nb['reused_from']}"
    parts.append(f'<div class="links">{" · ".join(links)}'
                 f'{" · " if links and took else ""}<span class="sub">{esc(took)}</span></div>')
    parts.append("</section>")
    return "".join(parts)


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
        f" · {counted(len(notebooks), 'notebook')}: {esc(count_text)}</p>",
    ]
    if summary.get("as_of"):
        parts.append(f'<p class="meta" id="valuation">Valuation date <b>{esc(summary["as_of"])}'
                     "</b>: every page prices with the API prices in force on it and reads "
                     "no market data after it.</p>")
    if is_synthetic(summary):
        parts.append(
            f'<div class="warning" id="sample-warning">⚠ {SAMPLE_WARNING}'
            "<small>The market notebooks ran on the embedded synthetic sample data set, "
            "generated for demonstration. Its prices are not market prices: do not draw "
            "investment conclusions from them. The cost notebooks use the price catalog "
            "snapshot, whose figures are real and dated.</small></div>"
        )
    series: list[str] = []
    for nb in notebooks.values():
        for line in series_lines(nb.get("records") or {}):
            if line not in series:
                series.append(line)
    if series:
        parts.append('<div class="data" id="data">Market data, each series with its own dates:'
                     "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in series) + "</ul></div>")
    parts.extend(_section(name, nb) for name, nb in notebooks.items())
    parts.append(
        '<footer>Every recorded figure: <a href="summary.json">summary.json</a>. '
        "The pages show results only; each executed notebook (.ipynb, with its code) opens in "
        "JupyterLab, and <code>aipolicy report --with-code</code> renders pages with the code. "
        "A failed notebook's .ipynb shows papermill's error marker at the top and the failing "
        "cell's traceback."
        + (' <a href="../index.html">All runs</a>.' if summary.get("runs_page") else "")
        + "</footer>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)


def render_runs(runs: list[Mapping[str, Any]], latest: str | None = None) -> str:
    """The reports folder's ``index.html``: every run, newest first, with status and links.

    ``runs`` come from :func:`aipolicy.report.folder.list_runs`; ``latest`` is the folder
    ``latest`` points at (the newest run of every notebook, all ok).
    """
    from aipolicy.report.manifest import RUNS_GENERATOR

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
        f'<p class="meta">{counted(len(runs), "run")}, newest first. '
        + (f'<a href="{esc(latest)}/{INDEX_FILE}">latest</a> is the newest run of every '
           "notebook with all ok." if latest else
           "No run has completed every notebook ok yet.")
        + " A run with a FAILED or TIMEOUT notebook, or of only some notebooks, is kept here "
        "but never becomes latest.</p>",
        '<table id="runs"><thead><tr><th>Run</th><th>Started (UTC)</th><th>Status</th>'
        "<th>Notebooks</th><th>Took</th></tr></thead><tbody>",
        *rows,
        "</tbody></table>",
        "</body></html>",
    ]
    return "\n".join(parts)


INDEX_FILE = "index.html"


#: ``<meta name="generator">`` of a matrix overview: only a page carrying it is overwritten.
MATRIX_GENERATOR = "aipolicy report matrix"
#: Headline figures shown per notebook in the matrix overview, at most.
MATRIX_FIGURES = 4


def status_counts(notebooks: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """How many notebooks have each status label (``ok``, ``FAILED``...), in first-seen order."""
    counts: dict[str, int] = {}
    for nb in notebooks.values():
        label = STATUS_LABEL.get(nb.get("status"), str(nb.get("status")))
        counts[label] = counts.get(label, 0) + 1
    return counts


def _params_text(doc: Mapping[str, Any]) -> str:
    """``preset: financial; 01_build_vs_buy: {preset: startup}``: a params document in brief."""
    import json

    def brief(value: Any) -> str:
        if isinstance(value, Mapping):
            return "{" + ", ".join(f"{k}: {brief(v)}" for k, v in value.items()) + "}"
        return json.dumps(value, default=str) if not isinstance(value, str) else value

    return "; ".join(f"{k}: {brief(v)}" for k, v in doc.items()) or "(the notebooks' defaults)"


def _matrix_row(nb_name: str, nb: Mapping[str, Any]) -> str:
    """One notebook's ``<tr>`` in a matrix report's table.

    Parameters
    ----------
    nb_name : str
        The notebook's name (``01_build_vs_buy``).
    nb : mapping
        Its entry in the report's ``summary.json`` ``notebooks``.

    Returns
    -------
    str
        Title, status label and a headline cell: the answer's headline, the error (``evalue``
        cut at 300 characters) and the first :data:`MATRIX_FIGURES` headline figures.
    """
    esc = html.escape
    label = STATUS_LABEL.get(nb.get("status"), str(nb.get("status")))
    rec = nb.get("records") or {}
    answer = rec.get("answer") if isinstance(rec.get("answer"), Mapping) else {}
    figs = headline_figures(rec, nb.get("figures") or {})[:MATRIX_FIGURES]
    headline = esc(str(answer.get("headline") or ""))
    if nb.get("error"):
        err = nb["error"]
        headline += f'<div class="err">{esc(str(err.get("ename", "Error")))}: ' \
                    f'{esc(str(err.get("evalue", ""))[:300])}</div>'
    if figs:
        headline += '<dl class="figs">' + "".join(
            f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in figs) + "</dl>"
    cls = ' class="bad"' if label in ("FAILED", "TIMEOUT") else ""
    return (
        f'<tr{cls} data-notebook="{esc(nb_name)}">'
        f"<td>{esc(_title(nb_name, nb))}</td>"
        f'<td class="st st-{esc(label)}">{esc(label)}</td><td>{headline}</td></tr>'
    )


def _matrix_section(rep: Mapping[str, Any]) -> str:
    """One report's ``<section>`` of the matrix overview.

    Parameters
    ----------
    rep : mapping
        One entry of :func:`render_matrix`'s ``reports``.

    Returns
    -------
    str
        Its name (linking to its index when it has one), ``ok``/``FAILED`` by its exit code,
        its parameters, its status counts and one :func:`_matrix_row` per notebook.
    """
    esc = html.escape
    name = str(rep.get("name", ""))
    summary: Mapping[str, Any] = rep.get("summary") or {}
    notebooks: Mapping[str, Any] = summary.get("notebooks") or {}
    counts = status_counts(notebooks)
    ok = rep.get("exit_code") == 0
    overall = "ok" if ok else "FAILED"
    link = (f'<a href="{esc(name)}/{INDEX_FILE}">{esc(name)}</a>' if rep.get("has_index")
            else esc(name))
    rows = [_matrix_row(nb_name, nb) for nb_name, nb in notebooks.items()]
    return (
        f'<section class="nb{"" if ok else " bad"}" data-report="{esc(name)}">'
        f'<h2>{link}<span class="st st-{overall}">{overall}</span></h2>'
        f'<p class="context">Parameters: {esc(_params_text(rep.get("params") or {}))}</p>'
        f'<p class="sub">{counted(len(notebooks), "notebook")}: '
        f'{esc(", ".join(f"{v} {k}" for k, v in counts.items()))}</p>'
        '<table><thead><tr><th>Notebook</th><th>Status</th><th>Headline</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></section>'
    )


def render_matrix(reports: list[Mapping[str, Any]], matrix_name: str, started_at: Any) -> str:
    """The overview ``index.html`` of ``aipolicy report --matrix``.

    Parameters
    ----------
    reports : list of mapping
        One per report, in the matrix file's order: ``name`` (its folder), ``params`` (its
        params document), ``summary`` (its ``summary.json`` content), ``exit_code`` and
        ``has_index``.
    matrix_name : str
        The matrix file's name (shown, without its folder).
    started_at : datetime
        When the matrix run started (UTC).

    Returns
    -------
    str
        A self-contained page: per report its name linking to its index, its parameters,
        its status counts and, per notebook, the status, the answer's headline and the first
        :data:`MATRIX_FIGURES` headline figures.
    """
    esc = html.escape
    sections = [_matrix_section(rep) for rep in reports]
    synthetic = any(is_synthetic(rep.get("summary") or {}) for rep in reports)
    when = started_at.strftime("%Y-%m-%d %H:%M UTC") if hasattr(started_at, "strftime") \
        else str(started_at)
    n_ok = sum(1 for r in reports if r.get("exit_code") == 0)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta name="generator" content="{MATRIX_GENERATOR}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{TITLE} — matrix {esc(matrix_name)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{TITLE}: matrix</h1>",
        f'<p class="meta">{esc(matrix_name)} · run at <b>{esc(when)}</b> · '
        f"{counted(len(reports), 'report')}, {n_ok} with every notebook ok</p>",
    ]
    if synthetic:
        parts.append(f'<div class="warning" id="sample-warning">⚠ {SAMPLE_WARNING}'
                     "<small>Some market notebooks ran on the synthetic sample data set: their "
                     "prices are not market prices.</small></div>")
    parts.extend(sections)
    parts.append("<footer>Each report's own page has every notebook's answer, figures and "
                 "data; its summary.json has every recorded figure.</footer>")
    parts.append("</body></html>")
    return "\n".join(parts)
