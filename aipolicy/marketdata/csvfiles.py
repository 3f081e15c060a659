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
- a close (as written, and adjusted) must be above 0;
- a multi-level file is read by its ``Ticker`` row; one without the requested ticker is an
  error naming the tickers it holds;
- a FRED file's header must name the series it is read as;
- a ticker cannot name a file outside ``data_dir``;
- a semicolon- or tab-separated file, and a Close column without a single number, say so.

The date rules live in :mod:`aipolicy.marketdata.csvdates`; price files are read in blocks by
:mod:`aipolicy.marketdata.csvprices`, with the layout and parsing helpers here.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aipolicy.errors import DataPermissionError, InvalidInputError, MalformedDataError
from aipolicy.marketdata.csvdates import to_dates as _to_dates
from aipolicy.marketdata.frames import Record
from aipolicy.marketdata.universe import safe_name

if TYPE_CHECKING:
    import pandas as pd

#: Yahoo index symbols whose file may drop the caret (``GSPC.csv`` lists as ``^GSPC``).
KNOWN_INDEXES: frozenset[str] = frozenset(
    {"GSPC", "IXIC", "SOX", "DJI", "RUT", "VIX", "NDX", "NYA"}
)
_NA_TOKENS = {"", ".", "null", "NULL", "nan", "NaN", "NA", "N/A", "-"}
#: Largest FRED file read (bytes): it is read whole, and a century of daily observations is
#: about 2 MB.
MAX_FRED_BYTES = 32 * 1024 * 1024


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


def _unreadable(path: Path, exc: Exception) -> Exception:
    """The one-line error for a file that cannot be read as UTF-8 text."""
    if isinstance(exc, PermissionError):
        return DataPermissionError(
            f"{path}: cannot read the file: permission denied; give your user read access "
            f"(chmod u+r '{path}')"
        )
    if isinstance(exc, UnicodeDecodeError):
        return MalformedDataError(
            f"{path}: the file is not UTF-8 text (byte {exc.start}: {exc.reason}); save it as "
            "UTF-8 (or plain ASCII) CSV"
        )
    return MalformedDataError(f"{path}: cannot read the file: {exc}")


def _read_text(path: Path, limit: int | None = None) -> str:
    """The file's text; refused above ``limit`` bytes before it is read."""
    try:
        size = path.stat().st_size
        if limit is not None and size > limit:
            raise MalformedDataError(
                f"{path}: {size:,} bytes is above the limit of {limit:,} for this kind of file; "
                "a FRED series file is a few hundred kilobytes: check it is the right file"
            )
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise _unreadable(path, exc) from exc


def _head_lines(path: Path) -> list[str]:
    """The first three lines of a file (line ends removed), read without the rest."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [fh.readline().rstrip("\r\n") for _ in range(3)]
    except (OSError, UnicodeDecodeError) as exc:
        raise _unreadable(path, exc) from exc


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


#: (rows to skip after the header, file line of the first data row, the Price row's fields
#: and the Ticker row's tickers of a multi-level file, else None)
Layout = tuple[list[int], int, "list[str] | None", "list[str] | None"]


def _layout(path: Path, lines: list[str]) -> Layout:
    """The file's layout from its first three lines (see :data:`Layout`)."""
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
    firsts = [_split_header(x)[0] if x.strip() else "" for x in lines[:3]]
    if len(lines) > 2 and lines[2] and {firsts[0], firsts[1]} == {"Price", "Ticker"}:
        # yfinance multi-level to_csv: Price,... / Ticker,... (either order) / Date,,,...
        rows = {firsts[0]: _split_header(lines[0]), firsts[1]: _split_header(lines[1])}
        skip = [1, 2] if firsts[2] == "Date" and not any(_split_header(lines[2])[1:]) else [1]
        fields, tickers = rows["Price"], rows["Ticker"]
        if len(fields) != len(tickers):
            raise MalformedDataError(
                f"{path}: lines 1-2: the Price and Ticker header rows have {len(rows[firsts[0]])} "
                f"and {len(rows[firsts[1]])} cells; expected one ticker per column"
            )
        return skip, 2 + len(skip), fields, [""] + tickers[1:]
    return [], 2, None, None


def _frames(path: Path, source: Any, layout: Layout, rows: int | None
            ) -> Iterator[tuple[int, pd.DataFrame]]:
    """The data as string frames of at most ``rows`` rows (all at once for None), each with
    the file line of its first row."""
    import pandas as pd

    skip, line, fields, tickers = layout
    try:
        with pd.read_csv(source, dtype=str, keep_default_na=False, skiprows=skip,
                         skipinitialspace=True, chunksize=rows or 1 << 62,
                         encoding="utf-8-sig") as reader:  # fmt: skip
            for frame in reader:
                if tickers is not None:
                    if frame.shape[1] != len(tickers):
                        raise MalformedDataError(
                            f"{path}: line {line}: rows have {frame.shape[1]} fields but the "
                            f"header rows {len(tickers)}; expected one value per column"
                        )
                    frame.columns = ["Date", *fields[1:]]
                frame.columns = [str(c).strip() for c in frame.columns]
                yield line, frame
                line += len(frame)
    except UnicodeDecodeError as exc:
        raise _unreadable(path, exc) from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise MalformedDataError(f"{path}: {exc}".replace("\n", " ")) from exc


def _parse(path: Path, text: str) -> tuple[pd.DataFrame, int, list[str] | None]:
    """CSV text -> string frame, the file line of its first data row and, for yfinance's
    multi-level layout, the ticker of each column (None for the date column).
    """
    import pandas as pd

    layout = _layout(path, [x.rstrip("\r") for x in text.split("\n", 3)[:3]])
    blocks = list(_frames(path, io.StringIO(text), layout, None))
    frame = blocks[0][1] if blocks else pd.DataFrame(columns=_columns(layout, text))
    return frame, layout[1], layout[3]


def _columns(layout: Layout, first_line: str) -> list[str]:
    """The column names of a file without data rows."""
    fields = layout[2]
    return ["Date", *fields[1:]] if fields is not None else _split_header(
        first_line.split("\n", 1)[0])


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
    """Read ``SERIES_ID.csv`` in FRED's download layout (refused above :data:`MAX_FRED_BYTES`)."""
    return read_fred_text(_read_text(path, MAX_FRED_BYTES), series_id, str(path))
