"""``aipolicy report --matrix``: one report per parameter set, with an overview page.

The end-to-end test runs the real notebook 01 for two presets (starts kernels: marked slow);
the failure tests check the matrix file before any kernel starts, on a toy notebook.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aipolicy.commands import main
from aipolicy.errors import ReportError
from aipolicy.report import matrix

ROOT = Path(__file__).resolve().parents[2]
NB = "01_build_vs_buy"
MARKET_PARAMS = "data_source = 'sample'\ndata_dir = None\nstart = '2020-01-01'\n"
TWO_PRESETS = """\
# one report per entry; each entry is a --params file's content plus a name
reports:
  - name: startup
    params: {01_build_vs_buy: {preset: startup}, 02_hybrid_and_investment_view: {preset: startup}}
  - name: financial
    params: {preset: financial}
"""


def _matrix(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update({"AIPOLICY_REPORTS_DIR": str(tmp / "reports"), "MPLBACKEND": "agg",
                "AIPOLICY_PACKAGE_FINGERPRINT": "tests"})
    return subprocess.run([sys.executable, "-m", "aipolicy", "report", "-q", *args], env=env,
                          capture_output=True, text=True, timeout=600, cwd=str(ROOT))


@pytest.mark.slow
def test_two_presets_give_two_reports_and_an_overview(tmp_path):
    spec = tmp_path / "presets.yaml"
    spec.write_text(TWO_PRESETS)
    out = tmp_path / "matrix"
    proc = _matrix(tmp_path, "--matrix", str(spec), "--notebooks", "01", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["financial", "index.html", "startup"]
    headlines, costs = {}, {}
    for name in ("startup", "financial"):
        folder = out / name
        summary = json.loads((folder / "summary.json").read_text())
        assert json.loads((folder / "manifest.json").read_text())["complete"]
        assert (folder / "index.html").is_file() and (folder / f"{NB}.html").is_file()
        entry = summary["notebooks"][NB]
        assert list(summary["notebooks"]) == [NB] and entry["status"] == "ok"
        assert entry["parameters"] == {"preset": name, "as_of": "2026-10-30"} and entry["records"]["preset"] == name
        headlines[name] = entry["records"]["answer"]["headline"]
        costs[name] = entry["records"]["cheapest_option_monthly_usd"]
    assert headlines["startup"] != headlines["financial"]
    assert costs["startup"] < costs["financial"]  # a bank's workload costs more
    page = (out / "index.html").read_text()
    for name in ("startup", "financial"):
        assert f'href="{name}/index.html"' in page and f'data-report="{name}"' in page
        assert headlines[name].split(",")[0].replace("$", "") in page.replace("$", "")
    assert page.count("1 ok") == 2 and 'class="st st-FAILED"' not in page
    assert "matrix:" in proc.stdout and "startup: report:" in proc.stdout

    # the matrix folder is this command's: a second run replaces its reports (here reused)
    proc = _matrix(tmp_path, "--matrix", str(spec), "--notebooks", "01", "--out", str(out),
                   "--reuse")
    assert proc.returncode == 0, proc.stderr
    for name in ("startup", "financial"):
        summary = json.loads((out / name / "summary.json").read_text())
        assert summary["notebooks"][NB]["status"] == "reused"
    assert sorted(p.name for p in out.iterdir()) == ["financial", "index.html", "startup"]


BAD = {
    "bad YAML": ("reports:\n  - name: a\n    params: {preset: [1,\n", "invalid YAML: line"),
    "unknown top key": ("report:\n  - name: a\n", "unknown key 'report'; valid keys: reports"),
    "unknown entry key": ("reports:\n  - name: a\n    parms: {preset: x}\n",
                          "reports[0] (a): unknown key 'parms'; valid keys: name, params"),
    "unknown parameter": ("reports:\n  - name: a\n    params: {\"01\": {prest: x}}\n",
                          "reports[0] (a) params: unknown parameter 'prest'"),
    "duplicate name": ("reports:\n  - name: one\n  - name: One\n",
                       "reports[1] (One): duplicate name 'One' (also reports[0])"),
    "name with a slash": ("reports:\n  - name: a/b\n",
                          "reports[0]: name 'a/b' is not a safe folder name"),
    "no reports": ("reports: []\n", "'reports' must be a non-empty list"),
}


@pytest.mark.parametrize("text, words", list(BAD.values()), ids=list(BAD))
@pytest.mark.parametrize("with_out", [True, False], ids=["out", "default-out"])
def test_bad_matrix_is_one_line_naming_the_key_and_writes_nothing(
        tmp_path, toys, monkeypatch, capsys, text, words, with_out):
    toys.cost(tmp_path / "notebooks")
    monkeypatch.setenv("AIPOLICY_NOTEBOOKS_DIR", str(tmp_path / "notebooks"))
    monkeypatch.setenv("AIPOLICY_REPORTS_DIR", str(tmp_path / "reports"))
    spec = tmp_path / "m.yaml"
    spec.write_text(text)
    out = tmp_path / "out"
    args = ["report", "-q", "--matrix", str(spec)] + (["--out", str(out)] if with_out else [])
    assert main(args) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"aipolicy report: error: --matrix {spec}: ") and words in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.yaml", "notebooks"]


def test_params_and_matrix_together_are_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["report", "--matrix", str(tmp_path / "m.yaml"), "--params", str(tmp_path / "p")])
    assert exc.value.code == 2
    assert "--params: not allowed with argument --matrix" in capsys.readouterr().err


def test_matrix_folder_holding_other_files_is_refused(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    matrix.check_matrix_folder(folder)  # empty: fine
    (folder / "index.html").write_text("<html>someone else's page</html>")
    with pytest.raises(ReportError, match=r"did not write \(index.html\)"):
        matrix.check_matrix_folder(folder)
    (folder / "index.html").unlink()
    (folder / "notes").mkdir()
    with pytest.raises(ReportError, match=r"refusing to write a matrix.*\(notes\)"):
        matrix.check_matrix_folder(folder)


@pytest.mark.slow
def test_a_notebook_with_the_same_parameters_in_every_entry_runs_once(tmp_path, toys):
    # issue 26: a matrix re-ran identical market notebooks once per entry
    env = toys.env(tmp_path)
    nbs = tmp_path / "notebooks"
    ran = tmp_path / "ran.txt"
    toys.cost(nbs)
    toys.write(nbs, "03_ai_infrastructure_stocks", MARKET_PARAMS,
               f"open({str(ran)!r}, 'a').write('03\\n')\nprint('market', start)")
    spec = tmp_path / "m.yaml"
    spec.write_text("reports:\n  - name: a\n    params: {preset: x}\n"
                    "  - name: b\n    params: {preset: y}\n")
    out = tmp_path / "out"
    proc = toys.run(env, "-q", "--matrix", str(spec), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert ran.read_text() == "03\n"  # once, not once per entry
    got = {name: json.loads((out / name / "summary.json").read_text())["notebooks"]
           for name in ("a", "b")}
    assert got["a"]["03_ai_infrastructure_stocks"]["status"] == "ok"
    assert got["b"]["03_ai_infrastructure_stocks"]["status"] == "reused"
    assert got["b"]["03_ai_infrastructure_stocks"]["reused_from"] == "a (same parameters)"
    assert (out / "b" / "03_ai_infrastructure_stocks.html").is_file()
    assert [got[n]["01_build_vs_buy"]["status"] for n in ("a", "b")] == ["ok", "ok"]
    assert "reused from a (same parameters)" in (out / "b" / "index.html").read_text()
