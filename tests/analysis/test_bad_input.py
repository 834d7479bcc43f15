"""Bad candles raise typed errors from analysis.errors; inputs are never mutated."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from analysis import (
    BadValues,
    DuplicateCandles,
    EmptyCandles,
    MissingColumns,
    TooFewCandles,
    UnsortedCandles,
    analyse,
    backtest,
    indicator_table,
    latest_rsi,
    technical_rating,
)
from tests.analysis.conftest import candles

ENTRY_POINTS: list[Callable[[pd.DataFrame], object]] = [
    indicator_table,
    lambda f: analyse(f, symbol="BTC/USDT", timeframe="1h"),
    technical_rating,
    backtest,
    latest_rsi,
]


def _good(n: int = 120) -> pd.DataFrame:
    return candles([100.0 + np.sin(i / 4) * 5 for i in range(n)])


def _with(frame: pd.DataFrame, row: int, column: str, value: float) -> pd.DataFrame:
    out = frame.copy()
    out.loc[row, column] = value
    return out


CASES = [
    ("empty", lambda: _good().iloc[0:0], EmptyCandles),
    ("missing column", lambda: _good().drop(columns=["volume"]), MissingColumns),
    ("NaN close", lambda: _with(_good(), 50, "close", np.nan), BadValues),
    ("infinite high", lambda: _with(_good(), 10, "high", np.inf), BadValues),
    ("negative volume", lambda: _with(_good(), 3, "volume", -1.0), BadValues),
    ("high below low", lambda: _with(_good(), 7, "high", 1.0), BadValues),
    ("text price", lambda: _good().astype({"close": object}).assign(close="n/a"), BadValues),
    ("unsorted", lambda: _good().iloc[::-1].reset_index(drop=True), UnsortedCandles),
    (
        "duplicate",
        lambda: _with(_good(), 5, "timestamp", float(_good()["timestamp"].iloc[4])),
        DuplicateCandles,
    ),
]


@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=["table", "analyse", "rating", "bt", "rsi"])
@pytest.mark.parametrize(("name", "make", "error"), CASES, ids=[c[0] for c in CASES])
def test_bad_candles_raise_typed_errors(entry, name, make, error) -> None:
    frame = make()
    before = frame.copy(deep=True)
    with pytest.raises(error):
        entry(frame)
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize("entry", ENTRY_POINTS[1:], ids=["analyse", "rating", "bt", "rsi"])
def test_too_few_candles(entry) -> None:
    with pytest.raises(TooFewCandles) as info:
        entry(_good(5))
    assert info.value.got == 5 and info.value.needed > 5


def test_error_messages_carry_no_prices() -> None:
    frame = _with(_good(), 50, "close", np.nan)
    with pytest.raises(BadValues) as info:
        indicator_table(frame)
    assert str(info.value) == "bad value in column 'close' at row 50"


def test_report_does_not_mutate_input(btc_1h: pd.DataFrame) -> None:
    frame = btc_1h.tail(300).copy()
    before = frame.copy(deep=True)
    analyse(frame, symbol="BTC/USDT", timeframe="1h")
    pd.testing.assert_frame_equal(frame, before)
