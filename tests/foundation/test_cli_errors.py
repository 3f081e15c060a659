"""Usage errors of every ``aipolicy`` command are one line with a hint (issue 26).

Before: argparse printed its usage block (26 lines for ``breakeven``) before the one line
that said what was wrong.
"""

from __future__ import annotations

import pytest

from aipolicy.commands import COMMANDS, Parser, build_parser, main

BAD = [
    (
        ["breakeven", "--preset", "bank"],
        "aipolicy breakeven: error: argument --preset: invalid choice: 'bank'",
    ),
    (["breakeven", "--draws", "x"], "aipolicy breakeven: error: argument --draws"),
    (["catalog", "modls"], "aipolicy catalog: error: argument table: invalid choice: 'modls'"),
    (["sweep"], "aipolicy sweep: error: the following arguments are required"),
    (["report", "--jobs"], "aipolicy report: error: argument --jobs/-j: expected one argument"),
    (["fetch", "--deadline", "soon"], "aipolicy fetch: error: argument --deadline"),
    (["nosuch"], "aipolicy: error: argument COMMAND: invalid choice: 'nosuch'"),
]


@pytest.mark.parametrize("argv, start", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_a_usage_error_is_one_line_with_where_to_find_the_rest(capsys, argv, start):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(start), lines[0]
    prog = start.split(": error")[0]
    assert lines[0].endswith(f"; '{prog} --help' lists every flag")


def test_an_unknown_flag_is_named_by_its_command_with_the_closest_flag(capsys):
    with pytest.raises(SystemExit):
        main(["breakeven", "--requests-per-dy", "3"])
    assert capsys.readouterr().err == (
        "aipolicy breakeven: error: unrecognized arguments: --requests-per-dy 3 (did you mean "
        "--requests-per-day?); 'aipolicy breakeven --help' lists every flag\n"
    )
    with pytest.raises(SystemExit):
        main(["report", "--bogus"])
    assert capsys.readouterr().err == (
        "aipolicy report: error: unrecognized arguments: --bogus; 'aipolicy report --help' "
        "lists every flag\n"
    )


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_sub_command_uses_the_one_line_parser(name):
    parser = build_parser([name])
    assert isinstance(parser, Parser) and isinstance(parser.subcommands[name], Parser)


def test_help_is_still_the_whole_usage(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["catalog", "--help"])
    assert stop.value.code == 0
    assert "--provider" in capsys.readouterr().out
