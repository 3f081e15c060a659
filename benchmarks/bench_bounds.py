"""Bounded by design (issue 27): inputs that used to run away are refused quickly and small.

Each case runs in a fresh interpreter under an address-space limit (``RLIMIT_AS``, so a
regression fails instead of swapping the machine) and reports its own peak resident memory
(``VmHWM``, imports included; ``ru_maxrss`` would carry this process's peak across the fork),
its wall time and what happened:

1. ``aipolicy sweep`` on a grid of 10^9 cells (``tokens_per_day: {from: 1, to: 1e12, step:
   1000}``): was 24 GB after 90 s;
2. ``aipolicy report --params`` with a 9-level YAML alias chain under a known key
   (``infra_tickers: *i``): was 3.7 GB and still expanding after 90 s;
3. a 214 MB price CSV whose line 3 repeats line 2's date: was refused after reading it all
   (9 s, 2.1 GB);
4. for scale, the largest daily file pandas can date (213,000 days, 1680-2260, 14 MB),
   loaded: peak memory beside the numbers kept.

Run alone: ``python benchmarks/run_all.py bounds``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

#: Address space each case may use (bytes): far above the target, far below the old blowups.
LIMIT_AS = 3 * 1024**3
TIMEOUT_S = 120
PEAK_TARGET_MB = 300.0

_RUNNER = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
t0 = time.perf_counter()
outcome = "accepted"
try:
{body}
except SystemExit as exc:
    outcome = f"exit {{exc.code}}"
except BaseException as exc:
    outcome = f"{{type(exc).__name__}}: {{str(exc).splitlines()[0][:140] if str(exc) else ''}}"
seconds = time.perf_counter() - t0
# VmHWM: this process's own peak (ru_maxrss keeps the forking parent's across exec)
try:
    with open("/proc/self/status") as fh:
        peak_kb = next(int(x.split()[1]) for x in fh if x.startswith("VmHWM:"))
except OSError:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # macOS: bytes
print(json.dumps({{"peak_mb": peak_kb / 1024, "seconds": seconds, "outcome": outcome}}))
"""

#: The "billion laughs": nine levels of nine aliases (9^9 = 387,420,489 values), under a key
#: the market notebooks accept.
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]\n" for p, k in zip("abcdefgh", "bcdefghi", strict=True)
) + "infra_tickers: *i\n"


def _case(body: str, cwd: Path) -> dict:
    code = _RUNNER.format(limit=LIMIT_AS, body=textwrap.indent(textwrap.dedent(body), "    "))
    try:
        done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True,
                              text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"peak_mb": float("nan"), "seconds": float(TIMEOUT_S),
                "outcome": f"still running after {TIMEOUT_S} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1][:140]
        return {"peak_mb": float("nan"), "seconds": float("nan"),
                "outcome": f"died (status {done.returncode}): {tail}"}
    return json.loads(lines[-1])


def _price_csv(path: Path, mb: float, repeat_line_3: bool) -> int:
    """A daily price file of about ``mb`` megabytes in Yahoo's website layout; rows written.

    Daily dates that pandas can hold span about 213,000 days (1678-2261), about 14 MB of such
    rows: a larger file is that block written again and again (a repeated date each time).
    """
    import pandas as pd

    days = pd.date_range("1680-01-01", "2260-12-31", freq="D").strftime("%Y-%m-%d")
    lines = [f"{d},{100 + i % 997 * 0.01:.4f},{101 + i % 997 * 0.01:.4f},"
             f"{99 + i % 997 * 0.01:.4f},{100.5 + i % 997 * 0.01:.4f},"
             f"{100.25 + i % 997 * 0.01:.4f},{1_000_000 + i}\n" for i, d in enumerate(days)]
    if repeat_line_3:
        lines[1] = lines[0]
    block = "".join(lines)
    rows = 0
    with path.open("w") as fh:
        fh.write("Date,Open,High,Low,Close,Adj Close,Volume\n")
        while fh.tell() < mb * 1e6:
            fh.write(block)
            rows += len(lines)
    return rows


def _row(figure: str, res: dict, expect: str | None = None, kept_mb: float | None = None
         ) -> dict:
    peak, secs = res["peak_mb"], res["seconds"]
    if kept_mb is not None:
        return {"figure": figure, "target": "-", "ok": None, "measured":
                f"{peak:,.0f} MB peak for {kept_mb:,.0f} MB of numbers kept, {secs:.1f} s"}
    ok = peak < PEAK_TARGET_MB and res["outcome"].startswith(expect or "")
    return {"figure": figure, "target": f"refused, < {PEAK_TARGET_MB:.0f} MB", "ok": ok,
            "measured": f"{peak:,.0f} MB peak, {secs:.2f} s: {res['outcome']}"}


def run() -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "grid.yaml").write_text("axes:\n  tokens_per_day: {from: 1, to: 1.0e+12, "
                                     "step: 1000}\n")
        cli = "from aipolicy.commands import main\ncode = main({})\noutcome = f'exit {{code}}'"
        rows.append(_row("1. sweep of 10^9 cells (tokens_per_day 1 to 1e12, step 1000)",
                         _case(cli.format("['sweep', 'grid.yaml', '--out', 'out', '--workers', "
                                          "'0', '-q']"), d), "exit 2"))
        (d / "bomb.yaml").write_text(BOMB)
        rows.append(_row("2. report --params with a 9-level YAML alias chain",
                         _case(cli.format("['report', '--params', 'bomb.yaml', '--out', 'rep', "
                                          "'-q']"), d), "exit 2"))
        data = d / "csv"
        data.mkdir()
        load = ("from aipolicy.marketdata import load_prices\n"
                "load_prices('NVDA', source='csv', data_dir='csv', start='1680-01-01')")
        _price_csv(data / "NVDA.csv", 214, repeat_line_3=True)
        size = (data / "NVDA.csv").stat().st_size / 1e6
        rows.append(_row(f"3. {size:.0f} MB price CSV, date repeated on line 3",
                         _case(load, d), "MalformedDataError"))
        n = _price_csv(data / "NVDA.csv", 1, repeat_line_3=False)
        size = (data / "NVDA.csv").stat().st_size / 1e6
        base = _case("import pandas\nfrom aipolicy.marketdata import load_prices", d)
        res = _case(load, d)
        res["peak_mb"] -= base["peak_mb"]
        rows.append(_row(f"4. for scale: a valid {size:.0f} MB CSV ({n:,} days), loaded, above "
                         f"the {base['peak_mb']:.0f} MB of its imports", res,
                         kept_mb=n * 6 * 8 / 1e6))
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
