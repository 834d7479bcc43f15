"""Technical Ratings rules (TECHNICAL_RATINGS.md), table-driven, and the rating on real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import Signal, technical_rating
from analysis import ratings as rt
from analysis.frame import to_ohlcv
from tests.analysis.conftest import candles

NAN = np.nan


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.51, Signal.STRONG_BUY),
        (0.5, Signal.BUY),  # strict bounds, as TradingView's library
        (0.11, Signal.BUY),
        (0.1, Signal.NEUTRAL),
        (0.0, Signal.NEUTRAL),
        (-0.1, Signal.NEUTRAL),
        (-0.11, Signal.SELL),
        (-0.5, Signal.SELL),
        (-0.51, Signal.STRONG_SELL),
        (NAN, None),
    ],
)
def test_category_bounds(value: float, expected: Signal | None) -> None:
    assert rt.category(value) == expected


# (name, votes function, series..., expected vote on the last bar; None = no vote)
LEVEL_CASES = [
    ("RSI below 30 and rising", [25.0, 28.0], 30, 70, 1),
    ("RSI below 30 but falling", [25.0, 22.0], 30, 70, 0),
    ("RSI above 70 and falling", [78.0, 75.0], 30, 70, -1),
    ("RSI above 70 but rising", [72.0, 75.0], 30, 70, 0),
    ("RSI mid-range", [45.0, 50.0], 30, 70, 0),
    ("RSI warming up", [NAN, 25.0], 30, 70, None),
    ("W%R below -80 and rising", [-95.0, -85.0], -80, -20, 1),
    ("W%R above -20 and falling", [-5.0, -10.0], -80, -20, -1),
    ("CCI below -100 and rising", [-150.0, -120.0], -100, 100, 1),
    ("CCI above 100 and falling", [150.0, 120.0], -100, 100, -1),
]


@pytest.mark.parametrize(("name", "series", "low", "high", "vote"), LEVEL_CASES)
def test_level_votes(name: str, series: list[float], low: float, high: float, vote) -> None:
    got = rt._level_vote(np.array(series), low, high)[-1]
    assert (np.isnan(got) and vote is None) or got == vote, name


@pytest.mark.parametrize(
    ("k", "d", "buy_ok", "sell_ok", "vote"),
    [
        (15.0, 10.0, True, True, 1),  # both < 20, K above D
        (10.0, 15.0, True, True, 0),  # K below D
        (85.0, 90.0, True, True, -1),  # both > 80, K below D
        (90.0, 85.0, True, True, 0),
        (15.0, 10.0, False, True, 0),  # StochRSI buy needs the downtrend filter
        (85.0, 90.0, True, False, 0),
        (NAN, 10.0, True, True, None),
    ],
)
def test_stochastic_votes(k, d, buy_ok, sell_ok, vote) -> None:
    got = rt._cross_vote(np.array([k]), np.array([d]), np.array([buy_ok]), np.array([sell_ok]))[-1]
    assert (np.isnan(got) and vote is None) or got == vote


@pytest.mark.parametrize(
    ("ao", "vote"),
    [
        ([-1.0, -0.5, 0.5], 1),  # crosses above zero
        ([3.0, 1.0, 2.0], 1),  # saucer above zero
        ([1.0, 0.5, -0.5], -1),  # crosses below zero
        ([-3.0, -1.0, -2.0], -1),  # saucer below zero
        ([1.0, 2.0, 3.0], 0),  # rising but no saucer
        ([NAN, 1.0, 2.0], None),
    ],
)
def test_awesome_oscillator_votes(ao: list[float], vote) -> None:
    got = rt._ao_vote(np.array(ao))[-1]
    assert (np.isnan(got) and vote is None) or got == vote


def test_moving_averages_all_buy_in_an_accelerating_uptrend() -> None:
    # Accelerating, so even the Hull MA (no lag on a straight line) stays below the close.
    c = to_ohlcv(candles([100.0 * 1.01**i for i in range(300)], spread=0.5))
    votes = rt.ma_votes(c)[-1]
    assert votes.tolist() == [1.0] * 15


def test_moving_averages_all_sell_in_an_accelerating_downtrend() -> None:
    c = to_ohlcv(candles([1000.0 - 0.005 * i * i for i in range(300)], spread=0.5))
    votes = rt.ma_votes(c)[-1]
    assert votes.tolist() == [-1.0] * 15


def test_hull_ma_has_no_lag_on_a_straight_line() -> None:
    c = to_ohlcv(candles([100.0 + i for i in range(60)], spread=0.5))
    assert rt.hull_ma(c.close)[-1] == pytest.approx(c.close[-1])
    assert rt.ma_votes(c)[-1][rt.MA_COMPONENTS.index("HullMA9")] == 0.0  # equal: Neutral


def test_summary_is_mean_of_groups() -> None:
    mv = np.array([[1.0] * 3 + [0.0] * 12])  # 3/15 = 0.2
    ov = np.array([[0.0] * 11])
    assert rt._nanmean_rows(mv)[0] == pytest.approx(0.2)
    ma, osc = rt._nanmean_rows(mv), rt._nanmean_rows(ov)
    # MA 3/15 with oscillators 0 gives a summary of exactly 0.1: Neutral, not Buy.
    assert rt.category(float((ma[0] + osc[0]) / 2)) is Signal.NEUTRAL


def test_short_history_says_which_components_are_missing() -> None:
    frame = candles([100.0 + np.sin(i / 5) * 3 for i in range(60)])
    rating = technical_rating(frame)
    missing = set(rating.moving_averages.missing)
    assert {"SMA100", "SMA200", "EMA100", "EMA200", "Ichimoku"} <= missing
    assert "SMA50" not in missing and not rating.complete
    votes = [c.vote for c in rating.moving_averages.components if c.vote is not None]
    assert rating.moving_averages.value == pytest.approx(sum(votes) / len(votes))
    assert rating.candle_open_ms == int(frame["timestamp"].iloc[-1])


def test_real_rating_is_complete_and_consistent(btc_1h: pd.DataFrame) -> None:
    rating = technical_rating(btc_1h.head(1000))
    assert rating.complete
    ma, osc = rating.moving_averages, rating.oscillators
    assert ma.buy + ma.neutral + ma.sell == 15 and osc.buy + osc.neutral + osc.sell == 11
    assert ma.value == pytest.approx((ma.buy - ma.sell) / 15)
    assert osc.value == pytest.approx((osc.buy - osc.sell) / 11)
    assert rating.value == pytest.approx((ma.value + osc.value) / 2)
    assert rating.signal == rt.category(rating.value)


def test_rating_uses_only_the_candles_given(btc_1h: pd.DataFrame) -> None:
    """The rating of bar i must not change when later candles are appended (no look-ahead)."""
    c_short = to_ohlcv(btc_1h.head(800))
    c_long = to_ohlcv(btc_1h.head(1200))
    short, long = rt.rating_series(c_short), rt.rating_series(c_long)
    np.testing.assert_allclose(short.summary, long.summary[:800], equal_nan=True)


def test_report_reuses_indicators_without_changing_the_rating(btc_1h: pd.DataFrame) -> None:
    from analysis import analyse

    frame = btc_1h.tail(500).reset_index(drop=True)
    assert analyse(frame, symbol="BTC/USDT", timeframe="1h").rating == technical_rating(frame)
