"""Readers of user CSV folders: Yahoo/yfinance price files and FRED download files.

Prices: one ``TICKER.csv`` per ticker (``GSPC.csv`` may serve ``^GSPC``), in one of
- Yahoo's website export: ``Date,Open,High,Low,Close,Adj Close,Volume`` (Close unadjusted;
  Open/High/Low are adjusted here by ``Adj Close / Close``, as yfinance's ``auto_adjust`` does);
- yfinance's single-level ``to_csv``: ``Date,Close,High,Low,Open,Volume`` (already adjusted);
- yfinance's multi-level ``to_csv`` (``Price,...`` / ``Ticker,...`` / ``Date,,,`` header rows).
FRED: ``SERIES_ID.csv`` with header ``observation_date,ID`` (or ``DATE,ID``), ``.`` = missing.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from aipolicy.errors import MalformedDataError
from aipolicy.marketdata.frames import Record
from aipolicy.marketdata.provenance import OHLCV
from aipolicy.marketdata.universe import safe_name

if TYPE_CHECKING:
    import pandas as pd

#: Yahoo index symbols whose file may drop the caret (``GSPC.csv`` lists as ``^GSPC``).
KNOWN_INDEXES: frozenset[str] = frozenset(
    {"GSPC", "IXIC", "SOX", "DJI", "RUT", "VIX", "NDX", "NYA"}
)
_NA_TOKENS = {"", ".", "null", "NULL", "nan", "NaN", "NA", "N/A", "-"}


def price_file(data_dir: Path, symbol: str) -> Path | None:
    """The file serving ``symbol`` in ``data_dir`` (``SYMBOL.csv``, else without a leading ``^``)."""
    for name in dict.fromkeys((symbol, safe_name(symbol))):
        p = data_dir / f"{name}.csv"
        if p.is_file():
            return p
    return None


def list_symbols(data_dir: Path) -> list[str]:
    """Symbols the folder serves, sorted; stems of known indexes get their ``^`` back."""
    out = []
    for p in sorted(data_dir.glob("*.csv")):
        stem = p.stem
        if stem.startswith("_"):
            continue
        try:
            with p.open(encoding="utf-8-sig") as fh:
                head = fh.readline() + fh.readline()
        except OSError:
            continue
        if "Close" not in head:  # FRED files and other tables share the folder
            continue
        out.append(f"^{stem}" if stem in KNOWN_INDEXES else stem)
    return out


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise MalformedDataError(f"{path}: cannot read the file: {exc}") from exc


def _to_float(path: Path, frame: pd.DataFrame, col: str, line0: int) -> pd.Series:
    """Column to float; NA tokens become NaN; anything else non-numeric is an error with its line."""
    import pandas as pd

    raw = frame[col].astype(str).str.strip()
    na = raw.isin(_NA_TOKENS)
    num = pd.to_numeric(raw.where(~na, None), errors="coerce")
    bad = num.isna() & ~na
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise MalformedDataError(
            f"{path}: line {line0 + i}: column {col!r} holds {frame[col].iloc[i]!r}, which is not a number"
        )
    return num.astype("float64")


def _to_dates(path: Path, values: pd.Series, line0: int) -> pd.DatetimeIndex:
    import pandas as pd

    raw = values.astype(str).str.strip()
    dates = pd.to_datetime(raw.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():  # other layouts ("Jan 2, 2024", "01/02/2024")
        rest = pd.to_datetime(raw[dates.isna()], format="mixed", errors="coerce")
        dates = dates.where(dates.notna(), rest)
    if dates.isna().any():
        i = int(dates.isna().to_numpy().nonzero()[0][0])
        raise MalformedDataError(
            f"{path}: line {line0 + i}: {values.iloc[i]!r} is not a date; expected YYYY-MM-DD"
        )
    return pd.DatetimeIndex(dates.astype("datetime64[ns]"), name="Date")


def _parse(path: Path, text: str) -> tuple[pd.DataFrame, int]:
    """CSV text -> string frame and the file line number of its first data row."""
    import pandas as pd

    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise MalformedDataError(f"{path}: line 1: the file is empty; expected a header row")
    skip: list[int] = []
    line0 = 2
    if (
        lines[0].split(",")[0].strip() == "Price"
        and len(lines) > 2
        and lines[1].startswith("Ticker")
    ):
        # yfinance multi-level to_csv: Price,... / Ticker,... / Date,,,...
        skip = [1, 2] if lines[2].split(",")[0].strip() == "Date" else [1]
        line0 = 2 + len(skip)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skiprows=skip,
                            skipinitialspace=True)  # fmt: skip
    except (pd.errors.ParserError, ValueError) as exc:
        raise MalformedDataError(f"{path}: {exc}".replace("\n", " ")) from exc
    if skip:
        frame = frame.rename(columns={"Price": "Date"})
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, line0


def read_price_csv(path: Path) -> Record:
    """Read one price file into a record with adjusted Open/High/Low/Close and Volume.

    Raises
    ------
    MalformedDataError
        Naming the file and the line when the header lacks ``Date``/``Close`` or a value is
        not a number or a date.
    """
    import numpy as np

    from aipolicy.marketdata.frames import record_from_frame

    frame, line0 = _parse(path, _read_text(path))
    cols = set(frame.columns)
    if "Date" not in cols or not ({"Close", "Adj Close"} & cols):
        raise MalformedDataError(
            f"{path}: line 1: header {list(frame.columns)} lacks 'Date' and 'Close'; expected "
            "Yahoo's 'Date,Open,High,Low,Close,Adj Close,Volume' or yfinance's 'Date,Close,High,Low,Open,Volume'"
        )
    if frame.empty:
        raise MalformedDataError(f"{path}: line 2: the file has a header but no rows")
    index = _to_dates(path, frame["Date"], line0)
    values = {c: _to_float(path, frame, c, line0) for c in (*OHLCV, "Adj Close") if c in cols}
    import pandas as pd

    out = pd.DataFrame(index=index)
    for c in OHLCV:
        out[c] = values[c].to_numpy() if c in values else np.nan
    if "Adj Close" in values:  # Yahoo website layout: Close is unadjusted
        adj = values["Adj Close"].to_numpy()
        close = out["Close"].to_numpy()
        ratio = np.where(
            np.isfinite(close) & (close != 0), adj / np.where(close == 0, np.nan, close), 1.0
        )
        for c in ("Open", "High", "Low"):
            out[c] = out[c].to_numpy() * ratio
        out["Close"] = adj
    return record_from_frame(out, list(OHLCV))


def read_fred_text(text: str, series_id: str, where: str) -> Record:
    """Parse FRED's CSV layout (``observation_date,ID`` or ``DATE,ID``; ``.`` = missing).

    The value column is the one named ``series_id``, else the only non-date column. The
    record's value column is ``"value"`` (units as published).
    """
    import pandas as pd

    from aipolicy.marketdata.frames import record_from_frame

    path = Path(where)
    frame, line0 = _parse(path, text)
    date_col = next((c for c in frame.columns if c.lower() in ("observation_date", "date")), None)
    others = [c for c in frame.columns if c != date_col]
    value_col = series_id if series_id in others else (others[0] if len(others) == 1 else None)
    if date_col is None or value_col is None:
        raise MalformedDataError(
            f"{where}: line 1: header {list(frame.columns)} is not FRED's layout; expected "
            f"'observation_date,{series_id}' (or 'DATE,{series_id}')"
        )
    if frame.empty:
        raise MalformedDataError(f"{where}: line 2: the file has a header but no observations")
    index = _to_dates(path, frame[date_col], line0)
    values = _to_float(path, frame, value_col, line0)
    return record_from_frame(pd.DataFrame({"value": values.to_numpy()}, index=index), ["value"])


def read_fred_csv(path: Path, series_id: str) -> Record:
    """Read ``SERIES_ID.csv`` in FRED's download layout."""
    return read_fred_text(_read_text(path), series_id, str(path))
