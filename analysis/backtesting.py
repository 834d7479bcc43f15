"""Quick backtest of the summary rating: long while it says Buy/Strong Buy, flat otherwise.

History, not a promise. Positions change at the close of the candle whose rating changed
(the rating is known only once that candle closed); fees are charged per side.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.errors import TooFewCandles
from analysis.frame import to_ohlcv
from analysis.ratings import rating_series
from analysis.results import BacktestResult

BUY_ABOVE = 0.1  # the "Buy" category bound
MIN_VOTES = 20  # of 26: earlier bars rate on too few components to count
DEFAULT_HORIZON = 10
DEFAULT_FEE_PCT = 0.1


def _max_drawdown(equity: np.ndarray) -> float:
    peak = np.maximum.accumulate(equity)
    return float(np.max(1.0 - equity / peak) * 100.0) if len(equity) else 0.0


def backtest_positions(
    timestamp: np.ndarray,
    close: np.ndarray,
    rating: np.ndarray,
    *,
    horizon: int = DEFAULT_HORIZON,
    fee_pct: float = DEFAULT_FEE_PCT,
) -> BacktestResult:
    """Score a rating series (NaN = no rating) on closes; see the module docstring."""
    valid = np.flatnonzero(~np.isnan(rating))
    if valid.size < 2:
        raise TooFewCandles(2, int(valid.size))
    start = int(valid[0])
    ts, px, r = timestamp[start:], close[start:], rating[start:]
    fee = fee_pct / 100.0
    pos = (np.nan_to_num(r, nan=-1.0) > BUY_ABOVE).astype(np.float64)
    held = np.concatenate(([0.0], pos[:-1]))  # position during each bar's move
    change = np.abs(np.diff(np.concatenate(([0.0], pos))))
    change[-1] += pos[-1]  # close any open position at the end
    moves = np.concatenate(([0.0], px[1:] / px[:-1] - 1.0))
    equity = np.cumprod((1.0 + held * moves) * (1.0 - fee) ** change)  # per side
    entries = np.flatnonzero(np.diff(np.concatenate(([0.0], pos))) > 0)
    scored = entries[entries + horizon < len(px)]
    fwd = (px[scored + horizon] / px[scored]) * (1.0 - fee) ** 2 - 1.0
    hold = px / px[0]
    return BacktestResult(
        candles=len(px),
        first_open_ms=int(ts[0]),
        last_open_ms=int(ts[-1]),
        horizon=horizon,
        fee_pct=fee_pct,
        signals=len(scored),
        hit_rate_pct=float((fwd > 0).mean() * 100.0) if len(fwd) else None,
        avg_return_pct=float(fwd.mean() * 100.0) if len(fwd) else None,
        trades=len(entries),
        strategy_return_pct=float((equity[-1] - 1.0) * 100.0),
        strategy_max_drawdown_pct=_max_drawdown(equity),
        buy_hold_return_pct=float((hold[-1] * (1.0 - fee) ** 2 - 1.0) * 100.0),
        buy_hold_max_drawdown_pct=_max_drawdown(hold),
        exposure_pct=float(pos.mean() * 100.0),
    )


def backtest(
    frame: pd.DataFrame, *, horizon: int = DEFAULT_HORIZON, fee_pct: float = DEFAULT_FEE_PCT
) -> BacktestResult:
    """Backtest the summary rating on a candles frame (bars with < 20 votes are skipped)."""
    c = to_ohlcv(frame, min_rows=horizon + 60)
    series = rating_series(c)
    votes = (~np.isnan(series.ma_votes)).sum(axis=1) + (~np.isnan(series.osc_votes)).sum(axis=1)
    rating = np.where(votes >= MIN_VOTES, series.summary, np.nan)
    return backtest_positions(c.timestamp, c.close, rating, horizon=horizon, fee_pct=fee_pct)
