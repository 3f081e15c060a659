"""Market data: prices (Yahoo Finance), FRED series and AI-infrastructure IPOs, four sources.

Public API::

    from aipolicy.marketdata import load_prices, load_fred, load_ipos, available_tickers
    from aipolicy.marketdata import universe

Each loader takes ``source`` in ``{"sample", "csv", "live", "cache", "auto"}``:

``sample``  the committed synthetic snapshot in ``data/sample/`` (offline, deterministic);
``csv``     a folder of CSV files the user points at with ``data_dir``;
``live``    Yahoo Finance through yfinance and FRED's ``fredgraph.csv`` (or fredapi with
            ``FRED_API_KEY``); every download is written to the local parquet cache;
``cache``   the local parquet cache only (``AIPOLICY_CACHE_DIR``), no network;
``auto``    live, then the cache for whatever failed, with a warning.

Every returned frame carries ``attrs``: ``source``, ``as_of`` (last observation,
``YYYY-MM-DD``), ``fetched_at`` (ISO UTC or None), ``missing``, ``requested``, ``synthetic``,
``data_dir`` and ``provenance`` (a short human string), written from a
:class:`~aipolicy.marketdata.provenance.Provenance`; after slicing a loaded frame, re-attach
them with :func:`~aipolicy.marketdata.provenance.keep_provenance`.

Layering: this package may import only :mod:`aipolicy.errors` and :mod:`aipolicy.config`
(besides its own modules and third-party libraries); it imports none of ``costs``,
``signals``, ``nb``, ``report`` or ``commands``.

Heavy libraries are imported lazily: importing this package imports neither pandas nor
yfinance; the loaders are resolved on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aipolicy.marketdata import universe

if TYPE_CHECKING:
    from aipolicy.marketdata.fred import load_fred
    from aipolicy.marketdata.ipos import load_ipos
    from aipolicy.marketdata.prices import available_tickers, load_prices

__all__ = ["load_prices", "load_fred", "load_ipos", "available_tickers", "universe"]

_LAZY = {
    "load_prices": "aipolicy.marketdata.prices",
    "available_tickers": "aipolicy.marketdata.prices",
    "load_fred": "aipolicy.marketdata.fred",
    "load_ipos": "aipolicy.marketdata.ipos",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'aipolicy.marketdata' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
