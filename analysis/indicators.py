"""Indicators on numpy arrays with TA-Lib's exact seeds and conventions.

Every function takes float64 arrays and returns new arrays of the same length; warm-up
values are NaN (never 0). Elementwise work and prefix sums are numpy; recursions (EMA,
Wilder, RSI), running extremes, Aroon, CCI's mean deviation, MFI, Bollinger's deviation and
the session VWAP are single compiled passes (analysis.kernels), so the whole set stays within
2x TA-Lib's time (benchmarks/ta.py). The `ta` package is not used: its OBV, Aroon and
warm-up conventions differ from the reference (see docs/analysis.md). Zero denominators (flat
windows) give 0 where TA-Lib gives 0 (exact zero; TA-Lib's 1e-8 "is zero" for RSI is not
copied, so micro-priced coins get a real RSI)."""

from __future__ import annotations

import numpy as np

from analysis import kernels

DAY_MS = 86_400_000


def _nan(n: int) -> np.ndarray:
    return np.full(n, np.nan)


def _first_valid(x: np.ndarray) -> int:
    if len(x) == 0 or not np.isnan(x[0]):  # the common case, O(1)
        return 0
    valid = ~np.isnan(x)
    first = int(valid.argmax())
    return first if valid[first] else len(x)


def _safe_div(num: np.ndarray, den: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Return scale*num/den, 0 where den == 0 (TA-Lib's flat-window value), NaN kept."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    if scale != 1.0:
        out *= scale
    flat = den == 0  # NaN compares unequal, so warm-up NaN stays NaN
    if flat.any():
        out[flat & ~np.isnan(num)] = 0.0
    result: np.ndarray = out
    return result


def _smooth(x: np.ndarray, alpha: float, seed_at: int, seed: float) -> np.ndarray:
    """Run y = y_prev + alpha*(x - y_prev) from `seed` placed at bar `seed_at`."""
    if seed_at >= len(x) or np.isnan(seed):
        return _nan(len(x))
    return kernels.smooth(x, alpha, seed_at, seed)


def rolling_sum(x: np.ndarray, n: int) -> np.ndarray:
    """Return the rolling sum over n values (NaN where the window holds a NaN)."""
    out = _nan(len(x))
    first = _first_valid(x)
    if len(x) - first < n:
        return out
    if n <= 4:  # tiny windows: add shifted copies (exact, no cancellation)
        acc = x[first + n - 1 :].copy()
        for k in range(1, n):
            acc += x[first + n - 1 - k : len(x) - k]
        out[first + n - 1 :] = acc
        return out
    # Prefix sums re-based on the first value keep the cancellation error ~1e-12 relative
    # for a million candles; a NaN after `first` (never in validated candles) propagates.
    tail = x[first:] - x[first]
    csum = np.concatenate(([0.0], np.cumsum(tail)))
    out[first + n - 1 :] = csum[n:] - csum[:-n] + n * x[first]
    return out


def sma(x: np.ndarray, n: int) -> np.ndarray:
    """Return the simple moving average (NaN until n values exist)."""
    return rolling_sum(x, n) / n


def _extreme(x: np.ndarray, n: int, *, highest: bool) -> np.ndarray:
    first = _first_valid(x)
    out = _nan(len(x))
    if len(x) - first < n:
        return out
    at = kernels.extreme_positions(x, n, first, highest)
    valid = at >= 0
    out[valid] = x[at[valid]]
    return out


def rolling_max(x: np.ndarray, n: int) -> np.ndarray:
    """Return the highest value of the last n (NaN where the window holds a NaN)."""
    return _extreme(x, n, highest=True)


def rolling_min(x: np.ndarray, n: int) -> np.ndarray:
    """Return the lowest value of the last n (NaN where the window holds a NaN)."""
    return _extreme(x, n, highest=False)


def ema(x: np.ndarray, n: int, *, start: int | None = None) -> np.ndarray:
    """Return TA-Lib's EMA: seeded with the SMA of the first n values (from `start`)."""
    first = _first_valid(x) if start is None else start
    seed_at = first + n - 1
    if seed_at >= len(x):
        return _nan(len(x))
    return _smooth(x, 2.0 / (n + 1), seed_at, float(np.mean(x[first : seed_at + 1])))


def wilder(x: np.ndarray, n: int, first: int) -> np.ndarray:
    """Return Wilder's average of x seeded with the mean of x[first : first+n]."""
    seed_at = first + n - 1
    if seed_at >= len(x):
        return _nan(len(x))
    return _smooth(x, 1.0 / n, seed_at, float(np.mean(x[first : seed_at + 1])))


def wma(x: np.ndarray, n: int) -> np.ndarray:
    """Return the linearly weighted moving average (newest weight n)."""
    out = _nan(len(x))
    first = _first_valid(x)
    if len(x) - first < n:
        return out
    weights = np.arange(n, 0, -1, dtype=np.float64)  # convolve flips: newest gets n
    out[first + n - 1 :] = np.convolve(x[first:], weights, mode="valid") / weights.sum()
    return out


def rsi(close: np.ndarray, n: int = 14) -> np.ndarray:
    """Return Wilder's RSI (0-100), first value at bar n (0 when the window is flat)."""
    return kernels.rsi(close, n)


def macd(
    close: np.ndarray,
    fast: int = 12,
    slow: int = 26,
    signal: int = 9,
    *,
    slow_ema: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return TA-Lib's MACD line, signal and histogram (both EMAs start at bar slow-1)."""
    slow_ema = ema(close, slow) if slow_ema is None else slow_ema
    fast_ema = ema(close, fast, start=slow - fast)
    line = fast_ema - slow_ema
    sig = ema(line, signal)
    line = np.where(np.isnan(sig), np.nan, line)
    return line, sig, line - sig


def bollinger(
    close: np.ndarray, n: int = 20, k: float = 2.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return upper, middle (SMA) and lower bands with the population std."""
    mid = sma(close, n)
    std = kernels.window_deviation(close, mid, n, True)
    return mid + k * std, mid, mid - k * std


def true_range(high: np.ndarray, low: np.ndarray, close: np.ndarray) -> np.ndarray:
    """Return the true range (NaN on bar 0, which has no previous close)."""
    return kernels.directional_movement(high, low, close)[2]


def atr(
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    n: int = 14,
    *,
    tr: np.ndarray | None = None,
) -> np.ndarray:
    """Return Wilder's ATR, first value at bar n (pass `tr` to reuse a true range)."""
    return wilder(true_range(high, low, close) if tr is None else tr, n, 1)


def directional(
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    n: int = 14,
    *,
    tr: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ADX, +DI and -DI (TA-Lib seeds: DI from bar n, ADX from bar 2n-1)."""
    plus_dm, minus_dm, own_tr = kernels.directional_movement(high, low, close)
    tr = own_tr if tr is None else tr
    # Wilder sums seeded with the sum of bars 1..n-1 are n x a Wilder average seeded at n-1.
    smoothed = [_seeded_sum(v, n) for v in (plus_dm, minus_dm, tr)]
    plus_di = _safe_div(smoothed[0], smoothed[2], 100.0)
    minus_di = _safe_div(smoothed[1], smoothed[2], 100.0)
    dx = _safe_div(np.abs(plus_di - minus_di), plus_di + minus_di, 100.0)
    adx = wilder(dx, n, n)
    return adx, plus_di, minus_di


def _seeded_sum(x: np.ndarray, n: int) -> np.ndarray:
    if n >= len(x):
        return _nan(len(x))
    avg = _smooth(x, 1.0 / n, n - 1, float(np.sum(x[1:n])) / n)
    avg[n - 1] = np.nan
    return avg


def price_range(high: np.ndarray, low: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the highest high and lowest low of the last n bars."""
    return rolling_max(high, n), rolling_min(low, n)


def stochastic(
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    n: int = 14,
    k: int = 3,
    d: int = 3,
    *,
    extremes: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return slow %K and %D (TA-Lib aligns both to the later start)."""
    hh, ll = extremes or price_range(high, low, n)
    raw = _safe_div(close - ll, hh - ll, 100.0)
    slow_k = sma(raw, k)
    slow_d = sma(slow_k, d)
    return np.where(np.isnan(slow_d), np.nan, slow_k), slow_d


def cci(high: np.ndarray, low: np.ndarray, close: np.ndarray, n: int = 20) -> np.ndarray:
    """Return the CCI of the typical price (mean absolute deviation, factor 0.015)."""
    tp = (high + low + close) / 3.0
    return cci_of(tp, n)


def cci_of(x: np.ndarray, n: int = 20) -> np.ndarray:
    """Return the CCI of one series (TradingView's rating uses the close)."""
    out = _nan(len(x))
    if len(x) < n:
        return out
    mean = sma(x, n)
    mad = kernels.window_deviation(x, mean, n, False)
    return _safe_div(x - mean, 0.015 * mad)


def mfi(
    high: np.ndarray, low: np.ndarray, close: np.ndarray, volume: np.ndarray, n: int = 14
) -> np.ndarray:
    """Return the money flow index with TA-Lib's dead zone for unchanged typical prices."""
    tp = (high + low + close) / 3.0
    pos_sum, neg_sum = kernels.money_flow_sums(tp, volume, n)
    return _safe_div(pos_sum, pos_sum + neg_sum, 100.0)


def obv(close: np.ndarray, volume: np.ndarray) -> np.ndarray:
    """Return on-balance volume starting at volume[0] (flat closes add nothing)."""
    signed = np.sign(np.diff(close, prepend=close[:1])) * volume
    signed[0] = volume[0]
    return np.cumsum(signed)


def williams_r(
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    n: int = 14,
    *,
    extremes: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Return Williams %R (-100..0)."""
    hh, ll = extremes or price_range(high, low, n)
    return _safe_div(hh - close, hh - ll, -100.0)


def roc(close: np.ndarray, n: int = 10) -> np.ndarray:
    """Return the rate of change in percent over n bars."""
    prev = np.concatenate([_nan(min(n, len(close))), close[:-n]]) if n else close
    return _safe_div(close - prev, prev, 100.0)


def _bars_since_extreme(x: np.ndarray, n: int, *, highest: bool) -> np.ndarray:
    """Return the bars since the extreme of the last n+1 bars (ties: most recent bar)."""
    out = _nan(len(x))
    if len(x) < n + 1:
        return out
    at = kernels.extreme_positions(x, n + 1, 0, highest)
    out[n:] = np.arange(n, len(x)) - at[n:]
    return out


def aroon(high: np.ndarray, low: np.ndarray, n: int = 25) -> tuple[np.ndarray, np.ndarray]:
    """Return Aroon up and down over the last n+1 bars (ties: most recent extreme)."""
    up = 100.0 * (n - _bars_since_extreme(high, n, highest=True)) / n
    down = 100.0 * (n - _bars_since_extreme(low, n, highest=False)) / n
    return up, down


def vwap_daily(
    timestamp: np.ndarray, high: np.ndarray, low: np.ndarray, close: np.ndarray, volume: np.ndarray
) -> np.ndarray:
    """Return the session VWAP anchored at 00:00 UTC (NaN while the day has no volume)."""
    tp = (high + low + close) / 3.0
    return kernels.session_vwap(timestamp // DAY_MS, tp, volume)
