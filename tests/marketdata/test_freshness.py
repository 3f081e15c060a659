"""A partial (intraday) final bar: detected by fetch time or by volumes, and left out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aipolicy.errors import InvalidInputError, MalformedDataError
from aipolicy.marketdata import freshness, load_prices
from aipolicy.marketdata.frames import record_from_frame

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata"


def _record(last_volume: float, n: int = 80, lot: int = 100, end: str = "2026-05-11"):
    """``n`` sessions of 1,000,000 shares (whole lots of ``lot``), then ``last_volume``."""
    idx = pd.bdate_range(end=end, periods=n, name="Date")
    vol = np.full(n, 1_000_000.0 + lot)
    vol[-1] = last_volume
    frame = pd.DataFrame({"Close": np.linspace(10, 20, n), "Volume": vol}, idx)
    return record_from_frame(frame, ["Close", "Volume"])


def test_odd_lot_and_thin_volumes_flag_a_file_and_whole_lots_do_not():
    assert freshness._flag(_record(654_321.0)[1]["Volume"]) == "odd lot"
    assert freshness._flag(_record(300_000.0)[1]["Volume"]) == "thin"  # whole lots, 30 % of usual
    assert freshness._flag(_record(900_000.0)[1]["Volume"]) == ""
    # a file whose volumes are not whole lots anyway is judged by the thin test only
    assert freshness._flag(_record(900_001.0, lot=1)[1]["Volume"]) == ""
    # an index published with zero volume, or too short a file, cannot be judged
    assert freshness._flag(_record(0.0, lot=-1_000_000)[1]["Volume"]) is None
    assert freshness._flag(_record(5.0, n=10)[1]["Volume"]) is None


def test_a_date_is_partial_when_most_judged_files_flag_it():
    recs = {
        "A": _record(654_321.0),
        "B": _record(777_777.0),
        "C": _record(1_000_100.0),
        "IDX": _record(0.0, lot=-1_000_000),
    }
    found = freshness.partial_final_bar(recs)
    assert found.date == "2026-05-11" and found.rule == "volumes"
    assert found.judged == 3 and found.flagged == ("A", "B")
    assert "2 of the 3 files with volumes flag it" in found.evidence
    # one odd print among three complete files is not enough
    calm = {"A": _record(654_321.0), "B": _record(1_000_100.0), "C": _record(1_000_200.0)}
    assert freshness.partial_final_bar(calm) is None


def test_a_download_made_before_the_close_is_partial_whatever_its_volumes():
    recs = {"A": _record(1_000_100.0)}
    # 2026-05-11 16:00 in New York is 20:00 UTC (daylight time)
    before = freshness.partial_final_bar(recs, ["2026-05-11T19:59:00+00:00"])
    assert before.rule == "fetch time" and before.date == "2026-05-11"
    assert freshness.partial_final_bar(recs, ["2026-05-11T20:05:00+00:00"]) is None
    # one download after the close: the volume rule decides
    assert (
        freshness.partial_final_bar(
            recs, ["2026-05-11T15:00:00+00:00", "2026-05-12T01:00:00+00:00"]
        )
        is None
    )


def test_drop_date_removes_the_bar_only_where_it_is_the_last():
    recs = {"A": _record(654_321.0), "B": _record(1.0, end="2026-05-08")}
    out = freshness.drop_date(recs, "2026-05-11")
    assert out["A"][0][-1] == np.datetime64("2026-05-08", "ns")
    assert len(out["A"][1]["Volume"]) == len(recs["A"][0]) - 1
    assert out["B"][0][-1] == np.datetime64("2026-05-08", "ns") and len(out["B"][0]) == 80


def _write(folder: Path, name: str, last_volume: float, n: int = 40) -> None:
    idx = pd.bdate_range(end="2026-05-11", periods=n)
    vol = np.full(n, 2_000_000.0)
    vol[-1] = last_volume
    pd.DataFrame(
        {
            "Date": idx.strftime("%Y-%m-%d"),
            "Close": np.linspace(50, 60, n),
            "High": 61.0,
            "Low": 49.0,
            "Open": 55.0,
            "Volume": vol,
        }
    ).to_csv(folder / f"{name}.csv", index=False)


def test_load_prices_leaves_a_partial_bar_out_of_a_csv_folder(tmp_path):
    for name, v in (("AAA", 1_234_567), ("BBB", 987_654), ("GSPC", 1_500_000)):
        _write(tmp_path, name, v)
    px = load_prices(["GSPC"], source="csv", data_dir=tmp_path)
    # the index alone looks complete, but the folder judges the date: the same as-of for all
    assert px.index[-1] == pd.Timestamp("2026-05-08") and px.attrs["as_of"] == "2026-05-08"
    assert "the bar of 2026-05-11 looks intraday" in px.attrs["partial_bar"]
    assert "2 of the 3 files with volumes flag it" in px.attrs["partial_bar"]
    kept = load_prices(["GSPC"], source="csv", data_dir=tmp_path, partial_bar="keep")
    assert kept.index[-1] == pd.Timestamp("2026-05-11") and kept.attrs["partial_bar"] is None
    with pytest.raises(InvalidInputError, match="partial_bar"):
        load_prices(["GSPC"], source="csv", data_dir=tmp_path, partial_bar="maybe")


def test_a_complete_folder_and_the_sample_keep_their_last_bar(tmp_path):
    for name in ("AAA", "BBB"):
        _write(tmp_path, name, 2_000_000)
    px = load_prices(["AAA"], source="csv", data_dir=tmp_path)
    assert px.index[-1] == pd.Timestamp("2026-05-11") and px.attrs["partial_bar"] is None
    sample = load_prices(["NVDA"], source="sample")
    assert sample.attrs["as_of"] == "2026-10-30" and sample.attrs["partial_bar"] is None


def test_an_ipo_row_cannot_say_verified_on_secondary_reports(tmp_path):
    from aipolicy.marketdata.ipos import IPO_TABLE_PATH, is_primary_source, read_ipo_table

    table = read_ipo_table()
    cbrs = table.set_index("ticker").loc["CBRS"]
    assert "[secondary]" in cbrs["source"] and not cbrs["verified"]
    assert table["verified"].eq(table["source"].map(is_primary_source) & table["verified"]).all()
    bad = tmp_path / "ipos.csv"
    text = IPO_TABLE_PATH.read_text().replace(
        "fyi [secondary],2026-05-14,False", "fyi [secondary],2026-05-14,True"
    )
    bad.write_text(text)
    with pytest.raises(MalformedDataError, match="line 5: 'verified' is True but the source"):
        read_ipo_table(bad)


@pytest.mark.realdata
def test_the_real_folder_ends_with_a_snapshot_of_2026_05_11():
    found = freshness.folder_partial_bar(REALDATA)
    assert found.date == "2026-05-11" and found.rule == "volumes"
    assert len(found.flagged) >= 30 and found.judged >= 35


def test_the_banner_says_which_bar_was_left_out(tmp_path):
    from aipolicy.nb import banner_text

    for name, v in (("AAA", 1_234_567), ("BBB", 987_654)):
        _write(tmp_path, name, v)
    text = banner_text(load_prices(["AAA"], source="csv", data_dir=tmp_path).attrs)
    assert "as of 2026-05-08" in text
    assert "Partial final bar: the bar of 2026-05-11 looks intraday" in text
