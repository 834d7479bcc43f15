"""Trading fixtures: the local Binance server, the real ccxt client, services on both stores."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from privacy.crypto import SecretBox
from tests.fakes.binance_server import FakeBinance
from trading.ccxt_adapter import CcxtExchange
from trading.paper import PaperConfig
from trading.ports import OrderType, Side
from trading.service import OrderView, TradeAsk, TradingConfig, TradingService
from trading.venues import Venues

KEY, SECRET = "test-key-1", "test-secret-1"


@dataclass
class ManualClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 1, 5, 12, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
async def fx() -> AsyncIterator[FakeBinance]:
    async with FakeBinance(hang_s=1.5) as server:
        server.add_account(KEY, SECRET, USDT="10000")
        yield server


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@dataclass
class Harness:
    fx: FakeBinance
    engine: Engine
    clock: ManualClock
    closers: list[Callable[[], object]] = field(default_factory=list)

    def service(self, mode: str = "paper", **config: object) -> TradingService:
        market = CcxtExchange("binance", api_url=self.fx.url, timeout_s=2, rate_limit=False)

        def live(api_key: str, secret: str) -> CcxtExchange:
            return CcxtExchange(
                "binance",
                api_key=api_key,
                secret=secret,
                api_url=self.fx.url,
                timeout_s=1.0,
                rate_limit=False,
            )

        venues = Venues(
            self.engine,
            mode=mode,
            market=market,
            paper=PaperConfig(),
            clock=self.clock,
            box=SecretBox(b"k" * 32),
            exchange_id="binance",
            live_factory=live,
        )
        defaults: dict[str, object] = {
            "mode": mode,
            # lookups span ~1 s after the 1 s client timeout: a "hang" (executes at 1.5 s)
            # is found with margin either side, also on a loaded machine
            "reconcile_delay_s": 0.2,
            "order_timeout_s": 3.0,
            "price_tolerance_pct": Decimal("0.5"),
        }
        defaults.update(config)
        config = TradingConfig(**defaults)  # type: ignore[arg-type]
        service = TradingService(self.engine, venues, config, clock=self.clock)
        self.closers += [market.close, venues.close]
        return service


@pytest.fixture
async def harness(fx: FakeBinance, engine: Engine, clock: ManualClock) -> AsyncIterator[Harness]:
    h = Harness(fx, engine, clock)
    try:
        yield h
    finally:
        for close in h.closers:
            await close()  # type: ignore[misc]


def limit_ask(side: Side, symbol: str, amount: str, price: str) -> TradeAsk:
    """Return a limit-order ask."""
    return TradeAsk(
        side, symbol, amount=Decimal(amount), order_type=OrderType.LIMIT, price=Decimal(price)
    )


async def place(svc: TradingService, ask: TradeAsk, user: int = 7) -> tuple[OrderView, ...]:
    """Propose and approve in one go; return the orders."""
    return (await svc.approve((await svc.propose(user, user, ask)).id, user)).orders
