"""Price files (Yahoo / yfinance CSV) read in blocks, each block checked as it comes.

The layouts and the rules are those of :mod:`aipolicy.marketdata.csvfiles`; here a file is
parsed :data:`CHUNK_ROWS` rows at a time, so a bad row near the top (a repeated date on line
3 of a 200 MB file) is refused after reading one block, and memory holds the numbers kept
(dates and five floats a row) plus one block of text, whatever the file's size.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from aipolicy.errors import MalformedDataError
from aipolicy.marketdata.csvdates import check_repeats, date_form
from aipolicy.marketdata.csvdates import to_dates as _to_dates
from aipolicy.marketdata.csvfiles import (
    _columns,
    _frames,
    _head_lines,
    _layout,
    _select_ticker,
    _to_float,
)
from aipolicy.marketdata.frames import Record
from aipolicy.marketdata.provenance import OHLCV

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CHUNK_ROWS", "read_price_csv"]

#: Rows of a price file parsed at a time: a bad row near the top is refused after reading its
#: block alone, and memory holds the numbers kept plus one block of text (about 5 MB).
CHUNK_ROWS = 10_000


def read_price_csv(path: Path, symbol: str | None = None) -> Record:
    """Read one price file into a record with adjusted Open/High/Low/Close and Volume.

    ``symbol`` picks the columns of a multi-level (several tickers) file by its Ticker row;
    without it such a file must hold exactly one ticker. The file is read in blocks of
    :data:`CHUNK_ROWS` rows and each block checked as it comes: a bad row near the top is
    refused after reading that block, and memory holds the numbers kept plus one block.

    Raises
    ------
    MalformedDataError
        Naming the file and the line when the header lacks ``Date``/``Close``, a value is
        not a number or a date, a date is ambiguous or repeated, a close is not above zero,
        the file is not comma-separated, the Close column is empty, or the Ticker row lacks
        ``symbol``.
    DataPermissionError
        The file may not be read.
    """
    import numpy as np
    import pandas as pd

    from aipolicy.marketdata.frames import record_from_frame

    lines = _head_lines(path)
    layout = _layout(path, lines)
    blocks: list[pd.DataFrame] = []
    expect = close_col = None
    for line, frame in _frames(path, path, layout, CHUNK_ROWS):
        if layout[3] is not None:
            frame = _select_ticker(path, frame, layout[3], symbol)
        close_col = close_col or _close_column(path, list(frame.columns))
        if frame.empty:
            continue
        index = _to_dates(path, frame["Date"], line, expect)
        expect = expect or date_form(frame["Date"], line)
        values = {c: _to_float(path, frame, c, line) for c in (*OHLCV, "Adj Close")
                  if c in frame.columns}
        _check_closes(path, values, line, symbol or path.stem)
        blocks.append(_adjusted(index, values))
    close_col = close_col or _close_column(path, _columns(layout, lines[0]))
    if not blocks:
        raise MalformedDataError(f"{path}: line {layout[1]}: the file has a header but no rows")
    out = pd.concat(blocks) if len(blocks) > 1 else blocks[0]
    blocks.clear()  # the numbers are kept once, in ``out``
    check_repeats(path, out.index, layout[1])  # a date may appear once in the whole file
    if not np.isfinite(out["Close"].to_numpy()).any():
        of = f" of {symbol}" if layout[3] is not None and symbol else ""
        raise MalformedDataError(
            f"{path}: column {close_col!r}{of} is empty: none of its {len(out)} rows holds a "
            "number (only blanks or missing-value markers such as 'null', 'NaN', '.'); expected "
            "a price on each trading day"
        )
    return record_from_frame(out, list(OHLCV))


def _close_column(path: Path, columns: list[str]) -> str:
    """``Adj Close`` or ``Close``: the column the closes come from; else the header error."""
    if "Date" not in columns or not ({"Close", "Adj Close"} & set(columns)):
        raise MalformedDataError(
            f"{path}: line 1: header {columns} lacks 'Date' and 'Close'; expected "
            "Yahoo's 'Date,Open,High,Low,Close,Adj Close,Volume' or yfinance's 'Date,Close,High,Low,Open,Volume'"
        )
    return "Adj Close" if "Adj Close" in columns else "Close"


def _check_closes(path: Path, values: dict[str, pd.Series], line0: int, ticker: str) -> None:
    """A close (as written, and adjusted) must be above zero: returns of a zero or negative
    price do not exist, and would become inf or NaN downstream."""
    import numpy as np

    for col in ("Close", "Adj Close"):
        if col in values:
            v = values[col].to_numpy()
            bad = np.flatnonzero(np.isfinite(v) & (v <= 0))
            if bad.size:
                raise MalformedDataError(
                    f"{path}: line {line0 + int(bad[0])}: {ticker}'s {col} is {v[bad[0]]:g}; a "
                    "close must be above 0 (returns of a zero or negative price do not exist): "
                    "correct the row or leave the value blank"
                )


def _adjusted(index: pd.DatetimeIndex, values: dict[str, pd.Series]) -> pd.DataFrame:
    """OHLCV floats on ``index``; with Yahoo's website layout (Close unadjusted, Adj Close)
    Open/High/Low are adjusted by ``Adj Close / Close`` and Close becomes Adj Close."""
    import numpy as np
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
    return out
