"""Support/resistance on known shapes, and the backtest arithmetic on a hand-checked series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import LevelKind, backtest
from analysis.backtesting import backtest_positions
from analysis.frame import to_ohlcv
from analysis.levels import levels
from tests.analysis.conftest import candles


def _range_market(cycles: int = 6) -> pd.DataFrame:
    """Prices bouncing between 100 and 110 (a triangle wave), then rising to 104."""
    leg = list(np.linspace(100, 110, 11)) + list(np.linspace(109, 101, 9))
    closes = leg * cycles + [100.0, 101.0, 102.0, 103.0, 104.0]
    return candles(closes, spread=0.0)


def test_range_market_has_support_at_bottom_and_resistance_at_top() -> None:
    c = to_ohlcv(_range_market())
    found = levels(c, np.full(len(c), 1.0))
    supports = [lv for lv in found if lv.kind is LevelKind.SUPPORT]
    resistances = [lv for lv in found if lv.kind is LevelKind.RESISTANCE]
    nearest_support = max(supports, key=lambda lv: lv.price)
    nearest_resistance = min(resistances, key=lambda lv: lv.price)
    assert nearest_support.price == pytest.approx(100.0, abs=0.5)
    assert nearest_resistance.price == pytest.approx(110.0, abs=0.5)
    assert nearest_support.touches >= 5 and nearest_resistance.touches >= 5
    assert nearest_support.distance_pct == pytest.approx((100.0 / 104.0 - 1) * 100, abs=0.5)
    assert nearest_resistance.distance_pct == pytest.approx((110.0 / 104.0 - 1) * 100, abs=0.5)


def test_trend_without_swings_has_no_levels() -> None:
    c = to_ohlcv(candles([100.0 + i for i in range(80)], spread=0.0))
    found = levels(c, np.full(len(c), 1.0))
    # A straight line has no swing point inside it, only possibly its ends.
    assert all(lv.touches == 1 for lv in found)


def test_backtest_arithmetic_by_hand() -> None:
    closes = np.array([100.0, 110.0, 121.0, 110.0, 99.0])
    rating = np.array([0.2, 0.2, -0.2, -0.2, 0.2])  # Buy, Buy, Sell, Sell, Buy
    ts = np.arange(5) * 3_600_000
    r = backtest_positions(ts, closes, rating, horizon=1, fee_pct=1.0)
    # Long from the close of bar 0 (pay 1%) to the close of bar 2 (pay 1%):
    # 0.99 * 1.21 * 0.99 = 1.185921; re-enter at bar 4 and close at the end: * 0.99 * 0.99.
    assert r.strategy_return_pct == pytest.approx((1.185921 * 0.9801 - 1) * 100)
    assert r.strategy_max_drawdown_pct == pytest.approx((1 - 0.9801) * 100)
    assert r.trades == 2
    assert r.signals == 1  # the entry at bar 4 has no candle 1 bar later
    assert r.avg_return_pct == pytest.approx((1.1 * 0.9801 - 1) * 100)
    assert r.hit_rate_pct == 100.0
    assert r.buy_hold_return_pct == pytest.approx((0.99 * 0.9801 - 1) * 100)
    assert r.buy_hold_max_drawdown_pct == pytest.approx((1 - 99 / 121) * 100)
    assert r.exposure_pct == pytest.approx(60.0)


def test_backtest_without_fees_never_long_earns_nothing() -> None:
    closes = np.array([100.0, 90.0, 80.0, 120.0])
    r = backtest_positions(np.arange(4), closes, np.full(4, -0.3), horizon=1, fee_pct=0.0)
    assert r.strategy_return_pct == 0.0 and r.trades == 0 and r.hit_rate_pct is None
    assert r.buy_hold_return_pct == pytest.approx(20.0)


def test_backtest_on_real_history(btc_1h: pd.DataFrame) -> None:
    r = backtest(btc_1h.head(2000))
    assert r.candles <= 2000 and r.first_open_ms > int(btc_1h["timestamp"].iloc[0])
    assert 0 <= r.exposure_pct <= 100 and r.trades >= r.signals
    closes = btc_1h["close"].to_numpy()[:2000]
    start = int(np.flatnonzero(btc_1h["timestamp"].to_numpy() == r.first_open_ms)[0])
    expected_hold = (closes[-1] / closes[start] * 0.999**2 - 1) * 100
    assert r.buy_hold_return_pct == pytest.approx(expected_hold)
