"""2026 catalog rows: provenance on every row, public citations only, new GPUs and open models.

Pins down the open models and GPUs of 2026 (issue 10): each loads through the catalog lookups,
MoE models carry total and active parameters separately, the L40S carries its 864 GB/s memory
bandwidth so the throughput estimate can run on it, and rental defaults are 2026 prices.
"""

from __future__ import annotations

import csv
import dataclasses
import os
from pathlib import Path

import pytest

from aipolicy.config import CATALOG_DIR
from aipolicy.costs import catalog
from aipolicy.costs.capacity.throughput import estimate_throughput, replica_throughput
from aipolicy.costs.catalog.files import parse_as_of, write_atomic
from aipolicy.errors import CatalogError

CSV_FILES = sorted(Path(CATALOG_DIR).glob("*.csv"))
#: Text that points at the project's private reference sheets instead of a public source.
PRIVATE_MARKERS = ("facts.md", "facts-2026", "\u00a7", "shared/")
#: Files outside the catalogs that carry citation text shown to readers.
CITING_FILES = [
    Path(CATALOG_DIR).parent / "marketdata" / "ipos.csv",
    Path(CATALOG_DIR).parent / "signals" / "claims.yaml",
    Path(CATALOG_DIR).parent / "costs" / "uncertainty" / "draws.py",
    Path(CATALOG_DIR).parent / "marketdata" / "ipos.py",
    Path(CATALOG_DIR).parent / "marketdata" / "sources.py",
    Path(CATALOG_DIR).parent / "nb" / "cost_plots.py",
]
NEW_MODELS = {  # model: (total B params, active B params), as the model cards give them
    "gpt-oss-120b": (117, 5.1),
    "gpt-oss-20b": (21, 3.6),
    "deepseek-r1": (671, 37),
    "deepseek-v3": (671, 37),
    "qwen3-235b-a22b": (235, 22),
    "llama-4-maverick": (400, 17),
    "llama-4-scout": (109, 17),
}
NEW_GPUS = ("h200", "b200", "b300", "mi300x", "l40s")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_catalog_folder_holds_csv_files():
    assert len(CSV_FILES) >= 6


@pytest.mark.parametrize("path", CSV_FILES, ids=lambda p: p.name)
def test_every_catalog_row_has_a_source_and_a_valid_as_of(path):
    rows = _rows(path)
    assert rows, f"{path.name} is empty"
    for line, row in enumerate(rows, start=2):
        assert (row.get("source") or "").strip(), f"{path.name} line {line}: empty source"
        parse_as_of(row.get("as_of") or "")  # raises on a missing or malformed as_of


@pytest.mark.parametrize("path", CSV_FILES + CITING_FILES, ids=lambda p: p.name)
def test_citations_name_public_sources_not_private_sheets(path):
    text = path.read_text(encoding="utf-8")
    for marker in PRIVATE_MARKERS:
        assert marker not in text, f"{path.name} cites {marker!r}"
    seeds = Path(CATALOG_DIR).parents[2] / "shared" / "seeds"
    for seed in (seeds.glob("*.txt") if seeds.is_dir() else ()):
        assert seed.name not in text, f"{path.name} names the file {seed.name}"


@pytest.mark.parametrize("model,sizes", NEW_MODELS.items())
def test_new_open_models_load_with_total_and_active_parameters(model, sizes):
    spec = catalog.open_model(model)
    assert (spec.total_params_b.value, spec.active_params_b.value) == sizes
    assert spec.active_params_b.value < spec.total_params_b.value  # all are MoE
    for fig in (spec.total_params_b, spec.active_params_b, spec.n_layers, spec.n_kv_heads,
                spec.head_dim, spec.context_tokens):
        assert fig is not None and fig.source.strip()
    assert "huggingface.co/" in spec.total_params_b.source + spec.total_params_b.note \
        or "github.com/" in spec.total_params_b.source


@pytest.mark.parametrize("gpu", NEW_GPUS)
def test_new_gpus_load_with_memory_bandwidth_and_power(gpu):
    spec = catalog.gpu_spec(gpu)
    for field in ("memory_gb", "bandwidth_gb_s", "board_power_w"):
        fig = getattr(spec, field)
        assert fig is not None and fig.value > 0 and fig.source.strip(), (gpu, field)


