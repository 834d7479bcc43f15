"""Fixtures for the analysis tests: real Binance candles from trading/data/ohlcv."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from bot.app import Runtime, open_runtime

ROOT = Path(__file__).resolve().parents[2]
OHLCV = ROOT / "trading" / "data" / "ohlcv"
REFERENCE = ROOT / "tests" / "data" / "reference_BTC_USDT_1h.csv"
REPLAY_AT = "2024-08-06T00:30:00Z"  # the 00:00 1h candle is still forming
WALL = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture
async def bot(make_settings) -> AsyncIterator[Runtime]:
    """The real app on the bundled replay, at a fixed replay time and wall clock."""
    settings = make_settings(replay_start=REPLAY_AT, replay_speed=1.0)
    runtime = await open_runtime(settings, clock=lambda: WALL)
    try:
        yield runtime
    finally:
        await runtime.close()


@pytest.fixture(scope="session")
def btc_1h() -> pd.DataFrame:
    return pd.read_csv(OHLCV / "binance_BTC_USDT_1h.csv")


@pytest.fixture(scope="session")
def reference() -> pd.DataFrame:
    return pd.read_csv(REFERENCE)


def candles(closes: list[float], *, spread: float = 1.0, volume: float = 10.0) -> pd.DataFrame:
    """Build hourly candles around the given closes (open = previous close)."""
    opens = [closes[0], *closes[:-1]]
    return pd.DataFrame(
        {
            "timestamp": [1_700_000_000_000 + i * 3_600_000 for i in range(len(closes))],
            "open": opens,
            "high": [max(o, c) + spread for o, c in zip(opens, closes, strict=True)],
            "low": [min(o, c) - spread for o, c in zip(opens, closes, strict=True)],
            "close": closes,
            "volume": [volume] * len(closes),
        }
    )
