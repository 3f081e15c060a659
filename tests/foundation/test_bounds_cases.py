"""Issue 27, "Bounded by design": each numbered case of the issue, as a user meets it.

Every case failed before (a run away, a traceback, a wrong number without a word or an
internal name) and is a one-line error or warning naming the user's input now. The command
line of cases 1 and 2 runs under a memory limit in ``test_bounds_memory.py`` (run here, a
regression would take the machine's memory).
"""

from __future__ import annotations

import json
import math
import time

import pytest

from aipolicy.commands import main
from aipolicy.errors import InvalidInputError, MalformedDataError, ReportError

AS_OF = "2026-10-30"  # the sample's date: results do not move with the clock


def _err(capsys) -> str:
    """The command's stderr, checked to be one line without a traceback."""
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


def _breakeven(capsys, *flags: str) -> tuple[int, str, str]:
    code = main(["breakeven", "--as-of", AS_OF, *flags])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err.strip()


# ------------------------------------------------------------------ 1. grid sizes first
def test_1_a_billion_cell_grid_is_refused_before_any_array(monkeypatch):
    import numpy as np

    from aipolicy.sweep.grid import grid_from_mapping

    def no_arrays(*a, **k):
        raise AssertionError("an array was built before the size check")

    monkeypatch.setattr(np, "arange", no_arrays)
    t0 = time.perf_counter()
    with pytest.raises(InvalidInputError) as exc:
        grid_from_mapping({"axes": {"tokens_per_day": {"from": 1, "to": 1.0e12, "step": 1}}})
    assert time.perf_counter() - t0 < 5
    assert exc.value.field == "axes.tokens_per_day"
    assert "999,999,999,999 volumes is above the limit of 100,000" in str(exc.value)


def test_1_draws_times_cells_is_bounded_naming_draws():
    from aipolicy.sweep.grid import grid_from_mapping

    axes = {"preset": ["midmarket", "startup"],  # 2 configs x 100,000 volumes
            "tokens_per_day": {"from": 1e5, "to": 1e5 + 999_990, "step": 10}}
    with pytest.raises(InvalidInputError) as exc:
        grid_from_mapping({"draws": 1_000_000, "axes": axes})
    assert exc.value.field == "draws"
    assert "draw-cells, above the limit of 1e+11" in str(exc.value)


# ------------------------------------------------------------------ 2. YAML within a budget
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]\n" for p, k in zip("abcdefgh", "bcdefghi",
                                                                   strict=True))


@pytest.mark.parametrize("key", ["infra_tickers", "global:\n  infra_tickers"])
def test_2_an_alias_bomb_under_a_known_key_is_refused_quickly(tmp_path, key):
    from aipolicy.report.params import load_params_file

    p = tmp_path / "p.yaml"
    p.write_text(BOMB + f"{key}: *i\n")
    t0 = time.perf_counter()
    with pytest.raises(ReportError, match=r"more than 100,000 values once its aliases"):
        load_params_file(p)
    assert time.perf_counter() - t0 < 2


def test_2_grid_and_matrix_files_share_the_loader(tmp_path):
    from aipolicy.report.matrix import load_matrix
    from aipolicy.sweep.grid import load_grid

    p = tmp_path / "g.yaml"
    p.write_text(BOMB + "axes:\n  tokens_per_day: *i\n")
    with pytest.raises(InvalidInputError, match=r"more than 100,000 values") as exc:
        load_grid(p)
    assert exc.value.field == "file"
    with pytest.raises(ReportError, match=r"--matrix .*more than 100,000 values"):
        load_matrix(p)


def test_2_aliases_within_the_budget_still_work_and_cycles_do_not(tmp_path):
    from aipolicy import safeyaml

    assert safeyaml.load("base: &b [NVDA, AMD]\nagain: *b\n") == {
        "base": ["NVDA", "AMD"], "again": ["NVDA", "AMD"]}
    with pytest.raises(InvalidInputError, match="refers to a value that contains it"):
        safeyaml.load("a: &a [1, *a]\n")
    big = tmp_path / "big.yaml"
    big.write_text("x: [" + "1, " * 100_000 + "1]\n")
    with pytest.raises(InvalidInputError, match="above the limit of 262,144"):
        safeyaml.read(big)


