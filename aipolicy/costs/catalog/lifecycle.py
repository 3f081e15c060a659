"""An API model's life: its first price (release) and its retirement.

Retirement dates come from ``retirements.csv`` (providers' deprecation dates, each row with its
source) and genai-prices' ``deprecated`` flag: a comparison that runs past a model's retirement
prices something that cannot be bought for the whole horizon, so it warns. First prices come
from ``releases.csv`` (the provider's announcement) or the date in a dated model id
(``gpt-4o-2024-08-06``, ``claude-3-opus-20240229``: a snapshot is not sold before its date):
a valuation date before it is refused (:func:`aipolicy.costs.compare.bounds.check_first_price`).
A row is looked up by the name the user gave, then by genai-prices' id for it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from aipolicy import valuation
from aipolicy.costs import catalog
from aipolicy.errors import CatalogError

__all__ = ["first_priced", "retirement_warning"]

#: A date at the end of a model id: ``-2024-08-06`` or ``-20240229``.
_DATED_ID = re.compile(r"-(\d{4})-?(\d{2})-?(\d{2})$")


def _names(api_model: str) -> tuple[list[str], Any, Any] | None:
    """The names to look a model up by (as given, then genai-prices' id), its provider and
    its genai-prices entry; None when the price data does not know it."""
    from aipolicy.costs.catalog.prices import find_model

    try:
        provider, info = find_model(api_model)
    except CatalogError:
        return None
    return list(dict.fromkeys((api_model, info.id))), provider, info


def first_priced(api_model: str) -> tuple[dt.date, str] | None:
    """The first day ``api_model`` could be bought per token, and its source; None if unknown.

    From ``releases.csv``, else the date in the model id (the name given first, then
    genai-prices' id); hosted open weights
    (``model@provider``) and models the price data does not know give None.
    """
    found = None if "@" in api_model else _names(api_model)
    if found is None:
        return None
    names = found[0]
    table = catalog.load_catalog("releases").set_index("model")
    for name in names:  # the name given first: gpt-4o-2024-08-06 is not gpt-4o's first day
        if name in table.index:
            row = table.loc[name]
            return dt.date.fromisoformat(str(row["released_on"])), str(row["source"])
        m = _DATED_ID.search(name)
        try:
            day = None if m is None else dt.date(*(int(g) for g in m.groups()))
        except ValueError:
            day = None
        if day is not None:
            return day, f"the date in the model id {name!r}: a snapshot is not sold before it"
    return None


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
    found = None if "@" in api_model else _names(api_model)
    if found is None:
        return None
    names, provider, info = found
    row = next((r for r in map(catalog.retirement, names) if r is not None), None)
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
