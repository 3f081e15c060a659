"""Params files and paths as users write them (issue 16 items 12 and 14): UTF-16 and BOMs,
unquoted bad dates, non-UTF-8 bytes, relative data_dir and AIPOLICY_CACHE_DIR; relative
paths beside the params file or in the working directory (issue 26)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aipolicy.errors import ReportError
from aipolicy.report import params
from aipolicy.report.plan import ReportOptions, plan_report, resolve_paths
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


def test_relative_data_dir_without_a_file_means_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "prices").mkdir()
    monkeypatch.chdir(tmp_path)
    got = resolve_paths({"data_dir": "prices"}, {}, base=None, origin="--params")
    assert got == ({"data_dir": str(tmp_path / "prices")}, {})


def _sweep_collection(tmp_path, toys):
    nbs = tmp_path / "notebooks"
    toys.write(nbs, "07_decision_map", "sweep_dir = None\ngrid = 'x.yaml'\n", "print(sweep_dir)")
    return nbs


def _plan_with(tmp_path, nbs, params_file):
    return plan_report(ReportOptions(notebooks_dir=nbs, reports_dir=tmp_path / "reports",
                                     params_file=params_file))


def test_sweep_dir_beside_the_params_file_is_found_from_any_working_directory(
        tmp_path, toys, monkeypatch):
    # issue 26: 'sweep_dir: sweeps/small' failed because it was read from notebooks/
    nbs = _sweep_collection(tmp_path, toys)
    (tmp_path / "cfg" / "sweeps" / "small").mkdir(parents=True)
    pfile = tmp_path / "cfg" / "p.yaml"
    pfile.write_text("sweep_dir: sweeps/small\n")
    monkeypatch.chdir(tmp_path)
    got = _plan_with(tmp_path, nbs, pfile).injected["07_decision_map"]["sweep_dir"]
    assert got == str(tmp_path / "cfg" / "sweeps" / "small")


def test_sweep_dir_in_the_working_directory_is_found_for_a_params_file_elsewhere(
        tmp_path, toys, monkeypatch):
    nbs = _sweep_collection(tmp_path, toys)
    (tmp_path / "sweeps" / "small").mkdir(parents=True)
    (tmp_path / "cfg").mkdir()
    pfile = tmp_path / "cfg" / "p.yaml"
    pfile.write_text('"07": {sweep_dir: sweeps/small}\n')
    monkeypatch.chdir(tmp_path)
    got = _plan_with(tmp_path, nbs, pfile).injected["07_decision_map"]["sweep_dir"]
    assert got == str(tmp_path / "sweeps" / "small")


def test_a_relative_path_found_in_both_places_is_refused_naming_both(tmp_path, toys,
                                                                     monkeypatch):
    nbs = _sweep_collection(tmp_path, toys)
    (tmp_path / "sweeps" / "small").mkdir(parents=True)
    (tmp_path / "cfg" / "sweeps" / "small").mkdir(parents=True)
    pfile = tmp_path / "cfg" / "p.yaml"
    pfile.write_text("sweep_dir: sweeps/small\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ReportError, match="ambiguous") as err:
        _plan_with(tmp_path, nbs, pfile)
    msg = str(err.value)
    assert str(tmp_path / "cfg" / "sweeps" / "small") in msg
    assert str(tmp_path / "sweeps" / "small") + " (the working directory)" in msg
    assert "\n" not in msg and err.value.field == "sweep_dir"


def test_a_relative_path_found_nowhere_names_the_paths_tried(tmp_path, toys, monkeypatch):
    nbs = _sweep_collection(tmp_path, toys)
    (tmp_path / "cfg").mkdir()
    pfile = tmp_path / "cfg" / "p.yaml"
    pfile.write_text("sweep_dir: sweeps/small\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ReportError, match=r"sweep_dir 'sweeps/small': no such file or folder; "
                                          r"tried .*cfg/sweeps/small \(beside the file\) and "
                                          r".*/sweeps/small \(the working directory\)"):
        _plan_with(tmp_path, nbs, pfile)


def test_the_same_place_reached_both_ways_is_not_ambiguous(tmp_path, toys, monkeypatch):
    nbs = _sweep_collection(tmp_path, toys)
    (tmp_path / "sweeps" / "small").mkdir(parents=True)
    pfile = tmp_path / "p.yaml"
    pfile.write_text("sweep_dir: sweeps/small\n")
    monkeypatch.chdir(tmp_path)
    got = _plan_with(tmp_path, nbs, pfile).injected["07_decision_map"]["sweep_dir"]
    assert got == str(tmp_path / "sweeps" / "small")


def test_relative_cache_dir_is_made_absolute_before_kernels_start(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AIPOLICY_CACHE_DIR", "my-cache")
    _absolute_env_paths()
    assert os.environ["AIPOLICY_CACHE_DIR"] == str(tmp_path / "my-cache")
    assert Path(os.environ["AIPOLICY_CACHE_DIR"]).is_absolute()

