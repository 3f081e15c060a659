"""The notebooks' ``as_of`` parameter: one valuation date, pinned for the kernel, on the page."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from aipolicy import valuation
from aipolicy.errors import InvalidInputError
from aipolicy.nb.costs import validate_cost_parameters
from aipolicy.nb.market import validate_market_params
from aipolicy.nb.params import valuation as nb_valuation


@pytest.fixture
def later(monkeypatch):
    monkeypatch.setattr(valuation, "today", lambda: dt.date(2031, 2, 3))


def test_none_is_the_samples_date_on_the_sample_and_today_elsewhere(later):
    v = nb_valuation(None, "sample")
    assert (v.day, v.basis) == (dt.date(2026, 10, 30), "sample")
    assert v.line == ("Valuation date: 2026-10-30 (the sample data's own date, the same on any "
                      "day the page is run)")
    assert nb_valuation("None", "live").day == dt.date(2031, 2, 3)
    assert nb_valuation(None, "csv").line == "Valuation date: 2031-02-03 (the day of the run)"
    assert nb_valuation("today", "sample").basis == "given"
    # a report passes its date explicitly: the page still says what the day is
    assert nb_valuation("2026-10-30", "sample").basis == "sample"
    assert nb_valuation("2031-02-03", "live").basis == "today"
    assert nb_valuation("2025-07-01", "sample").line == "Valuation date: 2025-07-01 (given for this run)"


def test_the_notebooks_date_is_pinned_for_everything_priced_after_it():
    nb_valuation("2025-05-01", "sample")
    assert valuation.current() == dt.date(2025, 5, 1)
    P = validate_cost_parameters(preset="midmarket", as_of="2025-07-01")
    assert P["as_of"].day == valuation.current() == dt.date(2025, 7, 1)
    from aipolicy.nb.costs import scenario_for

    assert scenario_for(P).as_of == "2025-07-01"


@pytest.mark.parametrize("value", ["July 2025", 2025, "2025-02-30"])
def test_a_bad_as_of_is_one_line_naming_the_parameter(value):
    with pytest.raises(InvalidInputError) as err:
        nb_valuation(value, "sample")
    assert str(err.value).startswith("parameter 'as_of': ") and "\n" not in str(err.value)
    assert err.value.field == "as_of"


def test_market_data_stops_at_the_valuation_date():
    p = validate_market_params(data_source="sample", as_of="2025-06-30")
    assert p.end == pd.Timestamp("2025-06-30") and p.valuation.day == dt.date(2025, 6, 30)
    assert validate_market_params(data_source="sample").end == pd.Timestamp("2026-10-30")
    assert validate_market_params(data_source="sample", end="2024-01-05").end == \
        pd.Timestamp("2024-01-05")


def test_an_end_after_the_valuation_date_is_refused():
    with pytest.raises(InvalidInputError, match="parameter 'end': 2026-12-31 is after the "
                                                "valuation date as_of 2026-10-30"):
        validate_market_params(data_source="sample", end="2026-12-31")
