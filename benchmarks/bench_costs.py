"""Benchmark: 1,000,000-draw Monte Carlo of the full monthly TCO comparison.

Each draw evaluates the API monthly cost, the self-hosted monthly cost (replicas, servers,
depreciation, cost of capital, power, ...) and the break-even volume, for the ``financial``
preset (owned 8xH100 servers) with its default uncertain inputs.

Measured in a fresh subprocess pinned to one core (``os.sched_setaffinity``):

* wall time: median of 5 runs of ``monte_carlo(draws=1_000_000)`` after a warm-up run, with
  the median process CPU time beside it (wall time is inflated when other processes share
  the core);
* peak memory: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` after one run minus before it
  (the process's resident high-water mark), and ``tracemalloc`` peak in a separate run
  (NumPy reports its buffers to tracemalloc);
* speed-up against two draw-by-draw loops, each scaled to 1,000,000 draws and divided by the
  vectorised median: (a) the library's own scalar API (``Scenario.replace``,
  ``api_monthly``, ``selfhost_monthly``, ``breakeven``) on the first 500 draws -- what a
  caller without the vectorised Monte Carlo would write; (b) the same model hand-written as
  lean plain Python (``math``) on the first 20,000 draws -- the hard baseline, reported
  without a target. Both loops' results are checked against the vectorised ones.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DRAWS = 1_000_000
LOOP_DRAWS = 20_000

CHILD = r"""
import json, math, os, resource, statistics, sys, time, tracemalloc
try:
    cpu = sorted(os.sched_getaffinity(0))[0]
    os.sched_setaffinity(0, {cpu})
    pinned = f"pinned to CPU {cpu}"
except (AttributeError, OSError):
    pinned = "not pinned (sched_setaffinity unavailable)"
import numpy as np
from aipolicy.costs import monte_carlo, scenario_from_preset
from aipolicy.costs.compare.scenario import scenario_params

DRAWS, LOOP_DRAWS, MODE = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
s = scenario_from_preset("financial")
monte_carlo(s, draws=10_000, seed=0)  # warm-up (imports, caches)

if MODE == "rss":
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    monte_carlo(s, draws=DRAWS, seed=1)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rss_delta_mb": (after - before) / 1024, "rss_peak_mb": after / 1024,
                      "pinned": pinned}))
    sys.exit()
if MODE == "tracemalloc":
    tracemalloc.start()
    monte_carlo(s, draws=DRAWS, seed=1)
    _, peak = tracemalloc.get_traced_memory()
    print(json.dumps({"tracemalloc_peak_mb": peak / 2**20}))
    sys.exit()

monte_carlo(s, draws=DRAWS, seed=99)  # warm-up at full size (first-touch page faults)
times, cpu = [], []
for i in range(5):
    t0, c0 = time.perf_counter(), time.process_time()
    mc = monte_carlo(s, draws=DRAWS, seed=i)
    times.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)

# ---- the same model, plain Python, draw by draw
D = 365 / 12
H = 730.0
base = scenario_params(s)
profile = list(s.load_profile)
sub = mc.samples.iloc[:LOOP_DRAWS]
names = [c for c in mc.inputs["parameter"]]
rows = [dict(zip(names, vals)) for vals in sub[names].itertuples(index=False, name=None)]

