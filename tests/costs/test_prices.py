"""API prices from genai-prices: equal to its own calc_price, dated history, tiers, refresh."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import socket
import threading
from contextlib import contextmanager

import pytest
from genai_prices import Usage, calc_price

from aipolicy.costs.catalog import prices as P
from aipolicy.errors import CatalogError, DataUnavailableError

WHEN = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)

# (model, provider) pairs across the big providers, proprietary and hosted open weights
MODELS = [
    ("gpt-4o", "openai"), ("gpt-4o-mini", "openai"), ("gpt-5", "openai"),
    ("gpt-5-mini", "openai"), ("o3", "openai"), ("claude-sonnet-4-5", "anthropic"),
    ("claude-opus-4-5", "anthropic"), ("claude-haiku-4-5", "anthropic"),
    ("gemini-2.5-pro", "google"), ("gemini-2.5-flash", "google"),
    ("deepseek-chat", "deepseek"), ("mistral-large-latest", "mistral"),
]


@pytest.fixture(autouse=True)
def _bundled(tmp_path, monkeypatch):
    """Every test prices from the installed package's data, with an empty project cache."""
    monkeypatch.setenv("AIPOLICY_CACHE_DIR", str(tmp_path / "cache"))
    P.forget()
    yield
    P.forget()


def _our_cost(price, i: int, c: int, o: int) -> float:
    cached = price.cached_input_per_mtok_usd
    cached = price.input_per_mtok_usd if cached is None else cached
    return ((i - c) * price.input_per_mtok_usd + c * cached + o * price.output_per_mtok_usd) / 1e6


@pytest.mark.parametrize(("model", "provider"), MODELS)
@pytest.mark.parametrize(("i", "c", "o"), [(1_500, 0, 400), (800, 600, 250), (250_000, 0, 1_000)])
def test_price_equals_genai_calc_price_on_the_same_usage(model, provider, i, c, o):
    price = P.api_price_genai(model, provider, as_of=WHEN.date(), input_tokens=i)
    theirs = calc_price(Usage(input_tokens=i, cache_read_tokens=c, output_tokens=o),
                        model_ref=model, provider_id=provider, genai_request_timestamp=WHEN)
    assert _our_cost(price, i, c, o) == pytest.approx(float(theirs.total_price), rel=1e-9)


def test_o3_price_before_and_after_the_june_2025_cut():
    before = P.api_price_genai("o3", as_of="2025-05-01")
    after = P.api_price_genai("o3", as_of="2025-07-01")
    assert (before.input_per_mtok_usd, before.output_per_mtok_usd) == (10.0, 40.0)
    assert (after.input_per_mtok_usd, after.output_per_mtok_usd) == (2.0, 8.0)
    assert after.as_of == "2025-06-10"
    hist = P.price_history("o3")
    assert [h["valid_from"] for h in hist] == [None, "2025-06-10"]


def test_prompt_length_tier_applies_per_request():
    # Gemini 2.5 Pro bills every token of a prompt over 200k at the higher rate
    short = P.api_price_genai("gemini-2.5-pro", as_of=WHEN.date(), input_tokens=150_000)
    long = P.api_price_genai("gemini-2.5-pro", as_of=WHEN.date(), input_tokens=250_000)
    assert (short.input_per_mtok_usd, long.input_per_mtok_usd) == (1.25, 2.5)
    assert (short.output_per_mtok_usd, long.output_per_mtok_usd) == (10.0, 15.0)
    assert short.tier == "standard" and long.tier == "over 200,000 input tokens"


def test_every_price_names_package_provider_model_and_date():
    price = P.api_price_genai("claude-sonnet-4-5", as_of=WHEN.date())
    snap = P.snapshot(WHEN.date())
    assert price.source.startswith(f"genai-prices {snap.package_version}: Anthropic ")
    assert "claude-sonnet-4-5" in price.source and "https://" in price.source
    # its own date: genai-prices dates no row of claude-sonnet-4-5, and none is made up
    assert price.as_of == "undated" and "undated in genai-prices" in price.note
    dated = P.api_price_genai("o3", as_of=WHEN.date())
    assert dated.as_of == "2025-06-10"
    assert snap.origin == "bundled" and snap.as_of <= WHEN.date().isoformat()
    assert snap.valued_on == "2026-11-01" and "prices in force on 2026-11-01" in snap.label


