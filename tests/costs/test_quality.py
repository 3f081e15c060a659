"""Model quality (LMArena ratings): lookups, intervals, win probability, pairing."""

from __future__ import annotations

import math

import pytest

from aipolicy.costs.catalog import quality as Q
from aipolicy.costs.catalog.files import load_catalog
from aipolicy.errors import CatalogError


@pytest.mark.parametrize(("d", "p"), [
    (0.0, 0.5),
    (400.0, 10 / 11),                       # 1 / (1 + 10^-1)
    (-200.0, 1 / (1 + math.sqrt(10))),      # 1 / (1 + 10^0.5)
    (7.3, 1 / (1 + 10 ** (-7.3 / 400))),
])
def test_win_probability_formula(d, p):
    assert Q.win_probability(d) == pytest.approx(p, rel=1e-12)


def test_quality_of_a_rated_open_model_with_its_interval():
    q = Q.quality("llama-3.3-70b")
    assert (q.rating, q.ci_low, q.ci_high, q.rank) == (1276.2, 1272.9, 1279.6, 144)
    assert q.kind == "open" and q.as_of == "2025-12-11" and "lmarena/arena-catalog" in q.source
    assert q.label == "1276 (1273–1280)"
    s = Q.quality("llama-3.3-70b", which="style")
    assert (s.rating, s.ci_low, s.ci_high) == (1319.7, 1316.3, 1323.1)


def test_unrated_model_is_said_unrated_not_guessed():
    q = Q.quality("no-such-model")
    assert not q.rated and q.label == "unrated"
    # in the catalog but only style-controlled in the source file
    assert not Q.quality("gemini-3-flash-preview").rated
    assert Q.quality("gemini-3-flash-preview", "style").rated
    assert Q.quality_gap("gpt-4o", "no-such-model") is None


def test_quality_gap_in_points_and_win_probability():
    gap = Q.quality_gap("gpt-4o", "llama-3.3-70b")
    assert gap.elo_points == pytest.approx(1283.5 - 1276.2)
    assert gap.win_probability == pytest.approx(1 / (1 + 10 ** (-(1283.5 - 1276.2) / 400)))


def test_at_least_as_good_keeps_overlapping_intervals_and_drops_worse():
    # llama-3.1-8b: 1184.1-1192.1; gpt-4o-mini's interval (1283.9-1290.6) is above it
    better = Q.at_least_as_good("llama-3.3-70b", ["gpt-4o", "gpt-4o-mini", "mistral-large-2512"])
    assert better == ["mistral-large-2512", "gpt-4o-mini", "gpt-4o"]  # best first
    # gpt-4o (1279.4-1287.6) overlaps llama-3.1-405b (1280.9-1288.0); mixtral is far below
    assert Q.at_least_as_good("llama-3.1-405b", ["gpt-4o", "mixtral-8x7b"]) == ["gpt-4o"]
    assert Q.at_least_as_good("no-such-model") == []


def test_which_must_be_raw_or_style():
    with pytest.raises(CatalogError, match="which='elo'") as err:
        Q.quality("gpt-4o", which="elo")
    assert err.value.field == "which"


def test_every_quality_row_has_a_source_an_as_of_and_a_sane_interval():
    table = load_catalog("quality")
    assert table["source"].str.len().gt(0).all() and table["as_of"].ne("undated").all()
    rated = table.dropna(subset=["rating"])
    assert (rated["ci_low"] <= rated["rating"]).all() and (rated["rating"] <= rated["ci_high"]).all()
    assert set(table["kind"]) == {"open", "proprietary", "open-api"}
    assert not table["model"].duplicated().any()