def test_gpu_figures_from_the_primary_sources():
    assert catalog.gpu_spec("l40s").bandwidth_gb_s.value == 864
    assert catalog.gpu_spec("l40s").memory_gb.value == 48
    b200 = catalog.gpu_spec("b200").memory_gb
    assert b200.value == 180 and "192" in b200.note  # primary 180 GB; the 192 GB conflict noted
    assert catalog.gpu_spec("b300").memory_gb.value == 288
    assert catalog.gpu_spec("mi300x").memory_gb.value == 192


def test_missing_compute_figure_is_left_out_and_the_estimate_says_so(monkeypatch):
    # B200's dense BF16 figure now comes from aiconfigurator-core's system file; a GPU
    # without one is refused by the estimate, naming the missing figure
    assert catalog.gpu_spec("b200").fp16_tflops.value == 2250
    real = catalog.gpu_spec
    monkeypatch.setattr(catalog, "gpu_spec", lambda g, d=None: dataclasses.replace(
        real(g, d), fp16_tflops=None) if g == "b200" else real(g, d))
    with pytest.raises(CatalogError, match="'b200' has no fp16_tflops"):
        replica_throughput("llama-3.1-8b", "b200", 1000, 300)


@pytest.mark.parametrize("gpu", ("h100-sxm", "h100-pcie", "a100-80gb", *NEW_GPUS))
def test_default_rental_is_a_2026_price(gpu):
    fig = catalog.gpu_rental(gpu)
    assert fig.as_of.startswith("2026"), (gpu, fig.as_of)


def test_lambda_h100_rental_keeps_its_dated_history():
    table = catalog.gpu_rental_table("h100-sxm")
    lam = table[table["provider"] == "lambda"].set_index("as_of")["gpu_hour_usd"].to_dict()
    assert lam == {"2025-09-17": 2.49, "2026-05-18": 2.99, "2026-09-20": 3.99}
    assert catalog.gpu_rental("h100-sxm", "lambda").value == 3.99  # the newest row
    assert (table["default"].str.lower() == "true").sum() == 1


def test_b200_server_and_rental_available():
    server = catalog.server_for("b200")
    assert (server.gpus_per_server, server.price_usd) == (8, 404_000)
    assert catalog.gpu_rental("b200").value == 6.69


def test_l40s_throughput_is_interpolated_and_its_bandwidth_feeds_the_estimate():
    # the TensorRT-LLM v0.17 tables measure Llama 3.1 8B on L40S: the fit over them is used
    t = replica_throughput("llama-3.1-8b", "l40s", 800, 250)
    assert t.basis == "interpolated" and not t.estimated and t.gpus_per_replica == 1
    assert 1_000 < t.output_tok_s < 10_000
    # the roofline runs on the L40S bandwidth figure (v0.6.1 Llama 2 7B row: 3,240 tok/s)
    est = estimate_throughput("llama-3.1-8b", "l40s", 800, 250, gpus_per_replica=1)
    assert est.estimated and 1_000 < est.output_tok_s < 10_000


def test_moe_model_estimate_sizes_the_replica_from_total_parameters():
    # DeepSeek-V3 (same 671B architecture as R1, which now has measured H200 rows)
    t = replica_throughput("deepseek-v3", "h200", 1000, 1000)
    assert t.estimated and t.gpus_per_replica == 8  # 671 GB at FP8 plus 20% needs 8 x 141 GB


def test_breakeven_cli_runs_end_to_end_on_l40s(capsys):
    from aipolicy.commands import main

    rc = main(["breakeven", "--gpu", "l40s", "--open-model", "llama-3.1-8b",
               "--preset", "startup"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "l40s" in out and "output tok/s" in out  # measured v0.17 rows now, not estimated


def test_an_atomic_write_leaves_the_permissions_of_an_ordinary_file(tmp_path):
    new = tmp_path / "new.json"
    write_atomic(new, b"{}")
    umask = os.umask(0)
    os.umask(umask)
    assert new.stat().st_mode & 0o777 == 0o666 & ~umask  # not the 0600 of a temporary file
    kept = tmp_path / "kept.json"
    kept.write_text("old")
    kept.chmod(0o640)
    write_atomic(kept, b"new")
    assert kept.read_bytes() == b"new" and kept.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.json", "new.json"]
