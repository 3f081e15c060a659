"""``aipolicy catalog``: sorted, filtered, dated and typed (issue 26).

Before: ``catalog models`` printed 274 rows in catalog order with claude-2 and claude-v1
undated, ``--json`` gave ``"retires": "—"`` and quality as text, a provider that matched
nothing printed "Empty DataFrame", and ``catalog gpus --provider x`` ignored the filter.
"""

from __future__ import annotations

import json

import pytest

from aipolicy.commands import main
from aipolicy.costs.catalog import listing

AS_OF = "2026-10-30"


def _json(capsys, *args: str) -> list[dict]:
    assert main(["catalog", *args, "--as-of", AS_OF, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_models_are_sorted_by_provider_then_name():
    table = listing.model_table(as_of=AS_OF)
    keys = list(zip(table["provider"].str.lower(), table["name"].str.lower(), strict=True))
    assert keys == sorted(keys)
    by_price = listing.model_table("groq", as_of=AS_OF, sort="price")
    assert by_price["output_per_mtok_usd"].is_monotonic_increasing
    by_quality = listing.model_table(as_of=AS_OF, sort="quality")["quality"]
    rated = by_quality.dropna()
    assert rated.is_monotonic_decreasing and by_quality.iloc[: len(rated)].notna().all()


def test_filters_open_and_min_quality(capsys):
    rows = _json(capsys, "models", "--open", "--min-quality", "1350")
    assert rows and all(r["kind"] == "hosted open" and r["quality"] >= 1350 for r in rows)
    assert {"deepseek-r1@fireworks", "gpt-oss-120b@groq"} <= {r["name"] for r in rows}
    assert "llama-3.3-70b@groq" not in {r["name"] for r in rows}  # rated 1276


def test_json_values_are_typed(capsys):
    rows = {r["name"]: r for r in _json(capsys, "models", "--provider", "anthropic")}
    haiku = rows["claude-haiku-4-5"]
    assert isinstance(haiku["quality"], float) and round(haiku["quality"]) == 1384
    assert isinstance(haiku["input_per_mtok_usd"], float)
    assert haiku["retires"] is None and haiku["retired"] is False
    assert rows["claude-2"]["quality"] is None  # unrated: null, not "unrated"
    assert "—" not in json.dumps(list(rows.values()), ensure_ascii=False)
    gpus = {r["gpu"]: r for r in _json(capsys, "gpus")}
    assert gpus["l40s"]["reserved_usd_per_gpu_hour"] is None
    assert gpus["h100-sxm"]["memory_gb"] == 80


def test_retirement_dates_the_catalog_knows_are_shown(capsys):
    rows = {r["name"]: r for r in _json(capsys, "models", "--provider", "anthropic")}
    assert (rows["claude-2"]["retires"], rows["claude-2"]["retired"]) == ("2025-07-21", True)
    assert (rows["claude-v1"]["retires"], rows["claude-v1"]["retired"]) == ("2024-11-06", True)
    assert (rows["claude-opus-4-1"]["retires"], rows["claude-opus-4-1"]["retired"]) == (
        "2026-08-05",
        True,
    )
    assert main(["catalog", "models", "--provider", "anthropic", "--as-of", "2025-01-01"]) == 0
    text = capsys.readouterr().out
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("claude-2 "))
    assert line.rstrip().endswith(" 2025-07-21") and "retired 2025" not in line
    assert "retired 2024-11-06" in text  # claude-v1, before that day


@pytest.mark.parametrize(
    "table, what", [("models", "API model"), ("gpus", "GPU rental"), ("providers", "price data")]
)
def test_a_provider_that_matches_nothing_is_a_one_line_error(capsys, table, what):
    assert main(["catalog", table, "--provider", "nobody"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1
    assert lines[0].startswith(
        f"aipolicy catalog: error: --provider 'nobody': no {what} from that provider; providers: "
    )


def test_a_misspelt_provider_gets_the_closest_one(capsys):
    assert main(["catalog", "models", "--provider", "grok"]) == 2
    assert "(did you mean groq?)" in capsys.readouterr().err


def test_gpus_honour_the_rental_provider(capsys):
    rows = _json(capsys, "gpus", "--provider", "lambda")
    assert {r["gpu"] for r in rows} == {"a100-80gb", "b200", "h100-pcie", "h100-sxm"}
    assert all("[lambda]" in r["rent_source"] for r in rows)
    runpod = {r["gpu"]: r for r in _json(capsys, "gpus", "--provider", "runpod")}
    assert (
        runpod["h100-sxm"]["rent_usd_per_gpu_hour"]
        != next(r for r in rows if r["gpu"] == "h100-sxm")["rent_usd_per_gpu_hour"]
    )


def test_filters_that_leave_nothing_say_so_in_one_line(capsys):
    assert main(["catalog", "models", "--min-quality", "9000"]) == 0
    out = capsys.readouterr().out
    assert "Empty DataFrame" not in out and out.strip().endswith(
        "no API option matches these filters"
    )
    assert _json(capsys, "models", "--min-quality", "9000") == []


@pytest.mark.parametrize("bad", ["nan", "-3", "high"])
def test_min_quality_must_be_a_positive_rating(capsys, bad):
    with pytest.raises(SystemExit) as stop:
        main(["catalog", "models", "--min-quality", bad])
    assert stop.value.code == 2
    assert "argument --min-quality: expected" in capsys.readouterr().err
