"""Protected positions in the chat: the card's legs, /positions, /orders, and the job's words.

The real runtime and conversation on paper over the bundled candles (replayed on a clock
the test moves); the trades job is run on demand instead of waiting for it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.app import Overrides, open_runtime
from bot.core.conversation import Reply, Request
from bot.core.jobs import settle_trades
from bot.features.trading.render import outcome_text
from tests.e2e.harness import MovableClock
from tests.fakes.replay_market import ReplayMarket
from trading.service import OrderView, OutcomeChange


def request(text: str = "", data: str | None = None) -> Request:
    return Request(user_id=7, chat_id=7, text=text, callback_data=data)


async def test_a_protected_buy_in_the_chat_from_approval_to_the_take_profit(make_settings) -> None:
    clock = MovableClock()
    settings = make_settings(market_candle_ttl_s=0, market_ticker_ttl_s=0)
    runtime = await open_runtime(settings, clock=clock, overrides=Overrides(ReplayMarket(clock)))
    conv = runtime.conversation
    try:
        last = (await runtime.services.market.fetch_ticker("BTC/USDT")).last
        stop, take = int(last * Decimal("0.8")), int(last * Decimal("1.003"))
        [card] = await conv.handle(request(f"/buy BTC 0.003 stop {stop} tp {take}"))
        [done] = await conv.handle(request(data=card.buttons[0][0].data))
        lines = done.text.splitlines()
        assert "BUY 0.003 BTC market — filled" in lines[0]
        assert f"#2 stop-loss SELL 0.003 BTC stop {stop} — open" in lines[1]
        assert f"#3 take-profit SELL 0.003 BTC limit {take} — open" in lines[2]
        [positions] = await conv.handle(request("/positions"))
        assert f"· stop {stop} · tp {take}" in positions.text
        [orders] = await conv.handle(request("/orders"))
        assert "stop-loss SELL" in orders.text and "take-profit SELL" in orders.text
        told: list[tuple[int, Reply]] = []

        async def notify(chat_id: int, reply: Reply) -> bool:
            told.append((chat_id, reply))
            return True

        for _ in range(24 * 20):
            if told:
                break
            clock.advance(hours=1)
            await settle_trades(runtime, notify)
        texts = sorted(reply.text for _, reply in told)
        assert {chat for chat, _ in told} == {7}
        assert texts[0].startswith(f"Stop-loss #2 SELL 0.003 BTC stop {stop}: open → cancelled")
        assert texts[1].startswith(f"Take-profit #3 SELL 0.003 BTC limit {take}: open → filled")
        [positions] = await conv.handle(request("/positions"))
        assert positions.text == "No open positions."
    finally:
        await runtime.close()


LEG = dict(symbol="BTC/USDT", side="sell", amount=Decimal("0.01"), filled=Decimal(0))
LEG |= dict(average=None, fee=Decimal(0), fee_currency="", price=None)


@pytest.mark.parametrize(
    ("before", "status", "role", "kind", "expected"),
    [
        ("", "open", "stop_loss", "stop", "Stop-loss #5 SELL 0.01 BTC stop 50000 placed — open"),
        (
            "",
            "rejected",
            "take_profit",
            "limit",
            "Take-profit #5 SELL 0.01 BTC limit 70000 could not be placed: unprotected",
        ),
        (
            "open",
            "canceled",
            "take_profit",
            "limit",
            "Take-profit #5 SELL 0.01 BTC limit 70000: open → cancelled",
        ),
        ("open", "open", "", "limit", "Order #5 SELL 0.01 BTC limit 70000: open → open"),
    ],
)
def test_leg_outcomes_are_worded_by_role(before, status, role, kind, expected) -> None:
    prices = {"price": Decimal("70000")} if kind == "limit" else {"trigger_price": Decimal("50000")}
    order = OrderView(id=5, order_type=kind, status=status, role=role, **{**LEG, **prices})
    assert outcome_text(OutcomeChange(7, 7, before, order)) == expected
