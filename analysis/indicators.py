"""Indicators on numpy arrays with TA-Lib's exact seeds and conventions.

Every function takes float64 arrays and returns new arrays of the same length; warm-up
values are NaN (never 0). Recursions (EMA, Wilder) run in pandas' compiled `ewm` from an
explicit SMA seed, rolling windows in pandas' compiled rolling kernels, and the two windowed
arg-extrema/deviation computations (Aroon, CCI) on numpy sliding windows in chunks, so the
whole set stays within 2x TA-Lib's time (see benchmarks/ta.py). The `ta` package is not used:
its OBV, Aroon and warm-up conventions differ from the reference (see the README).
Zero denominators (flat windows) give 0 where TA-Lib gives 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.ndimage import maximum_filter1d
from scipy.signal import lfilter

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
    return out


def _smooth(x: np.ndarray, alpha: float, seed_at: int, seed: float) -> np.ndarray:
    """Run y = y_prev + alpha*(x - y_prev) from `seed` placed at bar `seed_at`."""
    out = _nan(len(x))
    if seed_at >= len(x) or np.isnan(seed):
        return out
    out[seed_at] = seed
    if seed_at + 1 < len(x):
        # y_t = alpha*x_t + (1-alpha)*y_{t-1} as a first-order IIR filter (compiled loop).
        decay = 1.0 - alpha
        out[seed_at + 1 :] = lfilter([alpha], [1.0, -decay], x[seed_at + 1 :], zi=[decay * seed])[0]
    return out


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


def rolling_max(x: np.ndarray, n: int) -> np.ndarray:
    """Return the highest value of the last n (NaN where the window holds a NaN)."""
    out = _nan(len(x))
    first = _first_valid(x)
    y = x[first:]
    if len(y) < n:
        return out
    # scipy's running-max filter (compiled, O(n)); origin shifts the window to [t-n+1, t].
    full = maximum_filter1d(y, n, origin=(n - 1) // 2, mode="nearest")
    out[first + n - 1 :] = full[n - 1 :]
    return out


def rolling_min(x: np.ndarray, n: int) -> np.ndarray:
    """Return the lowest value of the last n (NaN where the window holds a NaN)."""
    return -rolling_max(-x, n)


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
    """Return Wilder's RSI (0-100), first value at bar n."""
    diff = np.diff(close, prepend=np.nan)
    gain = wilder(np.where(diff > 0, diff, 0.0), n, 1)
    loss = wilder(np.where(diff < 0, -diff, 0.0), n, 1)
    return _safe_div(gain, gain + loss, 100.0)


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
    std = pd.Series(close).rolling(n).std(ddof=0).to_numpy()
    return mid + k * std, mid, mid - k * std


def true_range(high: np.ndarray, low: np.ndarray, close: np.ndarray) -> np.ndarray:
    """Return the true range (NaN on bar 0, which has no previous close)."""
    prev = np.roll(close, 1)
    tr = np.maximum(high - low, np.maximum(np.abs(high - prev), np.abs(low - prev)))
    tr[0] = np.nan
    return tr


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
    up = np.diff(high, prepend=np.nan)
    down = -np.diff(low, prepend=np.nan)
    plus_dm = np.where((up > down) & (up > 0), up, 0.0)
    minus_dm = np.where((down > up) & (down > 0), down, 0.0)
    tr = true_range(high, low, close) if tr is None else tr
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


