"""Run every ``benchmarks/bench_*.py`` and print one table: figure, target, measured.

Each benchmark module defines ``run() -> list[dict]`` with keys ``figure`` (str),
``target`` (str), ``measured`` (str) and ``ok`` (bool or None when there is no target).
Run one benchmark alone with ``python benchmarks/run_all.py NAME`` (e.g. ``costs``).
"""

from __future__ import annotations

import importlib.util
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    wanted = set(argv)
    rows: list[dict] = []
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        print(f"running {path.name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            for row in load(path).run():
                rows.append({"bench": name, **row})
        except Exception:  # report and go on with the others
            traceback.print_exc()
            rows.append({"bench": name, "figure": "(benchmark crashed)", "target": "-",
                         "measured": "error", "ok": False})
        print(f"  done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    headers = ("bench", "figure", "target", "measured", "ok")
    table = [[str(r.get(h, "")) if h != "ok" else
              {True: "yes", False: "NO", None: "-"}[r.get("ok")] for h in headers] for r in rows]
    widths = [max(len(h), *(len(t[i]) for t in table)) if table else len(h)
              for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for t in table:
        print("  ".join(c.ljust(w) for c, w in zip(t, widths, strict=True)))
    return 0 if all(r.get("ok") is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
