"""Pure technical analysis on OHLCV DataFrames (no I/O, no clock reads)."""

from __future__ import annotations
