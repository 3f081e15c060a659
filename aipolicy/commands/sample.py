"""``aipolicy sample``: regenerate the synthetic sample data set in ``data/sample/``."""

from __future__ import annotations

import argparse
from pathlib import Path

from aipolicy.marketdata.synthetic import SEED, generate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``aipolicy sample``."""
    from aipolicy import config

    parser.add_argument("--out", type=Path, default=None,
                        help=f"output folder (default: {config.sample_dir()})")  # fmt: skip
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")


def run(args: argparse.Namespace) -> int:
    """Regenerate the sample; print the files written."""
    from aipolicy import config

    out = args.out or config.sample_dir()
    files = generate(out, seed=args.seed)
    print(f"wrote {len(files)} files to {out} (seed {args.seed}; synthetic data)")
    return 0
