"""Generator of the synthetic sample data set in ``data/sample/`` (``aipolicy sample``).

The data are **synthetic**: a seeded factor model, not market prices. They exist so that the
notebooks, tests and benchmarks run offline on data that behave like markets.

Model (daily log returns on an NYSE-like trading calendar, 2016-01-04 to 2026-10-30)::

    r_i,t = g_i / 252 + beta_i * m_t + lambda_i * s_t + sigma_i * e_i,t

``m`` is a market factor and ``s`` a semiconductor factor, independent of each other; ``e_i``
is idiosyncratic noise. Each of ``m``, ``s`` and ``e_i`` is a GARCH(1,1) process
(alpha=0.08, beta=0.90) driven by Student-t innovations (5 degrees of freedom), demeaned and
scaled to unit sample variance, so the series have fat tails and volatility clustering while
each name's annualised volatility lands on its target. Scripted episodes (the late-2018
sell-off, the 2020 crash and rebound, the 2022 bear market, the 2023-24 AI rally in chips)
shift the factor means over those windows. ``^GSPC`` is the market factor itself; ``^SOX``
is the equal-weighted log-return average of 15 established chip names; ``SMH`` tracks
``^SOX``; IPO names start on their first trade date with the first Open at the offer price
(from the curated IPO table). Macro series follow anchor paths shaped like 2016-2026 history
plus noise. Files are written with pyarrow with fixed options and no pandas metadata, so a
regeneration with the same pyarrow version is byte-identical.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aipolicy.marketdata import universe as U
from aipolicy.marketdata.ipos import first_trade_dates, offer_prices

if TYPE_CHECKING:
    import numpy as np

SEED = 20261030
GENERATOR_VERSION = "1"
START = "2016-01-01"
END = "2026-10-30"
MARKET_VOL = 0.165  # annualised volatility of the market factor (= ^GSPC)
SEMI_VOL = 0.22  # annualised volatility of the semiconductor factor
GARCH_ALPHA, GARCH_BETA, T_DOF = 0.08, 0.90, 5

#: group of each name (for the README and the realism tests)
GROUPS: dict[str, str] = {
    **{t: "large semiconductor" for t in ("NVDA", "AVGO", "TSM", "MU", "ASML", "INTC", "ANET",
                                          "QCOM", "TXN", "AMAT", "LRCX", "KLAC", "ADI", "NXPI")},
    **{t: "volatile chip / AI infrastructure" for t in ("AMD", "ARM", "MRVL", "SMCI", "ALAB",
                                                         "CRWV", "CBRS")},
    **{t: "platform" for t in U.PLATFORM_TICKERS},
    "^GSPC": "broad index", "^IXIC": "broad index",
    "^SOX": "semiconductor index", "SMH": "semiconductor index",
}  # fmt: skip

# ticker: (beta to market, loading on semi factor, total annual vol, annual log growth,
#          first price (USD, split-adjusted scale), base daily volume in shares)
STOCKS: dict[str, tuple[float, float, float, float, float, float]] = {
    "NVDA": (1.9, 1.00, 0.44, 0.50, 0.80, 4.0e8),
    "AMD": (1.9, 1.00, 0.52, 0.40, 2.80, 6.0e7),
    "AVGO": (1.6, 0.80, 0.36, 0.30, 13.0, 2.5e7),
    "TSM": (1.6, 0.70, 0.33, 0.22, 20.0, 1.0e7),
    "MU": (1.9, 1.00, 0.43, 0.20, 14.0, 2.0e7),
    "ASML": (1.6, 0.80, 0.37, 0.20, 85.0, 1.2e6),
    "INTC": (1.6, 0.70, 0.38, -0.03, 28.0, 3.5e7),
    "ARM": (2.3, 1.00, 0.60, 0.25, 51.0, 5.0e6),
    "MRVL": (2.0, 1.00, 0.53, 0.20, 8.5, 1.2e7),
    "SMCI": (2.4, 1.00, 0.62, 0.25, 3.0, 3.0e7),
    "ANET": (1.6, 0.60, 0.40, 0.33, 3.8, 8.0e6),
    "MSFT": (1.1, 0.15, 0.27, 0.20, 49.0, 2.5e7),
    "GOOGL": (1.1, 0.10, 0.29, 0.17, 38.0, 3.0e7),
    "META": (1.3, 0.10, 0.38, 0.17, 100.0, 2.0e7),
    "AMZN": (1.2, 0.10, 0.33, 0.17, 32.0, 6.0e7),
    "ORCL": (1.0, 0.20, 0.30, 0.17, 34.0, 1.2e7),
    "ALAB": (2.2, 1.00, 0.62, 0.30, 36.0, 3.0e6),
    "CRWV": (2.3, 1.00, 0.60, 0.40, 40.0, 1.5e7),
    "CBRS": (2.1, 1.00, 0.58, 0.20, 185.0, 6.0e6),
    "QCOM": (1.6, 0.70, 0.34, 0.12, 45.0, 9.0e6),
    "TXN": (1.6, 0.50, 0.32, 0.12, 50.0, 5.0e6),
    "AMAT": (1.8, 0.90, 0.42, 0.24, 17.0, 7.0e6),
    "LRCX": (1.8, 0.90, 0.43, 0.25, 7.5, 1.0e7),
    "KLAC": (1.7, 0.80, 0.38, 0.25, 65.0, 1.2e6),
    "ADI": (1.6, 0.50, 0.33, 0.14, 50.0, 3.5e6),
    "NXPI": (1.7, 0.60, 0.39, 0.10, 75.0, 2.5e6),
}
#: first-day log return where the facts give it (CBRS closed at $311.07 on a $185 offer)
FIRST_DAY_CLOSE: dict[str, float] = {"CBRS": 311.07}
#: names averaged into ^SOX (established chips, no IPOs)
SOX_MEMBERS: tuple[str, ...] = (
    "NVDA", "AMD", "AVGO", "TSM", "MU", "ASML", "INTC", "MRVL", "QCOM", "TXN", "AMAT",
    "LRCX", "KLAC", "ADI", "NXPI",
)  # fmt: skip
# index: (first level, annual log growth, base volume)
INDEX_LEVELS: dict[str, tuple[float, float, float]] = {
    "^GSPC": (2012.66, 0.111, 3.5e9),
    "^IXIC": (5007.41, 0.137, 2.0e9),
    "^SOX": (640.0, 0.0, 0.0),  # growth follows its members
    "SMH": (52.0, 0.0, 5.0e6),
}
# (start, end, total log move) added to the factor over the window
MARKET_EPISODES = (
    ("2018-10-01", "2018-12-24", -0.18),
    ("2020-02-20", "2020-03-23", -0.35),
    ("2020-03-24", "2020-08-31", 0.40),
    ("2022-01-03", "2022-10-12", -0.22),
)
SEMI_EPISODES = (
    ("2022-01-03", "2022-10-12", -0.30),
    ("2023-01-03", "2024-06-28", 0.55),
    ("2024-07-01", "2025-04-08", -0.20),
    ("2025-04-09", "2026-10-30", 0.30),
)

# Macro anchor paths (month, value); values are interpolated linearly between anchors.
CPI_RATE = (  # annualised month-on-month inflation, percent
    ("2015-01", 0.0), ("2015-12", 1.2), ("2016-06", 2.0), ("2017-06", 1.6), ("2018-03", 2.9),
    ("2018-12", 1.9), ("2019-12", 2.3), ("2020-02", 1.8), ("2020-03", -4.0), ("2020-04", -9.0),
    ("2020-05", -1.0), ("2020-07", 4.5), ("2020-12", 2.5), ("2021-04", 8.0), ("2021-12", 8.5),
    ("2022-03", 10.5), ("2022-06", 10.0), ("2022-08", 1.0), ("2022-12", 3.0), ("2023-06", 2.5),
    ("2023-12", 3.3), ("2024-06", 2.4), ("2024-12", 2.8), ("2025-06", 2.5), ("2026-03", 3.0),
    ("2026-09", 3.4),
)  # fmt: skip
CORE_RATE = (
    ("2015-01", 1.9), ("2016-06", 2.3), ("2017-06", 1.7), ("2018-06", 2.3), ("2019-12", 2.3),
    ("2020-03", 0.0), ("2020-04", -4.5), ("2020-06", 2.0), ("2021-04", 7.0), ("2021-12", 6.5),
    ("2022-04", 7.0), ("2022-12", 5.0), ("2023-06", 4.0), ("2023-12", 3.5), ("2024-06", 3.0),
    ("2025-06", 2.8), ("2026-09", 3.1),
)  # fmt: skip
PAYROLL_GAIN = (  # thousands of jobs a month
    ("2016-01", 200.0), ("2020-02", 180.0), ("2020-03", -1400.0), ("2020-04", -20500.0),
    ("2020-05", 2700.0), ("2020-06", 4500.0), ("2020-08", 1500.0), ("2021-01", 400.0),
    ("2021-12", 600.0), ("2022-12", 300.0), ("2023-12", 220.0), ("2024-12", 150.0),
    ("2025-12", 60.0), ("2026-09", 50.0),
)  # fmt: skip
UNRATE_PATH = (
    ("2016-01", 4.9), ("2019-09", 3.5), ("2020-02", 3.5), ("2020-03", 4.4), ("2020-04", 14.8),
    ("2020-12", 6.7), ("2021-12", 3.9), ("2023-04", 3.4), ("2024-07", 4.2), ("2025-08", 4.3),
    ("2026-09", 4.5),
)  # fmt: skip
FEDFUNDS_STEPS = (  # effective rate from that month on (step path)
    ("2016-01", 0.36), ("2016-12", 0.54), ("2017-03", 0.79), ("2017-06", 1.04), ("2017-12", 1.30),
    ("2018-03", 1.51), ("2018-06", 1.82), ("2018-09", 1.95), ("2018-12", 2.27), ("2019-01", 2.40),
    ("2019-08", 2.13), ("2019-10", 1.83), ("2019-11", 1.55), ("2020-03", 0.65), ("2020-04", 0.05),
    ("2022-03", 0.20), ("2022-05", 0.77), ("2022-06", 1.21), ("2022-07", 1.68), ("2022-08", 2.33),
    ("2022-10", 3.08), ("2022-11", 3.78), ("2022-12", 4.10), ("2023-02", 4.57), ("2023-04", 4.83),
    ("2023-06", 5.08), ("2023-08", 5.33), ("2024-10", 4.83), ("2024-11", 4.64), ("2025-01", 4.33),
    ("2025-10", 4.09), ("2026-01", 3.80), ("2026-06", 3.60),
)  # fmt: skip
DGS10_PATH = (
    ("2016-01-04", 2.24), ("2016-07-08", 1.37), ("2016-12-15", 2.60), ("2018-10-05", 3.23),
    ("2019-08-28", 1.47), ("2020-03-09", 0.54), ("2020-08-04", 0.52), ("2021-03-31", 1.74),
    ("2021-12-31", 1.52), ("2022-06-14", 3.49), ("2022-10-24", 4.25), ("2023-04-06", 3.30),
    ("2023-10-19", 4.98), ("2023-12-27", 3.79), ("2024-04-25", 4.70), ("2024-09-16", 3.62),
    ("2025-01-14", 4.79), ("2025-09-16", 4.03), ("2026-10-30", 4.20),
)  # fmt: skip


# --------------------------------------------------------------------------- calendar
def trading_days(start: str = START, end: str = END) -> Any:
    """NYSE-like sessions: weekdays without the exchange's regular full-day holidays.

    Returns
    -------
    pandas.DatetimeIndex
        ``datetime64[ns]``, named ``Date``.
    """
    import pandas as pd
    from pandas.tseries.holiday import (
        AbstractHolidayCalendar,
        GoodFriday,
        Holiday,
        USLaborDay,
        USMartinLutherKingJr,
        USMemorialDay,
        USPresidentsDay,
        USThanksgivingDay,
        nearest_workday,
    )

    class _NYSE(AbstractHolidayCalendar):
        rules = [
            Holiday("New Year", month=1, day=1, observance=nearest_workday),
            USMartinLutherKingJr,
            USPresidentsDay,
            GoodFriday,
            USMemorialDay,
            Holiday(
                "Juneteenth", month=6, day=19, start_date="2022-01-01", observance=nearest_workday
            ),
            Holiday("Independence Day", month=7, day=4, observance=nearest_workday),
            USLaborDay,
            USThanksgivingDay,
            Holiday("Christmas", month=12, day=25, observance=nearest_workday),
        ]

    days = pd.bdate_range(start, end)
    hols = _NYSE().holidays(start, end)
    # New Year on a Saturday is not observed on the Friday before by NYSE
    hols = hols[~((hols.month == 12) & (hols.day == 31))]
    out = days[~days.isin(hols)].astype("datetime64[ns]")
    out.name = "Date"
    return out


# --------------------------------------------------------------------------- processes
def garch_t(rng: np.random.Generator, n: int) -> np.ndarray:
    """GARCH(1,1) noise with Student-t innovations, demeaned and scaled to unit sample variance."""
    import numpy as np

    nu = T_DOF
    u = rng.standard_t(nu, size=n) / np.sqrt(nu / (nu - 2))
    omega = 1.0 - GARCH_ALPHA - GARCH_BETA
    e = np.empty(n)
    h = 1.0
    prev = 0.0
    for t in range(n):
        h = omega + GARCH_ALPHA * prev * prev + GARCH_BETA * h
        prev = np.sqrt(h) * u[t]
        e[t] = prev
    e -= e.mean()
    return e / e.std()


def _episodes(dates: Any, episodes: tuple[tuple[str, str, float], ...]) -> np.ndarray:
    """Daily mean shifts spreading each episode's total log move evenly over its window."""
    import numpy as np
    import pandas as pd

    out = np.zeros(len(dates))
    for a, b, move in episodes:
        mask = (dates >= pd.Timestamp(a)) & (dates <= pd.Timestamp(b))
        out[np.asarray(mask)] += move / max(int(mask.sum()), 1)
    return out - out.mean()


