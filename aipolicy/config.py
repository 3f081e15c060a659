"""Project paths and environment switches, in one place.

``PROJ_ROOT`` is the checkout (the folder holding ``pyproject.toml``). Each path can be
overridden by an environment variable so an installed package or a scheduled job can point
elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJ_ROOT = PACKAGE_DIR.parent

#: Embedded synthetic sample data (committed).
SAMPLE_DIR = Path(os.environ.get("AIPOLICY_SAMPLE_DIR", PROJ_ROOT / "data" / "sample"))
#: Local parquet cache of live downloads (git-ignored).
CACHE_DIR = Path(os.environ.get("AIPOLICY_CACHE_DIR", PROJ_ROOT / "data" / "cache"))
#: Where ``aipolicy report`` writes by default (git-ignored).
REPORTS_DIR = Path(os.environ.get("AIPOLICY_REPORTS_DIR", PROJ_ROOT / "reports"))
#: The notebook collection.
NOTEBOOKS_DIR = Path(os.environ.get("AIPOLICY_NOTEBOOKS_DIR", PROJ_ROOT / "notebooks"))
#: Package data: catalogs and curated tables shipped inside the wheel.
CATALOG_DIR = PACKAGE_DIR / "catalogs"


def cache_dir() -> Path:
    """Return the cache folder, honouring ``AIPOLICY_CACHE_DIR`` at call time (tests set it)."""
    return Path(os.environ.get("AIPOLICY_CACHE_DIR", CACHE_DIR))


def sample_dir() -> Path:
    """Return the sample folder, honouring ``AIPOLICY_SAMPLE_DIR`` at call time."""
    return Path(os.environ.get("AIPOLICY_SAMPLE_DIR", SAMPLE_DIR))
