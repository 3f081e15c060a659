"""Start-up cost of the price catalog: ``import aipolicy`` stays light, genai-prices loads lazily.

Figures (fresh processes, median of 5, minus an empty interpreter's start-up):
``import aipolicy`` (target < 500 ms: genai-prices imports pydantic, so nothing may import it at
package import); ``aipolicy breakeven --preset midmarket`` wall time (no target; reported before
and after the move to genai-prices in the closing note); first genai-prices lookup in-process.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def _wall(args: list[str], n: int = 5) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run() -> list[dict]:
    py = sys.executable
    base = _wall([py, "-c", "pass"])
    imp = _wall([py, "-c", "import aipolicy, aipolicy.costs"]) - base
    leaked = subprocess.run(
        [py, "-c", "import sys, aipolicy, aipolicy.costs; print('genai_prices' in sys.modules)"],
        check=True, capture_output=True, text=True).stdout.strip()
    cli = _wall([py, "-m", "aipolicy", "breakeven", "--preset", "midmarket"]) - base
    lookup = _wall([py, "-c", "from aipolicy.costs.catalog import api_price; "
                               "api_price('gpt-4o')"]) - base
    return [
        {"figure": "import aipolicy + aipolicy.costs, fresh process (ms)", "target": "< 500 ms",
         "measured": f"{imp * 1000:.0f}", "ok": imp < 0.5},
        {"figure": "  genai-prices imported by that", "target": "no",
         "measured": leaked.lower(), "ok": leaked == "False"},
        {"figure": "aipolicy breakeven --preset midmarket, wall (ms)", "target": "-",
         "measured": f"{cli * 1000:.0f}", "ok": None},
        {"figure": "first API price lookup incl. genai-prices import (ms)", "target": "-",
         "measured": f"{lookup * 1000:.0f}", "ok": None},
    ]