def _ohlcv(
    rng: np.random.Generator, r: np.ndarray, p0: float, daily_vol: float, vol0: float,
    first_open: float | None = None,
) -> dict[str, np.ndarray]:  # fmt: skip
    """Open/High/Low/Close/Volume from daily log returns (first return is the first session's)."""
    import numpy as np

    n = len(r)
    close = p0 * np.exp(np.cumsum(r))
    gap = rng.normal(0.0, 0.3 * daily_vol, n)
    prev_close = np.empty(n)
    prev_close[0] = close[0] * np.exp(-r[0])
    prev_close[1:] = close[:-1]
    open_ = prev_close * np.exp(
        np.clip(gap, -np.abs(r) - 0.5 * daily_vol, np.abs(r) + 0.5 * daily_vol)
    )
    if first_open is not None:
        open_[0] = first_open
    hi_ext = np.abs(rng.normal(0.0, 0.45 * daily_vol, n))
    lo_ext = np.abs(rng.normal(0.0, 0.45 * daily_vol, n))
    high = np.maximum(open_, close) * np.exp(hi_ext)
    low = np.minimum(open_, close) * np.exp(-lo_ext)
    if vol0 > 0:
        shock = np.abs(r) / daily_vol
        volume = vol0 * np.exp(0.30 * rng.normal(size=n) + 0.35 * np.minimum(shock, 6.0) - 0.3)
        volume = np.round(volume / 100.0) * 100.0
    else:
        volume = np.zeros(n)
    rnd = 4 if p0 < 1000 else 2
    return {
        "Open": np.round(open_, rnd),
        "High": np.round(high, rnd),
        "Low": np.round(low, rnd),
        "Close": np.round(close, rnd),
        "Volume": volume.astype("int64"),
    }


