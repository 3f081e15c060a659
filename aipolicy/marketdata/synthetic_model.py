"""The model of the synthetic sample: trading calendar, GARCH(1,1)-t factors, prices
(OHLCV per symbol) and macro series. Deterministic for a given seed.

See :mod:`aipolicy.marketdata.synthetic` for the model's description; its inputs are
:mod:`.synthetic_params`. :func:`build_prices` returns {symbol: DataFrame Date x Open, High,
Low, Close (USD), Volume (shares)}; :func:`build_fred` returns {series id: Series} in FRED's
units.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aipolicy.marketdata import universe as U
from aipolicy.marketdata.ipos import first_trade_dates, offer_prices
from aipolicy.marketdata.synthetic_params import (
    CORE_RATE,
    CPI_RATE,
    DGS10_PATH,
    END,
    FEDFUNDS_STEPS,
    FIRST_DAY_CLOSE,
    GARCH_ALPHA,
    GARCH_BETA,
    INDEX_LEVELS,
    MARKET_EPISODES,
    MARKET_VOL,
    PAYROLL_GAIN,
    SEED,
    SEMI_EPISODES,
    SEMI_VOL,
    SOX_MEMBERS,
    START,
    STOCKS,
    T_DOF,
    UNRATE_PATH,
)

if TYPE_CHECKING:
    import numpy as np


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
