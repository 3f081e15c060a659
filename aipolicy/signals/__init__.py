"""Signals and statistics: pure functions from price / macro / IPO frames to tables.

Units: returns and rates are fractions (0.12 = 12 %); ``ann_*`` figures are per year; input
annual rates (risk-free) are annual fractions, converted to per period inside. Frames are
date-indexed (``DatetimeIndex`` named "Date"), one column per ticker. Nothing here loads data.

Layering: this package may import :mod:`aipolicy.errors`, :mod:`aipolicy.config` and, where it
must, :mod:`aipolicy.marketdata` for its types and constants (the ticker universe in
:mod:`aipolicy.marketdata.universe`, from which :data:`BASKETS` is built). It does not import
``costs`` (the break-even trends are :func:`aipolicy.costs.economics.trends.breakeven_trends`), ``nb``,
``report`` or ``commands``.

Public API
----------
Returns (:mod:`.returns`)
    simple_returns, log_returns, prices_to_returns, resample_prices, resample_returns,
    periods_per_year_for, annual_rate_to_per_period, rf_per_period, excess_returns,
    cumulative_returns, total_return
Performance (:mod:`.performance`)
    performance_table, performance_record, PERFORMANCE_COLUMNS, PERFORMANCE_RECORD_COLUMNS,
    drawdown_series, max_drawdown, Drawdown, wealth_index
Regression (:mod:`.regression`)
    capm, capm_table, CapmResult, ols_hac, newey_west_lags, rolling_beta,
    rolling_correlation, rolling_capm_ols
Baskets and momentum (:mod:`.baskets`, :mod:`.momentum`)
    BASKETS, basket_returns, basket_index, basket_members, basket_return_frame,
    weight_targets, run_weights, PortfolioRun, relative_strength, momentum, momentum_scores
Inflation (:mod:`.inflation`)
    cpi_yoy, highest_in_n_months, HighInfo, cpi_yoy_high, CpiHigh, cpi_high_summary,
    rolling_high_flags, inflation_surprise, inflation_regime, inflation_regression,
    monthly_inflation, real_returns, deflate_prices
Events (:mod:`.events`)
    event_study, EventStudyResult, next_session
IPOs (:mod:`.ipos`)
    ipo_bhar, ipo_paths, ipo_coverage, first_close, buy_and_hold, ipo_peer_car, IpoPeerResult
Passive vs active (:mod:`.strategies`)
    momentum_rotation, RotationResult, passive_vs_active
Scorecard (:mod:`.scorecard`)
    basket_scorecard
Claims (:mod:`.claims`; verdicts in :mod:`.claim_base`; metrics in :mod:`.claim_metrics`,
:mod:`.claim_jobs`, :mod:`.claim_passive`; sourced index records in :mod:`.index_records`)
    check_claims, load_claims, validate_claim, verdict, VERDICTS, DEFAULT_CLAIMS_FILE
Price cuts (:mod:`.price_cuts`)
    price_cut_car, PriceCutResult

statsmodels is imported only inside the regression functions.
"""

from __future__ import annotations

from .baskets import (
    BASKETS,
    PortfolioRun,
    basket_index,
    basket_members,
    basket_return_frame,
    basket_returns,
    relative_strength,
    run_weights,
    weight_targets,
)
from .claims import (
    DEFAULT_CLAIMS_FILE,
    VERDICTS,
    check_claims,
    load_claims,
    validate_claim,
    verdict,
)
from .events import EventStudyResult, event_study, next_session
from .inflation import (
    CpiHigh,
    HighInfo,
    cpi_high_summary,
    cpi_yoy,
    cpi_yoy_high,
    deflate_prices,
    highest_in_n_months,
    inflation_regime,
    inflation_regression,
    inflation_surprise,
    monthly_inflation,
    real_returns,
    rolling_high_flags,
)
from .ipos import (
    IpoPeerResult,
    buy_and_hold,
    first_close,
    ipo_bhar,
    ipo_coverage,
    ipo_paths,
    ipo_peer_car,
)
from .momentum import momentum, momentum_scores
from .performance import (
    PERFORMANCE_COLUMNS,
    PERFORMANCE_RECORD_COLUMNS,
    Drawdown,
    drawdown_series,
    max_drawdown,
    performance_record,
    performance_table,
    wealth_index,
)
from .price_cuts import PriceCutResult, price_cut_car
from .regression import (
    CapmResult,
    capm,
    capm_table,
    newey_west_lags,
    ols_hac,
    rolling_beta,
    rolling_capm_ols,
    rolling_correlation,
)
from .returns import (
    annual_rate_to_per_period,
    cumulative_returns,
    excess_returns,
    log_returns,
    periods_per_year_for,
    prices_to_returns,
    resample_prices,
    resample_returns,
    rf_per_period,
    simple_returns,
    total_return,
)
from .scorecard import basket_scorecard
from .strategies import RotationResult, momentum_rotation, passive_vs_active

__all__ = [
    "PriceCutResult",
    "BASKETS",
    "DEFAULT_CLAIMS_FILE",
    "PERFORMANCE_COLUMNS",
    "PERFORMANCE_RECORD_COLUMNS",
    "VERDICTS",
    "CapmResult",
    "CpiHigh",
    "Drawdown",
    "EventStudyResult",
    "HighInfo",
    "IpoPeerResult",
    "PortfolioRun",
    "RotationResult",
    "annual_rate_to_per_period",
    "basket_index",
    "basket_members",
    "basket_return_frame",
    "basket_returns",
    "basket_scorecard",
    "buy_and_hold",
    "capm",
    "capm_table",
    "check_claims",
    "cpi_high_summary",
    "cpi_yoy",
    "cpi_yoy_high",
    "cumulative_returns",
    "deflate_prices",
    "drawdown_series",
    "event_study",
    "excess_returns",
    "first_close",
    "highest_in_n_months",
    "inflation_regime",
    "inflation_regression",
    "inflation_surprise",
    "ipo_bhar",
    "ipo_coverage",
    "ipo_paths",
    "ipo_peer_car",
    "load_claims",
    "log_returns",
    "max_drawdown",
    "momentum",
    "momentum_rotation",
    "momentum_scores",
    "monthly_inflation",
    "newey_west_lags",
    "next_session",
    "ols_hac",
    "passive_vs_active",
    "price_cut_car",
    "performance_record",
    "performance_table",
    "periods_per_year_for",
    "prices_to_returns",
    "real_returns",
    "relative_strength",
    "resample_prices",
    "resample_returns",
    "rf_per_period",
    "rolling_beta",
    "rolling_capm_ols",
    "rolling_correlation",
    "rolling_high_flags",
    "run_weights",
    "simple_returns",
    "total_return",
    "validate_claim",
    "verdict",
    "wealth_index",
    "weight_targets",
]
