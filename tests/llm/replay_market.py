"""A MarketData over the real Binance candles shipped in trading/data/ohlcv (no network).

It implements trading.ports.MarketData honestly: candles are the recorded ones, the ticker is
the last recorded close and its change over the previous 24 hourly candles. `fail` makes every
call raise the given error (an exchange that is down).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd

from trading.ports import Candles, Ticker

OHLCV = Path(__file__).resolve().parents[2] / "trading" / "data" / "ohlcv"


class ReplayMarket:
    """Candles and tickers from the recorded CSV files."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.fail = fail
        self.calls = 0
        self._frames: dict[tuple[str, str], pd.DataFrame] = {}
        for path in OHLCV.glob("binance_*_*_*.csv"):
            _, base, quote, tf = path.stem.split("_")
            self._frames[(f"{base}/{quote}", tf)] = pd.read_csv(path)

    async def symbols(self) -> frozenset[str]:
        self.calls += 1
        if self.fail:
            raise self.fail
        return frozenset(s for s, _ in self._frames)

    def _frame(self, symbol: str, timeframe: str) -> pd.DataFrame:
        if (symbol, timeframe) in self._frames:
            return self._frames[(symbol, timeframe)]
        if (symbol, "1h") in self._frames and timeframe == "4h":
            hourly = self._frames[(symbol, "1h")]
            groups = hourly.groupby(hourly["timestamp"] // 14_400_000)
            return groups.agg(
                timestamp=("timestamp", "first"),
                open=("open", "first"),
                high=("high", "max"),
                low=("low", "min"),
                close=("close", "last"),
                volume=("volume", "sum"),
            ).reset_index(drop=True)
        raise LookupError(f"no candles for {symbol} {timeframe}")

    async def fetch_candles(self, symbol: str, timeframe: str, limit: int) -> Candles:
        self.calls += 1
        if self.fail:
            raise self.fail
        frame = self._frame(symbol, timeframe).tail(limit).reset_index(drop=True)
        return Candles(symbol, timeframe, frame, datetime.now(UTC))

    async def fetch_ticker(self, symbol: str) -> Ticker:
        self.calls += 1
        if self.fail:
            raise self.fail
        closes = self._frame(symbol, "1h")["close"]
        last = Decimal(str(closes.iloc[-1]))
        before = Decimal(str(closes.iloc[-25]))
        change = ((last - before) / before * 100).quantize(Decimal("0.01"))
        return Ticker(symbol, last, None, None, change, datetime.now(UTC))

    async def close(self) -> None:
        return None
