"""Argument checks and the provenance ``attrs`` every loader attaches (no heavy imports)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from aipolicy.errors import InvalidInputError

SOURCES: tuple[str, ...] = ("sample", "csv", "live", "cache", "auto")
FIELDS: tuple[str, ...] = ("close", "ohlcv")
OHLCV: tuple[str, ...] = ("Open", "High", "Low", "Close", "Volume")
INTERVALS: tuple[str, ...] = ("1d", "1wk", "1mo")
MISSING_MODES: tuple[str, ...] = ("raise", "drop")


def check_source(source: Any) -> str:
    """Return ``source`` if it is one of :data:`SOURCES`, else raise InvalidInputError."""
    return check_choice("source", source, SOURCES)


def check_choice(name: str, value: Any, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; else InvalidInputError naming ``name``."""
    options = tuple(choices)
    if not isinstance(value, str) or value not in options:
        raise InvalidInputError(
            f"parameter {name!r}: {value!r} is not one of {', '.join(repr(o) for o in options)}"
        )
    return value


def symbol_list(name: str, value: Any) -> list[str]:
    """Normalise a str or list of symbols to a deduplicated list (order kept, upper-cased)."""
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",")] if "," in value else [value.strip()]
    elif isinstance(value, Iterable):
        items = []
        for v in value:
            if not isinstance(v, str):
                raise InvalidInputError(
                    f"parameter {name!r}: {v!r} is not a string symbol such as 'NVDA'"
                )
            items.append(v.strip())
    else:
        raise InvalidInputError(
            f"parameter {name!r}: expected a symbol or a list of symbols such as ['NVDA', 'AMD'], got {value!r}"
        )
    items = [v.upper() for v in items if v]
    if not items:
        raise InvalidInputError(f"parameter {name!r}: no symbols given; pass e.g. ['NVDA', 'AMD']")
    return list(dict.fromkeys(items))


def as_timestamp(name: str, value: Any) -> Any:
    """Parse a ``start``/``end`` argument (ISO string, date, Timestamp or None) to a Timestamp."""
    import pandas as pd

    if value is None or value == "":
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(
            f"parameter {name!r}: {value!r} is not a date; use ISO format such as '2024-01-31'"
        ) from exc
    if ts is pd.NaT:
        raise InvalidInputError(f"parameter {name!r}: NaT is not a date")
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts.normalize()


def utc_now() -> str:
    """Current UTC time as an ISO string to the second, e.g. ``2026-10-30T21:05:00+00:00``."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def make_attrs(
    frame: Any,
    *,
    source: str,
    requested: list[str],
    missing: list[str],
    synthetic: bool,
    provenance: str,
    fetched_at: str | None = None,
    data_dir: str | None = None,
) -> dict[str, Any]:
    """The ``attrs`` dict of a loaded frame (keys documented in :mod:`aipolicy.marketdata`)."""
    as_of = frame.index.max().strftime("%Y-%m-%d") if len(frame.index) else None
    return {
        "source": source,
        "as_of": as_of,
        "fetched_at": fetched_at,
        "missing": list(missing),
        "requested": list(requested),
        "synthetic": bool(synthetic),
        "data_dir": data_dir,
        "provenance": provenance,
    }