def one(p):
    g, h = p["volume_growth_annual"], p["horizon_months"]
    x = (1 + g) ** (1 / 12)
    avg = 1.0 if abs(x - 1) < 1e-12 else (x ** h - 1) / (h * (x - 1))
    busiest = max(x ** (h - 1), 1.0)
    c, b, i, o = p["cached_input_share"], p["batch_share"], p["input_tokens"], p["output_tokens"]
    std = ((1 - c) * i * p["api_input_per_mtok_usd"] + c * i * p["api_cached_input_per_mtok_usd"]
           + o * p["api_output_per_mtok_usd"])
    bat = i * p["api_batch_input_per_mtok_usd"] + o * p["api_batch_output_per_mtok_usd"]
    per_req = p["api_price_factor"] * ((1 - b) * std + b * bat) / 1e6
    a0 = p["api_staff_fte"] * p["staff_cost_usd_per_fte_month"] + p["api_implementation_usd"] / h
    a1 = per_req * D * avg
    api = a0 + a1 * p["requests_per_day"]
    # batchable work runs off-peak; planned at the lower of utilisation and the SLO share
    peak = max((1 - b) * w + b for w in profile)
    cap = p["throughput_tok_s"] * min(p["planning_utilization"], p["slo_capacity_fraction"]) / o
    spare, least = p["redundancy_replicas"], p["min_replicas"]

    def fleet(need):
        return max(need + spare, least)

    def staff(rr):
        gpus = rr * p["gpus_per_replica"]
        rot = max(math.ceil(gpus / p["gpus_per_oncall_rotation"] * (1 - 1e-12) - 1e-12), 1)
        return max(p["staff_fte"], p["oncall_fte"] * p["oncall_share"] * rot)

    need0 = math.ceil(p["requests_per_day"] * busiest * peak / 86400 / cap * (1 - 1e-12) - 1e-12)
    reps = fleet(max(need0, 0))
    k = p["gpus_per_server"] // p["gpus_per_replica"]
    kwh = p["pue"] * p["power_usd_per_kwh"] * H / 1000
    capex = p["server_price_usd"] + p["installation_usd"]
    n = p["hardware_life_months"]
    res = p["residual_value_share"] * capex
    r = (1 + p["cost_of_capital_annual"]) ** (1 / 12) - 1
    dep = (capex - res) / n
    ann = (capex - res * (1 + r) ** -n) * r / (1 - (1 + r) ** -n) if r > 1e-15 else dep
    per_server = (ann + p["server_price_usd"] * p["maintenance_share_annual"] / 12
                  + p["server_base_power_w"] * kwh
                  # colocation: provisioned kW (maximum input power) x USD per kW-month
                  + p["server_power_w"] * (p["colocation_usd_per_kw_month"] / 1000))
    per_rep = p["gpus_per_replica"] * p["board_power_w"] * kwh
    fixed = p["platform_monthly_usd"] + p["implementation_usd"] / h
    def cost(rr):  # rr: replicas in the fleet
        return (fixed + staff(rr) * p["staff_cost_usd_per_fte_month"] + rr * per_rep
                + math.ceil(rr / k * (1 - 1e-12) - 1e-12) * per_server)
    sh = cost(reps)
    q = cap * 86400 / (peak * busiest)
    be = float("nan")
    if a1 > 0:
        for rr in range(1, 10_000_000):  # walk the replica steps (rr needed for the peak)
            srr = cost(fleet(rr))
            if srr <= (a0 + a1 * rr * q) * (1 + 1e-12):
                be = max((rr - 1) * q, (srr - a0) / a1)
                break
            if rr * q > 1e12:
                break
    return api, sh, be

t0 = time.perf_counter()
out = []
for row in rows:
    p = dict(base)
    p.update(row)
    out.append(one(p))
loop = time.perf_counter() - t0
api, sh, be = (np.array(v) for v in zip(*out))
check = {
    "max_rel_diff_savings": float(np.max(np.abs((api - sh) - sub["savings_monthly_usd"].to_numpy())
                                         / np.maximum(1.0, np.abs(api)))),
    "max_rel_diff_breakeven": float(np.nanmax(np.abs(be - sub["breakeven_requests_per_day"].to_numpy())
                                              / np.maximum(1.0, be))),
}
# ---- the library's own scalar path, draw by draw (what a caller would write without the
# vectorised Monte Carlo): Scenario.replace + api_monthly + selfhost_monthly + breakeven
from aipolicy.costs import api_monthly, breakeven, selfhost_monthly
API_DRAWS = 500
t0 = time.perf_counter()
lib = []
for row in rows[:API_DRAWS]:
    d = s.replace(**{k: float(v) for k, v in row.items() if k != "api_price_factor"})
    f = row.get("api_price_factor", 1.0)
    d = d.replace(**{k: getattr(d, k) * f for k in (
        "api_input_per_mtok_usd", "api_output_per_mtok_usd", "api_cached_input_per_mtok_usd",
        "api_batch_input_per_mtok_usd", "api_batch_output_per_mtok_usd")})
    lib.append((api_monthly(d).monthly_usd - selfhost_monthly(d).monthly_usd,
                breakeven(d).requests_per_day))
