"""The ticker universe and FRED series the project follows (constants only, no imports).

Groups
------
``CHIP_TICKERS``
    Chip designers, foundries, memory and lithography (the "chips" basket).
``HARDWARE_TICKERS``
    AI data-centre hardware: servers and networking.
``INFRA_TICKERS``
    Chips then hardware: the market notebooks' default ``infra_tickers``.
``PLATFORM_TICKERS``
    Cloud and model platforms (hyperscalers and Oracle).
``IPO_TICKERS``
    AI-infrastructure IPOs; see :func:`aipolicy.marketdata.load_ipos`.
``INDEX_TICKERS``
    Benchmarks: the semiconductor ETF and index, the S&P 500 and the Nasdaq Composite.
``DEFAULT_UNIVERSE``
    All of the above, deduplicated, in that order (what ``aipolicy fetch`` refreshes).
``SAMPLE_EXTRA_TICKERS``
    Further semiconductor names present only in the synthetic sample, so that it holds
    30 symbols (the benchmark loads 30 tickers).
``FRED_SERIES``
    Macro series by FRED id.

Everything else that lists tickers is built from these tuples: the baskets
(:data:`aipolicy.signals.BASKETS`) and the market notebooks' default ticker parameters
(``None`` there means the list here), so one edit here changes them all.
"""

from __future__ import annotations

CHIP_TICKERS: tuple[str, ...] = ("NVDA", "AMD", "AVGO", "TSM", "MU", "ASML", "INTC", "ARM", "MRVL")
HARDWARE_TICKERS: tuple[str, ...] = ("SMCI", "ANET")
INFRA_TICKERS: tuple[str, ...] = CHIP_TICKERS + HARDWARE_TICKERS
PLATFORM_TICKERS: tuple[str, ...] = ("MSFT", "GOOGL", "META", "AMZN", "ORCL")
IPO_TICKERS: tuple[str, ...] = ("ARM", "ALAB", "CRWV", "CBRS")
INDEX_TICKERS: tuple[str, ...] = ("SMH", "^SOX", "^GSPC", "^IXIC")
#: The largest S&P 500 members by index weight (2025; S&P Dow Jones Indices' S&P 500 factsheet,
#: top 10 constituents, https://www.spglobal.com/spdji/en/indices/equity/sp-500/), one share
#: class each, without Berkshire Hathaway (it reports on Saturdays): their earnings move the index
#: itself, so the event study screens its windows for them as for the baskets' members.
INDEX_LEADERS: tuple[str, ...] = ("AAPL", "NVDA", "MSFT", "GOOGL", "AMZN", "META", "AVGO",
                                  "TSLA")
#: The broad-market benchmark used for betas.
MARKET_INDEX: str = "^GSPC"
#: The semiconductor benchmark.
SEMI_INDEX: str = "^SOX"

DEFAULT_UNIVERSE: tuple[str, ...] = tuple(
    dict.fromkeys(INFRA_TICKERS + PLATFORM_TICKERS + IPO_TICKERS + INDEX_TICKERS)
)
SAMPLE_EXTRA_TICKERS: tuple[str, ...] = ("QCOM", "TXN", "AMAT", "LRCX", "KLAC", "ADI", "NXPI")
#: Every price symbol in the synthetic sample (30).
SAMPLE_TICKERS: tuple[str, ...] = DEFAULT_UNIVERSE + SAMPLE_EXTRA_TICKERS

FRED_SERIES: tuple[str, ...] = ("CPIAUCSL", "CPILFESL", "PAYEMS", "UNRATE", "FEDFUNDS", "DGS10")

#: First date live downloads start from when ``start`` is not given (ISO date).
DEFAULT_START: str = "2016-01-01"

