"""The README and docs/ stay in step with the tool (issue 26).

- every example output (a ```text block whose first line is ``$ .venv/bin/aipolicy ...``) in
  ``README.md`` and ``docs/*.md`` is what the command prints today: the test runs it and
  compares the text (trailing blanks aside);
- the README's copy-paste command is the one whose output it shows;
- every ``aipolicy breakeven`` flag is in the README's flags table;
- every relative link (and its ``#anchor``) leads somewhere;
- the README stays under 200 lines.

When a change of the tool changes an example's output on purpose, refresh the examples with
``python tests/foundation/test_readme.py --update`` and read the diff.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PROMPT = "$ .venv/bin/aipolicy "
#: A ```text block that opens with a prompt line: the command and its output.
EXAMPLE = re.compile(r"```text\n(\$ \.venv/bin/aipolicy [^\n]*)\n(.*?)```", re.S)


def _examples() -> list[tuple[Path, str, str]]:
    found = []
    for page in PAGES:
        for m in EXAMPLE.finditer(page.read_text(encoding="utf-8")):
            found.append((page, m.group(1), m.group(2)))
    return found


def _run(prompt_line: str, cache: Path) -> str:
    """What the command of ``prompt_line`` prints, lines stripped of trailing blanks."""
    args = shlex.split(prompt_line[len(PROMPT) :])
    env = dict(os.environ, AIPOLICY_CACHE_DIR=str(cache), MPLBACKEND="agg")  # bundled prices
    proc = subprocess.run(
        [sys.executable, "-m", "aipolicy", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(ROOT),
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return "".join(line.rstrip() + "\n" for line in proc.stdout.splitlines())


def _stripped(text: str) -> str:
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


EXAMPLES = _examples()


def test_the_readme_has_an_example_with_its_output():
    assert any(page.name == "README.md" for page, _, _ in EXAMPLES)


@pytest.mark.parametrize(
    "page, prompt_line, shown",
    EXAMPLES,
    ids=[f"{p.name}:{c[len(PROMPT) :][:60]}" for p, c, _ in EXAMPLES],
)
def test_example_output_is_what_the_tool_prints(tmp_path, page, prompt_line, shown):
    got = _run(prompt_line, tmp_path / "cache")
    if got != _stripped(shown):
        diff = "".join(
            difflib.unified_diff(
                _stripped(shown).splitlines(True), got.splitlines(True), "shown", "printed now"
            )
        )
        pytest.fail(
            f"{page.relative_to(ROOT)}: the output of '{prompt_line}' drifted; run "
            f"'python tests/foundation/test_readme.py --update' and review:\n{diff}"
        )


def test_the_copy_paste_command_is_the_one_whose_output_is_shown():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Your workload") :]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    command = " ".join(line.rstrip("\\ ").strip() for line in block.strip().splitlines())
    shown = next(c for p, c, _ in EXAMPLES if p.name == "README.md")
    assert "$ " + command == shown


def test_every_breakeven_flag_is_in_the_readme_flags_table():
    from aipolicy.commands import build_parser

    parser = build_parser(["breakeven"]).subcommands["breakeven"]
    flags = {s for a in parser._actions for s in a.option_strings if s.startswith("--")}
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("## Flags") : text.index("Other commands")]
    missing = sorted(f for f in flags - {"--help"} if f"`{f}" not in table)
    assert not missing, f"document these in the README's flags table: {missing}"


def _anchors(page: Path) -> set[str]:
    """GitHub's anchors of a page's headings."""
    out = set()
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    for line in text.splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            out.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return out


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_relative_link_leads_somewhere(page):
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    bad = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if not dest.exists():
            bad.append(f"{target}: no {dest.relative_to(ROOT) if ROOT in dest.parents else dest}")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            bad.append(f"{target}: no heading #{anchor} in {dest.name}")
    assert not bad, "\n".join(bad)


def test_the_readme_is_read_in_five_minutes():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) < 200, f"README.md has {len(lines)} lines; move details to docs/"


def update() -> None:
    """Rewrite every example's output with what the command prints now."""
    import tempfile

    with tempfile.TemporaryDirectory() as cache:
        for page in PAGES:
            text = page.read_text(encoding="utf-8")

            def fresh(m: re.Match[str]) -> str:
                return f"```text\n{m.group(1)}\n{_run(m.group(1), Path(cache))}```"

            new = EXAMPLE.sub(fresh, text)
            if new != text:
                page.write_text(new, encoding="utf-8")
                print(f"updated {page.relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/foundation/test_readme.py --update")
    update()
