"""A curated, sourced table of index all-time closing highs (``index_records.yaml``).

A row says that no close of an index up to ``standing_through`` was above ``record_close``
(set on ``record_date``), with the public reports that say so. The record-high claim uses it
when the price data starts too late to hold the index's whole history: every close before the
data's first session is then at most the record that stood at that time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from aipolicy.errors import InvalidInputError

INDEX_RECORDS_FILE = Path(__file__).resolve().parent / "index_records.yaml"
FIELDS = ("ticker", "record_close", "record_date", "standing_through", "source", "url", "as_of",
          "grade")


@dataclass(frozen=True)
class IndexRecord:
    """One curated all-time closing high.

    Attributes
    ----------
    ticker : str
    record_close : float
        Index points.
    record_date, standing_through, as_of : Timestamp
    source, url, grade : str
    """

    ticker: str
    record_close: float
    record_date: pd.Timestamp
    standing_through: pd.Timestamp
    source: str
    url: str
    as_of: pd.Timestamp
    grade: str

    def cite(self) -> str:
        """``"6,144.15 on 2025-02-19 (standing through 2025-06-26; <url>, as of 2025-07-01)"``."""
        return (f"{self.record_close:,.2f} on {self.record_date:%Y-%m-%d} (standing through "
                f"{self.standing_through:%Y-%m-%d}; {self.url}, {self.grade}, as of "
                f"{self.as_of:%Y-%m-%d})")


def load_index_records(path: str | Path | None = None) -> list[IndexRecord]:
    """Read and check the curated records (default: the shipped ``index_records.yaml``)."""
    import yaml

    p = Path(path) if path is not None else INDEX_RECORDS_FILE
    if not p.exists():
        raise InvalidInputError(f"index records file {p} does not exist")
    rows = yaml.safe_load(p.read_text(encoding="utf-8")) or []
    if not isinstance(rows, list):
        raise InvalidInputError(f"{p} must hold a YAML list of records")
    out = []
    for i, row in enumerate(rows):
        missing = [f for f in FIELDS if f not in (row or {})]
        if missing:
            raise InvalidInputError(f"{p}: record {i + 1} lacks field(s) {missing}")
        rec = IndexRecord(
            ticker=str(row["ticker"]), record_close=float(row["record_close"]),
            record_date=pd.Timestamp(row["record_date"]),
            standing_through=pd.Timestamp(row["standing_through"]), source=str(row["source"]),
            url=str(row["url"]), as_of=pd.Timestamp(row["as_of"]), grade=str(row["grade"]))
        if rec.standing_through < rec.record_date or rec.record_close <= 0:
            raise InvalidInputError(
                f"{p}: record {i + 1} ({rec.ticker}): standing_through must be on or after "
                "record_date and record_close positive")
        out.append(rec)
    return out


def record_standing_before(ticker: str, first_date, records: list[IndexRecord] | None = None
                           ) -> IndexRecord | None:
    """The curated record that bounds every close of ``ticker`` before ``first_date``.

    A record bounds them when it still stood on the last business day before ``first_date``
    (so no unseen close between the record and the data could be higher). Of several, the one
    that stood through the earliest date (the lowest, the tightest bound) is returned; None when
    no curated record reaches the data's start.
    """
    first = pd.Timestamp(first_date)
    previous = first - pd.offsets.BDay(1)
    recs = load_index_records() if records is None else records
    fit = [r for r in recs if r.ticker == ticker and r.standing_through >= previous]
    return min(fit, key=lambda r: r.standing_through) if fit else None