#: ticker -> company or index name
NAMES: dict[str, str] = {
    "NVDA": "NVIDIA",
    "AMD": "Advanced Micro Devices",
    "AVGO": "Broadcom",
    "TSM": "Taiwan Semiconductor Manufacturing (ADR)",
    "MU": "Micron Technology",
    "ASML": "ASML Holding",
    "INTC": "Intel",
    "ARM": "Arm Holdings (ADS)",
    "MRVL": "Marvell Technology",
    "SMCI": "Super Micro Computer",
    "ANET": "Arista Networks",
    "MSFT": "Microsoft",
    "GOOGL": "Alphabet (class A)",
    "META": "Meta Platforms",
    "AMZN": "Amazon",
    "ORCL": "Oracle",
    "ALAB": "Astera Labs",
    "CRWV": "CoreWeave",
    "CBRS": "Cerebras Systems",
    "SMH": "VanEck Semiconductor ETF",
    "^SOX": "PHLX Semiconductor Index",
    "^GSPC": "S&P 500",
    "^IXIC": "Nasdaq Composite",
    "QCOM": "Qualcomm",
    "TXN": "Texas Instruments",
    "AMAT": "Applied Materials",
    "LRCX": "Lam Research",
    "KLAC": "KLA",
    "ADI": "Analog Devices",
    "NXPI": "NXP Semiconductors",
}

#: ticker -> one-line description of its role in the analysis
DESCRIPTIONS: dict[str, str] = {
    "NVDA": "GPUs and networking; the bellwether of AI accelerator demand",
    "AMD": "GPUs (Instinct) and CPUs; second source of AI accelerators",
    "AVGO": "custom AI ASICs and data-centre networking silicon",
    "TSM": "foundry that makes most leading AI accelerators",
    "MU": "memory, including high-bandwidth memory (HBM) for accelerators",
    "ASML": "lithography equipment for leading-edge chip making",
    "INTC": "CPUs, Gaudi accelerators and foundry services",
    "ARM": "CPU architecture licensing; IPO in September 2023",
    "MRVL": "custom silicon and optical interconnect for data centres",
    "SMCI": "GPU servers and rack-scale systems",
    "ANET": "data-centre Ethernet switching for AI clusters",
    "MSFT": "Azure cloud and OpenAI partner; buys GPUs and sells model APIs",
    "GOOGL": "Google Cloud, TPUs and Gemini APIs",
    "META": "open-weight Llama models; large GPU buyer",
    "AMZN": "AWS, Trainium/Inferentia and Bedrock model APIs",
    "ORCL": "OCI GPU cloud capacity",
    "ALAB": "PCIe/CXL connectivity chips for AI servers; IPO in March 2024",
    "CRWV": "GPU cloud provider; IPO in March 2025",
    "CBRS": "wafer-scale AI accelerators and inference cloud; IPO in May 2026",
    "SMH": "ETF holding the largest semiconductor companies",
    "^SOX": "price index of 30 US-listed semiconductor companies",
    "^GSPC": "broad US large-cap market benchmark (used for betas)",
    "^IXIC": "technology-heavy US market benchmark",
    "QCOM": "mobile and edge AI chips (sample only)",
    "TXN": "analog and embedded chips (sample only)",
    "AMAT": "chip-making equipment (sample only)",
    "LRCX": "etch and deposition equipment (sample only)",
    "KLAC": "process-control equipment (sample only)",
    "ADI": "analog and mixed-signal chips (sample only)",
    "NXPI": "automotive and industrial chips (sample only)",
}

#: FRED id -> (title, units, frequency as published)
FRED_DESCRIPTIONS: dict[str, tuple[str, str, str]] = {
    "CPIAUCSL": ("CPI for all urban consumers, all items, SA", "index 1982-84=100", "monthly"),
    "CPILFESL": ("CPI less food and energy (core), SA", "index 1982-84=100", "monthly"),
    "PAYEMS": ("All employees, total nonfarm, SA", "thousands of persons", "monthly"),
    "UNRATE": ("Unemployment rate, SA", "percent", "monthly"),
    "FEDFUNDS": ("Effective federal funds rate", "percent", "monthly"),
    "DGS10": ("10-year Treasury constant-maturity yield", "percent", "daily"),
}


def safe_name(symbol: str) -> str:
    """File stem for a symbol in the sample and CSV folders: a leading ``^`` is dropped.

    ``"^GSPC"`` -> ``"GSPC"``; ``"NVDA"`` -> ``"NVDA"``.
    """
    return symbol[1:] if symbol.startswith("^") else symbol
