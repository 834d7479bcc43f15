"""Ports of the trading package: what market data and exchanges look like to the rest.

Candles cross package lines as a pandas DataFrame with columns
`timestamp` (int64 UTC ms of the candle open), `open, high, low, close, volume` (float64),
sorted ascending, unique timestamps, **closed candles only** (the forming candle is dropped
by the source). Money is Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pandas as pd

TIMEFRAME_MS: dict[str, int] = {
    "1m": 60_000,
    "5m": 300_000,
    "15m": 900_000,
    "30m": 1_800_000,
    "1h": 3_600_000,
    "4h": 14_400_000,
    "1d": 86_400_000,
    "1w": 604_800_000,
}


@dataclass(frozen=True, slots=True)
class Candles:
    """Closed candles of one symbol and timeframe."""

    symbol: str
    timeframe: str
    frame: pd.DataFrame
    as_of: datetime

    @property
    def last_close(self) -> float:
        return float(self.frame["close"].iloc[-1])


@dataclass(frozen=True, slots=True)
class Ticker:
    """The latest price facts of one symbol."""

    symbol: str
    last: Decimal
    bid: Decimal | None
    ask: Decimal | None
    change_24h_pct: Decimal | None
    at: datetime


class MarketData(Protocol):
    """A source of candles and tickers (live exchange via ccxt, or candle replay)."""

    async def symbols(self) -> frozenset[str]:
        """Return the tradable symbols, e.g. {"BTC/USDT", ...}."""
        ...

    async def fetch_candles(self, symbol: str, timeframe: str, limit: int) -> Candles:
        """Return up to `limit` most recent closed candles."""
        ...

    async def fetch_ticker(self, symbol: str) -> Ticker:
        """Return the current ticker."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