def _interp_months(months: Any, anchors: tuple[tuple[str, float], ...]) -> np.ndarray:
    import numpy as np
    import pandas as pd

    x = np.array([pd.Timestamp(a).value for a, _ in anchors], dtype="float64")
    y = np.array([v for _, v in anchors])
    return np.interp(np.asarray(months.asi8, dtype="float64"), x, y)


def _steps(months: Any, steps: tuple[tuple[str, float], ...]) -> np.ndarray:
    import numpy as np
    import pandas as pd

    x = np.array([pd.Timestamp(a).value for a, _ in steps])
    y = np.array([v for _, v in steps])
    idx = np.searchsorted(x, months.asi8, side="right") - 1
    return y[np.clip(idx, 0, len(y) - 1)]


# --------------------------------------------------------------------------- builders
def build_prices(seed: int = SEED) -> dict[str, Any]:
    """Simulate every sample price symbol.

    Returns
    -------
    dict[str, pandas.DataFrame]
        symbol -> frame indexed by ``Date`` (trading days; IPO names from their first trade
        date) with float columns Open, High, Low, Close (USD, adjusted) and int Volume (shares).
    """
    import numpy as np
    import pandas as pd

    dates = trading_days()
    n = len(dates)
    rng = np.random.default_rng(seed)
    sd_m, sd_s = MARKET_VOL / np.sqrt(252), SEMI_VOL / np.sqrt(252)
    m = garch_t(rng, n) * sd_m + _episodes(dates, MARKET_EPISODES)
    s = garch_t(rng, n) * sd_s + _episodes(dates, SEMI_EPISODES)
    ipo_first = first_trade_dates()
    offers = offer_prices()
    rets: dict[str, np.ndarray] = {}
    frames: dict[str, pd.DataFrame] = {}
    for sym, (beta, lam, vol, growth, p0, vol0) in STOCKS.items():
        idio_vol = np.sqrt(max(vol**2 - (beta * MARKET_VOL) ** 2 - (lam * SEMI_VOL) ** 2, 0.0025))
        e = garch_t(rng, n)
        r = growth / 252 + beta * m + lam * s + idio_vol / np.sqrt(252) * e
        rets[sym] = r
        start = 0
        first_open = None
        if sym in ipo_first:
            start = int(np.searchsorted(dates.asi8, pd.Timestamp(ipo_first[sym]).value))
            r = r[start:].copy()
            tail = e[start:]
            tail = (
                tail - tail.mean()
            ) / tail.std()  # keep the post-IPO idiosyncratic vol on target
            r = growth / 252 + beta * m[start:] + lam * s[start:] + idio_vol / np.sqrt(252) * tail
            first_open = offers[sym]
            if sym in FIRST_DAY_CLOSE:
                r[0] = np.log(FIRST_DAY_CLOSE[sym] / first_open)
            p_first = first_open  # the first session's return starts from the offer price
        else:
            p_first = p0
        cols = _ohlcv(rng, r, p_first, vol / np.sqrt(252), vol0, first_open)
        frames[sym] = pd.DataFrame(cols, index=dates[start:])
    # indices
    for sym in ("^GSPC", "^IXIC"):
        level, growth, vol0 = INDEX_LEVELS[sym]
        if sym == "^GSPC":
            r = growth / 252 + m
            vol = MARKET_VOL
        else:
            e = garch_t(rng, n)
            r = growth / 252 + 1.1 * m + 0.2 * s + 0.04 / np.sqrt(252) * e
            vol = 0.19
        frames[sym] = pd.DataFrame(_ohlcv(rng, r, level, vol / np.sqrt(252), vol0), index=dates)
    sox_r = np.mean([rets[t] for t in SOX_MEMBERS], axis=0)
    level, _, _ = INDEX_LEVELS["^SOX"]
    frames["^SOX"] = pd.DataFrame(_ohlcv(rng, sox_r, level, 0.3 / np.sqrt(252), 0.0), index=dates)
    smh_r = sox_r - 0.0035 / 252 + 0.015 / np.sqrt(252) * garch_t(rng, n)
    level, _, vol0 = INDEX_LEVELS["SMH"]
    frames["SMH"] = pd.DataFrame(_ohlcv(rng, smh_r, level, 0.3 / np.sqrt(252), vol0), index=dates)
    return {sym: frames[sym] for sym in U.SAMPLE_TICKERS}


