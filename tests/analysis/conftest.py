"""Fixtures for the analysis tests: real Binance candles from trading/data/ohlcv."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
OHLCV = ROOT / "trading" / "data" / "ohlcv"
REFERENCE = ROOT / "tests" / "data" / "reference_BTC_USDT_1h.csv"


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
