"""WatchService on SQLite and PostgreSQL: two workers evaluating the same watches propose
once per trigger; the proposal asked for carries the rule's trade and the priced levels."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from sqlalchemy import Engine

from tests.e2e.harness import MovableClock
from tests.fakes.replay_market import ReplayMarket
from trading.conditions import AlertKind, AlertRule
from trading.errors import RiskRejected
from trading.ports import Candles, Side
from trading.views import ProposalView, TradeAsk
from trading.watches import Level, WatchService, WatchSpec

USER = 5


class RecordingProposer:
    """A Proposer that records what it was asked and refuses (so nothing is stored)."""

    def __init__(self) -> None:
        self.asks: list[TradeAsk] = []

    async def propose(self, user_id: int, chat_id: int, ask: TradeAsk) -> ProposalView:
        self.asks.append(ask)
        raise RiskRejected("max_open_positions", "test proposer places nothing")


class YieldingMarket(ReplayMarket):
    """The replayed market, but each fetch lets the other worker run (as network I/O would)."""

    async def fetch_candles(self, symbol: str, timeframe: str, limit: int) -> Candles:
        await asyncio.sleep(0)
        return await super().fetch_candles(symbol, timeframe, limit)


async def test_two_workers_propose_a_trigger_once(engine: Engine) -> None:
    clock = MovableClock()
    proposer = RecordingProposer()
    workers = [
        WatchService(engine, YieldingMarket(clock), proposer, clock, max_per_user=3)
        for _ in range(2)
    ]
    rule = AlertRule("BTC/USDT", AlertKind.PRICE_ABOVE, Decimal(1), "5m")
    spec = WatchSpec(rule, Side.BUY, Decimal("0.001"), stop=Level(Decimal(2), True))
    await workers[0].add(USER, USER, spec)
    clock.advance(minutes=6)
    first, second = await asyncio.gather(workers[0].check(), workers[1].check())
    results = first + second
    assert len(results) == 1 and len(proposer.asks) == 1
    item = results[0]
    assert isinstance(item.refusal, RiskRejected) and item.proposal is None
    ask = proposer.asks[0]
    assert ask.side is Side.BUY and ask.symbol == "BTC/USDT" and ask.amount == Decimal("0.001")
    assert ask.stop_loss == item.trigger.price * Decimal("0.98") and ask.take_profit is None
    clock.advance(minutes=10)
    assert await workers[1].check() == [] and len(proposer.asks) == 1  # once
