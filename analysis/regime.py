"""Trend and volatility regime from ADX, moving-average alignment and NATR history."""

from __future__ import annotations

import numpy as np

from analysis.results import Regime, Trend, Volatility

TREND_ADX = 20.0
VOL_LOOKBACK = 100


def _last(x: np.ndarray) -> float | None:
    return None if len(x) == 0 or np.isnan(x[-1]) else float(x[-1])


def trend_of(close: float, adx: float | None, ema50: float | None, ema200: float | None) -> Trend:
    """Return the trend: ADX above 20 with close and EMAs stacked one way, else range."""
    if adx is None or adx < TREND_ADX or ema50 is None:
        return Trend.RANGE
    slow = ema200 if ema200 is not None else ema50
    if close > ema50 >= slow:
        return Trend.UP
    if close < ema50 <= slow:
        return Trend.DOWN
    return Trend.RANGE


def volatility_of(natr: np.ndarray) -> tuple[Volatility, float | None]:
    """Return the volatility class and the last NATR's percentile in its recent history."""
    recent = natr[-VOL_LOOKBACK:]
    recent = recent[~np.isnan(recent)]
    if recent.size < 20:
        return Volatility.NORMAL, None
    pct = float((recent < recent[-1]).mean() * 100.0)
    if pct < 25.0:
        return Volatility.LOW, pct
    if pct > 75.0:
        return Volatility.HIGH, pct
    return Volatility.NORMAL, pct


def regime(
    close: np.ndarray, adx: np.ndarray, ema50: np.ndarray, ema200: np.ndarray, natr: np.ndarray
) -> Regime:
    """Return the regime on the last bar."""
    adx_last = _last(adx)
    vol, pct = volatility_of(natr)
    return Regime(
        trend=trend_of(float(close[-1]), adx_last, _last(ema50), _last(ema200)),
        adx=adx_last,
        volatility=vol,
        natr_pct=_last(natr),
        natr_percentile=pct,
    )
