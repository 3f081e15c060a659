"""The valuation date: parsed one way everywhere, pinned per run, the clock read in one place."""

from __future__ import annotations

import datetime as dt

import pytest

from aipolicy import valuation
from aipolicy.errors import InvalidInputError
from aipolicy.marketdata.provenance import SAMPLE_AS_OF, default_as_of, resolve_as_of


@pytest.mark.parametrize("value", ["2025-06-10", " 2025-06-10 ", dt.date(2025, 6, 10),
                                   dt.datetime(2025, 6, 10, 23, 59)])
def test_a_date_is_taken_in_every_form_a_user_gives_it(value):
    assert valuation.parse(value) == dt.date(2025, 6, 10)


@pytest.mark.parametrize("value", ["June 2025", "2025-13-01", "", 20250610, None, "yesterday"])
def test_anything_else_is_one_line_naming_the_field(value):
    with pytest.raises(InvalidInputError) as err:
        valuation.parse(value, "as_of")
    assert str(err.value).startswith("as_of: ") and "\n" not in str(err.value)
    assert err.value.field == "as_of"


def test_today_is_the_clocks_utc_date(monkeypatch):
    monkeypatch.setattr(valuation, "today", lambda: dt.date(2031, 2, 3))
    assert valuation.parse("today") == dt.date(2031, 2, 3)
    valuation.unpin()
    assert valuation.current() == dt.date(2031, 2, 3)


def test_a_pinned_date_wins_over_the_clock_and_comes_back_after_the_block(monkeypatch):
    monkeypatch.setattr(valuation, "today", lambda: dt.date(2031, 2, 3))
    with valuation.pinned("2025-01-02"):
        assert valuation.current() == dt.date(2025, 1, 2)
        with valuation.pinned("2024-01-01"):
            assert valuation.current() == dt.date(2024, 1, 1)
        assert valuation.current() == dt.date(2025, 1, 2)


def test_sample_runs_default_to_the_samples_own_date_and_live_runs_to_today(monkeypatch):
    monkeypatch.setattr(valuation, "today", lambda: dt.date(2031, 2, 3))
    assert SAMPLE_AS_OF == dt.date(2026, 10, 30)  # the sample's last session
    assert default_as_of("sample") == default_as_of(None) == SAMPLE_AS_OF
    for source in ("live", "csv", "cache", "auto"):
        assert default_as_of(source) == dt.date(2031, 2, 3)
    assert resolve_as_of(None, "sample") == resolve_as_of("None", "sample") == SAMPLE_AS_OF
    assert resolve_as_of("2025-06-01", "sample") == dt.date(2025, 6, 1)


def test_retirements_are_counted_from_the_valuation_date():
    from aipolicy.costs.catalog.lifecycle import retirement_warning

    # claude-opus-4-1 retires on 2026-08-05 (retirements.csv)
    with valuation.pinned("2025-01-01"):
        assert retirement_warning("claude-opus-4-1", horizon_months=12) is None
    with valuation.pinned("2026-01-01"):
        assert "retires on 2026-08-05" in retirement_warning("claude-opus-4-1", horizon_months=12)
    with valuation.pinned("2026-10-30"):
        assert "was retired" in retirement_warning("claude-opus-4-1", horizon_months=12)
