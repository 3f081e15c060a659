"""``aipolicy`` command line: the argparse front-ends, one module per sub-command.

The domain packages (``costs``, ``marketdata``, ``signals``, ``report``) hold no argparse; each
module here turns flags into a call of theirs and an :class:`~aipolicy.errors.AipolicyError`
into a one-line message. Sub-command modules are imported only when chosen, so
``aipolicy --help`` stays fast. Each module exposes ``add_arguments(parser)`` and
``run(args) -> int``. A command's ``--as-of`` (:mod:`aipolicy.commands.asof`) is pinned
as the run's valuation date (:mod:`aipolicy.valuation`) around its ``run``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from aipolicy import __version__, startup, valuation  # noqa: F401 - startup: see its text
from aipolicy.errors import AipolicyError

#: name -> (module path, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "breakeven": ("aipolicy.commands.breakeven",
                  "self-host or pay per token: break-even, hybrid, Monte Carlo"),
    "fetch": ("aipolicy.commands.fetch", "refresh the local cache from Yahoo Finance and FRED"),
    "sample": ("aipolicy.commands.sample", "regenerate the synthetic sample data set"),
    "report": ("aipolicy.commands.report", "run the notebooks with papermill and render the reports"),
    "catalog": ("aipolicy.commands.catalog",
                "list what can be named: API models, GPUs, price providers"),
    "sweep": ("aipolicy.commands.sweep",
              "the decision map: every option over a grid of workloads, on Dask"),
    "prices": ("aipolicy.commands.prices",
               "show the API price data in use, or refresh it from genai-prices"),
}


class Parser(argparse.ArgumentParser):
    """The parser of ``aipolicy`` and, through ``add_subparsers``, of every sub-command.

    A usage error is one line naming the flag and the problem, with where to find the rest,
    instead of argparse's usage block (26 lines for ``breakeven``) before that line.
    """

    #: The sub-commands' parsers by name (set on the top-level parser by :func:`build_parser`).
    subcommands: dict[str, Parser]

    def error(self, message: str) -> NoReturn:
        """Print ``PROG: error: MESSAGE; 'PROG --help' lists every flag`` and exit 2."""
        self.exit(2, f"{self.prog}: error: {message}; '{self.prog} --help' lists every flag\n")

    def unrecognized(self, extra: Sequence[str]) -> NoReturn:
        """Refuse arguments this (sub-)parser does not know, suggesting the closest flag."""
        import difflib

        flags = [s for a in self._actions for s in a.option_strings]
        first = next((e.split("=")[0] for e in extra if e.startswith("-")), None)
        close = difflib.get_close_matches(first, flags, n=1, cutoff=0.75) if first else []
        hint = f" (did you mean {close[0]}?)" if close else ""
        self.error(f"unrecognized arguments: {' '.join(extra)}{hint}")


def build_parser(argv: Sequence[str]) -> Parser:
    """Build the parser; only the chosen sub-command's module is imported."""
    parser = Parser(
        prog="aipolicy",
        description="Build-vs-buy economics of LLM serving, tied to AI-infrastructure market signals.",
    )
    parser.add_argument("--version", action="version", version=f"aipolicy {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    parser.subcommands = {}
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        parser.subcommands[name] = p
        if name == chosen:
            importlib.import_module(module).add_arguments(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``aipolicy`` console script; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list)
    args, extra = parser.parse_known_args(args_list)
    if extra:  # said by the sub-command's parser, which knows its flags
        parser.subcommands.get(args.command, parser).unrecognized(extra)
    if not args.command:
        parser.print_help()
        return 2
    module = importlib.import_module(COMMANDS[args.command][0])
    as_of = getattr(args, "as_of", None)  # a command's --as-of is the run's valuation date
    try:
        with valuation.pinned(as_of) if as_of else contextlib.nullcontext():
            return int(module.run(args) or 0)
    except AipolicyError as exc:
        print(f"aipolicy {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"aipolicy {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `aipolicy catalog models | head`: the reader left; no traceback
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
