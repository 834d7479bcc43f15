"""Compiled single-pass loops (numba) for the indicators numpy cannot do in one pass.

Each kernel is the loop TA-Lib runs in C: a recursion, a running extreme or a short window
scan. numpy would need many passes over memory for these (see benchmarks/ta.py); compiled,
they cost about what TA-Lib costs. `cache=True` keeps the machine code next to this file
(or in numba's user cache) so only the first run on a machine pays the compile.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def smooth(x: np.ndarray, alpha: float, seed_at: int, seed: float) -> np.ndarray:
    """Return y with y[seed_at] = seed, then y = y_prev + alpha*(x - y_prev); NaN before."""
    n = len(x)
    out = np.empty(n)
    out[: min(seed_at, n)] = np.nan
    if seed_at >= n:
        return out
    y = seed
    out[seed_at] = y
    for t in range(seed_at + 1, n):
        y = y + alpha * (x[t] - y)
        out[t] = y
    return out


@njit(cache=True, nogil=True)
def extreme_positions(x: np.ndarray, n: int, first: int, highest: bool) -> np.ndarray:
    """Return where the max (or min) of the last n values is, from bar first+n-1 (-1 before).

    Ties go to the most recent bar (TA-Lib's Aroon rule). The extreme is kept until it
    leaves the window, then the window is rescanned, as TA-Lib does.
    """
    size = len(x)
    out = np.full(size, -1, dtype=np.int64)
    best_at = -1
    for t in range(first + n - 1, size):
        start = t - n + 1
        if best_at < start:  # the extreme left the window: rescan it
            best_at = start
            for j in range(start + 1, t + 1):
                if (x[j] >= x[best_at]) if highest else (x[j] <= x[best_at]):
                    best_at = j
        elif (x[t] >= x[best_at]) if highest else (x[t] <= x[best_at]):
            best_at = t
        out[t] = best_at
    return out


@njit(cache=True, nogil=True)
def window_deviation(x: np.ndarray, mean: np.ndarray, n: int, squared: bool) -> np.ndarray:
    """Return the deviation of the last n values around `mean` at each bar.

    squared=False: the mean absolute deviation (CCI); True: the population standard
    deviation (Bollinger bands). Both summed afresh per window, so no running residue.
    """
    size = len(x)
    out = np.empty(size)
    out[: min(n - 1, size)] = np.nan
    for t in range(n - 1, size):
        m = mean[t]
        acc = 0.0
        for j in range(t - n + 1, t + 1):
            d = x[j] - m
            acc += d * d if squared else abs(d)
        out[t] = np.sqrt(acc / n) if squared else acc / n
    return out


@njit(cache=True, nogil=True)
def money_flow_sums(tp: np.ndarray, volume: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return positive and negative money flow over the last n bars (TA-Lib's dead zone)."""
    size = len(tp)
    pos = np.zeros(size)
    neg = np.zeros(size)
    for t in range(1, size):
        delta = tp[t] - tp[t - 1]
        tol = 1e-14 * (abs(tp[t]) + abs(tp[t - 1]))
        if delta > tol:
            pos[t] = tp[t] * volume[t]
        elif delta < -tol:
            neg[t] = tp[t] * volume[t]
    pos_sum = np.empty(size)
    neg_sum = np.empty(size)
    pos_sum[: min(n, size)] = np.nan
    neg_sum[: min(n, size)] = np.nan
    for t in range(n, size):  # summed afresh per window: exact zeros, no running residue
        p = 0.0
        q = 0.0
        for j in range(t - n + 1, t + 1):
            p += pos[j]
            q += neg[j]
        pos_sum[t] = p
        neg_sum[t] = q
    return pos_sum, neg_sum


@njit(cache=True, nogil=True)
def directional_movement(
    high: np.ndarray, low: np.ndarray, close: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return +DM, -DM (ties give 0 to both) and the true range (NaN on bar 0)."""
    size = len(high)
    plus = np.zeros(size)
    minus = np.zeros(size)
    tr = np.empty(size)
    if size:
        tr[0] = np.nan
    for t in range(1, size):
        up = high[t] - high[t - 1]
        down = low[t - 1] - low[t]
        if up > down and up > 0:
            plus[t] = up
        elif down > up and down > 0:
            minus[t] = down
        prev = close[t - 1]
        tr[t] = max(high[t] - low[t], abs(high[t] - prev), abs(low[t] - prev))
    return plus, minus, tr


@njit(cache=True, nogil=True)
def rsi(close: np.ndarray, n: int) -> np.ndarray:
    """Return Wilder's RSI: averages seeded with the mean of bars 1..n, first value at bar n."""
    size = len(close)
    out = np.empty(size)
    out[: min(n, size)] = np.nan
    if size <= n:
        return out
    gain = 0.0
    loss = 0.0
    for t in range(1, n + 1):
        d = close[t] - close[t - 1]
        if d > 0:
            gain += d
        elif d < 0:
            loss -= d
    gain /= n
    loss /= n
    for t in range(n, size):
        if t > n:  # TA-Lib's exact arithmetic: StochRSI amplifies last-bit differences
            d = close[t] - close[t - 1]
            gain *= n - 1
            loss *= n - 1
            if d < 0:
                loss -= d
            else:
                gain += d
            gain /= n
            loss /= n
        total = gain + loss
        out[t] = 100.0 * (gain / total) if total != 0 else 0.0
    return out


@njit(cache=True, nogil=True)
def session_vwap(day: np.ndarray, tp: np.ndarray, volume: np.ndarray) -> np.ndarray:
    """Return the VWAP restarted at each new day; NaN while the day has traded nothing."""
    size = len(tp)
    out = np.empty(size)
    pv = 0.0
    vol = 0.0
    for t in range(size):
        if t == 0 or day[t] != day[t - 1]:
            pv = 0.0
            vol = 0.0
        pv += tp[t] * volume[t]
        vol += volume[t]
        out[t] = pv / vol if vol > 0 else np.nan
    return out
