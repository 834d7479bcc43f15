"""A scripted market (a real `MarketData`): candles and a ticker a test moves step by step.

`candle(o, h, l, c)` closes a one-minute candle at the market's current time and advances it;
the ticker then reads the close. Other timeframes are unsupported, as a source that serves
only 1m would be, so the paper exchange reads its price path from these candles.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pandas as pd

from trading.errors import UnknownSymbol, UnsupportedTimeframe
from trading.ports import Candles, Ticker

MINUTE = timedelta(minutes=1)


class PricePath:
    """One symbol's scripted prices; `now` is the market's clock."""

    def __init__(self, symbol: str, price: str) -> None:
        self.symbol = symbol
        self.last = Decimal(price)
        self.now = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
        self.rows: list[tuple[int, float, float, float, float, float]] = []

    def candle(self, o: str, h: str, low: str, c: str) -> None:
        """Close one 1m candle opened now (after any order placed so far)."""
        ms = int(self.now.timestamp() * 1000)
        self.rows.append((ms, float(o), float(h), float(low), float(c), 1.0))
        self.now += MINUTE
        self.last = Decimal(c)

    async def symbols(self) -> frozenset[str]:
        return frozenset({self.symbol})

    async def fetch_candles(self, symbol: str, timeframe: str, limit: int) -> Candles:
        self._known(symbol)
        if timeframe != "1m":
            raise UnsupportedTimeframe(symbol, timeframe, ("1m",))
        columns = ["timestamp", "open", "high", "low", "close", "volume"]
        frame = pd.DataFrame(self.rows[-limit:], columns=columns)
        return Candles(symbol, timeframe, frame.astype({"timestamp": "int64"}), self.now)

    async def fetch_ticker(self, symbol: str) -> Ticker:
        self._known(symbol)
        return Ticker(symbol, self.last, None, None, None, self.now)

    async def close(self) -> None:
        return None

    def _known(self, symbol: str) -> None:
        if symbol != self.symbol:
            raise UnknownSymbol(symbol)
