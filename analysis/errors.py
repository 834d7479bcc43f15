"""Errors of the analysis package.

Every error means the candles given cannot be analysed as they are; nothing is retried.
Callers (the bot's TA handlers, the trading package) show a short message built from the
error's class and fields; the messages here never contain prices or user text.

* `EmptyCandles` — no rows: fetch candles first.
* `MissingColumns` — the frame lacks one of timestamp/open/high/low/close/volume.
* `BadValues` — NaN, infinite or negative values, or high < low: the source is broken.
* `UnsortedCandles` / `DuplicateCandles` — timestamps must be strictly increasing.
* `TooFewCandles` — fewer candles than the computation needs (`needed`, `got`).
"""

from __future__ import annotations


class AnalysisError(ValueError):
    """Base: the candles cannot be analysed as given."""


class EmptyCandles(AnalysisError):
    """The frame has no rows."""


class MissingColumns(AnalysisError):
    """Required OHLCV columns are absent."""

    def __init__(self, missing: tuple[str, ...]) -> None:
        super().__init__(f"missing candle columns: {', '.join(missing)}")
        self.missing = missing


class BadValues(AnalysisError):
    """Candle values are NaN, infinite, negative or inconsistent (high < low)."""

    def __init__(self, column: str, row: int) -> None:
        super().__init__(f"bad value in column {column!r} at row {row}")
        self.column = column
        self.row = row


class UnsortedCandles(AnalysisError):
    """Timestamps are not in ascending order."""

    def __init__(self, row: int) -> None:
        super().__init__(f"timestamps not ascending at row {row}")
        self.row = row


class DuplicateCandles(AnalysisError):
    """Two candles share a timestamp."""

    def __init__(self, row: int) -> None:
        super().__init__(f"duplicate timestamp at row {row}")
        self.row = row


class TooFewCandles(AnalysisError):
    """Not enough candles for the computation."""

    def __init__(self, needed: int, got: int) -> None:
        super().__init__(f"needs at least {needed} candles, got {got}")
        self.needed = needed
        self.got = got
