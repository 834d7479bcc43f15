"""Notable recent events: crosses, RSI extremes, divergences, Bollinger squeezes."""

from __future__ import annotations

import numpy as np

from analysis.levels import swing_points
from analysis.results import Event, EventKind

RECENT_BARS = 5
DIVERGENCE_WINDOW = 60
DIVERGENCE_RECENT = 10
SQUEEZE_LOOKBACK = 120


def _crossings(a: np.ndarray, b: np.ndarray, recent: int) -> tuple[list[int], list[int]]:
    """Return bars (in the last `recent`) where a crossed above b, and below b."""
    diff = a - b
    ups, downs = [], []
    for i in range(max(1, len(diff) - recent), len(diff)):
        prev, cur = diff[i - 1], diff[i]
        if np.isnan(prev) or np.isnan(cur):
            continue
        if prev <= 0 < cur:
            ups.append(i)
        elif prev >= 0 > cur:
            downs.append(i)
    return ups, downs


def _divergences(high: np.ndarray, low: np.ndarray, rsi: np.ndarray) -> list[tuple[EventKind, int]]:
    start = max(0, len(high) - DIVERGENCE_WINDOW)
    tops, bottoms = swing_points(high[start:], low[start:])
    found: list[tuple[EventKind, int]] = []
    last = len(high) - 1
    if len(tops) >= 2:
        a, b = start + tops[-2], start + tops[-1]
        if high[b] > high[a] and rsi[b] < rsi[a] and last - b <= DIVERGENCE_RECENT:
            found.append((EventKind.BEARISH_DIVERGENCE, int(b)))
    if len(bottoms) >= 2:
        a, b = start + bottoms[-2], start + bottoms[-1]
        if low[b] < low[a] and rsi[b] > rsi[a] and last - b <= DIVERGENCE_RECENT:
            found.append((EventKind.BULLISH_DIVERGENCE, int(b)))
    return found


def _squeeze(upper: np.ndarray, lower: np.ndarray, mid: np.ndarray) -> bool:
    width = (upper - lower) / mid
    recent = width[-SQUEEZE_LOOKBACK:]
    if len(recent) < SQUEEZE_LOOKBACK or np.isnan(recent).any():
        return False
    return bool(recent[-1] <= recent.min())


def events(
    timestamp: np.ndarray,
    arrays: dict[str, np.ndarray],
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
) -> tuple[Event, ...]:
    """Return the events of the last few closed candles, newest first."""
    found: list[tuple[EventKind, int]] = []
    up, down = _crossings(arrays["sma_50"], arrays["sma_200"], RECENT_BARS)
    found += [(EventKind.GOLDEN_CROSS, i) for i in up] + [(EventKind.DEATH_CROSS, i) for i in down]
    up, down = _crossings(arrays["macd"], arrays["macd_signal"], RECENT_BARS)
    found += [(EventKind.MACD_BULL_CROSS, i) for i in up]
    found += [(EventKind.MACD_BEAR_CROSS, i) for i in down]
    last = len(close) - 1
    rsi = arrays["rsi_14"]
    if rsi[last] > 70:
        found.append((EventKind.RSI_OVERBOUGHT, last))
    elif rsi[last] < 30:
        found.append((EventKind.RSI_OVERSOLD, last))
    if close[last] > arrays["bb_upper"][last]:
        found.append((EventKind.CLOSE_ABOVE_UPPER_BAND, last))
    elif close[last] < arrays["bb_lower"][last]:
        found.append((EventKind.CLOSE_BELOW_LOWER_BAND, last))
    if _squeeze(arrays["bb_upper"], arrays["bb_lower"], arrays["bb_middle"]):
        found.append((EventKind.SQUEEZE, last))
    found += _divergences(high, low, rsi)
    found.sort(key=lambda e: -e[1])
    return tuple(Event(kind, int(timestamp[i]), last - i) for kind, i in found)
