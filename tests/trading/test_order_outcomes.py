"""Outcomes that are always right: every fault kind on order placement, one label each.

The real ccxt client places a market buy on the local Binance server while the server injects
one fault on the order request. After the approval and ONE reconcile (past the time after
which the exchange can no longer accept the request), the exchange holds exactly one order
(none for a refusal), our database says what happened, and an executed order has its fees.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests.trading.conftest import KEY, SECRET, Harness
from trading import errors as te
from trading.models import OrderState
from trading.ports import Side
from trading.service import TradeAsk, TradingService, client_order_id

BUY_50 = TradeAsk(Side.BUY, "BTC/USDT", quote_amount=Decimal("50"))


@dataclass(frozen=True)
class Case:
    fault: str
    executed: bool
    label: str
    refusal: type[te.TradingError] | None = None


CASES = {
    "executed, then 503 -1008 server busy": Case("done+503:-1008", True, OrderState.FILLED),
    "executed, then 500 with a JSON body": Case("done+500:-1000", True, OrderState.FILLED),
    "executed, then 502 -1006 status unknown": Case("done+502:-1006", True, OrderState.FILLED),
    "executed, then an unknown code": Case("done+400:-1999", True, OrderState.FILLED),
    "executed, answer after the timeout": Case("slow", True, OrderState.FILLED),
    "executed, connection dropped": Case("drop", True, OrderState.FILLED),
    "executed late, after the timeout": Case("hang", True, OrderState.FILLED),
    "refused -2010 insufficient balance": Case(
        "400:-2010", False, OrderState.REJECTED, te.InsufficientFunds
    ),
    "refused -1013 filter failure": Case("400:-1013", False, OrderState.REJECTED, te.OrderRejected),
    "not executed, 503 -1008 server busy": Case("503:-1008", False, OrderState.NOT_PLACED),
    "not executed, 500 text body": Case("500", False, OrderState.NOT_PLACED),
    "rate limited, 429 -1003": Case("429", False, OrderState.NOT_PLACED),
    "banned, 418 -1003": Case("418", False, OrderState.NOT_PLACED),
}


async def live(harness: Harness) -> TradingService:
    svc = harness.service("live")
    await svc.connect(7, KEY, SECRET)
    return svc


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_every_placement_fault_ends_with_one_order_and_the_right_label(
    harness: Harness, case: Case
) -> None:
    svc = await live(harness)
    card = await svc.propose(7, 7, BUY_50)
    harness.fx.inject("POST", "/api/v3/order", case.fault)
    if case.refusal is not None:
        with pytest.raises(case.refusal):
            await svc.approve(card.id, 7)
        shown = svc.orders(7)[0]
    else:
        (shown,) = (await svc.approve(card.id, 7)).orders
    # never "not placed" or "rejected" before a lookup settled it: "checking" instead
    assert shown.status in (case.label, OrderState.UNKNOWN)
    await harness.fx.idle()  # a late execution has happened on the exchange
    harness.clock.advance(svc.config.absent_after_s)
    changes = await svc.settle_orders()

    on_exchange = harness.fx.orders_with_client_id(client_order_id(card.id, 0))
    (row,) = svc.orders(7)
    assert len(on_exchange) == int(case.executed)
    assert row.status == case.label
    assert harness.fx.count("POST", "/api/v3/order") == 1  # never re-sent
    if shown.checking:  # the user is told how it ended
        assert [(c.user_id, c.chat_id, c.before, c.order.status) for c in changes] == [
            (7, 7, OrderState.UNKNOWN, case.label)
        ]
    else:
        assert changes == ()
    if case.executed:
        (sent,) = on_exchange
        assert (row.fee, row.fee_currency) == (sent.commission, "BTC")
        assert row.fee > 0 and row.filled == sent.executed
        assert (await svc.pnl(7)).fees > 0


async def test_a_fill_found_by_lookup_takes_its_fees_from_the_trades(harness: Harness) -> None:
    svc = await live(harness)
    card = await svc.propose(7, 7, BUY_50)
    harness.fx.inject("POST", "/api/v3/order", "drop")
    (order,) = (await svc.approve(card.id, 7)).orders
    (sent,) = harness.fx.orders_with_client_id(client_order_id(card.id, 0))
    assert len(sent.trades) == 2  # the market order filled in two trades
    assert order.status == OrderState.FILLED
    assert order.fee == sent.commission == sum(t.commission for t in sent.trades)
    assert harness.fx.count("GET", "/api/v3/myTrades") == 1


async def test_a_failed_trades_lookup_leaves_the_order_checking(harness: Harness) -> None:
    svc = await live(harness)
    card = await svc.propose(7, 7, BUY_50)
    harness.fx.inject("POST", "/api/v3/order", "drop")
    harness.fx.inject("GET", "/api/v3/myTrades", "503:-1008", times=svc.config.reconcile_checks)
    (order,) = (await svc.approve(card.id, 7)).orders
    assert order.checking  # filled, but not recorded without its fees
    (change,) = await svc.settle_orders()
    assert change.order.status == OrderState.FILLED and change.order.fee > 0


async def test_a_resting_order_filled_later_gets_its_fee(harness: Harness) -> None:
    from tests.trading.conftest import limit_ask, place

    svc = await live(harness)
    (order,) = await place(svc, limit_ask(Side.BUY, "ETH/USDT", "0.01", "2900"))
    assert order.status == OrderState.OPEN and order.fee == 0
    harness.fx.set_price("ETHUSDT", "2899")
    (change,) = await svc.settle_orders(7)
    assert (change.before, change.order.status) == (OrderState.OPEN, OrderState.FILLED)
    assert (change.order.fee, change.order.fee_currency) == (Decimal("0.00001"), "ETH")


async def test_lookups_answered_with_errors_are_never_not_found(harness: Harness) -> None:
    svc = await live(harness)
    card = await svc.propose(7, 7, BUY_50)
    harness.fx.inject("POST", "/api/v3/order", "503:-1008")
    harness.fx.inject("GET", "/api/v3/order", "503:-1008", times=10)
    (order,) = (await svc.approve(card.id, 7)).orders
    harness.clock.advance(svc.config.absent_after_s)
    assert await svc.settle_orders() == ()  # every lookup failed: still checking
    assert svc.orders(7)[0].checking
    (change,) = await svc.settle_orders()
    assert change.order.status == OrderState.NOT_PLACED
    assert order.checking


async def test_not_found_before_the_deadline_keeps_checking(harness: Harness) -> None:
    svc = await live(harness)
    card = await svc.propose(7, 7, BUY_50)
    harness.fx.inject("POST", "/api/v3/order", "503:-1008")
    (order,) = (await svc.approve(card.id, 7)).orders
    assert order.status == OrderState.UNKNOWN
    harness.clock.advance(svc.config.absent_after_s - 1)
    assert await svc.settle_orders() == ()
    harness.clock.advance(1)
    (change,) = await svc.settle_orders()
    assert change.order.status == OrderState.NOT_PLACED