lib_s = time.perf_counter() - t0
lib_sav = np.array([x[0] for x in lib])
check["max_rel_diff_library"] = float(np.max(np.abs(
    lib_sav - sub["savings_monthly_usd"].to_numpy()[:API_DRAWS]) / np.maximum(1.0, np.abs(lib_sav))))
print(json.dumps({"lib_s": lib_s, "lib_draws": API_DRAWS, "times": times,
                  "cpu_median": statistics.median(cpu), "median": statistics.median(times), "loop_s": loop,
                  "loop_draws": LOOP_DRAWS, "pinned": pinned, **check,
                  "p_selfhost_cheaper": mc.p_selfhost_cheaper}))
"""


def _child(mode: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(DRAWS), str(LOOP_DRAWS), mode],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child ({mode}) failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run() -> list[dict]:
    """Rows: figure, target, measured, ok."""
    t = _child("time")
    rss = _child("rss")
    tm = _child("tracemalloc")
    median = t["median"]
    loop_full = t["loop_s"] * DRAWS / t["loop_draws"]
    ratio = loop_full / median
    lib_full = t["lib_s"] * DRAWS / t["lib_draws"]
    lib_ratio = lib_full / median
    peak_mb = max(rss["rss_delta_mb"], tm["tracemalloc_peak_mb"])
    agree = max(t["max_rel_diff_savings"], t["max_rel_diff_breakeven"]) < 1e-9
    return [
        {"figure": "Monte Carlo 1M draws, full monthly TCO + break-even: median wall time "
                   f"(5 runs, {t['pinned']})",
         "target": "< 1 s", "measured": f"{median:.3f} s wall, {t['cpu_median']:.3f} s CPU "
                                         "(wall runs: "
                                         + ", ".join(f"{x:.3f}" for x in t["times"]) + ")",
         "ok": median < 1.0},
        {"figure": "Monte Carlo 1M draws: peak memory (ru_maxrss delta in a fresh process; "
                   "tracemalloc peak in another)",
         "target": "< 1 GB",
         "measured": f"maxrss delta {rss['rss_delta_mb']:.0f} MB; tracemalloc peak "
                     f"{tm['tracemalloc_peak_mb']:.0f} MB",
         "ok": peak_mb < 1024},
        {"figure": "speed-up vs the same model draw by draw through the library's scalar API "
                   f"(Scenario.replace + api_monthly + selfhost_monthly + breakeven; "
                   f"{t['lib_draws']:,} draws scaled to 1M)",
         "target": ">= 100x",
         "measured": f"{lib_ratio:,.0f}x (loop {t['lib_s']:.2f} s for {t['lib_draws']:,} -> "
                     f"{lib_full:,.0f} s for 1M)",
         "ok": lib_ratio >= 100},
        {"figure": "speed-up vs a lean hand-written plain-Python loop (math module, no "
                   f"dataclasses; {t['loop_draws']:,} draws scaled to 1M)",
         "target": "(no target; the hard baseline)",
         "measured": f"{ratio:,.0f}x (loop {t['loop_s']:.2f} s for {t['loop_draws']:,} -> "
                     f"{loop_full:.0f} s for 1M)",
         "ok": None},
        {"figure": "loops and vectorised results agree (max relative difference)",
         "target": "< 1e-9",
         "measured": f"lean loop: savings {t['max_rel_diff_savings']:.1e}, break-even "
                     f"{t['max_rel_diff_breakeven']:.1e}; library loop: savings "
                     f"{t['max_rel_diff_library']:.1e}",
         "ok": agree and t["max_rel_diff_library"] < 1e-9},
    ]


if __name__ == "__main__":  # pragma: no cover
    for row in run():
        print(row)
