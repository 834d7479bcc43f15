"""The condition language alerts and watches share: a rule on CLOSED candles and its evaluation.

A rule is a symbol, a kind, a threshold and a candle timeframe: the close above/below a
price, RSI(14) of closes below/above a level, or the MACD(12,26,9) line crossing its signal
line upwards or downwards (the threshold is unused then). `first_hit_in` finds the first
candle after a given one that meets the rule; indicator values are computed once per frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

from trading.errors import MarketDataError
from trading.ports import TIMEFRAME_MS, MarketData

if TYPE_CHECKING:
    import pandas as pd

RSI_PERIOD = 14


class AlertKind(StrEnum):
    PRICE_ABOVE = "price_above"
    PRICE_BELOW = "price_below"
    RSI_ABOVE = "rsi_above"
    RSI_BELOW = "rsi_below"
    MACD_CROSS_UP = "macd_cross_up"
    MACD_CROSS_DOWN = "macd_cross_down"


ABOVE_KINDS = (AlertKind.PRICE_ABOVE, AlertKind.RSI_ABOVE)
MACD_KINDS = (AlertKind.MACD_CROSS_UP, AlertKind.MACD_CROSS_DOWN)


@dataclass(frozen=True, slots=True)
class AlertRule:
    """What to watch: `symbol` ("BTC/USDT"), kind, threshold, candle timeframe."""

    symbol: str
    kind: AlertKind
    threshold: Decimal
    timeframe: str

    def __post_init__(self) -> None:
        if self.timeframe not in TIMEFRAME_MS:
            raise ValueError(f"unsupported timeframe {self.timeframe}")

    @property
    def is_rsi(self) -> bool:
        return self.kind in (AlertKind.RSI_ABOVE, AlertKind.RSI_BELOW)

    @property
    def is_macd(self) -> bool:
        return self.kind in MACD_KINDS


def rsi(frame: pd.DataFrame, period: int = RSI_PERIOD) -> list[float]:
    """Return Wilder's RSI of the closes, as TA-Lib computes it (NaN during warm-up)."""
    from analysis.indicators import rsi as wilder_rsi

    values: list[float] = wilder_rsi(frame["close"].to_numpy(dtype="float64"), period).tolist()
    return values


class AlertSeries:
    """The values rules look at, computed once per candle frame (indicators only when asked)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.timestamps: list[int] = frame["timestamp"].tolist()
        self.closes: list[float] = frame["close"].tolist()

    @cached_property
    def rsi(self) -> list[float]:
        return rsi(self.frame)

    @cached_property
    def macd(self) -> tuple[list[float], list[float]]:
        """Return the MACD(12,26,9) line and its signal line (NaN during warm-up)."""
        from analysis.indicators import macd

        line, signal, _hist = macd(self.frame["close"].to_numpy(dtype="float64"))
        return line.tolist(), signal.tolist()

    def close_at(self, ts: int) -> Decimal:
        """Return the close of the candle that opened at `ts`."""
        return Decimal(str(self.closes[self.timestamps.index(ts)]))


def first_hit(rule: AlertRule, frame: pd.DataFrame, after_ms: int) -> tuple[int, Decimal] | None:
    """Return (candle open ms, value) of the first candle opening after `after_ms` that meets
    the rule, or None. `frame` holds closed candles only."""
    return first_hit_in(rule, AlertSeries(frame), after_ms)


def first_hit_in(rule: AlertRule, series: AlertSeries, after_ms: int) -> tuple[int, Decimal] | None:
    """Like first_hit, on values already computed for the frame."""
    if rule.is_macd:
        return _first_cross(rule, series, after_ms)
    values = series.rsi if rule.is_rsi else series.closes
    level = float(rule.threshold)
    above = rule.kind in ABOVE_KINDS
    for ts, value in zip(series.timestamps, values, strict=True):
        if ts <= after_ms or value != value:  # value != value: NaN during RSI warm-up
            continue
        if (above and value >= level) or (not above and value <= level):
            return int(ts), Decimal(str(round(value, 8)))
    return None


def _first_cross(rule: AlertRule, series: AlertSeries, after_ms: int) -> tuple[int, Decimal] | None:
    """Return the first candle after `after_ms` on which the MACD line crossed its signal."""
    line, signal = series.macd
    up = rule.kind is AlertKind.MACD_CROSS_UP
    for i in range(1, len(line)):
        ts = series.timestamps[i]
        before, now = line[i - 1] - signal[i - 1], line[i] - signal[i]
        if ts <= after_ms or before != before or now != now:  # NaN during warm-up
            continue
        if (up and before <= 0 < now) or (not up and before >= 0 > now):
            return int(ts), Decimal(str(round(line[i], 8)))
    return None


async def newest_closed(market: MarketData | None, rule: AlertRule) -> int | None:
    """Return the open time of the newest closed candle: a rule looks at later ones.

    Candle time is the market's (a replay runs in the past), so it is read from the market
    rather than derived from the clock; None (use the clock) when it is down."""
    if market is None:
        return None
    try:
        candles = await market.fetch_candles(rule.symbol, rule.timeframe, 1)
    except MarketDataError:
        return None
    frame = candles.frame
    return int(frame["timestamp"].iloc[-1]) if len(frame) else None
