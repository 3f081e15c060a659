"""Params files and paths as users write them (issue 16 items 12 and 14): UTF-16 and BOMs,
unquoted bad dates, non-UTF-8 bytes, relative data_dir and AIPOLICY_CACHE_DIR."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aipolicy.errors import ReportError
from aipolicy.report import notebooks, params
from aipolicy.report.runner import _absolute_env_paths


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-32"])
def test_params_file_with_a_bom_is_read(tmp_path, encoding):
    path = tmp_path / "p.yaml"
    path.write_bytes('start: "2021-01-01"\nrf_annual: 0.04\n'.encode(encoding))
    assert params.load_params_file(path) == {"start": "2021-01-01", "rf_annual": 0.04}


def test_non_utf8_params_file_is_a_one_line_error(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_bytes(b"x: \xe9t\xe9\n")
    with pytest.raises(ReportError, match=r"not UTF-8 text \(byte 3\); save the file as UTF-8"):
        params.load_params_file(path)


def test_unquoted_dates_stay_text_for_the_notebook_to_check(tmp_path):
    # before: YAML built datetime.date(2025, 13, 45) and died with a ValueError traceback
    path = tmp_path / "p.yaml"
    path.write_text("start: 2025-13-45\nend: 2025-06-30\n")
    assert params.load_params_file(path) == {"start": "2025-13-45", "end": "2025-06-30"}


def test_relative_data_dir_in_a_params_file_means_the_working_directory(tmp_path, toys,
                                                                        monkeypatch):
    toys.market(tmp_path / "nbs")
    infos = {p.stem: notebooks.load(p) for p in notebooks.discover(tmp_path / "nbs")}
    monkeypatch.chdir(tmp_path)
    out = params.resolve(infos, list(infos), {"data_dir": "prices"}, {})
    assert out["03_ai_infrastructure_stocks"]["data_dir"] == str(tmp_path / "prices")


def test_relative_cache_dir_is_made_absolute_before_kernels_start(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AIPOLICY_CACHE_DIR", "my-cache")
    _absolute_env_paths()
    assert os.environ["AIPOLICY_CACHE_DIR"] == str(tmp_path / "my-cache")
    assert Path(os.environ["AIPOLICY_CACHE_DIR"]).is_absolute()

