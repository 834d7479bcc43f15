"""Protected positions live: the real ccxt client against the local Binance server.

The legs are one OCO order list on the exchange (POST /api/v3/orderList/oco); the server's
price path (`set_price`) triggers them as Binance would.
"""

from __future__ import annotations

from decimal import Decimal

from tests.trading.conftest import KEY, SECRET, Harness
from trading.ports import Side
from trading.service import TradeAsk, TradingService, client_order_id, new_order

STOP, TAKE = Decimal("50000"), Decimal("70000")
PROTECTED = TradeAsk(Side.BUY, "BTC/USDT", amount=Decimal("0.01"), stop_loss=STOP, take_profit=TAKE)
OCO = ("POST", "/api/v3/orderList/oco")


async def live(harness: Harness, **config: object) -> TradingService:
    svc = harness.service("live", **config)
    await svc.connect(7, KEY, SECRET)
    return svc


async def buy_protected(svc: TradingService):
    card = await svc.propose(7, 7, PROTECTED)
    return card, (await svc.approve(card.id, 7)).orders


async def test_entry_then_one_oco_list_sized_net_of_the_base_fee(harness) -> None:
    svc = await live(harness)
    card, (entry, stop, take) = await buy_protected(svc)
    assert entry.status == "filled" and entry.fee_currency == "BTC"
    net = entry.filled - entry.fee
    assert net == Decimal("0.00999")
    assert (stop.role, stop.status, stop.amount) == ("stop_loss", "open", net)
    assert (take.role, take.status, take.amount) == ("take_profit", "open", net)
    (book,) = harness.fx.lists.values()
    legs = [o for o in harness.fx.orders if o.list_id == book.list_id]
    assert sorted((o.type, o.client_id) for o in legs) == [
        ("LIMIT_MAKER", client_order_id(card.id, 91)),
        ("STOP_LOSS", client_order_id(card.id, 90)),
    ]
    assert harness.fx.count(*OCO) == 1
    assert harness.fx.accounts[KEY].locked["BTC"] == net  # one reservation for the pair
    (position,) = await svc.positions(7)
    assert (position.amount, position.stop, position.take_profit) == (net, STOP, TAKE)


async def test_the_price_falls_through_the_stop(harness) -> None:
    svc = await live(harness)
    await buy_protected(svc)
    harness.fx.set_price("BTCUSDT", "49990")
    changes = {c.order.role: c for c in await svc.settle_orders()}
    stop, take = changes["stop_loss"].order, changes["take_profit"].order
    assert (stop.status, stop.average, take.status) == ("filled", Decimal("49990"), "canceled")
    assert stop.fee_currency == "USDT" and stop.fee > 0  # fees from the order's trades
    assert changes["stop_loss"].chat_id == 7
    assert await svc.positions(7) == ()
    assert harness.fx.accounts[KEY].balances.get("BTC", Decimal(0)) == 0


async def test_the_price_rises_to_the_take_profit(harness) -> None:
    svc = await live(harness)
    await buy_protected(svc)
    harness.fx.set_price("BTCUSDT", "70100")
    changes = {c.order.role: c.order for c in await svc.settle_orders()}
    assert changes["take_profit"].status == "filled"
    assert changes["take_profit"].average == TAKE
    assert changes["stop_loss"].status == "canceled"
    assert await svc.positions(7) == ()
    assert (await svc.pnl(7)).realized > 0


async def test_a_gap_fills_the_stop_at_the_worse_price(harness) -> None:
    svc = await live(harness)
    await buy_protected(svc)
    harness.fx.set_price("BTCUSDT", "45000")
    changes = {c.order.role: c.order for c in await svc.settle_orders()}
    assert changes["stop_loss"].average == Decimal("45000")
    assert changes["take_profit"].status == "canceled"


async def test_crash_between_entry_fill_and_legs_places_one_list_after_restart(harness) -> None:
    first = await live(harness)
    card = await first.propose(7, 7, PROTECTED)
    row = first.store.proposal(card.id)
    entry = new_order(row, 0, "buy", row.amount, harness.clock())
    assert first.store.claim(row, entry, harness.clock())
    await first.desk.send(await first.venues.for_user(7), entry)  # then the process dies
    assert harness.fx.count(*OCO) == 0
    restarted = harness.service("live")  # a new process over the same DB and exchange
    placed = await restarted.settle_orders()
    assert sorted(c.order.role for c in placed) == ["stop_loss", "take_profit"]
    assert await restarted.settle_orders() == ()
    assert await harness.service("live").settle_orders() == ()
    assert harness.fx.count(*OCO) == 1 and len(harness.fx.lists) == 1


async def test_a_dropped_list_answer_is_looked_up_never_resent(harness) -> None:
    svc = await live(harness)
    harness.fx.inject(*OCO, "drop")
    _, (entry, stop, take) = await buy_protected(svc)
    assert entry.status == "filled"
    assert stop.status == take.status == "open"  # found by their client ids
    assert harness.fx.count(*OCO) == 1 and len(harness.fx.lists) == 1


async def test_a_refused_list_leaves_the_entry_and_says_so(harness) -> None:
    svc = await live(harness)
    card = await svc.propose(7, 7, PROTECTED)
    harness.fx.set_price("BTCUSDT", "60200")  # within tolerance; the stop stays below
    harness.fx.inject(*OCO, "400:-1013")
    entry, stop, take = (await svc.approve(card.id, 7)).orders
    assert entry.status == "filled"
    assert stop.status == take.status == "rejected"
    assert await svc.settle_orders() == ()  # recorded once: not retried behind the user


async def test_sell_and_panic_release_the_list_first(harness) -> None:
    svc = await live(harness)
    await buy_protected(svc)
    card = await svc.propose(7, 7, TradeAsk(Side.SELL, "BTC/USDT", amount=Decimal("0.004")))
    sold, stop, take = (await svc.approve(card.id, 7)).orders
    assert sold.status == "filled"
    assert stop.amount == take.amount == Decimal("0.00599")
    assert [b.status for b in harness.fx.lists.values()] == ["ALL_DONE", "EXECUTING"]
    panic = await svc.propose_panic(7, 7, flatten=True)
    done = await svc.approve(panic.id, 7)
    assert done.canceled == 2
    assert [o.status for o in done.orders] == ["filled"]
    assert all(b.status == "ALL_DONE" for b in harness.fx.lists.values())
    assert await svc.positions(7) == ()


async def test_legs_that_never_reached_the_exchange_are_sent_again_once(harness) -> None:
    svc = await live(harness)
    harness.fx.inject(*OCO, "500")  # refused in transit: nothing placed
    _, (entry, stop, take) = await buy_protected(svc)
    assert entry.status == "filled" and stop.status == take.status == "unknown"
    harness.clock.advance(svc.config.absent_after_s)  # the request can no longer execute
    changes = await svc.settle_orders()
    resent = [c.order for c in changes if c.before == ""]
    assert sorted((o.role, o.status) for o in resent) == [
        ("stop_loss", "open"),
        ("take_profit", "open"),
    ]
    assert await svc.settle_orders() == ()
    assert harness.fx.count(*OCO) == 2 and len(harness.fx.lists) == 1
    (position,) = await svc.positions(7)
    assert (position.stop, position.take_profit) == (STOP, TAKE)
