"""Uncertainty over the comparison: which inputs are uncertain, how much each one matters, how sure
the answer is.

:mod:`.draws` holds the uncertain inputs with their ranges and sources and draws them;
:mod:`.tornado` swings one input at a time; :mod:`.monte_carlo` draws them all at once over the
whole monthly comparison. This face hands on their public names.
"""

from aipolicy.costs.uncertainty.draws import (
    COLOCATION_HIGH,
    COLOCATION_LOW,
    MAX_DRAWS,
    WHOLE_INPUTS,
    UncertainInput,
    default_uncertainties,
    draw_inputs,
    triangular_ppf,
)
from aipolicy.costs.uncertainty.monte_carlo import PERCENTILES, MonteCarloResult, monte_carlo
from aipolicy.costs.uncertainty.tornado import savings_for, tornado

__all__ = [
    "COLOCATION_HIGH",
    "COLOCATION_LOW",
    "MAX_DRAWS",
    "MonteCarloResult",
    "PERCENTILES",
    "UncertainInput",
    "WHOLE_INPUTS",
    "default_uncertainties",
    "draw_inputs",
    "monte_carlo",
    "savings_for",
    "tornado",
    "triangular_ppf",
]
