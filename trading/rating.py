"""The TA rating shown on proposal cards: the technical rating on closed candles, or None."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from trading.errors import MarketDataError
from trading.ports import MarketData

Rating = Callable[[str], Awaitable[str | None]]


def ta_rating(market: MarketData, timeframe: str = "1h") -> Rating:
    """Return a rating lookup for proposal cards: the TA rating on closed candles, or None."""

    async def rate(symbol: str) -> str | None:
        from analysis import AnalysisError, technical_rating

        try:
            candles = await market.fetch_candles(symbol, timeframe, 300)
            rating = await asyncio.to_thread(technical_rating, candles.frame)
        except (MarketDataError, AnalysisError):
            return None
        if rating.signal is None or rating.value is None:
            return None
        return f"{rating.signal.value} ({rating.value:+.2f})"

    return rate
