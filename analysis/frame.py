"""Validation of a candles DataFrame into plain numpy arrays (inputs are never mutated)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from analysis.errors import (
    BadValues,
    DuplicateCandles,
    EmptyCandles,
    MissingColumns,
    TooFewCandles,
    UnsortedCandles,
)

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ("timestamp", "open", "high", "low", "close", "volume")


@dataclass(frozen=True, slots=True)
class Ohlcv:
    """Validated candle arrays (float64 copies; int64 UTC ms open times)."""

    timestamp: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    def __len__(self) -> int:
        return len(self.close)


def _first_bad(mask: np.ndarray) -> int | None:
    idx = np.flatnonzero(mask)
    return int(idx[0]) if idx.size else None


def _floats(values: object, column: str) -> np.ndarray:
    """Return a float64 copy, or raise BadValues when the column is not numeric."""
    try:
        return np.array(values, dtype=np.float64, copy=True)
    except (TypeError, ValueError):
        raise BadValues(column, 0) from None


def _check_timestamps(ts: np.ndarray) -> None:
    if ts.size < 2:
        return
    step = np.diff(ts)
    row = _first_bad(step < 0)
    if row is not None:
        raise UnsortedCandles(row + 1)
    row = _first_bad(step == 0)
    if row is not None:
        raise DuplicateCandles(row + 1)


def to_ohlcv(frame: pd.DataFrame, *, min_rows: int = 1) -> Ohlcv:
    """Validate a candles frame and return its columns as arrays; raise AnalysisError."""
    missing = tuple(c for c in COLUMNS if c not in frame.columns)
    if missing:
        raise MissingColumns(missing)
    if len(frame) == 0:
        raise EmptyCandles("no candles")
    if len(frame) < min_rows:
        raise TooFewCandles(min_rows, len(frame))
    arrays: dict[str, np.ndarray] = {}
    for name in COLUMNS[1:]:
        values = _floats(frame[name], name)
        row = _first_bad(~np.isfinite(values) | (values < 0))
        if row is not None:
            raise BadValues(name, row)
        arrays[name] = values
    row = _first_bad(arrays["high"] < arrays["low"])
    if row is not None:
        raise BadValues("high", row)
    raw_ts = np.asarray(frame["timestamp"])
    if raw_ts.dtype.kind == "M":
        ts = raw_ts.astype("datetime64[ms]").astype(np.int64)
    else:
        ts_float = _floats(raw_ts, "timestamp")
        row = _first_bad(~np.isfinite(ts_float))
        if row is not None:
            raise BadValues("timestamp", row)
        ts = ts_float.astype(np.int64)
    _check_timestamps(ts)
    return Ohlcv(timestamp=ts, **arrays)
