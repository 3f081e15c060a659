"""Model retirement: warn when an API model is retired, or retires within the analysis horizon.

Dates come from ``retirements.csv`` (providers' deprecation dates as LiteLLM records them, each
row with its source) and from genai-prices' ``deprecated`` flag. A cost comparison that runs past
a model's retirement prices something that cannot be bought for the whole horizon.
"""

from __future__ import annotations

import datetime as dt

from aipolicy import valuation
from aipolicy.costs import catalog
from aipolicy.errors import CatalogError

__all__ = ["retirement_warning"]


def _months_after(day: dt.date, months: float) -> dt.date:
    return day + dt.timedelta(days=round(float(months) * 365.0 / 12.0))


def retirement_warning(api_model: str, *, horizon_months: float = 36.0,
                       today: dt.date | None = None) -> str | None:
    """One line when ``api_model`` is retired or retires within the horizon, else None.

    Parameters
    ----------
    api_model : str
        A model id (aliases resolve to genai-prices' id) or ``<open-model>@<provider>``.
    horizon_months : float
        Analysis horizon in months, counted from ``today``.
    today : date, optional
        The day the comparison is valued on; default: the run's valuation date
        (:func:`aipolicy.valuation.current`).
    """
    today = today or valuation.current()
    if "@" in api_model:
        return None
    from aipolicy.costs.catalog.prices import find_model

    try:
        provider, info = find_model(api_model)
    except CatalogError:
        return None
    row = catalog.retirement(info.id)
    if row is not None:
        day = dt.date.fromisoformat(row.note)
        src = f"source: {row.source}"
        if day <= today:
            return (f"API model {api_model!r} was retired by {provider.name} on {day} ({src}); "
                    "choose a current model")
        end = _months_after(today, horizon_months)
        if day <= end:
            return (f"API model {api_model!r} retires on {day}, within the "
                    f"{horizon_months:g}-month horizon (to {end}; {src}): the comparison "
                    "assumes a successor at the same price after that")
        return None  # a known date after the horizon says more than a 'deprecated' flag
    if info.deprecated:
        return (f"API model {api_model!r} is marked deprecated by {provider.name} in "
                "genai-prices: it may be retired within the horizon")
    return None
