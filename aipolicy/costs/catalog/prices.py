"""API list prices from genai-prices, the maintained catalog (pydantic, MIT licence).

genai-prices (https://github.com/pydantic/genai-prices) carries about 2,300 models of 47
providers with dated price history, prompt-length tiers, cached-input and batch prices. This
module is the one place aipolicy reads it:

- **offline by default**: prices come from the data bundled with the installed package;
- :func:`refresh` fetches the package's newest data (its own update URL and parser) into the
  project cache (``<cache>/prices/genai-prices.json``, written atomically); later runs price
  from that file until it is removed;
- :func:`snapshot` says which data a run priced with on its valuation date (package version,
  newest dated entry on or before it, refreshed-at), and every :class:`~aipolicy.costs.catalog.tables.ApiPrice` from :func:`api_price_genai`
  names ``genai-prices <version>``, the provider, the model id and the provider's pricing page,
  with the start date of the price in force on the valuation date as ``as_of``.

Prices are per request, as providers bill: a prompt over a tier threshold (e.g. 200k input
tokens) pays the tier rate on all its tokens, so :func:`api_price_genai` takes the request's
input length. genai-prices (which imports pydantic) is imported on first use only.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from aipolicy import config, valuation
from aipolicy.costs.catalog.files import write_atomic
from aipolicy.errors import CatalogError, DataUnavailableError, InvalidInputError

PACKAGE = "genai-prices"
CACHE_NAME = "genai-prices.json"
META_NAME = "genai-prices.meta.json"
#: Seconds to connect and to read when refreshing.
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 20.0
BATCH_CONTEXT = {"processing": "batch"}


@dataclass(frozen=True)
class PriceSnapshot:
    """Which price data a run uses, seen on its valuation date.

    ``valued_on`` is the run's valuation date (YYYY-MM-DD, :mod:`aipolicy.valuation`): the
    prices in force on it are used. ``as_of`` is the newest price start date the data carries
    that is not after it (later dates are changes not yet in force on that day), ``undated``
    when there is none; it dates the data, not any one price (a price shows its own row's
    date, see :func:`api_price_genai`). ``origin`` is ``bundled`` (the installed
    package's data) or ``refreshed`` (fetched by :func:`refresh` at ``refreshed_at``, ISO UTC).
    """

    package_version: str
    as_of: str
    origin: str
    refreshed_at: str | None = None
    url: str | None = None
    valued_on: str = ""

    @property
    def label(self) -> str:
        """One line for banners and tables."""
        data = (f"data refreshed {self.refreshed_at}" if self.origin == "refreshed"
                else "bundled data")
        newest = (f"newest dated {self.as_of}" if self.as_of != "undated"
                  else "no dated price on or before it")
        on = f"prices in force on {self.valued_on}, " if self.valued_on else ""
        return f"{PACKAGE} {self.package_version}, {data} ({on}{newest})"


_STATE: dict[str, Any] = {}


def prices_dir() -> Path:
    """Folder of the refreshed price data (inside the project cache, ``AIPOLICY_CACHE_DIR``)."""
    return config.cache_dir() / "prices"


def package_version() -> str:
    """Installed genai-prices version."""
    from importlib.metadata import version

    return version(PACKAGE)


def _dates_in(providers: list[Any]) -> list[dt.date]:
    out: list[dt.date] = []
    for provider in providers:
        for model in provider.models:
            prices = model.prices if isinstance(model.prices, list) else []
            constraints = [p.constraint for p in prices]
            constraints += [v.constraint for v in (model.price_variants or [])]
            for c in constraints:
                start = getattr(c, "start_date", None)
                if isinstance(start, dt.date):
                    out.append(start)
    return out


def _newest_date(dates: list[dt.date], day: dt.date) -> str:
    """Newest of the sorted price start ``dates`` not after ``day`` (later ones are changes
    not yet in force on that day), ``YYYY-MM-DD``; ``undated`` when there is none."""
    import bisect

    i = bisect.bisect_right(dates, day)
    return dates[i - 1].isoformat() if i else "undated"


def valuation_day(as_of: str | dt.date | None) -> dt.date:
    """``as_of`` as a date, or the run's valuation date (:func:`aipolicy.valuation.current`).

    Raises
    ------
    CatalogError
        ``as_of`` is not a date (``field`` = ``as_of``).
    """
    if as_of is None:
        return valuation.current()
    try:
        return valuation.parse(as_of)
    except InvalidInputError:
        raise CatalogError(f"as_of={as_of!r}: give a date such as 2025-06-10",
                           field="as_of", value=as_of) from None


def _load() -> tuple[Any, PriceSnapshot]:
    """The genai-prices data in use and its description on the valuation date."""
    if "data" not in _STATE:
        _read()
    base: PriceSnapshot = _STATE["snapshot"]
    day = valuation.current()
    snap = replace(base, as_of=_newest_date(_STATE["dates"], day), valued_on=day.isoformat())
    return _STATE["data"], snap


def _read() -> None:
    """Read the genai-prices data in use into ``_STATE`` (cached until :func:`refresh`)."""
    from genai_prices import data_snapshot
    from genai_prices.types import _providers_from_raw

    cached = prices_dir() / CACHE_NAME
    meta_path = prices_dir() / META_NAME
    if cached.is_file():
        try:
            providers = _providers_from_raw(json.loads(cached.read_bytes()))
            meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        except (OSError, ValueError) as exc:
            raise DataUnavailableError(
                f"refreshed price data {cached} cannot be read ({exc}); run "
                f"'aipolicy prices refresh' again or delete the file to price from the "
                f"installed {PACKAGE}"
            ) from exc
        snap = data_snapshot.DataSnapshot(providers, from_auto_update=False)
        info = PriceSnapshot(package_version(), "undated", "refreshed",
                             meta.get("refreshed_at"), meta.get("url"))
    else:
        snap = data_snapshot.DataSnapshot(data_snapshot._bundled_snapshot().providers,
                                          from_auto_update=False)
        info = PriceSnapshot(package_version(), "undated", "bundled")
    _STATE.update(data=snap, snapshot=info, dates=sorted(set(_dates_in(snap.providers))))


def snapshot(as_of: str | dt.date | None = None) -> PriceSnapshot:
    """Which price data this process prices with, seen on ``as_of`` (default: the run's
    valuation date, :func:`aipolicy.valuation.current`); see :class:`PriceSnapshot`."""
    if as_of is None:
        return _load()[1]
    with valuation.pinned(valuation_day(as_of)):
        return _load()[1]


def forget() -> None:
    """Drop the loaded data so the next lookup reads it again (after a refresh or in tests)."""
    _STATE.clear()


def refresh(url: str | None = None) -> PriceSnapshot:
    """Fetch genai-prices' newest data into the project cache and price from it from now on.

    Uses the package's own update URL (``genai_prices.update_prices.DEFAULT_UPDATE_URL``) and
    parser; the payload is validated before anything is written, and written atomically.

    Raises
    ------
    DataUnavailableError
        The data could not be fetched (network, HTTP status, timeout) or is not genai-prices data;
        the previous data stays in use and on disk.
    """
    import httpx2
    from genai_prices.types import _providers_from_raw
    from genai_prices.update_prices import DEFAULT_UPDATE_URL

    target = url or DEFAULT_UPDATE_URL
    try:
        response = httpx2.get(target, timeout=httpx2.Timeout(READ_TIMEOUT_S,
                                                             connect=CONNECT_TIMEOUT_S))
        response.raise_for_status()
        raw = response.content
        payload = json.loads(raw)
        if not isinstance(payload, list):
            raise ValueError("expected a JSON array of providers")
        providers = _providers_from_raw(payload)
    except Exception as exc:  # httpx2 errors, JSON and validation errors alike
        raise DataUnavailableError(
            f"cannot refresh prices from {target}: {type(exc).__name__}: {exc}; prices stay "
            f"those of {snapshot().label}"
        ) from exc
    if not providers:
        raise DataUnavailableError(f"cannot refresh prices from {target}: no providers in it")
    refreshed_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace(
        "+00:00", "Z")
    write_atomic(prices_dir() / CACHE_NAME, raw)
    write_atomic(prices_dir() / META_NAME, json.dumps(
        {"refreshed_at": refreshed_at, "url": target, "package_version": package_version()},
        indent=2).encode())
    forget()
    return snapshot()


# ---------------------------------------------------------------------------------- lookups
def _timestamp(as_of: str | dt.date | None) -> dt.datetime:
    """Noon UTC of ``as_of`` (default: the run's valuation date)."""
    day = valuation_day(as_of)
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)


def find_model(model: str, provider: str | None = None) -> tuple[Any, Any]:
    """The genai-prices (provider, model) for a model id, optionally on one provider.

    Raises
    ------
    CatalogError
        The model (or provider) is not in the price data (``field`` = ``api_model``).
    """
    snap, info = _load()
    if provider is not None:  # an exact id on the named provider wins over pattern matching
        for prov in snap.providers:
            if prov.id == provider:
                for m in prov.models:
                    if m.id.lower() == model.lower():
                        return prov, m
    try:
        return snap.find_provider_model(model, None, provider, None)
    except LookupError:
        exact = [(p, m) for p in snap.providers if provider in (None, p.id)
                 for m in p.models if m.id.lower() == model.lower()]
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            raise CatalogError(
                f"API model {model!r} is listed by several providers "
                f"({', '.join(p.id for p, _ in exact)}); name one", field="api_model",
                value=model) from None
        import difflib

        where = f" on provider {provider!r}" if provider else ""
        pool = sorted({m.id for p in snap.providers if provider in (None, p.id)
                       for m in p.models})
        close = difflib.get_close_matches(model, pool, n=5, cutoff=0.6)
        hint = f"close names: {', '.join(close)}; " if close else ""
        raise CatalogError(
            f"API model {model!r}{where} is not in {info.label}; {hint}list what can be named "
            "with 'aipolicy catalog models'", field="api_model", value=model) from None


def _price_in_force(model_info: Any, when: dt.datetime
                    ) -> tuple[Any, str | None, str | None]:
    """(ModelPrice, its start date, the start date of the next price) at ``when``.

    Dates are ``YYYY-MM-DD`` or None: no start date (an undated first price) or no later
    price in the data.
    """
    if not isinstance(model_info.prices, list):
        return model_info.prices, None, None
    periods = model_info.prices
    index = 0
    for i in range(len(periods) - 1, -1, -1):
        c = periods[i].constraint
        if c is None or c.active(when):
            index = i
            break
    start = getattr(periods[index].constraint, "start_date", None)
    later = [getattr(p.constraint, "start_date", None) for p in periods[index + 1:]]
    later_dates = [d for d in later if isinstance(d, dt.date)]

    def iso(d: Any) -> str | None:
        return d.isoformat() if isinstance(d, dt.date) else None

    return periods[index].prices, iso(start), iso(min(later_dates) if later_dates else None)


def _per_mtok(model_price: Any, usage: dict[str, float], part: str, per: float) -> float:
    from genai_prices import Usage

    got = model_price.calc_price(Usage(**{k: int(v) for k, v in usage.items()}))[part]
    return float(Decimal(got) / Decimal(per) * Decimal(1_000_000))


def _tier_label(model_price: Any, input_tokens: int) -> str:
    from genai_prices.types import TieredPrices

    value = getattr(model_price, "input_mtok", None)
    if isinstance(value, TieredPrices):
        passed = [t.start for t in value.tiers if input_tokens > t.start]
        if passed:
            return f"over {max(passed):,} input tokens"
    return "standard"


def _rates(model_price: Any, input_tokens: int) -> tuple[float, float, float | None]:
    """(input, output, cached input) USD per 1M tokens for a request of ``input_tokens``."""
    i = max(int(input_tokens), 1)
    inp = _per_mtok(model_price, {"input_tokens": i}, "input_price", i)
    out = _per_mtok(model_price, {"input_tokens": i, "output_tokens": 1_000_000},
                    "output_price", 1_000_000)
    cached = None
    if getattr(model_price, "cache_read_mtok", None) is not None:
        cached = _per_mtok(model_price, {"input_tokens": i, "cache_read_tokens": i},
                           "input_price", i)
    return inp, out, cached


def api_price_genai(model: str, provider: str | None = None, *,
                    as_of: str | dt.date | None = None, input_tokens: float = 0) -> Any:
    """Price of ``model`` from genai-prices, as of a date, for requests of ``input_tokens``.

    Parameters
    ----------
    model : str
        Model id as providers name it (``gpt-4o``, ``claude-sonnet-4-5``, ``gemini-2.5-pro``).
    provider : str, optional
        genai-prices provider id (``openai``, ``together``...); default: the provider the
        model id belongs to.
    as_of : date or ISO string, optional
        Price in force on that date (o3 before and after 2025-06-10 differ); default today.
    input_tokens : float
        Input tokens per request: a prompt over a tier threshold pays the tier's rate on all
        its tokens (Gemini, Claude long context), as the providers bill.

    Returns
    -------
    aipolicy.costs.catalog.tables.ApiPrice
        USD per 1M tokens; ``cached_input_per_mtok_usd`` and the batch prices are None where
        the data lists none. ``as_of`` is the start date of the price row in force on the
        valuation date, ``undated`` when genai-prices gives that row none (its ``note`` says
        until when a first price held); ``source`` names the package version, provider, model
        id and the provider's pricing page.
    """
    from aipolicy.costs.catalog.tables import ApiPrice

    prov, info = find_model(model, provider)
    when = _timestamp(as_of)
    standard, start, until = _price_in_force(info, when)
    inp, out, cached = _rates(standard, int(input_tokens))
    batch = info.get_prices(when, BATCH_CONTEXT)
    b_in = b_out = None
    if batch != standard:
        b_in, b_out, _ = _rates(batch, int(input_tokens))
    snap = snapshot(when.date())
    page = (prov.pricing_urls or [""])[0]
    source = f"{PACKAGE} {snap.package_version}: {prov.name} {info.id}" + (
        f" ({page})" if page else "")
    notes = []
    # the date shown is the price row's own start date; genai-prices gives none for a price
    # that never changed or for the first of a history, and none is made up for it
    if start is None and until is not None:
        notes.append(f"first listed price, undated in genai-prices; in force until {until}")
    elif start is None:
        notes.append("undated in genai-prices: the price it lists as current")
    elif until is not None:
        notes.append(f"in force until {until}")
    if info.id.lower() != model.lower():
        notes.append(f"{model!r} is priced as genai-prices model {info.id!r}")
    if info.deprecated:
        notes.append("marked deprecated by the provider")
    return ApiPrice(
        model=info.id, input_per_mtok_usd=inp, output_per_mtok_usd=out,
        cached_input_per_mtok_usd=cached, batch_input_per_mtok_usd=b_in,
        batch_output_per_mtok_usd=b_out, tier=_tier_label(standard, int(input_tokens)),
        source=source, as_of=start or "undated", note="; ".join(notes),
    )


def price_history(model: str, provider: str | None = None) -> list[dict[str, Any]]:
    """Dated list prices of ``model``: one dict per price period, oldest first.

    Keys: ``provider``, ``model``, ``valid_from`` (YYYY-MM-DD or None for the first listed
    price), ``input_per_mtok_usd``, ``output_per_mtok_usd`` (base tier, USD per 1M tokens).
    """
    prov, info = find_model(model, provider)
    periods = info.prices if isinstance(info.prices, list) else []
    if not periods:
        inp, out, _ = _rates(info.prices, 1)
        return [{"provider": prov.id, "model": info.id, "valid_from": None,
                 "input_per_mtok_usd": inp, "output_per_mtok_usd": out}]
    out_rows = []
    for period in periods:
        start = getattr(period.constraint, "start_date", None)
        inp, outp, _ = _rates(period.prices, 1)
        out_rows.append({"provider": prov.id, "model": info.id,
                         "valid_from": start.isoformat() if isinstance(start, dt.date) else None,
                         "input_per_mtok_usd": inp, "output_per_mtok_usd": outp})
    return out_rows


def model_ids(providers: tuple[str, ...], *, include_deprecated: bool = False) -> list[str]:
    """Model ids genai-prices lists for ``providers`` (deprecated ones left out by default)."""
    snap, _ = _load()
    return sorted({m.id for p in snap.providers if p.id in providers for m in p.models
                   if include_deprecated or not m.deprecated})


def providers() -> list[tuple[str, str, str]]:
    """(id, name, pricing page) of every provider in the price data."""
    snap, _ = _load()
    return [(p.id, p.name, (p.pricing_urls or [""])[0]) for p in snap.providers]


def text_models(providers: tuple[str, ...]) -> list[tuple[str, str]]:
    """(provider id, model id) of current models with text input and output token prices."""
    snap, _ = _load()
    out = []
    for p in snap.providers:
        if p.id not in providers:
            continue
        for m in p.models:
            latest = m.prices[-1].prices if isinstance(m.prices, list) else m.prices
            if m.deprecated or getattr(latest, "input_mtok", None) is None or getattr(
                    latest, "output_mtok", None) is None:
                continue
            out.append((p.id, m.id))
    return sorted(out)