# ------------------------------------------------------------------ 3. CSV checked as read
def test_3_a_repeat_near_the_top_is_refused_without_reading_the_rest(tmp_path, monkeypatch):
    from aipolicy.marketdata import csvprices, load_prices

    monkeypatch.setattr(csvprices, "CHUNK_ROWS", 10)
    rows = ["2024-01-02,1.0", "2024-01-02,1.1"] + [f"2024-02-{d:02d},2.0" for d in range(1, 29)]
    rows.append("not a date,nor a number")  # a later block: never parsed
    (tmp_path / "NVDA.csv").write_text("Date,Close\n" + "\n".join(rows) + "\n")
    with pytest.raises(MalformedDataError, match=r"NVDA.csv: line 3: date 2024-01-02 appears "
                                                 r"again \(first on line 2\)"):
        load_prices("NVDA", source="csv", data_dir=tmp_path, start="2024-01-01")


def test_3_blocks_keep_one_date_form_and_find_repeats_across_blocks(tmp_path, monkeypatch):
    from aipolicy.marketdata import csvprices, load_prices

    monkeypatch.setattr(csvprices, "CHUNK_ROWS", 3)
    days = [f"2024-01-{d:02d}" for d in range(2, 9)]
    f = tmp_path / "NVDA.csv"
    f.write_text("Date,Close\n" + "".join(f"{d},{i + 1}\n" for i, d in enumerate(days)))
    got = load_prices("NVDA", source="csv", data_dir=tmp_path, start="2024-01-01")
    assert got["NVDA"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    f.write_text("Date,Close\n" + "".join(f"{d},1\n" for d in days[:4]) + "2024/1/9,1\n")
    with pytest.raises(MalformedDataError, match=r"line 6: date '2024/1/9' is written "
                                                 r"differently from line 2 \('2024-01-02'\)"):
        load_prices("NVDA", source="csv", data_dir=tmp_path, start="2024-01-01")
    f.write_text("Date,Close\n" + "".join(f"{d},1\n" for d in days[:4]) + "2024-01-03,1\n")
    with pytest.raises(MalformedDataError, match=r"line 6: date 2024-01-03 appears again "
                                                 r"\(first on line 3\)"):
        load_prices("NVDA", source="csv", data_dir=tmp_path, start="2024-01-01")


def test_3_a_fred_file_is_refused_above_its_size_before_it_is_read(tmp_path, monkeypatch):
    from aipolicy.marketdata import csvfiles

    monkeypatch.setattr(csvfiles, "MAX_FRED_BYTES", 100)
    p = tmp_path / "CPIAUCSL.csv"
    p.write_text("observation_date,CPIAUCSL\n" + "2024-01-01,300.0\n" * 20)
    with pytest.raises(MalformedDataError, match=r"CPIAUCSL.csv: 366 bytes is above the limit "
                                                 r"of 100 "):
        csvfiles.read_fred_csv(p, "CPIAUCSL")


# ------------------------------------------------------------------ 4. the context window
def test_4_a_request_longer_than_the_window_is_refused_naming_the_flag(capsys):
    code, out, err = _breakeven(capsys, "--input-tokens", "1000000")
    assert code == 2 and out == ""
    assert err == ("aipolicy breakeven: error: --input-tokens: 1,000,000 + 400 output tokens "
                   "exceed llama-3.3-70b's context window of 131,072 tokens (model config.json "
                   "https://huggingface.co/meta-llama/Llama-3.3-70B-Instruct/blob/main/"
                   "config.json); no engine serves such a request: keep --input-tokens at most "
                   "130,672 or pick a model with a longer window")


def test_4_the_sweep_keeps_such_a_cell_with_its_reason():
    from aipolicy.sweep.grid import grid_from_mapping
    from aipolicy.sweep.run import evaluate_grid

    grid = grid_from_mapping({"as_of": AS_OF, "axes": {"shape": ["1000000/400"],
                                                       "tokens_per_day": [1e9]}})
    (row,) = evaluate_grid(grid).itertuples()
    assert "exceed llama-3.3-70b's context window of 131,072 tokens" in row.status
    assert math.isnan(row.rent_usd) and row.cheapest == "none"


# ------------------------------------------------------------------ 5. as-of dates
def test_5_before_a_model_first_price_is_an_error_naming_the_date(capsys):
    code, out, err = _breakeven(capsys, "--as-of", "1990-01-01")
    assert code == 2 and out == ""
    assert err.startswith("aipolicy breakeven: error: --as-of: 1990-01-01 is before the first "
                          "price of API model 'gpt-4o' (2024-05-13: OpenAI, Hello GPT-4o")
    assert err.endswith("give --as-of 2024-05-13 or later, or another --api-model")


def test_5_the_text_dates_the_price_used(capsys):
    code, out, _ = _breakeven(capsys, "--api-model", "o3", "--as-of", "2025-06-01")
    assert code == 0
    assert "valued as of 2025-06-01" in out and "2026-12-01" not in out
    assert "  API: o3: undated first price in genai-prices, in force until 2025-06-10" in out
    main(["breakeven", "--api-model", "o3", "--as-of", "2025-06-01", "--json"])
    r = json.loads(capsys.readouterr().out)
    assert r["as_of"] == "2025-06-01"
    o3 = next(o for o in r["options"] if o["key"] == "api")
    assert "in force until 2025-06-10" in o3["price_note"]


def test_5_a_dated_model_id_dates_itself_and_the_match_waits_for_release():
    import datetime as dt

    from aipolicy.costs import scenario_from_preset
    from aipolicy.costs.catalog.lifecycle import first_priced
    from aipolicy.costs.compare.threeway import best_proprietary_match

    assert first_priced("gpt-4o-2024-08-06")[0] == dt.date(2024, 8, 6)
    assert first_priced("gpt-4o")[0] == dt.date(2024, 5, 13)
    assert first_priced("llama-3.3-70b@groq") is None
    # on 2025-06-01 gpt-5 (2025-08-07) and claude-*-4-5 are not sold yet
    early = scenario_from_preset("midmarket", as_of="2025-06-01")
    match = best_proprietary_match(early)
    assert match is None or first_priced(match)[0] <= dt.date(2025, 6, 1)


def test_5_notebooks_and_the_sweep_refuse_it_too(tmp_path):
    from aipolicy.nb.costs import scenario_for, validate_cost_parameters
    from aipolicy.sweep.grid import grid_from_mapping

    params = validate_cost_parameters(preset="midmarket", as_of="1990-01-01")
    with pytest.raises(InvalidInputError, match=r"^parameter 'as_of': 1990-01-01 is before"):
        from aipolicy import valuation

        with valuation.pinned("1990-01-01"):
            scenario_for(params)
    with pytest.raises(InvalidInputError, match=r"^grid as_of: 1990-01-01 is before the first "
                                                r"price of API model 'gpt-4o'"):
        grid_from_mapping({"as_of": "1990-01-01", "axes": {"tokens_per_day": [1e6]}})


# ------------------------------------------------------------------ 6. retired models warn
@pytest.mark.parametrize(("model", "says"), [
    ("gpt-3.5-turbo-0301", "was retired by OpenAI on 2024-09-13"),
    ("claude-2.0", "was retired by Anthropic on 2025-07-21"),
])
def test_6_a_retired_model_warns_in_text_and_json(capsys, model, says):
    code, out, _ = _breakeven(capsys, "--api-model", model)
    assert code == 0
    assert f"warning: API model '{model}' {says}" in out
    main(["breakeven", "--as-of", AS_OF, "--api-model", model, "--json"])
    assert any(says in w for w in json.loads(capsys.readouterr().out)["warnings"])


def test_6_one_retiring_within_the_horizon_warns_and_the_sweep_warns(tmp_path, capsys):
    code, out, _ = _breakeven(capsys, "--api-model", "gpt-4-0314", "--as-of", "2025-06-01")
    assert "warning: API model 'gpt-4-0314' retires on 2026-03-26, within the 36-month" in out
    grid = tmp_path / "g.yaml"
    grid.write_text(f"as_of: {AS_OF}\naxes:\n  api_model: [claude-2.0]\n"
                    "  tokens_per_day: [1.0e+6]\n")
    assert main(["sweep", str(grid), "--out", str(tmp_path / "o"), "--workers", "0",
                 "-q"]) == 0
    assert "warning: API model 'claude-2.0' was retired by Anthropic" in capsys.readouterr().err


# ------------------------------------------------------------------ 7. closes above zero
@pytest.mark.parametrize(("header", "row", "col"), [
    ("Date,Close", "2024-01-03,0", "Close"),
    ("Date,Close", "2024-01-03,-4.5", "Close"),
    ("Date,Open,High,Low,Close,Adj Close,Volume", "2024-01-03,1,1,1,1,0,100", "Adj Close"),
])
def test_7_a_close_of_zero_or_below_names_file_line_and_ticker(tmp_path, header, row, col):
    from aipolicy.marketdata import load_prices

    first = "2024-01-02,1,1,1,1,1,100" if "Open" in header else "2024-01-02,1"
    (tmp_path / "AMD.csv").write_text(f"{header}\n{first}\n{row}\n")
    with pytest.raises(MalformedDataError) as exc:
        load_prices("AMD", source="csv", data_dir=tmp_path, start="2024-01-01")
    assert f"AMD.csv: line 3: AMD's {col} is " in str(exc.value)
    assert "a close must be above 0" in str(exc.value)


# ------------------------------------------------------------------ 8. the same volume bound
def test_8_the_sweep_refuses_volumes_breakeven_refuses():
    from aipolicy.sweep.grid import grid_from_mapping

    with pytest.raises(InvalidInputError) as exc:
        grid_from_mapping({"as_of": AS_OF, "axes": {"tokens_per_day": [1.0e30]}})
    assert exc.value.field == "axes.tokens_per_day"
    assert "1e+30 tokens/day at 1500/400 tokens per request is 5.26e+26 requests/day, above " \
           "the limit of 1e+12 requests/day" in str(exc.value)


def test_8_a_cell_past_the_fleet_bound_says_so_with_no_self_hosting_cost(capsys):
    from aipolicy.sweep.grid import grid_from_mapping
    from aipolicy.sweep.run import evaluate_grid

    grid = grid_from_mapping({"as_of": AS_OF, "axes": {"tokens_per_day": [1e9, 1e14]}})
    small, big = evaluate_grid(grid).itertuples()
    assert small.status == "ok" and small.rent_replicas < 10
    assert big.status.startswith("self-hosting needs more than 200,000 replicas")
    assert math.isnan(big.rent_usd) and math.isnan(big.buy_usd) and math.isnan(big.hybrid_usd)
    assert big.cheapest in ("api", "api_match", "hosted")
    assert main(["breakeven", "--as-of", AS_OF, "--requests-per-day", "1e12"]) == 2
    assert "--requests-per-day: 1e+12 makes the self-hosted fleet" in _err(capsys)


# ------------------------------------------------------------------ 9. tensor-parallel sizes
def test_9_a_replica_size_must_divide_the_attention_heads(capsys):
    code, out, err = _breakeven(capsys, "--gpus-per-replica", "3")
    assert code == 2 and out == ""
    assert err.startswith("aipolicy breakeven: error: --gpus-per-replica: 3 does not divide "
                          "llama-3.3-70b's 64 attention heads (model config.json")
    assert err.endswith("give 1, 2, 4, 8, 16, 32 or 64")
    assert _breakeven(capsys, "--gpus-per-replica", "4")[0] == 0


# ------------------------------------------------------------------ 10. the user's names
@pytest.mark.parametrize(("flags", "starts"), [
    (["--utilization", "1e-9"], "--utilization: 1e-09 makes the self-hosted fleet"),
    (["--throughput", "1e-6"], "--throughput: 1e-06 makes the self-hosted fleet"),
    (["--input-tokens", "10000000"], "--input-tokens: 10,000,000 + 400 output tokens exceed"),
    (["--input-tokens", "9000000", "--open-model", "llama-4-scout"],
     "--gpus-per-replica: 2 is too few: llama-4-scout at fp8 with a request of 9,000,000"),
])
def test_10_messages_name_the_flag_its_value_and_the_range(capsys, flags, starts):
    code, _, err = _breakeven(capsys, *flags)
    assert code == 2 and "\n" not in err
    assert err.removeprefix("aipolicy breakeven: error: ").startswith(starts), err
    assert "max_requests_per_day" not in err and "planning_utilization" not in err
    assert ("at least" in err or "at most" in err or "raise --gpus-per-replica" in err)


# ------------------------------------------------------------------ 11. numbers at any size
def test_11_tiny_volumes_print_readably_in_separate_columns(capsys):
    code, out, _ = _breakeven(capsys, "--requests-per-day", "0.001")
    assert code == 0
    assert "workload: 0.001 requests/day, 1,500 in / 400 out tokens" in out
    lines = out.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("every option")) + 1
    end = next(i for i, x in enumerate(lines) if i > start and not x.startswith(
        ("API", "hosted", "self-host", "hybrid")))
    assert end - start >= 5
    for line in lines[start:end]:  # USD/month, fixed, var/1M tok: 11 characters each
        for col in (line[58:69], line[69:80], line[80:91]):
            assert col[0] == " " and len(col.split()) == 1, line


