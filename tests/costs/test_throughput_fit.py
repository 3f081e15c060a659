"""Replica throughput from all measured rows: units, versions, the service-time fit, labels.

The per-request service time ``t(i, o) = a*i + b*o + c*(i*o + o**2/2)`` (replica-seconds) is
fitted per model x GPU x precision x GPUs to the TensorRT-LLM max-throughput rows, each giving
``t = output_tokens / output_tok_s`` for the replica.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aipolicy.config import CATALOG_DIR
from aipolicy.costs.capacity.throughput import (
    MIN_FIT_ROWS,
    fit_service_time,
    measured_rows,
    per_replica_tok_s,
    replica_throughput,
)
from aipolicy.costs.catalog import load_catalog
from aipolicy.errors import CatalogError

GROUP = ["model", "gpu", "precision", "tp"]


def _groups():
    rows = measured_rows()
    return {key: g for key, g in rows.groupby(GROUP) if len(g) >= MIN_FIT_ROWS}


def _fit(g):
    return fit_service_time(g["input_tokens"].to_numpy(), g["output_tokens"].to_numpy(),
                            g["output_tok_s"].to_numpy())


def _rows_70b_2xh100():
    rows = measured_rows("llama-3.3-70b", "h100-sxm")
    return rows[(rows["precision"] == "fp8") & (rows["tp"] == 2)]


# --- units and versions ---------------------------------------------------------------------

def test_per_gpu_figure_times_gpus_is_the_group_figure():
    assert per_replica_tok_s(2_209, "gpu", 2) == 4_418  # v1.1: 2,209 tok/s per GPU, TP2
    assert per_replica_tok_s(4_205, "group", 2) == 4_205  # v1.0: already the TP2 group
    assert per_replica_tok_s(1_627, "gpu", 8) == 13_016  # DeepSeek-R1 on 8 x H200 (DEP8)
    with pytest.raises(CatalogError, match="reported_per"):
        per_replica_tok_s(1.0, "node", 8)


def test_every_row_is_converted_by_its_own_unit():
    table = load_catalog("throughput")
    assert set(table["reported_per"]) <= {"gpu", "group"}
    assert table["version"].str.strip().ne("").all()
    # the per-GPU tables are the v1.1-era and release/1.2 ones; v1.0 and v0.17 are per group
    trt = table[table["engine"] == "trtllm"]
    assert (trt.loc[trt["version"].isin(["v1.1", "release/1.2"]), "reported_per"] == "gpu").all()
    assert (trt.loc[trt["version"].isin(["v1.0", "v0.17"]), "reported_per"] == "group").all()
    rows = measured_rows()
    per_gpu = rows["reported_per"] == "gpu"
    assert np.allclose(rows.loc[per_gpu, "output_tok_s"],
                       rows.loc[per_gpu, "reported_tok_s"] * rows.loc[per_gpu, "tp"])
    assert np.allclose(rows.loc[~per_gpu, "output_tok_s"], rows.loc[~per_gpu, "reported_tok_s"])


def test_the_two_units_agree_once_converted():
    # Llama 3.3 70B, 2 x H100, 1000/1000: v1.0 says 4,205 for the group, v1.1 2,209 per GPU.
    # Converted, they agree within 6%; read as the same unit they would differ by 2x.
    table = load_catalog("throughput")
    cell = table[(table["model"] == "llama-3.3-70b") & (table["gpu"] == "h100-sxm")
                 & (table["input_tokens"] == 1000) & (table["output_tokens"] == 1000)]
    by_version = {r["version"]: per_replica_tok_s(r["reported_tok_s"], r["reported_per"], r["tp"])
                  for _, r in cell.iterrows()}
    assert by_version == {"v1.0": 4_205, "v1.1": 4_418}
    assert by_version["v1.1"] / by_version["v1.0"] == pytest.approx(1.0, abs=0.06)


def test_newest_version_wins_a_repeated_cell():
    rows = _rows_70b_2xh100()
    cell = rows[(rows["input_tokens"] == 1000) & (rows["output_tokens"] == 1000)]
    assert list(cell["version"]) == ["v1.1"] and list(cell["output_tok_s"]) == [4_418]
    # B200 Llama 3.3 70B: v1.0, v1.1 and release/1.2 rows; 1024/1024 only from release/1.2
    b200 = measured_rows("llama-3.3-70b", "b200")
    assert list(b200.loc[b200["input_tokens"] == 1024, "version"].unique()) == ["release/1.2"]
    t = replica_throughput("llama-3.3-70b", "h100-sxm", 1500, 400)
    assert "v1.1 (2), v1.0 (9), newest version per cell" in t.note


def test_rows_cite_public_sources_only():
    text = (CATALOG_DIR / "throughput.csv").read_text()
    for word in ("facts", "§", "shared/"):
        assert word not in text


# --- the fit --------------------------------------------------------------------------------

def test_fit_reproduces_each_measured_row_within_its_stated_error():
    groups = _groups()
    assert len(groups) >= 40
    worst = {}
    for key, g in groups.items():
        fit = _fit(g)
        assert all(c >= 0 for c in fit.coef), key
        for _, r in g.iterrows():
            got = fit.output_tok_s(r["input_tokens"], r["output_tokens"])
            assert abs(got / r["output_tok_s"] - 1) <= fit.max_error + 1e-12, (key, r.to_dict())
        # the label a caller sees states the same error (at a shape that is not a row)
        t = replica_throughput(key[0], key[1], 1_500.5, 400.5, gpus_per_replica=int(key[3]),
                               precision=key[2])
        basis = "interpolated" if fit.covers(1_500.5, 400.5) else "extrapolated"
        assert t.basis == basis and t.fit_max_error == pytest.approx(fit.max_error)
        assert t.n_rows == len(g)
        assert f"{basis} from {len(g)} measured rows (max fit error " in t.note
        worst[key] = fit.max_error
    # errors are in output tokens/s. Most groups fit within ~15%; the worst is Llama 4 Maverick
    # on 8 x H200 (57%): its 1024/8192 row (1,157 tok/s per GPU) falls far below the trend of
    # its other rows, and the label says so
    assert np.median(list(worst.values())) < 0.10
    assert max(worst, key=worst.get) == ("llama-4-maverick", "h200", "fp8", 8)
    assert max(v for k, v in worst.items() if k[0] != "llama-4-maverick") < 0.25


def test_fit_on_llama_70b_2xh100_is_within_15_percent():
    fit = _fit(_rows_70b_2xh100())
    assert fit.n_rows == 11 and fit.max_error < 0.15


def test_leave_one_out_llama_70b_2xh100_within_20_percent():
    rows = _rows_70b_2xh100()
    errors = []
    for idx in rows.index:
        fit = _fit(rows.drop(idx))
        r = rows.loc[idx]
        errors.append(fit.output_tok_s(r["input_tokens"], r["output_tokens"])
                      / r["output_tok_s"] - 1)
    assert len(errors) == 11
    assert max(abs(e) for e in errors) < 0.20, errors  # about 10% at worst (128/128)


# --- labels ---------------------------------------------------------------------------------

def test_exact_shape_is_measured():
    t = replica_throughput("llama-3.3-70b", "h100-sxm", 1000, 1000)
    assert (t.basis, t.estimated, t.n_rows, t.fit_max_error) == ("measured", False, 1, None)
    assert t.output_tok_s == 4_418 and t.requests_per_s == pytest.approx(4.418)
    assert "published 2209 tok/s per GPU" in t.note


def test_midmarket_shape_about_5_8_requests_per_s():
    # 1500 in / 400 out, Llama 3.3 70B on 2 x H100 FP8. The nearest-row method took the
    # 1000/1000 row (4,205 tok/s) / 400 = 10.5 req/s. The fit over the 11 rows gives ~5.6
    # (the issue's ~5.8 was fitted to the 8 rows then in the catalog); a range allows for it.
    t = replica_throughput("llama-3.3-70b", "h100-sxm", 1500, 400)
    assert (t.basis, t.gpus_per_replica, t.precision) == ("interpolated", 2, "fp8")
    assert 5.0 < t.requests_per_s < 6.5
    assert t.output_tok_s == pytest.approx(t.requests_per_s * 400)


def test_startup_shape_about_50_requests_per_s():
    # 800 in / 250 out, Llama 3.1 8B on 1 x H100: the nearest row was 2048/128 (3,450 tok/s),
    # 13.8 req/s; the fit over 10 rows gives ~48.
    t = replica_throughput("llama-3.1-8b", "h100-sxm", 800, 250)
    assert (t.basis, t.gpus_per_replica) == ("interpolated", 1)
    assert 42 < t.requests_per_s < 58


def test_few_rows_scale_the_nearest_by_the_roofline():
    t = replica_throughput("llama-2-7b", "l40s", 800, 250)  # one v0.6.1 row at 128/128
    assert (t.basis, t.estimated, t.n_rows) == ("estimated", True, 1)
    assert t.note.startswith("estimated (scaled from measured row 128/128")
    assert (t.matched_input_tokens, t.matched_output_tokens) == (128, 128)
    assert 0 < t.output_tok_s < 3_240  # longer requests: fewer tokens/s than at 128/128
    assert replica_throughput("llama-2-7b", "l40s", 128, 128).basis == "measured"


def test_nothing_measured_falls_back_to_the_roofline():
    t = replica_throughput("llama-3.1-405b", "h100-sxm", 1000, 300)
    assert (t.basis, t.estimated, t.n_rows, t.fit_max_error) == ("estimated", True, 0, None)
    assert t.requests_per_s == pytest.approx(t.output_tok_s / 300)


def test_l40s_end_to_end(capsys):
    from aipolicy.commands import main

    assert main(["breakeven", "--gpu", "l40s", "--open-model", "llama-3.1-8b", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    t = replica_throughput("llama-3.1-8b", "l40s", out["input_tokens"], out["output_tokens"])
    assert t.basis in ("interpolated", "measured") and t.gpus_per_replica == 1
    # the midmarket preset caches 20% of the input: the replica skips that prefill (fit's a*i)
    from aipolicy.costs.capacity.rows import group_fit

    fit = group_fit("llama-3.1-8b", "l40s", t.precision, 1)
    i, o = out["input_tokens"], out["output_tokens"]
    full = fit.seconds_per_request(i, o)
    credit = full / (full - fit.coef[0] * 0.2 * i)
    assert out["gpus_per_replica"] == 1 and out["throughput_tok_s"] == pytest.approx(
        t.output_tok_s * credit)
    assert out["replicas"] >= 1


# --- property: capacity falls as requests grow --------------------------------------------

_FITS = {key: _fit(g) for key, g in _groups().items()}
_KEYS = sorted(_FITS)
_tokens = st.floats(1, 40_000, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_KEYS), _tokens, _tokens, st.floats(0, 20_000), st.floats(0, 20_000))
def test_fitted_capacity_falls_as_input_or_output_grows(key, i, o, di, do):
    fit = _FITS[key]
    base = fit.requests_per_s(i, o)
    assert fit.requests_per_s(i + di, o) <= base * (1 + 1e-12)
    assert fit.requests_per_s(i, o + do) <= base * (1 + 1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 16_000), st.integers(1, 4_000), st.integers(1, 8_000))
def test_replica_capacity_falls_as_input_or_output_grows(i, o, d):
    # half-token shapes never hit a measured row, so both sides come from the fit
    for model, gpu in (("llama-3.3-70b", "h100-sxm"), ("llama-3.1-8b", "l40s")):
        base = replica_throughput(model, gpu, i + 0.5, o + 0.5).requests_per_s
        assert replica_throughput(model, gpu, i + d + 0.5, o + 0.5).requests_per_s <= base
        assert replica_throughput(model, gpu, i + 0.5, o + d + 0.5).requests_per_s <= base
