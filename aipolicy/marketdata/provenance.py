"""Argument checks and the provenance every loader attaches (no heavy imports).

:class:`Provenance` is the typed record of where a frame comes from; frames carry it in
``DataFrame.attrs`` as :meth:`Provenance.to_attrs` (a plain dict with the keys
:data:`ATTR_KEYS`). :func:`keep_provenance` re-attaches it after slicing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aipolicy import valuation
from aipolicy.errors import InvalidInputError
from aipolicy.marketdata.synthetic_params import END as _SAMPLE_END

SOURCES: tuple[str, ...] = ("sample", "csv", "live", "cache", "auto")
#: The embedded sample's own date (its last session): the valuation date of runs on it, so
#: their results are the same on any calendar day.
SAMPLE_AS_OF: dt.date = dt.date.fromisoformat(_SAMPLE_END)
FIELDS: tuple[str, ...] = ("close", "ohlcv")
OHLCV: tuple[str, ...] = ("Open", "High", "Low", "Close", "Volume")
INTERVALS: tuple[str, ...] = ("1d", "1wk", "1mo")
MISSING_MODES: tuple[str, ...] = ("raise", "drop")


def check_source(source: Any) -> str:
    """Return ``source`` if it is one of :data:`SOURCES`, else raise InvalidInputError."""
    return check_choice("source", source, SOURCES)


def default_as_of(source: str | None) -> dt.date:
    """The valuation date of a run on ``source`` that names none: the sample's own date
    (:data:`SAMPLE_AS_OF`) for ``"sample"`` and for ``None`` (the notebooks' default source),
    today (:func:`aipolicy.valuation.today`) for live, cached and CSV data."""
    return SAMPLE_AS_OF if source in (None, "sample") else valuation.today()


def resolve_as_of(as_of: Any, source: str | None, field: str = "as_of") -> dt.date:
    """A run's valuation date: ``as_of`` (a date, ``YYYY-MM-DD`` or ``"today"``), or when it is
    None (or ``""``/``"None"`` from papermill) :func:`default_as_of` of ``source``.

    Raises
    ------
    InvalidInputError
        ``as_of`` is not a date; the message names ``field``.
    """
    if as_of is None or (isinstance(as_of, str) and as_of.strip() in ("", "None")):
        return default_as_of(source)
    return valuation.parse(as_of, field)


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


#: The ``attrs`` keys of a loaded frame, in the order they are written.
ATTR_KEYS: tuple[str, ...] = (
    "source", "as_of", "fetched_at", "missing", "requested", "synthetic", "data_dir", "provenance",
    "partial_bar",
)  # fmt: skip


def last_date(frame: Any) -> str | None:
    """``YYYY-MM-DD`` of the last index entry of a date-indexed frame, or None when empty."""
    return frame.index.max().strftime("%Y-%m-%d") if len(frame.index) else None


@dataclass(frozen=True)
class Provenance:
    """Where a loaded frame comes from; stored in ``DataFrame.attrs`` as a plain dict.

    Attributes
    ----------
    source : str
        The source actually used: ``"sample"``, ``"csv"``, ``"live"``, ``"cache"`` or a
        combination such as ``"live+cache"``.
    provenance : str
        Short human description (``"Yahoo Finance via yfinance 0.2.54"``).
    as_of : str or None
        Last observation, ``YYYY-MM-DD``.
    fetched_at : str or None
        When the data was downloaded (ISO UTC), None for files.
    missing : tuple of str
        Requested symbols left out (unknown, failed or without data in the window).
    requested : tuple of str
        Symbols asked for, in request order.
    synthetic : bool
        True for the generated sample.
    data_dir : str or None
        Folder read (the sample folder or the user's CSV folder).
    partial_bar : str or None
        A final bar left out because it looks intraday, not a close, and why
        (:mod:`aipolicy.marketdata.freshness`); None when the last bar is a close.

    ``attrs`` hold plain types (lists, not tuples) so that frames pickle and compare as before:
    use :meth:`to_attrs` / :meth:`from_attrs` at the boundary, and :func:`keep_provenance` after
    slicing a frame.
    """

    source: str
    provenance: str
    as_of: str | None = None
    fetched_at: str | None = None
    missing: tuple[str, ...] = ()
    requested: tuple[str, ...] = ()
    synthetic: bool = False
    data_dir: str | None = None
    partial_bar: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "missing", tuple(self.missing or ()))
        object.__setattr__(self, "requested", tuple(self.requested or ()))
        object.__setattr__(self, "synthetic", bool(self.synthetic))
        if self.data_dir is not None:
            object.__setattr__(self, "data_dir", str(self.data_dir))

    @classmethod
    def of_frame(cls, frame: Any, **fields: Any) -> Provenance:
        """Provenance of a freshly loaded ``frame``: ``as_of`` is its last date."""
        return cls(as_of=last_date(frame), **fields)

    @classmethod
    def from_attrs(cls, attrs: Mapping[str, Any] | None) -> Provenance:
        """Read the provenance keys of ``attrs`` (absent keys take their defaults).

        Keys that are not provenance (e.g. ``yf_errors``) are ignored.
        """
        a = dict(attrs or {})
        return cls(
            source=str(a.get("source") or "unknown"),
            provenance=str(a.get("provenance") or ""),
            as_of=None if a.get("as_of") is None else str(a["as_of"]),
            fetched_at=a.get("fetched_at"),
            missing=tuple(a.get("missing") or ()),
            requested=tuple(a.get("requested") or ()),
            synthetic=bool(a.get("synthetic")),
            data_dir=a.get("data_dir"),
            partial_bar=a.get("partial_bar"),
        )

    def to_attrs(self) -> dict[str, Any]:
        """The ``attrs`` dict (keys :data:`ATTR_KEYS`, lists for the symbol tuples)."""
        return {
            "source": self.source,
            "as_of": self.as_of,
            "fetched_at": self.fetched_at,
            "missing": list(self.missing),
            "requested": list(self.requested),
            "synthetic": self.synthetic,
            "data_dir": self.data_dir,
            "provenance": self.provenance,
            "partial_bar": self.partial_bar,
        }

    def replace(self, **changes: Any) -> Provenance:
        """A copy with ``changes`` applied (field names as the attributes)."""
        return dataclasses.replace(self, **changes)

    def with_missing(self, symbols: Iterable[str]) -> Provenance:
        """A copy whose ``missing`` also lists ``symbols`` (order kept, no duplicates)."""
        return self.replace(missing=tuple(dict.fromkeys([*self.missing, *symbols])))

    def attach(self, frame: Any) -> Any:
        """Set ``frame.attrs`` to this provenance and return ``frame``."""
        frame.attrs = self.to_attrs()
        return frame


def keep_provenance(frame: Any, origin: Any, **changes: Any) -> Any:
    """Give ``frame`` (sliced or derived from ``origin``) the provenance of ``origin``.

    pandas keeps ``attrs`` through some operations and drops them in others (``concat`` of
    frames with different attrs, ``groupby``, NumPy round trips); call this after slicing a
    loaded frame instead of copying ``attrs`` by hand.

    Parameters
    ----------
    frame : DataFrame or Series
        The slice; its ``attrs`` are replaced (the object is modified and returned).
    origin : DataFrame, Series, Provenance or mapping
        The loaded frame (or its provenance / attrs).
    **changes
        Provenance fields to change, e.g. ``missing=[...]``. ``as_of`` stays the loaded
        frame's (the last date loaded) unless given here.

    Returns
    -------
    ``frame``, with ``attrs`` from :meth:`Provenance.to_attrs`.
    """
    if isinstance(origin, Provenance):
        prov = origin
    elif isinstance(origin, Mapping):
        prov = Provenance.from_attrs(origin)
    else:
        prov = Provenance.from_attrs(getattr(origin, "attrs", None))
    return (prov.replace(**changes) if changes else prov).attach(frame)
