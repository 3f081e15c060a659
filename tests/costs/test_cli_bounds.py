"""Hostile numbers on the command line: one-line errors naming the flag, strict JSON
(issue 16 items 11 and 12)."""

from __future__ import annotations

import json

import pytest

from aipolicy.commands import main
from aipolicy.costs import monte_carlo, scenario_from_preset
from aipolicy.costs.uncertainty import MAX_DRAWS
from aipolicy.errors import InvalidInputError


@pytest.mark.parametrize(("args", "flag"), [
    (["--draws", "100000000"], "--draws"),                  # used to allocate > 6.5 GB
    (["--draws", "99999999999999999999"], "--draws"),
    (["--seed", "-1", "--draws", "100"], "--seed"),          # used to be a numpy traceback
    (["--requests-per-day", "1e308"], "--requests-per-day"),  # used to print inf / nan
    (["--input-tokens", "1e300"], "--input-tokens"),
    (["--output-tokens", "1e300"], "--output-tokens"),
])
def test_out_of_range_numbers_are_one_line_errors_naming_the_flag(capsys, args, flag):
    assert main(["breakeven", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"aipolicy breakeven: error: {flag}: ") and "\n" not in err
    assert "Traceback" not in err


def test_draws_limit_is_one_home_for_cli_notebooks_and_python():
    s = scenario_from_preset("startup")
    with pytest.raises(InvalidInputError, match="above the limit of 5,000,000") as err:
        monte_carlo(s, draws=MAX_DRAWS + 1)
    assert err.value.field == "draws"
    from aipolicy.nb.costs import validate_cost_parameters

    with pytest.raises(InvalidInputError, match="'draws'"):
        validate_cost_parameters(preset="startup", draws=MAX_DRAWS + 1)


def test_json_is_strict_and_a_missing_break_even_is_null(capsys):
    # a hosted open model priced below self-hosting at any volume: no break-even
    assert main(["breakeven", "--api-model", "llama-3.1-8b@novita", "--json"]) == 0
    text = capsys.readouterr().out
    assert "NaN" not in text and "Infinity" not in text
    out = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert out["breakeven_requests_per_day"] is None