def stoch_rsi(
    close: np.ndarray, n: int = 14, rsi_n: int = 14, k: int = 3, d: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """Return StochRSI %K and %D on a 0-100 scale (stochastic of RSI, smoothed)."""
    r = rsi(close, rsi_n)
    return stochastic(r, r, r, n, k, d)


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
    m = mean[n - 1 :]
    size = len(m)
    # Mean absolute deviation: one pass per window offset into reused buffers (faster than
    # materialising the windows).
    acc = np.zeros(size)
    tmp = np.empty(size)
    for k in range(n):
        np.subtract(x[k : k + size], m, out=tmp)
        np.abs(tmp, out=tmp)
        acc += tmp
    mad = _nan(len(x))
    mad[n - 1 :] = acc / n
    return _safe_div(x - mean, 0.015 * mad)


def mfi(
    high: np.ndarray, low: np.ndarray, close: np.ndarray, volume: np.ndarray, n: int = 14
) -> np.ndarray:
    """Return the money flow index with TA-Lib's dead zone for unchanged typical prices."""
    tp = (high + low + close) / 3.0
    prev = np.roll(tp, 1)
    delta = tp - prev
    tol = 1e-14 * (np.abs(tp) + np.abs(prev))
    flow = tp * volume
    pos = np.where(delta > tol, flow, 0.0)
    neg = np.where(delta < -tol, flow, 0.0)
    pos[0] = neg[0] = np.nan
    # pandas' compensated rolling sum returns exact zeros for runs without flow.
    pos_sum = pd.Series(pos).rolling(n).sum().to_numpy()
    neg_sum = pd.Series(neg).rolling(n).sum().to_numpy()
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


def _block_running_max(blocks: np.ndarray, *, keep_latest: bool) -> tuple[np.ndarray, np.ndarray]:
    """Return the running max along each row and the column where it was reached.

    `keep_latest`: on ties take the later column (else the first one reaching the max).
    """
    grid = np.ascontiguousarray(blocks.T)  # accumulate over whole rows, not short ones
    run = np.maximum.accumulate(grid, axis=0)
    prev = np.empty_like(run)
    prev[0] = -np.inf
    prev[1:] = run[:-1]
    cols = np.arange(grid.shape[0], dtype=np.float64)[:, None]
    reached = grid >= prev if keep_latest else grid > prev
    where = np.maximum.accumulate(np.where(reached, cols, -1.0), axis=0)
    return run.T, where.T


def _bars_since_extreme(x: np.ndarray, n: int, *, highest: bool) -> np.ndarray:
    """Return the bars since the extreme of the last n+1 bars (ties: most recent bar).

    Van Herk/Gil-Werman: cut the series into blocks of w = n+1; a window is the suffix of one
    block plus the prefix of the next, so two running maxima per block answer every window.
    """
    out = _nan(len(x))
    w = n + 1
    if len(x) < w:
        return out
    y = x if highest else -x
    blocks = -(-len(y) // w)
    padded = np.full(blocks * w + w, -np.inf)
    padded[: len(y)] = y
    grid = padded.reshape(-1, w)
    pre_max, pre_col = _block_running_max(grid, keep_latest=True)
    # Suffix maxima: run over each reversed block; "first reaching" there = latest column.
    suf_max_r, suf_col_r = _block_running_max(grid[:, ::-1], keep_latest=False)
    suf_max, suf_col = suf_max_r[:, ::-1].ravel(), (w - 1 - suf_col_r[:, ::-1]).ravel()
    pre_max, pre_col = pre_max.ravel(), pre_col.ravel()
    m = len(y) - n  # windows [i, i+n] for i in 0..m-1
    col = np.arange(len(y)) % w
    start_block_pos = np.arange(m) - col[:m]  # bar where the window's first block starts
    s_pos = start_block_pos + suf_col[:m]
    p_pos = start_block_pos + w * (col[:m] != 0) + pre_col[n : len(y)]
    use_prefix = (col[:m] == 0) | (pre_max[n : len(y)] >= suf_max[:m])
    pos = np.where(use_prefix, p_pos, s_pos)
    out[n:] = np.arange(n, len(y)) - pos
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
    day = timestamp // DAY_MS
    starts = np.flatnonzero(np.diff(day, prepend=day[:1] - 1))  # first candle of each day
    lengths = np.diff(np.append(starts, len(day)))

    def day_cumsum(x: np.ndarray) -> np.ndarray:
        # Running sum restarted each day: global prefix sum minus the sum before the day.
        total = np.cumsum(x)
        before = np.concatenate(([0.0], total))[starts]
        return total - np.repeat(before, lengths)

    pv, v = day_cumsum(tp * volume), day_cumsum(volume)
    traded = day_cumsum((volume > 0).astype(np.float64)) > 0.5  # exact: counts, not sums
    out = _nan(len(tp))
    np.divide(pv, v, out=out, where=traded)
    return out
