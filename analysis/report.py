"""The full /ta report: snapshot, rating, regime, levels and events on closed candles."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from analysis.events import events
from analysis.frame import Ohlcv, to_ohlcv
from analysis.levels import levels
from analysis.ratings import rating_at, rating_series
from analysis.regime import regime
from analysis.results import Snapshot, TaReport, TechnicalRating
from analysis.table import indicator_arrays

if TYPE_CHECKING:
    import pandas as pd

MIN_CANDLES = 50
SNAPSHOT_FIELDS = tuple(
    f for f in Snapshot.__slots__ if f not in ("candle_open_ms", "close", "change_pct")
)


def _value(x: np.ndarray) -> float | None:
    v = float(x[-1])
    return None if np.isnan(v) else v


def snapshot(c: Ohlcv, arrays: dict[str, np.ndarray]) -> Snapshot:
    """Return the key indicator values on the last candle."""
    close = c.close
    change = (close[-1] / close[-2] - 1.0) * 100.0 if len(close) > 1 and close[-2] else None
    return Snapshot(
        candle_open_ms=int(c.timestamp[-1]),
        close=float(close[-1]),
        change_pct=None if change is None else float(change),
        **{name: _value(arrays[name]) for name in SNAPSHOT_FIELDS},
    )


def analyse(frame: pd.DataFrame, *, symbol: str, timeframe: str) -> TaReport:
    """Return the TA report on the last candle of `frame` (which must hold closed candles)."""
    c = to_ohlcv(frame, min_rows=MIN_CANDLES)
    arrays = indicator_arrays(c)
    series = rating_series(c, arrays)
    return TaReport(
        symbol=symbol,
        timeframe=timeframe,
        candles=len(c),
        snapshot=snapshot(c, arrays),
        rating=rating_at(series, len(c) - 1, int(c.timestamp[-1])),
        regime=regime(
            c.close, arrays["adx_14"], arrays["ema_50"], arrays["ema_200"], arrays["natr_14"]
        ),
        levels=levels(c, arrays["atr_14"]),
        events=events(c.timestamp, arrays, c.high, c.low, c.close),
    )


def technical_rating(frame: pd.DataFrame) -> TechnicalRating:
    """Return the TradingView-style rating on the last candle of `frame`."""
    c = to_ohlcv(frame, min_rows=MIN_CANDLES)
    return rating_at(rating_series(c), len(c) - 1, int(c.timestamp[-1]))


def latest_rsi(frame: pd.DataFrame, period: int = 14) -> float:
    """Return RSI(period) on the last candle of `frame` (closed candles only)."""
    from analysis.indicators import rsi

    c = to_ohlcv(frame, min_rows=period + 1)
    return float(rsi(c.close, period)[-1])