def build_fred(seed: int = SEED) -> dict[str, Any]:
    """Simulate the FRED series: monthly (first of month, 2016-01 to 2026-09) and daily DGS10.

    Returns
    -------
    dict[str, pandas.Series]
        series id -> float Series indexed by ``Date`` (``datetime64[ns]``); DGS10 has NaN on
        federal holidays, as FRED writes ``.`` there.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed + 1)
    months = pd.date_range("2015-01-01", "2026-09-01", freq="MS").astype("datetime64[ns]")
    keep = months >= pd.Timestamp("2016-01-01")
    out: dict[str, pd.Series] = {}

    def index_path(
        rates: tuple[tuple[str, float], ...], level_jan2016: float, noise: float
    ) -> np.ndarray:
        pi = _interp_months(months, rates) / 100.0
        c = np.log1p(pi) / 12.0 + rng.normal(0.0, noise, len(months))
        lvl = np.exp(np.cumsum(c))
        lvl *= level_jan2016 / lvl[keep][0]
        return np.round(lvl[keep], 3)

    idx = months[keep].rename("Date")
    out["CPIAUCSL"] = pd.Series(index_path(CPI_RATE, 237.652, 0.0010), index=idx)
    out["CPILFESL"] = pd.Series(index_path(CORE_RATE, 246.568, 0.0006), index=idx)
    gains = _interp_months(idx, PAYROLL_GAIN) + rng.normal(0.0, 60.0, len(idx))
    gains[0] = 0.0
    out["PAYEMS"] = pd.Series(np.round(143000.0 + np.cumsum(gains)), index=idx)
    un = _interp_months(idx, UNRATE_PATH) + rng.normal(0.0, 0.08, len(idx))
    out["UNRATE"] = pd.Series(np.round(un, 1), index=idx)
    ff = _steps(idx, FEDFUNDS_STEPS) + rng.normal(0.0, 0.01, len(idx))
    out["FEDFUNDS"] = pd.Series(np.round(np.maximum(ff, 0.04), 2), index=idx)
    days = pd.bdate_range("2016-01-01", END).astype("datetime64[ns]").rename("Date")
    base = _interp_months(days, DGS10_PATH)
    noise = np.empty(len(days))
    x = 0.0
    shocks = rng.standard_t(5, len(days)) * 0.045
    for i in range(len(days)):
        x = 0.97 * x + shocks[i]
        noise[i] = x
    y = np.round(np.maximum(base + noise, 0.3), 2)
    hol = ((days.month == 1) & (days.day == 1)) | ((days.month == 7) & (days.day == 4)) | (
        (days.month == 12) & (days.day == 25)) | ((days.month == 11) & (days.day == 11))  # fmt: skip
    y[np.asarray(hol)] = np.nan
    out["DGS10"] = pd.Series(y, index=days)
    return {sid: out[sid] for sid in U.FRED_SERIES}


# --------------------------------------------------------------------------- writing
def _write_parquet(table: Any, path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(
        table, path, compression="zstd", compression_level=9, use_dictionary=False,
        write_statistics=True, store_schema=False, version="2.6",
    )  # fmt: skip


def _meta(kind: str, symbol: str) -> dict[bytes, bytes]:
    info = {"symbol": symbol, "kind": kind, "synthetic": True, "seed": SEED,
            "generator": f"aipolicy.marketdata.synthetic v{GENERATOR_VERSION}"}  # fmt: skip
    return {b"aipolicy": json.dumps(info, sort_keys=True).encode()}


def price_table(symbol: str, frame: Any) -> Any:
    """Arrow table of one symbol: Date (timestamp[ns]), Open, High, Low, Close (float64), Volume (int64)."""
    import pyarrow as pa

    arrays = [pa.array(frame.index.to_numpy().astype("datetime64[ns]"), pa.timestamp("ns"))]
    arrays += [
        pa.array(frame[c].to_numpy(), pa.float64()) for c in ("Open", "High", "Low", "Close")
    ]
    arrays.append(pa.array(frame["Volume"].to_numpy(), pa.int64()))
    schema = pa.schema(
        [("Date", pa.timestamp("ns"))] + [(c, pa.float64()) for c in ("Open", "High", "Low", "Close")]
        + [("Volume", pa.int64())], metadata=_meta("prices", symbol),
    )  # fmt: skip
    return pa.Table.from_arrays(arrays, schema=schema)


def fred_table(series_id: str, series: Any) -> Any:
    """Arrow table of one FRED series: Date (timestamp[ns]) and the value (float64, null for '.')."""
    import numpy as np
    import pyarrow as pa

    values = series.to_numpy(dtype="float64")
    schema = pa.schema([("Date", pa.timestamp("ns")), (series_id, pa.float64())],
                       metadata=_meta("fred", series_id))  # fmt: skip
    return pa.Table.from_arrays(
        [pa.array(series.index.to_numpy().astype("datetime64[ns]"), pa.timestamp("ns")),
         pa.array(values, pa.float64(), mask=np.isnan(values))], schema=schema,
    )  # fmt: skip


def generate(out_dir: Path | str, *, seed: int = SEED) -> list[Path]:
    """Generate the whole sample into ``out_dir`` (``prices/``, ``fred/``, ``manifest.csv``).

    The README is not written here (it is prose, committed by hand). Returns the files written.
    """
    out = Path(out_dir)
    (out / "prices").mkdir(parents=True, exist_ok=True)
    (out / "fred").mkdir(parents=True, exist_ok=True)
    rows: list[list[str]] = []
    written: list[Path] = []
    for sym, frame in build_prices(seed).items():
        path = out / "prices" / f"{U.safe_name(sym)}.parquet"
        _write_parquet(price_table(sym, frame), path)
        rows.append(["prices", sym, path.relative_to(out).as_posix(), frame.index[0].strftime("%Y-%m-%d"),
                     frame.index[-1].strftime("%Y-%m-%d"), str(len(frame))])  # fmt: skip
        written.append(path)
    for sid, series in build_fred(seed).items():
        path = out / "fred" / f"{sid}.parquet"
        _write_parquet(fred_table(sid, series), path)
        rows.append(["fred", sid, path.relative_to(out).as_posix(), series.index[0].strftime("%Y-%m-%d"),
                     series.index[-1].strftime("%Y-%m-%d"), str(len(series))])  # fmt: skip
        written.append(path)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["kind", "symbol", "file", "first", "last", "rows", "sha256"])
    for row in rows:
        w.writerow([*row, hashlib.sha256((out / row[2]).read_bytes()).hexdigest()])
    (out / "manifest.csv").write_text(buf.getvalue())
    written.append(out / "manifest.csv")
    return written
