"""One spelling of large numbers (k, M, bn, tn) on every page and the index; one source for
each count of notebook 07's page."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aipolicy import record
from aipolicy.nb import format as nbformat_
from aipolicy.nb.cells import SCALES, Col, format_column
from aipolicy.nb.decision_map import decision_answer, grid_counts, volume_text
from aipolicy.nb.views.decision_tables import robustness_view, sweep_table


@pytest.mark.parametrize(("x", "decimals", "text"), [
    (1.901e8, 1, "190.1 M"), (7.6e7, 1, "76.0 M"), (1e10, None, "10 bn"), (3.16e5, None, "316 k"),
    (3.16e6, None, "3.2 M"), (999.96, None, "1 k"), (999_950.0, 1, "1.0 M"), (500, None, "500"),
    (1.0586574e14, 1, "105.9 tn"), (-2.4e9, None, "-2.4 bn"), (0.0, None, "0"),
    (None, None, "—"), (math.nan, 1, "—"), (math.inf, None, "—"),
])
def test_fmt_scaled_spells_k_m_bn_tn(x, decimals, text):
    assert record.fmt_scaled(x, decimals) == text


def test_the_pages_and_the_index_share_one_formatter_and_one_set_of_words():
    assert nbformat_.fmt_scaled is record.fmt_scaled
    assert {w for w, _ in record.SCALES} == set(nbformat_.SCALES) == set(SCALES) - {"auto"}
    assert record.format_figure(1.87e13, "tokens_per_day") == "18.7 tn tokens/day"
    assert nbformat_.fmt_usd_scaled(5.55e9, 2) == "$5.55 bn"
    assert record.fmt_scaled(86_000, signed=True) == "+86 k"
    assert volume_text(1e10) == "10 bn" and volume_text(1.41e8) == "141 M"


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_fmt_scaled_never_writes_scientific_notation_or_a_thousand_of_a_scale(x):
    text = record.fmt_scaled(x)
    assert "e+" not in text and "e-" not in text
    number = text.split()[0].lstrip("+-")
    if len(text.split()) > 1 and not text.endswith("tn"):  # below 1,000 of its word
        assert float(number.replace(",", "")) < 1000


def test_an_auto_scaled_column_gives_each_value_its_own_word():
    col = Col("number", header="tokens a day", scale="auto", decimals=1)
    assert format_column([4.4e9, 1.87169e12, None], col) == ["4.4 bn", "1.9 tn", "—"]
    assert Col("usd", scale="auto").header_text("proceeds") == "proceeds (USD)"
    assert format_column([5.55e9], Col("usd", scale="auto", decimals=2)) == ["$5.55 bn"]


def _frame():
    rows = []
    cell = 0
    for preset in ("midmarket", "financial"):
        for model, q in (("a", 1300.0), ("b", 1250.0)):
            for gpu in ("h100", "h200"):
                for v in (1e6, 1e9, 1e10):
                    own = v >= 1e10 and gpu == "h200"
                    rows.append({"cell": cell, "config": f"{preset}{model}{gpu}", "preset": preset,
                                 "open_model": model, "open_quality": q, "gpu": gpu,
                                 "tokens_per_day": v, "input_tokens": 1500, "output_tokens": 400,
                                 "slo_spec": "preset", "api_model": "gpt-4o",
                                 "cheapest": "buy" if own else "hosted",
                                 "cheapest_usd": 80.0 if own else 90.0,
                                 "p_selfhost_cheaper": 0.95 if own else 0.0,
                                 **{f"breakeven_{m}_vs_{o}": math.nan for m in ("rent", "buy")
                                    for o in ("api", "api_match", "hosted")}})
                    cell += 1
    return pd.DataFrame(rows)


def test_notebook_07_counts_pairs_and_priced_cells_from_one_place():
    frame = _frame()
    k = grid_counts(frame, "midmarket")
    assert k == {"presets": 2, "models": 2, "gpus": 2, "volumes": 3, "cells": 12, "pairs": 6,
                 "sweep_cells": 24}
    manifest = {"grid": {"name": "t", "as_of": None}, "cells": 24, "chunks": 2, "draws": 10,
                "seed": 0, "catalog": {"price_data": "p", "aipolicy": "0", "catalog_sha256": "x",
                                       "price_as_of": "2026-10-30"}}
    a = decision_answer(frame, "midmarket", robust=0.9, manifest=manifest)
    assert "2 open models x 2 GPUs x 3 volumes" in a.context
    assert "12 priced cells, read as the best GPU for each of 6 model-and-volume pairs" in a.context
    assert "for 4 of the 6 model-and-volume pairs" in a.headline
    assert any(p.startswith("With 10 draws a cell, of the 6 pairs: 2 robustly self-hosted")
               for p in a.points)
    table = sweep_table(frame, manifest).to_text()
    assert "24 (2 presets x 12), computed in 2 chunk(s)" in table
    assert "latency target" in table and "slo" not in table
    rob = robustness_view(frame, 0.9)
    assert "in model-and-volume pairs" in rob.caption
    assert rob.frame.map(int).sum(axis=1).tolist() == [6, 6]
