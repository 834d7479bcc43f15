"""Support and resistance: swing points (fractals) clustered into price zones."""

from __future__ import annotations

import numpy as np

from analysis import indicators as ind
from analysis.frame import Ohlcv
from analysis.results import Level, LevelKind

SWING_BARS = 3
LOOKBACK = 300
PER_SIDE = 3


def swing_points(
    high: np.ndarray, low: np.ndarray, k: int = SWING_BARS
) -> tuple[np.ndarray, np.ndarray]:
    """Return (swing-high indices, swing-low indices): extremes of k bars on each side."""
    w = 2 * k + 1
    if len(high) < w:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    top = ind.rolling_max(high, w)[w - 1 :]  # top[i] covers bars i .. i+2k
    bottom = ind.rolling_min(low, w)[w - 1 :]
    centre = np.arange(k, len(high) - k)
    return centre[high[centre] == top], centre[low[centre] == bottom]


def _clusters(prices: np.ndarray, width: float) -> list[np.ndarray]:
    """Group prices into zones no wider than `width`, greedily from the lowest price."""
    order = np.argsort(prices, kind="stable")
    groups: list[np.ndarray] = []
    begin = 0
    for i in range(1, len(order) + 1):
        if i == len(order) or prices[order[i]] - prices[order[begin]] > width:
            groups.append(order[begin:i])
            begin = i
    return groups


def levels(c: Ohlcv, atr: np.ndarray, *, per_side: int = PER_SIDE) -> tuple[Level, ...]:
    """Return up to `per_side` nearest supports below and resistances above the last close."""
    start = max(0, len(c) - LOOKBACK)
    high, low = c.high[start:], c.low[start:]
    tops, bottoms = swing_points(high, low)
    idx = np.concatenate([tops, bottoms])
    if idx.size == 0:
        return ()
    prices = np.concatenate([high[tops], low[bottoms]])
    close = float(c.close[-1])
    last_atr = float(atr[-1]) if len(atr) and not np.isnan(atr[-1]) else close * 0.01
    found: list[Level] = []
    for group in _clusters(prices, 0.5 * last_atr):
        price = float(prices[group].mean())
        if price == close:
            continue
        kind = LevelKind.SUPPORT if price < close else LevelKind.RESISTANCE
        found.append(
            Level(
                kind=kind,
                price=price,
                touches=len(group),
                last_touch_ms=int(c.timestamp[start + int(idx[group].max())]),
                distance_pct=(price - close) / close * 100.0,
            )
        )
    found.sort(key=lambda lv: abs(lv.distance_pct))
    supports = [lv for lv in found if lv.kind is LevelKind.SUPPORT][:per_side]
    resistances = [lv for lv in found if lv.kind is LevelKind.RESISTANCE][:per_side]
    return tuple(sorted(supports + resistances, key=lambda lv: lv.price))
