"""Checks a sweep grid passes before any of its arrays is built: the bounds of
:mod:`aipolicy.costs.compare.bounds` applied to the grid's keys, each refusal naming the key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from aipolicy.costs.compare.bounds import check_first_price, check_tokens_per_day
from aipolicy.errors import InvalidInputError

__all__ = ["bounded", "check_first_prices", "check_requests"]


def bounded(check: Any, *args: Any) -> None:
    """Run a check of :mod:`aipolicy.costs.compare.bounds`; its refusal names the grid key
    (``grid axes.tokens_per_day: ...``)."""
    try:
        check(*args)
    except InvalidInputError as exc:
        key = str(exc.field)
        raise InvalidInputError(f"grid {key}: {str(exc).removeprefix(f'{key} ')}", field=key,
                                value=exc.value) from None


def check_requests(vols: tuple[float, ...], values: Mapping[str, list[Any]]) -> None:
    """The largest volume at the shortest request of any shape (a preset's own included) stays
    within the requests/day that ``aipolicy breakeven`` accepts."""
    from aipolicy.costs.compare.presets import PRESETS

    shapes = {s for s in values["shape"] if s is not None}
    if None in values["shape"]:
        shapes |= {(PRESETS[p].values["input_tokens"][0], PRESETS[p].values["output_tokens"][0])
                   for p in values["preset"]}
    i, o = min(shapes, key=sum)
    bounded(check_tokens_per_day, "axes.tokens_per_day", max(vols), i + o, f"{i:g}/{o:g}")


def check_first_prices(as_of: str, values: Mapping[str, list[Any]]) -> None:
    """Every API model of the grid (a preset's own included) has a price on the valuation
    date: one before a model's first price is refused naming ``as_of``."""
    from aipolicy.costs.compare.presets import PRESETS

    models = {m for m in values["api_model"] if m is not None}
    if None in values["api_model"]:
        models |= {PRESETS[p].build["api_model"] for p in values["preset"]}
    for model in sorted(m for m in models if "@" not in m):
        bounded(check_first_price, model, dt.date.fromisoformat(as_of))
