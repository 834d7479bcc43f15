"""A MarketData implementation replaying the real Binance candles in trading/data/ohlcv.

"Now" is an injected clock: only candles that closed before it are returned (closed
candles only, as the port requires), so a test can move time forward and watch candles
close. Used where a test is about alerts or the transport, not about the exchange client.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd

from trading.errors import ExchangeUnavailable, UnknownSymbol
from trading.ports import TIMEFRAME_MS, Candles, Ticker

DATA = Path(__file__).resolve().parents[2] / "trading" / "data" / "ohlcv"


class ReplayMarket:
    """Closed candles up to `clock()`, from the CSV files; `down=True` simulates an outage."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self.down = False
        self.fetches = 0
        self._frames: dict[tuple[str, str], pd.DataFrame] = {}

    async def symbols(self) -> frozenset[str]:
        names = {p.stem.split("_", 1)[1].rsplit("_", 1)[0] for p in DATA.glob("*.csv")}
        return frozenset(n.replace("_", "/") for n in names)

    def _frame(self, symbol: str, timeframe: str) -> pd.DataFrame:
        key = (symbol, timeframe)
        if key not in self._frames:
            path = DATA / f"binance_{symbol.replace('/', '_')}_{timeframe}.csv"
            if not path.exists():
                raise UnknownSymbol(symbol)
            self._frames[key] = pd.read_csv(path)
        return self._frames[key]

    async def fetch_candles(self, symbol: str, timeframe: str, limit: int) -> Candles:
        if self.down:
            raise ExchangeUnavailable("replay market is down")
        self.fetches += 1
        frame = self._frame(symbol, timeframe)
        now_ms = int(self.clock().timestamp() * 1000)
        closed = frame[frame["timestamp"] + TIMEFRAME_MS[timeframe] <= now_ms].tail(limit)
        return Candles(symbol, timeframe, closed.reset_index(drop=True), self.clock())

    async def fetch_ticker(self, symbol: str) -> Ticker:
        candles = await self.fetch_candles(symbol, "1h", 1)
        last = Decimal(str(candles.last_close))
        return Ticker(symbol, last, None, None, None, self.clock())

    async def close(self) -> None:
        return None
