"""Live mode: the real ccxt client against the local Binance server, with faults."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from sqlmodel import Session

from bot.core.storage import make_engine, migrate
from tests.trading.conftest import KEY, SECRET, Harness, limit_ask, place
from trading.errors import InsufficientFunds, LiveTradingError, RateLimited, UnknownSymbol
from trading.models import ExchangeKey, OrderState
from trading.ports import OrderType, Side
from trading.service import TradeAsk, client_order_id

BUY_50 = TradeAsk(Side.BUY, "BTC/USDT", quote_amount=Decimal("50"))


async def live(harness: Harness, user: int = 7, **config: object):
    svc = harness.service("live", **config)
    await svc.connect(user, KEY, SECRET)
    return svc


async def test_connect_stores_key_encrypted_and_disconnect_erases(harness) -> None:
    svc = await live(harness)
    with Session(harness.engine) as session:
        row = session.get(ExchangeKey, 7)
    assert row is not None
    assert KEY.encode() not in row.api_key_enc and SECRET.encode() not in row.secret_enc
    assert await svc.disconnect(7)
    with pytest.raises(LiveTradingError):
        await svc.propose(7, 7, BUY_50)


async def test_withdrawal_key_and_wrong_secret_are_refused(harness) -> None:
    harness.fx.add_account("wkey", "wsecret", withdrawals=True, USDT="5")
    svc = harness.service("live")
    with pytest.raises(LiveTradingError, match="withdraw"):
        await svc.connect(7, "wkey", "wsecret")
    from trading.errors import AuthFailed

    with pytest.raises(AuthFailed):
        await svc.connect(7, KEY, "wrong-secret")
    assert not svc.venues.connected(7)


async def test_live_market_buy_carries_the_derived_client_id(harness) -> None:
    svc = await live(harness)
    card = await svc.propose(7, 7, BUY_50)
    (order,) = (await svc.approve(card.id, 7)).orders
    cid = client_order_id(card.id, 0)
    assert len(cid) <= 36
    (sent,) = harness.fx.orders_with_client_id(cid)
    assert sent.qty == Decimal("0.00083") and sent.status == "FILLED"
    assert order.status == OrderState.FILLED and order.fee_currency == "BTC"


async def test_live_limit_and_cancel(harness) -> None:
    svc = await live(harness)
    ask = limit_ask(Side.BUY, "ETH/USDT", "0.01", "2500")
    (order,) = await place(svc, ask)
    assert order.status == OrderState.OPEN
    canceled = await svc.cancel(7, order.id)
    assert canceled.status == OrderState.CANCELED
    assert harness.fx.orders[-1].status == "CANCELED"


@pytest.mark.parametrize("fault", ["hang", "drop"])
async def test_lost_reply_is_reconciled_and_recorded_once(harness, fault: str) -> None:
    svc = await live(harness)
    card = await svc.propose(7, 7, BUY_50)
    harness.fx.inject("POST", "/api/v3/order", fault)
    (order,) = (await svc.approve(card.id, 7)).orders
    assert order.status == OrderState.FILLED
    assert len(harness.fx.orders_with_client_id(client_order_id(card.id, 0))) == 1
    assert harness.fx.count("POST", "/api/v3/order") == 1  # never re-sent
    assert len(svc.orders(7)) == 1


@pytest.mark.parametrize("fault", ["500", "429"])
async def test_refused_in_transit_is_not_placed_once_it_can_no_longer_appear(
    harness, fault
) -> None:
    svc = await live(harness)
    card = await svc.propose(7, 7, BUY_50)
    harness.fx.inject("POST", "/api/v3/order", fault)
    (order,) = (await svc.approve(card.id, 7)).orders
    assert order.status == OrderState.UNKNOWN  # "checking", not "not placed", for now
    assert harness.fx.count("GET", "/api/v3/order") == svc.config.reconcile_checks
    harness.clock.advance(svc.config.absent_after_s)
    assert await svc.reconcile() == 1
    assert svc.orders(7)[0].status == OrderState.NOT_PLACED
    assert harness.fx.orders_with_client_id(client_order_id(card.id, 0)) == []
    assert harness.fx.count("POST", "/api/v3/order") == 1
    assert harness.fx.count("GET", "/api/v3/order") == svc.config.reconcile_checks + 1


async def test_lookup_failures_leave_the_order_unknown_for_later(harness) -> None:
    svc = await live(harness, reconcile_checks=2)
    card = await svc.propose(7, 7, BUY_50)
    harness.fx.inject("POST", "/api/v3/order", "drop")
    harness.fx.inject("GET", "/api/v3/order", "500", times=2)
    (order,) = (await svc.approve(card.id, 7)).orders
    assert order.status == OrderState.UNKNOWN  # never declared absent while lookups fail
    assert await svc.reconcile() == 1
    assert svc.orders(7)[0].status == OrderState.FILLED


async def test_restart_settles_sending_and_open_orders(harness) -> None:
    svc = await live(harness)
    ask = limit_ask(Side.BUY, "ETH/USDT", "0.01", "2900")
    await svc.approve((await svc.propose(7, 7, ask)).id, 7)
    # crash between recording and sending: the claim is committed, nothing was sent
    crashed = await svc.propose(7, 7, BUY_50)
    from trading.service import new_order

    row = svc.store.proposal(crashed.id)
    svc.store.claim(row, new_order(row, 0, "buy", row.amount, harness.clock()), harness.clock())
    harness.fx.set_price("ETHUSDT", "2899")
    harness.clock.advance(60)  # the unsent order can no longer reach the exchange
    restarted = harness.service("live")  # a new process: fresh service and clients
    assert await restarted.reconcile() == 2
    states = sorted(o.status for o in restarted.orders(7))
    assert states == [OrderState.FILLED, OrderState.NOT_PLACED]
    assert harness.fx.count("POST", "/api/v3/order") == 1


async def test_insufficient_funds_bad_symbol_and_rate_limit(harness) -> None:
    svc = await live(harness)
    card = await svc.propose(7, 7, BUY_50)
    harness.fx.accounts[KEY].balances["USDT"] = Decimal("10")  # spent elsewhere meanwhile
    with pytest.raises(InsufficientFunds):
        await svc.approve(card.id, 7)
    assert svc.orders(7)[0].status == OrderState.REJECTED
    with pytest.raises(UnknownSymbol):
        await svc.propose(7, 7, TradeAsk(Side.BUY, "NOPE/USDT", quote_amount=Decimal("50")))
    harness.fx.inject("GET", "/api/v3/ticker/24hr", "429")
    with pytest.raises(RateLimited):
        await svc.propose(7, 7, BUY_50)


async def test_two_workers_on_one_postgres_place_one_order(fx, clock, pg_schema_url) -> None:
    url, schema = pg_schema_url
    engines = [make_engine(url, schema=schema), make_engine(url, schema=schema)]
    migrate(engines[0])
    workers = [Harness(fx, engine, clock) for engine in engines]
    try:
        first = await live(workers[0])
        second = workers[1].service("live")  # another bot process: own engine, own clients
        for _ in range(10):
            card = await first.propose(
                7, 7, TradeAsk(Side.BUY, "BTC/USDT", quote_amount=Decimal("20"))
            )
            results = await asyncio.gather(
                first.approve(card.id, 7),
                second.approve(card.id, 7),
                first.approve(card.id, 7),
                second.approve(card.id, 7),
                return_exceptions=True,
            )
            assert sum(not isinstance(r, Exception) for r in results) == 1, results
            assert len(fx.orders_with_client_id(client_order_id(card.id, 0))) == 1
        assert len(first.orders(7, limit=50)) == 10
    finally:
        for worker in workers:
            for close in worker.closers:
                await close()  # type: ignore[misc]
        for engine in engines:
            engine.dispose()


async def test_an_order_that_appears_after_the_checks_is_recovered_later(harness) -> None:
    harness.fx.hang_s = 2.5  # the exchange executes long after our bounded checks gave up
    svc = await live(harness, reconcile_checks=2, reconcile_delay_s=0.05)
    card = await svc.propose(7, 7, BUY_50)
    harness.fx.inject("POST", "/api/v3/order", "hang")
    (order,) = (await svc.approve(card.id, 7)).orders
    assert order.status == OrderState.UNKNOWN  # never shown as "not placed" while in flight
    cid = client_order_id(card.id, 0)
    for _ in range(100):  # wait (bounded) for the late execution on the exchange
        if harness.fx.orders_with_client_id(cid):
            break
        await asyncio.sleep(0.05)
    assert len(harness.fx.orders_with_client_id(cid)) == 1
    assert await svc.reconcile() == 1
    assert svc.orders(7)[0].status == OrderState.FILLED
    assert harness.fx.count("POST", "/api/v3/order") == 1


async def test_selling_what_was_bought_fits_after_the_base_asset_fee(harness) -> None:
    svc = await live(harness)
    (bought,) = await place(svc, TradeAsk(Side.BUY, "ETH/USDT", amount=Decimal("0.05")))
    assert bought.status == OrderState.FILLED
    free = {b.asset: b.free for b in await svc.balances(7)}["ETH"]
    assert free == Decimal("0.04995")  # Binance kept 0.1 % of the ETH as the fee
    card = await svc.propose(7, 7, TradeAsk(Side.SELL, "ETH/USDT", amount=Decimal("0.05")))
    assert card.amount == Decimal("0.0499")  # the free balance, truncated to the lot step
    (sold,) = (await svc.approve(card.id, 7)).orders
    assert sold.status == OrderState.FILLED
    with pytest.raises(InsufficientFunds):  # not silently shrunk: refused before the card
        await svc.propose(7, 7, TradeAsk(Side.SELL, "BTC/USDT", amount=Decimal("1")))


async def test_panic_cancels_the_bots_and_the_users_own_open_orders(harness) -> None:
    from trading.ccxt_adapter import CcxtExchange
    from trading.ports import OrderRequest, OrderType

    svc = await live(harness)
    await place(svc, limit_ask(Side.BUY, "ETH/USDT", "0.01", "2500"))
    own = CcxtExchange("binance", api_key=KEY, secret=SECRET, api_url=harness.fx.url)
    try:  # an order the user placed by hand on the exchange
        await own.place_order(
            OrderRequest(
                "manual-1",
                "SOL/USDT",
                Side.BUY,
                OrderType.LIMIT,
                Decimal("1"),
                price=Decimal("100"),
            )
        )
    finally:
        await own.close()
    panic = await svc.propose_panic(7, 7, flatten=False)
    result = await svc.approve(panic.id, 7)
    assert result.canceled == 2
    assert [o.status for o in harness.fx.orders] == ["CANCELED", "CANCELED"]
    assert result.orders == ()  # no flatten: nothing sold


async def test_live_stop_loss_order_rests_then_triggers(harness) -> None:
    svc = await live(harness)
    await place(svc, TradeAsk(Side.BUY, "SOL/USDT", amount=Decimal("1")))
    stop = TradeAsk(
        Side.SELL,
        "SOL/USDT",
        amount=Decimal("0.999"),
        order_type=OrderType.STOP,
        trigger=Decimal("140"),
    )
    (order,) = await place(svc, stop)
    sent = harness.fx.orders[-1]
    assert (sent.type, sent.stop, order.status) == ("STOP_LOSS", Decimal("140"), OrderState.OPEN)
    harness.fx.set_price("SOLUSDT", "139.5")
    assert await svc.reconcile() == 1
    assert svc.orders(7)[0].status == OrderState.FILLED
