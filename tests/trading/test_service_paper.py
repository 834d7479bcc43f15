"""Proposals, approval and risk rules on the paper venue (prices from the local exchange)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from decimal import Decimal

import pytest

from tests.trading.conftest import limit_ask, place
from trading.errors import (
    AlreadyDecided,
    InsufficientFunds,
    NotYourProposal,
    PriceMoved,
    ProposalExpired,
    RiskRejected,
    UnknownSymbol,
)
from trading.models import OrderState, ProposalStatus
from trading.ports import OrderType, Side
from trading.risk import Rule
from trading.service import TradeAsk

BUY_50 = TradeAsk(Side.BUY, "BTC/USDT", quote_amount=Decimal("50"))


async def test_market_buy_from_quote_budget_fills_and_moves_the_wallet(harness) -> None:
    svc = harness.service()
    card = await svc.propose(7, 7, BUY_50)
    assert card.amount == Decimal("0.00083")  # 50 / 60000 truncated to the 0.00001 step
    assert card.notional <= Decimal("50")
    assert card.fee_estimate > 0 and card.risk_pct is not None
    result = await svc.approve(card.id, 7)
    (order,) = result.orders
    assert order.status == OrderState.FILLED
    assert order.average == Decimal("60000") * Decimal("1.0005")
    balances = {b.asset: b.free for b in await svc.balances(7)}
    assert balances["BTC"] == Decimal("0.00083")
    spent = Decimal("0.00083") * order.average + order.fee
    assert balances["USDT"] == Decimal("10000") - spent
    (position,) = await svc.positions(7)
    assert position.symbol == "BTC/USDT" and position.amount == Decimal("0.00083")


async def test_limit_order_rests_then_fills_when_price_crosses(harness) -> None:
    svc = harness.service()
    ask = limit_ask(Side.BUY, "ETH/USDT", "0.05", "2900")
    card = await svc.propose(7, 7, ask)
    (order,) = (await svc.approve(card.id, 7)).orders
    assert order.status == OrderState.OPEN
    usdt = {b.asset: b for b in await svc.balances(7)}["USDT"]
    assert usdt.used > Decimal("145")  # reserved for the resting order
    harness.fx.set_price("ETHUSDT", "2890")
    await svc.reconcile(7)
    (latest,) = svc.orders(7)
    assert latest.status == OrderState.FILLED and latest.average == Decimal("2890")


async def test_stop_order_triggers_only_below_its_price(harness) -> None:
    svc = harness.service()
    await place(svc, TradeAsk(Side.BUY, "SOL/USDT", amount=Decimal("1")))
    stop = TradeAsk(
        Side.SELL,
        "SOL/USDT",
        amount=Decimal("1"),
        order_type=OrderType.STOP,
        trigger=Decimal("140"),
    )
    (order,) = await place(svc, stop)
    assert order.status == OrderState.OPEN
    harness.fx.set_price("SOLUSDT", "145")
    await svc.reconcile(7)
    assert svc.orders(7)[0].status == OrderState.OPEN
    harness.fx.set_price("SOLUSDT", "139")
    await svc.reconcile(7)
    assert svc.orders(7)[0].status == OrderState.FILLED
    pnl = await svc.pnl(7)
    assert pnl.realized < 0 and pnl.closed_trades == 1


async def test_double_click_places_one_order(harness) -> None:
    svc = harness.service()
    card = await svc.propose(7, 7, BUY_50)
    results = await asyncio.gather(
        svc.approve(card.id, 7), svc.approve(card.id, 7), return_exceptions=True
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert sum(isinstance(r, AlreadyDecided) for r in results) == 1
    assert len(svc.orders(7)) == 1
    with pytest.raises(AlreadyDecided):
        await svc.approve(card.id, 7)


async def test_other_users_click_is_refused_and_changes_nothing(harness) -> None:
    svc = harness.service()
    card = await svc.propose(7, 7, BUY_50)
    with pytest.raises(NotYourProposal):
        await svc.approve(card.id, 8)
    with pytest.raises(NotYourProposal):
        await svc.reject(card.id, 8)
    assert svc.store.status_of(card.id) == ProposalStatus.PENDING
    assert svc.orders(7) == () and svc.orders(8) == ()


async def test_expired_proposal_cannot_be_approved(harness) -> None:
    svc = harness.service(proposal_ttl_s=60)
    card = await svc.propose(7, 7, BUY_50)
    harness.clock.advance(61)
    with pytest.raises(ProposalExpired):
        await svc.approve(card.id, 7)
    assert svc.store.status_of(card.id) == ProposalStatus.EXPIRED
    assert svc.orders(7) == ()


async def test_expire_due_marks_only_old_pending_proposals(harness) -> None:
    svc = harness.service(proposal_ttl_s=60)
    old = await svc.propose(7, 7, BUY_50)
    harness.clock.advance(30)
    fresh = await svc.propose(7, 7, BUY_50)
    harness.clock.advance(31)
    assert svc.expire_due() == 1
    assert svc.store.status_of(old.id) == ProposalStatus.EXPIRED
    assert svc.store.status_of(fresh.id) == ProposalStatus.PENDING


async def test_price_move_beyond_tolerance_asks_again(harness) -> None:
    svc = harness.service()
    card = await svc.propose(7, 7, BUY_50)
    harness.fx.set_price("BTCUSDT", "61000")  # +1.7 % > 0.5 %
    with pytest.raises(PriceMoved) as moved:
        await svc.approve(card.id, 7)
    assert moved.value.new == Decimal("61000")
    assert svc.store.status_of(card.id) == ProposalStatus.SUPERSEDED
    assert svc.orders(7) == ()
    (order,) = (await svc.approve(moved.value.fresh_id, 7)).orders
    assert order.status == OrderState.FILLED


async def test_reject_then_approve_places_nothing(harness) -> None:
    svc = harness.service()
    card = await svc.propose(7, 7, BUY_50)
    await svc.reject(card.id, 7)
    with pytest.raises(AlreadyDecided):
        await svc.approve(card.id, 7)
    assert svc.orders(7) == ()


@pytest.mark.parametrize(
    ("ask", "rule"),
    [
        (
            TradeAsk(
                Side.BUY, "BTC/USDT", quote_amount=Decimal("2000"), stop_loss=Decimal("50000")
            ),
            Rule.MAX_NOTIONAL,
        ),
        (TradeAsk(Side.BUY, "BTC/USDT", quote_amount=Decimal("300")), Rule.STOP_REQUIRED),
        (TradeAsk(Side.BUY, "BTC/USDT", quote_amount=Decimal("3")), Rule.MIN_NOTIONAL),
    ],
)
async def test_size_rules_name_the_rule(harness, ask: TradeAsk, rule: Rule) -> None:
    svc = harness.service()
    with pytest.raises(RiskRejected) as err:
        await svc.propose(7, 7, ask)
    assert err.value.rule == rule
    assert svc.store.count_user_rows(7)["trade_proposals"] == 0


async def test_stop_loss_lifts_the_stop_rule_and_sets_risk_to_the_stop(harness) -> None:
    svc = harness.service()
    ask = TradeAsk(Side.BUY, "BTC/USDT", quote_amount=Decimal("300"), stop_loss=Decimal("57000"))
    card = await svc.propose(7, 7, ask)
    assert (
        card.risk_quote == (Decimal("60000") - Decimal("57000")) * card.amount + card.fee_estimate
    )


async def test_max_open_positions(harness) -> None:
    svc = harness.service()
    svc.store.set_limit(7, "max_open_positions", 2, harness.clock())
    for symbol in ("BTC/USDT", "ETH/USDT"):
        card = await svc.propose(7, 7, TradeAsk(Side.BUY, symbol, quote_amount=Decimal("20")))
        await svc.approve(card.id, 7)
    with pytest.raises(RiskRejected) as err:
        await svc.propose(7, 7, TradeAsk(Side.BUY, "SOL/USDT", quote_amount=Decimal("20")))
    assert err.value.rule == Rule.MAX_OPEN_POSITIONS
    await svc.propose(7, 7, TradeAsk(Side.BUY, "BTC/USDT", quote_amount=Decimal("20")))  # adds


async def _lose(harness, svc, symbol: str) -> None:
    card = await svc.propose(7, 7, TradeAsk(Side.BUY, symbol, amount=Decimal("1")))
    await svc.approve(card.id, 7)
    sid = symbol.replace("/", "")
    harness.fx.set_price(sid, str(harness.fx.markets[sid].price * Decimal("0.9")))
    card = await svc.propose(7, 7, TradeAsk(Side.SELL, symbol, amount=Decimal("1")))
    await svc.approve(card.id, 7)


async def test_max_daily_loss_blocks_new_trades(harness) -> None:
    svc = harness.service()
    svc.store.set_limit(7, "max_daily_loss", Decimal("10"), harness.clock())
    await _lose(harness, svc, "SOL/USDT")  # loses ~15 USDT
    with pytest.raises(RiskRejected) as err:
        await svc.propose(7, 7, TradeAsk(Side.BUY, "ETH/USDT", quote_amount=Decimal("20")))
    assert err.value.rule == Rule.MAX_DAILY_LOSS


async def test_cooldown_after_a_losing_streak_then_expires(harness) -> None:
    svc = harness.service()
    svc.store.set_limit(7, "loss_streak", 2, harness.clock())
    svc.store.set_limit(7, "cooldown_s", 600, harness.clock())
    await _lose(harness, svc, "SOL/USDT")
    await _lose(harness, svc, "SOL/USDT")
    with pytest.raises(RiskRejected) as err:
        await svc.propose(7, 7, TradeAsk(Side.BUY, "ETH/USDT", quote_amount=Decimal("20")))
    assert err.value.rule == Rule.COOLDOWN
    harness.clock.advance(601)
    await svc.propose(7, 7, TradeAsk(Side.BUY, "ETH/USDT", quote_amount=Decimal("20")))


async def test_fomo_wording_needs_a_second_confirmation(harness) -> None:
    svc = harness.service()
    card = await svc.propose(
        7, 7, TradeAsk(Side.BUY, "BTC/USDT", quote_amount=Decimal("50"), mood="fomo")
    )
    assert card.warnings == ("fomo",)
    first = await svc.approve(card.id, 7)
    assert first.needs_confirm and first.orders == ()
    assert svc.orders(7) == ()
    second = await svc.approve(card.id, 7, confirm=True)
    assert len(second.orders) == 1


async def test_forged_confirm_without_first_press_still_asks(harness) -> None:
    svc = harness.service()
    card = await svc.propose(
        7, 7, TradeAsk(Side.BUY, "BTC/USDT", quote_amount=Decimal("50"), mood="panic")
    )
    assert (await svc.approve(card.id, 7, confirm=True)).needs_confirm
    assert svc.orders(7) == ()


async def test_trade_against_own_plan_warns(harness) -> None:
    from trading.risk import PlanStance

    svc = harness.service()
    svc.store.set_plan(7, "BTC", PlanStance("buy_below", Decimal("55000")), harness.clock())
    card = await svc.propose(7, 7, BUY_50)
    assert card.warnings == ("plan",)


async def test_insufficient_paper_funds_and_unknown_symbol(harness) -> None:
    svc = harness.service()
    with pytest.raises(UnknownSymbol):
        await svc.propose(7, 7, TradeAsk(Side.BUY, "NOPE/USDT", quote_amount=Decimal("50")))
    with pytest.raises(InsufficientFunds):  # refused before a card is shown
        await svc.propose(7, 7, TradeAsk(Side.SELL, "ETH/USDT", amount=Decimal("1")))
    await place(svc, TradeAsk(Side.BUY, "ETH/USDT", amount=Decimal("0.05")))
    sell = TradeAsk(Side.SELL, "ETH/USDT", amount=Decimal("0.05"))
    first, second = await svc.propose(7, 7, sell), await svc.propose(7, 7, sell)
    await svc.approve(first.id, 7)
    with pytest.raises(InsufficientFunds):  # the balance changed after the card was shown
        await svc.approve(second.id, 7)
    assert svc.orders(7)[0].status == OrderState.REJECTED


async def test_panic_cancels_open_orders_and_flattens(harness) -> None:
    svc = harness.service()
    await place(svc, TradeAsk(Side.BUY, "SOL/USDT", amount=Decimal("1")))
    limit = limit_ask(Side.BUY, "ETH/USDT", "0.01", "2000")
    await svc.approve((await svc.propose(7, 7, limit)).id, 7)
    panic = await svc.propose_panic(7, 7, flatten=True)
    result = await svc.approve(panic.id, 7)
    assert result.canceled == 1
    (sold,) = result.orders
    assert sold.side == "sell" and sold.status == OrderState.FILLED
    assert await svc.positions(7) == ()
    with pytest.raises(AlreadyDecided):
        await svc.approve(panic.id, 7)


async def test_forget_erases_every_trading_row(harness) -> None:
    svc = harness.service()
    await svc.approve((await svc.propose(7, 7, BUY_50)).id, 7)
    await svc.propose(8, 8, BUY_50)
    described = await svc.describe_user(7)
    assert any(i.code == "trade_orders" and i.count == 1 for i in described)
    deleted = await svc.forget_user(7)
    assert deleted >= 4  # proposal, order, paper order, wallet rows
    assert set(svc.store.count_user_rows(7).values()) == {0}
    assert svc.store.count_user_rows(8)["trade_proposals"] == 1


async def test_pressing_approve_again_while_confirming_asks_again(harness) -> None:
    svc = harness.service()
    card = await svc.propose(
        7, 7, TradeAsk(Side.BUY, "BTC/USDT", quote_amount=Decimal("50"), mood="fomo")
    )
    assert (await svc.approve(card.id, 7)).needs_confirm
    assert (await svc.approve(card.id, 7)).needs_confirm
    assert len((await svc.approve(card.id, 7, confirm=True)).orders) == 1


@pytest.mark.parametrize(
    ("ask", "wrong"),
    [
        # the terminal chat accepted these (price 60000 here); each would fire at once
        (TradeAsk(Side.BUY, "BTC/USDT", amount=Decimal("0.001"), stop_loss=Decimal("61000")),
         "stop-loss 61000 must be below"),
        (TradeAsk(Side.BUY, "BTC/USDT", amount=Decimal("0.001"), take_profit=Decimal("59000")),
         "take-profit 59000 must be above"),
        (replace(limit_ask(Side.BUY, "BTC/USDT", "0.001", "58000"), stop_loss=Decimal("58500")),
         "stop-loss 58500 must be below"),
        (TradeAsk(Side.SELL, "BTC/USDT", amount=Decimal("0.001"), order_type=OrderType.STOP,
                  trigger=Decimal("61000")),
         "stop sell's trigger 61000 must be below"),
    ],
)  # fmt: skip
async def test_protective_prices_on_the_wrong_side_are_refused(harness, ask, wrong) -> None:
    svc = harness.service()
    if ask.side is Side.SELL:
        await place(svc, TradeAsk(Side.BUY, "BTC/USDT", amount=Decimal("0.002")))
    with pytest.raises(RiskRejected) as err:
        await svc.propose(7, 7, ask)
    assert err.value.rule == "protective prices" and wrong in err.value.detail
    assert svc.store.count_user_rows(7)["trade_proposals"] == (1 if ask.side is Side.SELL else 0)
