"""Readers of user CSV folders: Yahoo/yfinance price files and FRED download files.

Prices: one ``TICKER.csv`` per ticker (``GSPC.csv`` may serve ``^GSPC``), in one of
- Yahoo's website export: ``Date,Open,High,Low,Close,Adj Close,Volume`` (Close unadjusted;
  Open/High/Low are adjusted here by ``Adj Close / Close``, as yfinance's ``auto_adjust`` does);
- yfinance's single-level ``to_csv``: ``Date,Close,High,Low,Open,Volume`` (already adjusted);
- yfinance's multi-level ``to_csv`` (``Price,...`` / ``Ticker,...`` / ``Date,,,`` header rows).
FRED: ``SERIES_ID.csv`` with header ``observation_date,ID`` (or ``DATE,ID``), ``.`` = missing.

Input that could be read more than one way is refused, not guessed (each error names the file,
the line and what is expected):

- dates must be ISO ``YYYY-MM-DD`` (optionally with a time and UTC offset, as yfinance writes
  them; the date part is the trading day), year-first ``YYYY/M/D`` or Yahoo's ``Jan 2, 2024``,
  one form per file;
  ``DD/MM/YYYY``, ``MM/DD/YYYY``, ``DD.MM.YYYY`` and mixed files are errors;
- a date may appear only once;
- a multi-level file is read by its ``Ticker`` row; one without the requested ticker is an
  error naming the tickers it holds;
- a FRED file's header must name the series it is read as;
- a ticker cannot name a file outside ``data_dir``;
- a semicolon- or tab-separated file, and a Close column without a single number, say so.

The date rules live in :mod:`aipolicy.marketdata.csvdates`.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

from aipolicy.errors import DataPermissionError, InvalidInputError, MalformedDataError
from aipolicy.marketdata.csvdates import to_dates as _to_dates
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


def check_file_symbol(data_dir: Path, symbol: str, kind: str = "prices") -> None:
    """Refuse a symbol whose file would lie outside ``data_dir`` (``../x``, ``/abs``, ``a/b``).

    Raises
    ------
    InvalidInputError
        Naming the symbol and ``data_dir``.
    """
    seps = {"/", "\\", os.sep, os.altsep or "/"}
    inside = not any(c in symbol for c in seps) and "\x00" not in symbol
    if inside:
        target = (data_dir / f"{symbol}.csv").resolve()
        inside = target.parent == data_dir.resolve()
    if not inside:
        field = "tickers" if kind == "prices" else "series_ids"
        raise InvalidInputError(
            f"parameter {field!r}: {symbol!r} would read a file outside data_dir {data_dir}; a "
            f"CSV {'ticker' if kind == 'prices' else 'series id'} names a file directly inside "
            "data_dir (no path separators, '..' or absolute paths): put the file in that folder",
            field=field,
            value=symbol,
        )


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
    except PermissionError as exc:
        raise DataPermissionError(
            f"{path}: cannot read the file: permission denied; give your user read access "
            f"(chmod u+r '{path}')"
        ) from exc
    except UnicodeDecodeError as exc:
        raise MalformedDataError(
            f"{path}: the file is not UTF-8 text (byte {exc.start}: {exc.reason}); save it as "
            "UTF-8 (or plain ASCII) CSV"
        ) from exc
    except OSError as exc:
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


def _split_header(line: str) -> list[str]:
    return [c.strip() for c in next(csv.reader([line]), [])]


def _parse(path: Path, text: str) -> tuple[pd.DataFrame, int, list[str] | None]:
    """CSV text -> string frame, the file line of its first data row and, for yfinance's
    multi-level layout, the ticker of each column (None for the date column).
    """
    import pandas as pd

    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise MalformedDataError(f"{path}: line 1: the file is empty; expected a header row")
    head = lines[0]
    for sep, name in ((";", "semicolon"), ("\t", "tab")):
        if sep in head and head.count(sep) >= head.count(","):
            raise MalformedDataError(
                f"{path}: line 1: looks {name}-separated; aipolicy reads comma-separated CSV "
                f"(header: {head[:60]!r}): save it with ',' between fields and '.' as the decimal "
                "point"
            )
    skip: list[int] = []
    line0 = 2
    tickers: list[str] | None = None
    firsts = [_split_header(x)[0] if x.strip() else "" for x in lines[:3]]
    if len(lines) > 2 and {firsts[0], firsts[1]} == {"Price", "Ticker"}:
        # yfinance multi-level to_csv: Price,... / Ticker,... (either order) / Date,,,...
        rows = {firsts[0]: _split_header(lines[0]), firsts[1]: _split_header(lines[1])}
        skip = [1, 2] if firsts[2] == "Date" and not any(_split_header(lines[2])[1:]) else [1]
        line0 = 2 + len(skip)
        fields, tickers = rows["Price"], rows["Ticker"]
        if len(fields) != len(tickers):
            raise MalformedDataError(
                f"{path}: lines 1-2: the Price and Ticker header rows have {len(rows[firsts[0]])} "
                f"and {len(rows[firsts[1]])} cells; expected one ticker per column"
            )
        tickers = [""] + tickers[1:]
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skiprows=skip,
                            skipinitialspace=True)  # fmt: skip
    except (pd.errors.ParserError, ValueError) as exc:
        raise MalformedDataError(f"{path}: {exc}".replace("\n", " ")) from exc
    if tickers is not None:
        if frame.shape[1] != len(tickers):
            raise MalformedDataError(
                f"{path}: line {line0}: rows have {frame.shape[1]} fields but the header rows "
                f"{len(tickers)}; expected one value per column"
            )
        frame.columns = ["Date", *fields[1:]]
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, line0, tickers


def _select_ticker(
    path: Path, frame: pd.DataFrame, tickers: list[str], symbol: str | None
) -> pd.DataFrame:
    """The date column and the columns of ``symbol`` in a multi-level file, by its Ticker row."""
    held = list(dict.fromkeys(t for t in tickers[1:] if t))
    if symbol is None:
        if len(held) != 1:
            raise MalformedDataError(
                f"{path}: line 2: the Ticker row holds {', '.join(held) or 'no ticker'}; "
                "ask for one of them by name"
            )
        symbol = held[0]
    want = {symbol.upper(), safe_name(symbol).upper()}
    pos = [
        i
        for i, t in enumerate(tickers)
        if i and (t.upper() in want or safe_name(t).upper() in want)
    ]
    if not pos:
        raise MalformedDataError(
            f"{path}: line 2: the Ticker row holds {', '.join(held) or 'no ticker'}, not "
            f"{symbol}; save {symbol}'s own download as {path.name} "
            f"(yf.download('{symbol}').to_csv(...)) or ask for a ticker the file holds"
        )
    out = frame.iloc[:, [0, *pos]]
    names = list(out.columns)
    repeated = sorted({c for c in names if names.count(c) > 1})
    if repeated:
        raise MalformedDataError(
            f"{path}: lines 1-2: {symbol} has more than one {', '.join(repeated)} column; "
            "expected one column per field and ticker"
        )
    return out


def read_price_csv(path: Path, symbol: str | None = None) -> Record:
    """Read one price file into a record with adjusted Open/High/Low/Close and Volume.

    ``symbol`` picks the columns of a multi-level (several tickers) file by its Ticker row;
    without it such a file must hold exactly one ticker.

    Raises
    ------
    MalformedDataError
        Naming the file and the line when the header lacks ``Date``/``Close``, a value is
        not a number or a date, a date is ambiguous or repeated, the file is not
        comma-separated, the Close column is empty, or the Ticker row lacks ``symbol``.
    DataPermissionError
        The file may not be read.
    """
    import numpy as np
    import pandas as pd

    from aipolicy.marketdata.frames import record_from_frame

    frame, line0, tickers = _parse(path, _read_text(path))
    if tickers is not None:
        frame = _select_ticker(path, frame, tickers, symbol)
    cols = set(frame.columns)
    if "Date" not in cols or not ({"Close", "Adj Close"} & cols):
        raise MalformedDataError(
            f"{path}: line 1: header {list(frame.columns)} lacks 'Date' and 'Close'; expected "
            "Yahoo's 'Date,Open,High,Low,Close,Adj Close,Volume' or yfinance's 'Date,Close,High,Low,Open,Volume'"
        )
    if frame.empty:
        raise MalformedDataError(f"{path}: line {line0}: the file has a header but no rows")
    index = _to_dates(path, frame["Date"], line0)
    values = {c: _to_float(path, frame, c, line0) for c in (*OHLCV, "Adj Close") if c in cols}
    close_col = "Adj Close" if "Adj Close" in values else "Close"
    if not np.isfinite(values[close_col].to_numpy()).any():
        of = f" of {symbol}" if tickers is not None and symbol else ""
        raise MalformedDataError(
            f"{path}: column {close_col!r}{of} is empty: none of its {len(frame)} rows holds a "
            "number (only blanks or missing-value markers such as 'null', 'NaN', '.'); expected "
            "a price on each trading day"
        )

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

    The value column must be the one named ``series_id`` (case aside): a file whose header
    names another series is refused rather than read under the wrong name. The record's value
    column is ``"value"`` (units as published).
    """
    import numpy as np
    import pandas as pd

    from aipolicy.marketdata.frames import record_from_frame

    path = Path(where)
    frame, line0, _ = _parse(path, text)
    date_col = next((c for c in frame.columns if c.lower() in ("observation_date", "date")), None)
    others = [c for c in frame.columns if c != date_col]
    value_col = next((c for c in others if c.upper() == series_id.upper()), None)
    if date_col is not None and value_col is None and len(others) == 1:
        raise MalformedDataError(
            f"{where}: line 1: the header names series {others[0]!r}, not {series_id!r}; rename "
            f"the file to {others[0]}.csv (or ask for {others[0]!r}), or download {series_id} "
            "from FRED"
        )
    if date_col is None or value_col is None:
        raise MalformedDataError(
            f"{where}: line 1: header {list(frame.columns)} is not FRED's layout; expected "
            f"'observation_date,{series_id}' (or 'DATE,{series_id}')"
        )
    if frame.empty:
        raise MalformedDataError(f"{where}: line 2: the file has a header but no observations")
    index = _to_dates(path, frame[date_col], line0)
    values = _to_float(path, frame, value_col, line0)
    if not np.isfinite(values.to_numpy()).any():
        raise MalformedDataError(
            f"{where}: column {value_col!r} is empty: none of its {len(frame)} rows holds a "
            "number (FRED writes '.' for a missing observation); expected observations"
        )
    return record_from_frame(pd.DataFrame({"value": values.to_numpy()}, index=index), ["value"])


def read_fred_csv(path: Path, series_id: str) -> Record:
    """Read ``SERIES_ID.csv`` in FRED's download layout."""
    return read_fred_text(_read_text(path), series_id, str(path))
