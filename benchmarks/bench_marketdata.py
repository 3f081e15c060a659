"""Market-data benchmark: 30 tickers x ~10.8 years of daily closes, sample and warm cache.

Figures: median of N loads through ``load_prices`` vs reading the same parquet files directly
with ``pyarrow.parquet.read_table`` (Date + Close columns); and ``import aipolicy`` time in a
fresh interpreter, minus the interpreter's own start-up.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N = 25


def _median_ms(fn, n: int = N) -> float:
    fn()  # warm-up (imports, OS file cache)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _import_ms() -> float:
    def one(code: str) -> float:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - t0

    base = statistics.median(one("pass") for _ in range(7))
    full = statistics.median(one("import aipolicy, aipolicy.marketdata") for _ in range(7))
    return max(full - base, 0.0) * 1000


def run() -> list[dict]:
    import pyarrow.parquet as pq

    from aipolicy import config
    from aipolicy.marketdata import cache, load_prices, universe

    tickers = list(universe.SAMPLE_TICKERS)  # 30 symbols, 2016-01-04 .. 2026-10-30
    assert len(tickers) == 30
    sample_files = [
        config.sample_dir() / "prices" / f"{universe.safe_name(t)}.parquet" for t in tickers
    ]
    rows = []

    def direct(files):
        return lambda: [pq.read_table(f, columns=["Date", "Close"]) for f in files]

    ms_sample = _median_ms(lambda: load_prices(tickers, source="sample"))
    ms_sample_pa = _median_ms(direct(sample_files))
    rows.append({"figure": "load_prices 30 tickers x 10y daily, sample (median ms)", "target": "< 100 ms",
                 "measured": f"{ms_sample:.1f} ms", "ok": ms_sample < 100})  # fmt: skip
    rows.append({"figure": "  same files read directly with pyarrow (median ms)", "target": "-",
                 "measured": f"{ms_sample_pa:.1f} ms", "ok": None})  # fmt: skip
    ratio = ms_sample / ms_sample_pa
    rows.append({"figure": "  sample loader / direct pyarrow", "target": "<= 3x",
                 "measured": f"{ratio:.2f}x", "ok": ratio <= 3})  # fmt: skip

    old = os.environ.get("AIPOLICY_CACHE_DIR")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["AIPOLICY_CACHE_DIR"] = tmp
        try:
            full = load_prices(tickers, source="sample", fields="ohlcv")
            for (
                t
            ) in tickers:  # warm cache built from the sample, as `aipolicy fetch` would write it
                cache.write_frame(
                    "yahoo", t, "1d", "adj", full.xs(t, axis=1, level="Ticker").dropna(how="all")
                )
            cache_files = [cache.cache_path("yahoo", t, "1d", "adj") for t in tickers]
            ms_cache = _median_ms(lambda: load_prices(tickers, source="cache"))
            ms_cache_pa = _median_ms(direct(cache_files))
        finally:
            if old is None:
                os.environ.pop("AIPOLICY_CACHE_DIR", None)
            else:
                os.environ["AIPOLICY_CACHE_DIR"] = old
    rows.append({"figure": "load_prices 30 tickers x 10y daily, warm cache (median ms)", "target": "< 100 ms",
                 "measured": f"{ms_cache:.1f} ms", "ok": ms_cache < 100})  # fmt: skip
    rows.append({"figure": "  same files read directly with pyarrow (median ms)", "target": "-",
                 "measured": f"{ms_cache_pa:.1f} ms", "ok": None})  # fmt: skip
    ratio = ms_cache / ms_cache_pa
    rows.append({"figure": "  cache loader / direct pyarrow", "target": "<= 3x",
                 "measured": f"{ratio:.2f}x", "ok": ratio <= 3})  # fmt: skip
    imp = _import_ms()
    rows.append({"figure": "import aipolicy (+ aipolicy.marketdata), fresh process", "target": "< 500 ms",
                 "measured": f"{imp:.0f} ms", "ok": imp < 500})  # fmt: skip
    return rows


if __name__ == "__main__":  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    for r in run():
        print(r)