def test_the_price_date_shown_is_the_rows_own_not_the_run_date():
    # o3 cost 10/40 USD until its 2025-06-10 cut; that first price carries no date of its own
    old = P.api_price_genai("o3", as_of="2025-05-01")
    assert (old.input_per_mtok_usd, old.output_per_mtok_usd) == (10.0, 40.0)
    assert old.as_of == "undated" and "in force until 2025-06-10" in old.note
    new = P.api_price_genai("o3", as_of="2025-07-01")
    assert (new.input_per_mtok_usd, new.as_of) == (2.0, "2025-06-10")


def test_the_newest_price_label_follows_the_valuation_date_not_the_clock():
    from aipolicy import valuation

    # the bundled data announces changes for 2026-12-01 and 2027-01-01
    assert P.snapshot("2026-10-30").as_of == "2026-10-29"
    assert P.snapshot("2026-12-05").as_of == "2026-12-01"
    assert P.snapshot("2027-06-01").as_of == "2027-01-01"
    assert P.snapshot("2025-01-01").as_of == "undated"
    assert "no dated price on or before it" in P.snapshot("2025-01-01").label
    with valuation.pinned("2026-12-05"):
        assert P.snapshot().as_of == "2026-12-01"  # the run's date, however the clock reads


def test_a_bad_price_date_names_as_of():
    with pytest.raises(CatalogError, match="as_of='June 2025'") as err:
        P.api_price_genai("o3", as_of="June 2025")
    assert err.value.field == "as_of"


def test_unknown_model_is_refused_with_its_field():
    with pytest.raises(CatalogError, match="'no-such-model' on provider 'openai' is not in genai-prices") as err:
        P.api_price_genai("no-such-model", "openai")
    assert err.value.field == "api_model"


def test_bad_as_of_names_the_input():
    with pytest.raises(CatalogError, match="as_of='2025-13-45'") as err:
        P.api_price_genai("gpt-4o", as_of="2025-13-45")
    assert err.value.field == "as_of"


# ----------------------------------------------------------------------------- refresh
PAYLOAD = [{
    "id": "openai",
    "name": "OpenAI",
    "api_pattern": "https://api\\.openai\\.com",
    "pricing_urls": ["https://openai.com/api/pricing/"],
    "models": [
        {"id": "gpt-4o", "match": {"equals": "gpt-4o"},
         "prices": {"input_mtok": 2.0, "output_mtok": 8.0, "cache_read_mtok": 1.0}},
        {"id": "o3", "match": {"equals": "o3"},
         "prices": [{"prices": {"input_mtok": 10, "output_mtok": 40}},
                    {"constraint": {"start_date": "2025-06-10"},
                     "prices": {"input_mtok": 2, "output_mtok": 8}}]},
    ],
}]


@contextmanager
def serve(status: int, body: bytes):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/data.json"
    finally:
        server.shutdown()
        server.server_close()


def test_refresh_prices_from_the_fetched_data_and_says_so(tmp_path):
    with serve(200, json.dumps(PAYLOAD).encode()) as url:
        snap = P.refresh(url)
    assert snap.origin == "refreshed" and snap.url == url and snap.refreshed_at
    assert snap.as_of == "2025-06-10"
    assert P.api_price_genai("gpt-4o", "openai").input_per_mtok_usd == 2.0
    stored = tmp_path / "cache" / "prices" / P.CACHE_NAME
    assert json.loads(stored.read_text()) == PAYLOAD
    P.forget()  # a later process reads the refreshed file
    assert P.snapshot().origin == "refreshed"
    assert P.api_price_genai("gpt-4o", "openai").as_of == "undated"  # no history: no date


@pytest.mark.parametrize(("status", "body"), [(500, b"oops"), (200, b"{not json"),
                                               (200, b'{"a": 1}')])
def test_failed_refresh_keeps_the_data_in_use(tmp_path, status, body):
    with serve(status, body) as url, pytest.raises(DataUnavailableError, match="cannot refresh"):
        P.refresh(url)
    assert not (tmp_path / "cache" / "prices" / P.CACHE_NAME).exists()
    assert P.snapshot().origin == "bundled"


def test_refresh_gives_up_on_a_server_that_never_answers(monkeypatch):
    monkeypatch.setattr(P, "READ_TIMEOUT_S", 1.0)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)  # accepts the connection, never answers
    try:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/data.json"
        with pytest.raises(DataUnavailableError, match="Timeout"):
            P.refresh(url)
    finally:
        sock.close()
