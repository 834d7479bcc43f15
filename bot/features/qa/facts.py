"""Live facts for a Q&A answer: price and 24h change from the market service, TA summary.

The lines are rendered here, never by the model; a market or analysis failure means "answer
without live facts" (FactsUnavailable), never a crash.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from bot.core.i18n import ENGLISH, t
from llm import Fact

if TYPE_CHECKING:
    from trading.ports import Candles, MarketData

TaSummary = Callable[["Candles"], str]


class FactsUnavailable(Exception):
    """Live facts cannot be fetched now (exchange down, rate limited): answer without them."""


class FactSource(Protocol):
    """Live facts about a market symbol (built over the market data service)."""

    async def symbols(self) -> frozenset[str]:
        """Return the listed symbols ("BTC/USDT", ...)."""
        ...

    async def facts(self, symbol: str, timeframe: str, *, levels: bool = False) -> tuple[Fact, ...]:
        """Return price, 24h change, a TA summary when available, and levels when asked."""
        ...


def dated(at: datetime) -> str:
    """Return a fact's time as "2024-08-06 00:00 UTC"."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def ta_summary(candles: Candles) -> str:
    """Return a one-line TA summary (rating and RSI) of closed candles."""
    from analysis import latest_rsi, technical_rating

    rating = technical_rating(candles.frame)
    signal = rating.signal.value if rating.signal is not None else t(ENGLISH, "qa.signal.none")
    rsi = latest_rsi(candles.frame)
    return t(
        ENGLISH,
        "qa.fact.ta",
        symbol=candles.symbol,
        timeframe=candles.timeframe,
        signal=signal,
        rsi=f"{rsi:.1f}",
    )


def levels_summary(candles: Candles) -> str:
    """Return the nearest support and resistance of closed candles as one line."""
    from analysis import LevelKind, analyse

    report = analyse(candles.frame, symbol=candles.symbol, timeframe=candles.timeframe)
    parts = []
    for kind in (LevelKind.SUPPORT, LevelKind.RESISTANCE):
        near = [lv for lv in report.levels if lv.kind is kind]
        if near:
            best = min(near, key=lambda lv: abs(lv.distance_pct))
            price = f"{best.price:.6g}"
            parts.append(t(ENGLISH, f"qa.fact.{kind.value}", price=price, touches=best.touches))
    found = t(ENGLISH, "qa.fact.levels_sep").join(parts) or t(ENGLISH, "qa.fact.no_levels")
    return t(
        ENGLISH, "qa.fact.levels", symbol=candles.symbol, timeframe=candles.timeframe, found=found
    )


def fact_errors() -> tuple[type[Exception], ...]:
    """Return the errors that mean "no live facts now" (market data and analysis failures)."""
    from analysis import AnalysisError
    from trading.errors import MarketDataError

    return (MarketDataError, AnalysisError, OSError, TimeoutError)


@dataclass
class MarketFacts:
    """FactSource over trading's MarketData (+ an analysis summary of the candles)."""

    market: MarketData
    ta_summary: TaSummary | None = ta_summary
    origin: str = "replay"  # where prices come from, shown with each price: replay or live
    errors: tuple[type[Exception], ...] = field(default_factory=fact_errors)

    async def symbols(self) -> frozenset[str]:
        """Return the listed symbols (empty when the exchange cannot be asked)."""
        try:
            return await self.market.symbols()
        except self.errors:
            return frozenset()

    async def facts(self, symbol: str, timeframe: str, *, levels: bool = False) -> tuple[Fact, ...]:
        """Return the live facts; raise FactsUnavailable when the exchange fails."""
        try:
            return await self._facts(symbol, timeframe, levels)
        except self.errors as exc:
            raise FactsUnavailable(type(exc).__name__) from None

    async def _facts(self, symbol: str, timeframe: str, levels: bool) -> tuple[Fact, ...]:
        ticker = await self.market.fetch_ticker(symbol)
        quote = symbol.partition("/")[2] or "USDT"
        price = t(
            ENGLISH,
            "qa.fact.price",
            symbol=symbol,
            price=f"{ticker.last} {quote}",
            at=dated(ticker.at),
            origin=self.origin,
        )
        facts = [Fact(f"price:{symbol}", _label("price", symbol), price)]
        if ticker.change_24h_pct is not None:
            change = f"{ticker.change_24h_pct:+.2f}%"
            line = t(ENGLISH, "qa.fact.change", symbol=symbol, change=change)
            facts.append(Fact(f"change:{symbol}", _label("change", symbol), line))
        if self.ta_summary is not None or levels:
            candles = await self.market.fetch_candles(symbol, timeframe, 300)
        if self.ta_summary is not None:
            summary = await asyncio.to_thread(self.ta_summary, candles)
            label = _label("ta", symbol, timeframe)
            facts.append(Fact(f"ta:{symbol}:{timeframe}", label, summary))
        if levels:
            line = await asyncio.to_thread(levels_summary, candles)
            label = _label("levels", symbol, timeframe)
            facts.append(Fact(f"levels:{symbol}:{timeframe}", label, line))
        return tuple(facts)


def _label(kind: str, symbol: str, timeframe: str = "") -> str:
    """Return a fact's label ("BTC/USDT 1h TA"), in English like the fact itself."""
    return t(ENGLISH, f"qa.label.{kind}", symbol=symbol, timeframe=timeframe)
