"""Links for the sources shown in tables: URLs, GitHub references, bare domains, known names."""

from __future__ import annotations

import html
import re

#: Public pages of sources that the catalogs name without a URL (name -> URL).
KNOWN_LINKS: dict[str, str] = {
    "genai-prices": "https://github.com/pydantic/genai-prices",
    "Google SRE book": "https://sre.google/sre-book/being-on-call/",
    "EIA Electric Power Annual": "https://www.eia.gov/electricity/annual/",
}

_URL_RE = re.compile(r"https?://[^\s<>\"'`]+")
_GITHUB_RE = re.compile(r"(?<![\w./@-])github\.com/(?P<owner>[\w-]+)/(?P<repo>[\w.-]*[\w-])")
_GITHUB_FILE_RE = re.compile(
    r"\s+(?P<path>[\w.-]+(?:/[\w.-]+)*\.\w+)\s+\(commit\s+(?P<sha>[0-9a-f]{7,40})\b")
_GITHUB_COMMIT_RE = re.compile(r"\s+commit\s+(?P<sha>[0-9a-f]{7,40})\b")
_DOMAIN_RE = re.compile(
    r"(?<![\w@./:-])(?P<host>(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+"
    r"(?:com|org|net|io|ai|news|fyi|dev|gov|edu|info|app|co))"
    r"(?:(?P<path>/[^\s<>\"'`;,)\]]*)|(?![\w-]))")


def _trim_url(url: str) -> str:
    """Drop trailing punctuation that belongs to the sentence, and an unbalanced ``)``."""
    while url and url[-1] in ".,;:!?]}'\"":
        url = url[:-1]
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def _find_links(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping ``(start, end, href)`` spans of ``text`` that get a link."""
    spans: list[tuple[int, int, str]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e, _ in spans)

    for m in _URL_RE.finditer(text):
        url = _trim_url(m.group(0))
        if len(url) > len("https://"):
            spans.append((m.start(), m.start() + len(url), url))
    for m in _GITHUB_RE.finditer(text):
        owner, repo = m.group("owner"), m.group("repo")
        repo_url = f"https://github.com/{owner}/{repo}"
        end, href = m.end(), repo_url
        f = _GITHUB_FILE_RE.match(text, m.end())
        c = _GITHUB_COMMIT_RE.match(text, m.end())
        if f:
            end = f.end("path")
            href = f"{repo_url}/blob/{f.group('sha')}/{f.group('path')}"
        elif c:
            end = c.end()
            href = f"{repo_url}/commit/{c.group('sha')}"
        if free(m.start(), end):
            spans.append((m.start(), end, href))
    for m in _DOMAIN_RE.finditer(text):
        target = _trim_url(m.group(0))
        if target and free(m.start(), m.start() + len(target)):
            spans.append((m.start(), m.start() + len(target), "https://" + target))
    for name, url in KNOWN_LINKS.items():
        for m in re.finditer(rf"(?<![\w/-]){re.escape(name)}(?![\w-])", text):
            if free(m.start(), m.end()):
                spans.append((m.start(), m.end(), url))
    return sorted(spans)


def link_html(text: str) -> str:
    """``text`` HTML-escaped, with every URL, GitHub reference, bare domain and known source
    name (:data:`KNOWN_LINKS`) turned into an ``<a>`` (http/https only)."""
    out: list[str] = []
    pos = 0
    for start, end, href in _find_links(text):
        out.append(html.escape(text[pos:start]))
        out.append(f'<a href="{html.escape(href, quote=True)}" target="_blank" '
                   f'rel="noopener noreferrer">{html.escape(text[start:end])}</a>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)
