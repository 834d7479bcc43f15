"""Protected positions on paper: legs placed after the entry fills, run on the price path.

The market is a scripted price path (tests/fakes/price_path.py); the database is real
(SQLite and PostgreSQL). Each test walks a position from approval to its close.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from privacy.crypto import SecretBox
from tests.fakes.price_path import PricePath
from tests.trading.conftest import ManualClock
from trading.errors import RiskRejected
from trading.models import PaperOrder
from trading.paper import PaperConfig
from trading.ports import OrderType, Side
from trading.service import TradeAsk, TradingConfig, TradingService, client_order_id, new_order
from trading.venues import Venues

STOP, TAKE = Decimal("50000"), Decimal("70000")
PROTECTED = TradeAsk(Side.BUY, "BTC/USDT", amount=Decimal("0.01"), stop_loss=STOP, take_profit=TAKE)


def service(engine: Engine, market: PricePath, clock: ManualClock) -> TradingService:
    venues = Venues(
        engine,
        mode="paper",
        market=market,
        paper=PaperConfig(),
        clock=clock,
        box=SecretBox(b"k" * 32),
        exchange_id="binance",
    )
    return TradingService(engine, venues, TradingConfig(mode="paper"), clock=clock)


@pytest.fixture
def path() -> PricePath:
    return PricePath("BTC/USDT", "60000")


@pytest.fixture
def svc(engine: Engine, path: PricePath, clock: ManualClock) -> TradingService:
    return service(engine, path, clock)


async def buy_protected(svc: TradingService, ask: TradeAsk = PROTECTED):
    card = await svc.propose(7, 7, ask)
    return card, (await svc.approve(card.id, 7)).orders


def book(engine: Engine) -> dict[str, PaperOrder]:
    with Session(engine) as session:
        return {r.client_order_id: r for r in session.exec(select(PaperOrder)).all()}


async def test_approval_places_the_entry_and_both_legs_sized_from_the_fill(svc, engine) -> None:
    card, (entry, stop, take) = await buy_protected(svc)
    assert entry.status == "filled" and entry.role == ""
    assert (stop.role, stop.order_type, stop.trigger_price) == ("stop_loss", "stop", STOP)
    assert (take.role, take.order_type, take.price) == ("take_profit", "limit", TAKE)
    assert stop.status == take.status == "open" and stop.side == take.side == "sell"
    assert stop.amount == take.amount == entry.filled == Decimal("0.01")  # fee paid in USDT
    legs = book(engine)
    ids = {client_order_id(card.id, 90), client_order_id(card.id, 91)}
    assert ids <= set(legs) and legs[client_order_id(card.id, 90)].list_id is not None
    btc = {b.asset: b for b in await svc.balances(7)}["BTC"]
    assert (btc.free, btc.used) == (Decimal(0), Decimal("0.01"))  # the pair holds it once
    (position,) = await svc.positions(7)
    assert (position.stop, position.take_profit) == (STOP, TAKE)


async def test_a_low_through_the_stop_fills_it_cancels_the_take_profit_and_tells(svc, path) -> None:
    await buy_protected(svc)
    path.candle("60000", "60500", "51000", "59000")  # not yet
    assert await svc.settle_orders() == ()
    path.candle("59000", "59500", "49800", "58000")  # the low crosses; the close is above
    changes = {c.order.role: c for c in await svc.settle_orders()}
    stop, take = changes["stop_loss"], changes["take_profit"]
    assert (stop.before, stop.order.status, take.order.status) == ("open", "filled", "canceled")
    assert stop.chat_id == 7
    assert stop.order.average == Decimal("49975.00")  # the stop, less slippage
    assert await svc.positions(7) == ()  # the position is closed
    assert {b.asset for b in await svc.balances(7)} == {"USDT"}
    pnl = await svc.pnl(7)
    assert pnl.closed_trades == 1 and pnl.realized < 0


async def test_take_profit_first_fills_at_its_limit_and_cancels_the_stop(svc, path) -> None:
    await buy_protected(svc)
    path.candle("60000", "70500", "59000", "69000")
    changes = {c.order.role: c.order for c in await svc.settle_orders()}
    assert changes["take_profit"].status == "filled"
    assert changes["take_profit"].average == TAKE
    assert changes["stop_loss"].status == "canceled"
    assert await svc.positions(7) == ()
    assert (await svc.pnl(7)).realized > 0


async def test_a_gap_through_the_stop_fills_at_the_open_the_worse_price(svc, path) -> None:
    await buy_protected(svc)
    path.candle("48000", "48500", "47000", "47500")  # opened below the stop
    changes = {c.order.role: c.order for c in await svc.settle_orders()}
    assert changes["stop_loss"].status == "filled"
    assert changes["stop_loss"].average == Decimal("47976.00")  # 48000 less slippage
    assert changes["take_profit"].status == "canceled"


async def test_a_bar_touching_both_legs_fills_the_stop(svc, path) -> None:
    await buy_protected(svc)
    path.candle("60000", "71000", "49000", "60000")
    changes = {c.order.role: c.order.status for c in await svc.settle_orders()}
    assert changes == {"stop_loss": "filled", "take_profit": "canceled"}


async def test_a_lone_stop_is_a_plain_stop_order(svc, path, engine) -> None:
    ask = TradeAsk(Side.BUY, "BTC/USDT", amount=Decimal("0.01"), stop_loss=STOP)
    card, (entry, stop) = await buy_protected(svc, ask)
    assert entry.status == "filled"
    assert stop.role == "stop_loss" and stop.status == "open"
    assert book(engine)[client_order_id(card.id, 90)].list_id is None
    path.candle("60000", "60000", "49000", "49500")
    (change,) = await svc.settle_orders()
    assert change.order.status == "filled" and await svc.positions(7) == ()


async def test_crash_between_entry_fill_and_legs_places_them_once_after_restart(
    engine, path, clock
) -> None:
    first = service(engine, path, clock)
    card = await first.propose(7, 7, PROTECTED)
    row = first.store.proposal(card.id)
    entry = new_order(row, 0, "buy", row.amount, clock())
    assert first.store.claim(row, entry, clock())
    await first.desk.send(await first.venues.for_user(7), entry)  # then the process dies
    assert [o.role for o in first.orders(7)] == [""]
    restarted = [service(engine, path, clock), service(engine, path, clock)]
    results = await asyncio.gather(*(s.settle_orders() for s in restarted))
    placed = [c for changes in results for c in changes]
    assert sorted(c.order.role for c in placed) == ["stop_loss", "take_profit"]
    assert all(c.before == "" and c.order.status == "open" for c in placed)
    assert await restarted[0].settle_orders() == ()  # never again
    cids = [cid for cid in book(engine) if cid.startswith(client_order_id(card.id, 0)[:-2])]
    assert len(cids) == 3  # the entry and its two legs, each once
    (position,) = await restarted[0].positions(7)
    assert (position.stop, position.take_profit) == (STOP, TAKE)


async def test_selling_part_resizes_the_legs_and_panic_cancels_them_first(svc, path) -> None:
    await buy_protected(svc)
    card = await svc.propose(7, 7, TradeAsk(Side.SELL, "BTC/USDT", amount=Decimal("0.004")))
    sold, stop, take = (await svc.approve(card.id, 7)).orders
    assert sold.status == "filled" and sold.amount == Decimal("0.004")
    assert (stop.amount, stop.trigger_price, take.price) == (Decimal("0.006"), STOP, TAKE)
    statuses = sorted((o.role, o.amount, o.status) for o in svc.orders(7) if o.role)
    assert statuses == [
        ("stop_loss", Decimal("0.006"), "open"),
        ("stop_loss", Decimal("0.01"), "canceled"),
        ("take_profit", Decimal("0.006"), "open"),
        ("take_profit", Decimal("0.01"), "canceled"),
    ]
    panic = await svc.propose_panic(7, 7, flatten=True)
    done = await svc.approve(panic.id, 7)
    assert done.canceled == 2
    (flat,) = done.orders
    assert flat.status == "filled" and flat.amount == Decimal("0.006")
    assert await svc.positions(7) == ()
    assert not [o for o in svc.orders(7, limit=20) if o.status == "open"]


async def test_the_stop_rule_means_a_placed_stop(svc) -> None:
    big = TradeAsk(Side.BUY, "BTC/USDT", amount=Decimal("0.01"))  # 600 USDT, no stop
    with pytest.raises(RiskRejected):
        await svc.propose(7, 7, big)
    _, orders = await buy_protected(svc)
    assert [o.role for o in orders] == ["", "stop_loss", "take_profit"]
    assert all(o.status != "rejected" for o in orders)


async def test_a_limit_entry_filled_later_gets_its_legs_then(svc, path) -> None:
    ask = TradeAsk(
        Side.BUY,
        "BTC/USDT",
        amount=Decimal("0.01"),
        order_type=OrderType.LIMIT,
        price=Decimal("59000"),
        stop_loss=STOP,
        take_profit=TAKE,
    )
    _, (entry,) = await buy_protected(svc, ask)
    assert entry.status == "open"
    assert await svc.settle_orders() == ()  # nothing to protect yet
    path.candle("60000", "60100", "58900", "59500")
    changes = await svc.settle_orders()
    assert [(c.order.role, c.before, c.order.status) for c in changes] == [
        ("", "open", "filled"),
        ("stop_loss", "", "open"),
        ("take_profit", "", "open"),
    ]
    assert changes[0].order.average == Decimal("59000")


async def test_crash_after_recording_the_legs_before_sending_them(engine, path, clock) -> None:
    first = service(engine, path, clock)
    card = await first.propose(7, 7, PROTECTED)
    row = first.store.proposal(card.id)
    entry = new_order(row, 0, "buy", row.amount, clock())
    assert first.store.claim(row, entry, clock())
    filled = await first.desk.send(await first.venues.for_user(7), entry)
    legs = [
        first.protector.leg_order(row, 90, filled.filled, clock(), trigger=STOP),
        first.protector.leg_order(row, 91, filled.filled, clock(), price=TAKE),
    ]
    assert first.store.add_legs(legs)  # recorded, then the process dies before sending
    restarted = service(engine, path, clock)
    assert await restarted.settle_orders() == ()  # still checking: it may yet appear
    clock.advance(restarted.config.absent_after_s)  # the request can no longer execute
    changes = await restarted.settle_orders()
    resent = sorted((c.order.role, c.order.status) for c in changes if c.before == "")
    assert resent == [("stop_loss", "open"), ("take_profit", "open")]
    assert await restarted.settle_orders() == ()
    legs_booked = [cid for cid in book(engine) if cid.endswith(("90", "91"))]
    assert len(legs_booked) == 2
