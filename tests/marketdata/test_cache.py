"""The parquet cache: round trip, atomic writes, no empty files, corrupt files, concurrency."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aipolicy.errors import CacheCorruptError, DataUnavailableError
from aipolicy.marketdata import cache, load_fred, load_prices


def _ohlcv(n: int = 50, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    c = 100 + rng.normal(0, 1, n).cumsum()
    idx = pd.DatetimeIndex(pd.bdate_range("2024-01-02", periods=n), name="Date").astype(
        "datetime64[ns]"
    )
    return pd.DataFrame(
        {"Open": c, "High": c + 1, "Low": c - 1, "Close": c, "Volume": 1e6}, index=idx
    )


def test_round_trip_and_attrs(isolated_cache):
    fetched = cache.write_frame("yahoo", "^GSPC", "1d", "adj", _ohlcv())
    path = cache.cache_path("yahoo", "^GSPC", "1d", "adj")
    assert path.is_file() and path.is_relative_to(isolated_cache) and "%5EGSPC" in path.name
    assert not list(path.parent.glob("*.tmp"))
    df = load_prices("^GSPC", source="cache")
    assert df["^GSPC"].tolist() == pytest.approx(_ohlcv()["Close"].tolist())
    assert df.attrs["source"] == "cache" and df.attrs["fetched_at"] == fetched
    assert cache.cached_symbols("yahoo", "1d", "adj") == ["^GSPC"]


def test_never_stores_empty_frames():
    assert cache.write_frame("yahoo", "X", "1d", "adj", _ohlcv().iloc[:0]) is None
    assert cache.write_frame("yahoo", "X", "1d", "adj", _ohlcv() * np.nan) is None
    assert not cache.cache_path("yahoo", "X", "1d", "adj").exists()


def test_corrupt_file_moved_aside_and_reported():
    cache.write_frame("yahoo", "NVDA", "1d", "adj", _ohlcv())
    cache.write_frame("yahoo", "AMD", "1d", "adj", _ohlcv(seed=1))
    bad = cache.cache_path("yahoo", "AMD", "1d", "adj")
    bad.write_bytes(b"PAR1 this is not parquet")
    with pytest.warns(UserWarning, match="could not be read.*moved aside"):
        df = load_prices(["NVDA", "AMD"], source="cache")
    assert list(df.columns) == ["NVDA"] and df.attrs["missing"] == ["AMD"]
    assert not bad.exists() and len(list(bad.parent.glob("AMD.parquet.corrupt-*"))) == 1
    # next time the entry is simply absent, not re-used
    with pytest.raises(DataUnavailableError, match="aipolicy fetch"):
        load_prices("AMD", source="cache")


def test_corrupt_file_raises_named_error_at_the_low_level():
    cache.write_frame(
        "fred", "DGS10", "native", "na", _ohlcv()[["Close"]].rename(columns={"Close": "value"})
    )
    cache.cache_path("fred", "DGS10", "native", "na").write_bytes(b"")
    with pytest.raises(CacheCorruptError, match="moved aside"):
        cache.read_table("fred", "DGS10", "native", "na")


def test_cache_source_with_nothing_cached():
    with pytest.raises(DataUnavailableError) as exc:
        load_fred("CPIAUCSL", source="cache")
    assert "source 'cache'" in str(exc.value) and "aipolicy fetch" in str(exc.value)


WRITER = """
import sys
import numpy as np, pandas as pd
from aipolicy.marketdata import cache
seed, n = int(sys.argv[1]), int(sys.argv[2])
for i in range(n):
    k = 200 + seed * 50 + i % 3
    c = 100 + np.random.default_rng(seed).normal(0, 1, k).cumsum()
    idx = pd.DatetimeIndex(pd.bdate_range("2024-01-02", periods=k), name="Date")
    cache.write_frame("yahoo", "NVDA", "1d", "adj", pd.DataFrame({"Close": c}, index=idx))
"""


def test_concurrent_writers_never_leave_a_torn_file(isolated_cache):
    import os
    import subprocess
    import sys

    env = {**os.environ, "AIPOLICY_CACHE_DIR": str(isolated_cache)}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(s), "40"], env=env) for s in (1, 2)
    ]
    reads = 0
    while any(p.poll() is None for p in procs):
        table, _ = cache.read_table(
            "yahoo", "NVDA", "1d", "adj"
        )  # raises CacheCorruptError if torn
        if table is not None:
            assert table.num_rows in {250, 251, 252, 300, 301, 302}
            reads += 1
    assert [p.wait(60) for p in procs] == [0, 0]
    table, _ = cache.read_table("yahoo", "NVDA", "1d", "adj")
    assert table.num_rows in {250, 251, 252, 300, 301, 302}
    folder = cache.cache_path("yahoo", "NVDA", "1d", "adj").parent
    assert not list(folder.glob("*.tmp")) and not list(folder.glob("*.corrupt-*"))
    assert reads >= 0