def test_11_the_cell_formatter_handles_any_magnitude():
    from aipolicy.commands.numbers import amount, cell

    assert cell(1_317_227_829_887.0, 11) == "   1.32e+12"
    assert cell(22_782_988.741, 11, 3) == "   2.28e+07"
    assert cell(0.00004, 11, 3) == "      4e-05"
    assert cell(10_290.4, 11) == "     10,290" and cell(4.4512, 11, 3) == "      4.451"
    assert cell(None, 11) == "        n/a" and cell(math.nan, 11) == "        n/a"
    assert [amount(x) for x in (0, 0.001, 2.5, 40_000, 1e-9, 3.2e13)] == [
        "0", "0.001", "2.5", "40,000", "1e-09", "3.2e+13"]


# ------------------------------------------------------------------ 12. --out under a file
def test_12_out_under_a_file_is_one_line(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    grid = tmp_path / "g.yaml"
    grid.write_text(f"as_of: {AS_OF}\naxes:\n  tokens_per_day: [1.0e+6]\n")
    out = tmp_path / "afile" / "sub"
    assert main(["sweep", str(grid), "--out", str(out), "--workers", "0", "-q"]) == 2
    assert _err(capsys) == (f"aipolicy sweep: error: --out {out}: {tmp_path / 'afile'} is a "
                            "file, not a folder; give a folder path")


# ------------------------------------------------------------------ 13. a clean interrupt
def test_13_an_interrupted_sweep_says_what_was_kept_and_how_to_resume(tmp_path, capsys):
    from aipolicy.sweep.grid import grid_from_mapping
    from aipolicy.sweep.run import SweepInterrupted, run_sweep

    grid = grid_from_mapping({"as_of": AS_OF, "chunk_cells": 2, "axes": {
        "open_model": ["llama-3.1-8b", "llama-3.3-70b", "gpt-oss-20b"],
        "tokens_per_day": [1e6, 1e8]}})

    def stop_after_two(index: int) -> None:
        if index == 1:
            raise KeyboardInterrupt

    with pytest.raises(SweepInterrupted) as stop:
        run_sweep(grid, tmp_path / "o", workers=0, quiet=True, on_chunk=stop_after_two)
    assert (stop.value.kept, stop.value.chunks, stop.value.kept_cells) == (2, 3, 4)
    g = tmp_path / "g.yaml"
    g.write_text(f"as_of: {AS_OF}\nchunk_cells: 2\naxes:\n  open_model: [llama-3.1-8b, "
                 "llama-3.3-70b, gpt-oss-20b]\n  tokens_per_day: [1.0e+6, 1.0e+8]\n")
    assert main(["sweep", str(g), "--out", str(tmp_path / "o"), "--workers", "0", "-q"]) == 0
    assert "1 written, 2 already done" in capsys.readouterr().out


def test_13_the_command_prints_one_line_and_exits_130(tmp_path, capsys, monkeypatch):
    from aipolicy.sweep import run

    def interrupted(grid, out, **kw):
        raise run.SweepInterrupted(out, 2, 3, 4, 6)

    monkeypatch.setattr(run, "run_sweep", interrupted)
    g = tmp_path / "g.yaml"
    g.write_text(f"as_of: {AS_OF}\naxes:\n  tokens_per_day: [1.0e+6]\n")
    assert main(["sweep", str(g), "--out", str(tmp_path / "o"), "--workers", "0", "-q"]) == 130
    assert _err(capsys) == (f"aipolicy sweep: interrupted: 2 of 3 chunks (4 of 6 cells) are kept "
                            f"in {tmp_path / 'o'}; run the same command to resume")
