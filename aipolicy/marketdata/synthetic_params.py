"""The scripted inputs of the synthetic sample (:mod:`aipolicy.marketdata.synthetic`):
seed, date range, factor volatilities, per-name loadings, index levels, market episodes and
the macro anchor paths. Constants only; the model is :mod:`.synthetic_model`.

Units: volatilities and growth are annual (fractions for prices, log growth for ``STOCKS``);
prices in USD; volumes in shares a day; macro rates in percent; payroll gains in thousands of
jobs a month.
"""

from __future__ import annotations

from aipolicy.marketdata import universe as U

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
