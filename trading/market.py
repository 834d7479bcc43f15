"""MarketService: the shared, cached market data every feature reads (itself a `MarketData`).

It wraps one source (the replay by default, or the ccxt adapter) and adds:

* a candle cache per (symbol, timeframe) and a ticker cache, each with a time to live, so
  one upstream fetch serves every user asking within that time;
* single-flight: concurrent requests for the same key share one in-flight fetch;
* closed candles only: rows whose candle has not closed by the source's `as_of` are dropped;
* TA on top (`report`, `multi_timeframe`, `chart`, `backtest`): CPU work runs in a thread and
  reports are cached per last-candle, so many users asking "btc 4h?" cost one computation.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from trading.errors import UnsupportedTimeframe
from trading.ports import TIMEFRAME_MS, Candles, MarketData, Ticker

if TYPE_CHECKING:
    from analysis import BacktestResult, TaReport
    from analysis.chart import ChartLabels

log = logging.getLogger(__name__)
T = TypeVar("T")
Monotonic = Callable[[], float]
REPORT_CANDLES = 500
BACKTEST_CANDLES = 5000
MTF_TIMEFRAMES = ("15m", "1h", "4h", "1d")


@dataclass(frozen=True, slots=True)
class MarketConfig:
    """Cache lifetimes (seconds) and how many candles the TA views use."""

    candle_ttl_s: float = 15.0
    ticker_ttl_s: float = 2.0
    symbols_ttl_s: float = 300.0
    report_candles: int = REPORT_CANDLES
    backtest_candles: int = BACKTEST_CANDLES


@dataclass(frozen=True, slots=True)
class TimeframeReport:
    """One row of the multi-timeframe view: a report, or why that timeframe is missing."""

    timeframe: str
    report: TaReport | None
    problem: str | None = None  # the error class name (UnsupportedTimeframe, TooFewCandles …)


class _SingleFlight:
    """Cache values for a time to live; concurrent misses for one key share one fetch."""

    def __init__(self, ttl_s: float, monotonic: Monotonic, max_entries: int = 512) -> None:
        self._ttl = ttl_s
        self._max = max_entries
        self._now = monotonic
        self._values: dict[object, tuple[float, object]] = {}
        self._flights: dict[object, asyncio.Future[Any]] = {}
        self.fetches = 0

    async def get(self, key: object, fetch: Callable[[], Awaitable[T]]) -> T:
        hit = self._values.get(key)
        if hit is not None and self._now() - hit[0] < self._ttl:
            return hit[1]  # type: ignore[return-value]
        flight = self._flights.get(key)
        if flight is None:
            flight = asyncio.ensure_future(self._fill(key, fetch))
            self._flights[key] = flight
        result: T = await asyncio.shield(flight)
        return result

    async def _fill(self, key: object, fetch: Callable[[], Awaitable[T]]) -> T:
        try:
            self.fetches += 1
            value = await fetch()
            self._values[key] = (self._now(), value)
            while len(self._values) > self._max:  # drop the oldest entry
                self._values.pop(next(iter(self._values)))
            return value
        finally:
            self._flights.pop(key, None)


def closed_only(candles: Candles) -> Candles:
    """Drop rows whose candle had not closed at `as_of` (a source's forming candle)."""
    frame = candles.frame
    if frame.empty:
        return candles
    cutoff = int(candles.as_of.timestamp() * 1000) - TIMEFRAME_MS[candles.timeframe]
    if int(frame["timestamp"].iloc[-1]) <= cutoff:
        return candles
    kept = frame[frame["timestamp"].to_numpy() <= cutoff].reset_index(drop=True)
    return Candles(candles.symbol, candles.timeframe, kept, candles.as_of)


class MarketService:
    """Cached, single-flight market data plus TA reports (see the module docstring)."""

    def __init__(
        self,
        source: MarketData,
        config: MarketConfig | None = None,
        *,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        self.source = source
        self.config = config or MarketConfig()
        self._candles = _SingleFlight(self.config.candle_ttl_s, monotonic)
        self._tickers = _SingleFlight(self.config.ticker_ttl_s, monotonic)
        self._symbols = _SingleFlight(self.config.symbols_ttl_s, monotonic)
        self._reports = _SingleFlight(float("inf"), monotonic)

    # -- MarketData ---------------------------------------------------------------------
    async def symbols(self) -> frozenset[str]:
        return await self._symbols.get("symbols", self.source.symbols)

    async def fetch_candles(self, symbol: str, timeframe: str, limit: int) -> Candles:
        """Return up to `limit` closed candles (served from the cache when fresh)."""
        if timeframe not in TIMEFRAME_MS:
            raise UnsupportedTimeframe(symbol, timeframe, tuple(TIMEFRAME_MS))
        size = max(limit, self.config.report_candles)

        async def fetch() -> Candles:
            return closed_only(await self.source.fetch_candles(symbol, timeframe, size))

        cached: Candles = await self._candles.get((symbol, timeframe, size), fetch)
        if len(cached.frame) <= limit:
            return cached
        tail = cached.frame.tail(limit).reset_index(drop=True)
        return Candles(symbol, timeframe, tail, cached.as_of)

    async def fetch_ticker(self, symbol: str) -> Ticker:
        return await self._tickers.get(symbol, lambda: self.source.fetch_ticker(symbol))

    async def close(self) -> None:
        await self.source.close()

    # -- TA -----------------------------------------------------------------------------
    async def report(self, symbol: str, timeframe: str) -> TaReport:
        """Return the TA report on the last closed candle (raise MarketDataError/AnalysisError)."""
        from analysis import analyse

        candles = await self.fetch_candles(symbol, timeframe, self.config.report_candles)
        last = int(candles.frame["timestamp"].iloc[-1]) if len(candles.frame) else 0
        frame = candles.frame

        async def compute() -> TaReport:
            return await asyncio.to_thread(analyse, frame, symbol=symbol, timeframe=timeframe)

        return await self._reports.get((symbol, timeframe, last, len(frame)), compute)

    async def multi_timeframe(
        self, symbol: str, timeframes: tuple[str, ...] = MTF_TIMEFRAMES
    ) -> tuple[TimeframeReport, ...]:
        """Return one report per timeframe; a missing timeframe says why instead of failing."""
        from analysis import AnalysisError

        async def one(tf: str) -> TimeframeReport:
            try:
                return TimeframeReport(tf, await self.report(symbol, tf))
            except UnsupportedTimeframe:
                return TimeframeReport(tf, None, UnsupportedTimeframe.__name__)
            except AnalysisError as err:
                return TimeframeReport(tf, None, type(err).__name__)

        return tuple(await asyncio.gather(*(one(tf) for tf in timeframes)))

    async def chart(self, symbol: str, timeframe: str, labels: ChartLabels | None = None) -> bytes:
        """Return a PNG chart of the recent closed candles (`labels`: its words, English by
        default)."""
        from analysis import chart_png

        candles = await self.fetch_candles(symbol, timeframe, self.config.report_candles)
        frame = candles.frame
        return await asyncio.to_thread(
            chart_png, frame, symbol=symbol, timeframe=timeframe, labels=labels
        )

    async def backtest(self, symbol: str, timeframe: str) -> BacktestResult:
        """Return the rating backtest over the available history."""
        from analysis import backtest

        candles = await self.fetch_candles(symbol, timeframe, self.config.backtest_candles)
        return await asyncio.to_thread(backtest, candles.frame)
