"""The trading feature through the real conversation layer (paper on the bundled replay)."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from bot.app import open_runtime
from bot.core.conversation import CALLBACK_DATA_MAX_BYTES, ChatKind, Reply, Request
from tests.trading.conftest import KEY, SECRET


@pytest.fixture
async def runtime(make_settings):
    rt = await open_runtime(make_settings())
    try:
        yield rt
    finally:
        await rt.close()


async def say(rt, text: str, user: int = 7, **kw) -> Reply:
    (reply,) = await rt.conversation.handle(Request(user_id=user, chat_id=user, text=text, **kw))
    assert isinstance(reply, Reply)
    return reply


async def press(rt, data: str, user: int = 7, **kw) -> Reply:
    (reply,) = await rt.conversation.handle(
        Request(user_id=user, chat_id=user, callback_data=data, **kw)
    )
    assert isinstance(reply, Reply)
    return reply


def buttons(reply: Reply) -> dict[str, str]:
    return {b.label: b.data for row in reply.buttons for b in row}


async def test_buy_card_then_approve_places_one_paper_order(runtime) -> None:
    card = await say(runtime, "/buy BTC 50 USDT")
    assert "BUY" in card.text and "BTC" in card.text and "Risk:" in card.text
    assert "TA rating (1h):" in card.text and "fee" in card.text
    approve = buttons(card)["✅ Approve"]
    assert approve.startswith("approve:") and len(approve.encode()) <= CALLBACK_DATA_MAX_BYTES
    stranger = await press(runtime, approve, user=8)
    assert "Only the person who asked" in stranger.text
    done = await press(runtime, approve)
    assert "filled" in done.text and done.edit_origin
    again = await press(runtime, approve)
    assert "already approved" in again.text
    orders = await say(runtime, "/orders")
    assert orders.text.count("BUY") == 1
    balance = await say(runtime, "/balance")
    assert "BTC:" in balance.text and "USDT:" in balance.text


async def test_reject_button_and_usage_and_unknown_symbol(runtime) -> None:
    assert "Not enough free balance" in (await say(runtime, "/sell ETH 5")).text  # none held
    card = await say(runtime, "/buy ETH 0.01")
    rejected = await press(runtime, buttons(card)["❌ Reject"])
    assert "Nothing was traded" in rejected.text
    assert "Usage: /buy" in (await say(runtime, "/buy")).text
    assert "don't know the symbol NOPE/USDT" in (await say(runtime, "/buy NOPE 5")).text


async def test_groups_forwarded_text_and_questions_create_nothing(runtime) -> None:
    group = await say(runtime, "/buy BTC 50 USDT", chat_kind=ChatKind.GROUP)
    assert "private chat" in group.text
    forwarded = await say(runtime, "buy 50 usdt of btc", forwarded=True)
    assert "forwarded" in forwarded.text
    trading = runtime.services.trading
    assert trading.store.count_user_rows(7)["trade_proposals"] == 0
    card = await say(runtime, "/buy BTC 50 USDT")
    in_group = await runtime.conversation.handle(
        Request(
            user_id=7,
            chat_id=-5,
            chat_kind=ChatKind.GROUP,
            callback_data=buttons(card)["✅ Approve"],
        )
    )
    assert "private chat" in (in_group[0].toast or "")
    assert trading.orders(7) == ()


async def test_natural_phrasing_english_and_japanese(runtime) -> None:
    en = await say(runtime, "buy 20 usdt of eth")
    assert "Proposal" in en.text and "ETH" in en.text
    await press(runtime, buttons(await say(runtime, "/buy SOL 0.5"))["✅ Approve"])
    ja = await say(runtime, "SOLを0.5売って")
    assert "SELL 0.5 SOL" in ja.text


async def test_fomo_wording_needs_an_extra_confirmation(runtime) -> None:
    card = await say(runtime, "buy 50 usdt of btc now!! to the moon")
    assert "fear of missing out" in card.text
    ask = await press(runtime, buttons(card)["✅ Approve"])
    assert "Yes, place it" in buttons(ask)
    assert runtime.services.trading.orders(7) == ()
    done = await press(runtime, buttons(ask)["Yes, place it"])
    assert "filled" in done.text


async def test_cards_sent_with_the_old_verbs_still_work(runtime) -> None:
    def old(data: str) -> str:
        verb, _, pid = data.partition(":")
        return {"approve": "tapp", "confirm": "tcfm", "reject": "trej"}[verb] + ":" + pid

    card = await say(runtime, "/buy ETH 0.01")
    rejected = await press(runtime, old(buttons(card)["❌ Reject"]))
    assert "Nothing was traded" in rejected.text
    fomo = await say(runtime, "buy 50 usdt of btc now!! to the moon")
    ask = await press(runtime, old(buttons(fomo)["✅ Approve"]))
    assert "Yes, place it" in buttons(ask)
    done = await press(runtime, old(buttons(ask)["Yes, place it"]))
    assert "filled" in done.text
    assert len(runtime.services.trading.orders(7)) == 1


async def test_malformed_callbacks_get_a_short_reply(runtime) -> None:
    for data in ("approve:../../etc", "approve:", "tapp:../../etc", "tapp:", "nope:1", "tapp"):
        reply = await press(runtime, data)
        assert "not valid any more" in reply.text


async def test_portfolio_commands_cancel_and_panic(runtime) -> None:
    await press(runtime, buttons(await say(runtime, "/buy SOL 1"))["✅ Approve"])
    limit = await say(runtime, "/limit buy ETH 0.01 at 1000")
    await press(runtime, buttons(limit)["✅ Approve"])
    assert "SOL/USDT: 1" in (await say(runtime, "/positions")).text
    assert "Fees paid" in (await say(runtime, "/pnl")).text
    orders = runtime.services.trading.orders(7)
    open_id = next(o.id for o in orders if o.status == "open")
    assert "Cancelled" in (await say(runtime, f"/cancel {open_id}")).text
    assert "No open order" in (await say(runtime, f"/cancel {open_id}")).text
    assert "Usage: /cancel" in (await say(runtime, "/cancel abc")).text
    panic = await say(runtime, "/panic flatten")
    done = await press(runtime, buttons(panic)["Approve panic"])
    assert "Panic done" in done.text and "SELL" in done.text
    assert "No open positions" in (await say(runtime, "/positions")).text


async def test_plan_warning_and_admin_risk_override(make_settings) -> None:
    rt = await open_runtime(make_settings(admin_ids="99"))
    try:
        await press(rt, buttons(await say(rt, "/buy BTC 0.001"))["✅ Approve"])
        assert "saved" in (await say(rt, "/plan BTC hold")).text
        card = await say(rt, "/sell BTC 0.001")
        assert "against the plan" in card.text
        assert "admins only" in (await say(rt, "/setrisk 7 max_notional 10")).text
        assert "Set max_notional" in (await say(rt, "/setrisk 7 max_notional 10", user=99)).text
        refused = await say(rt, "/buy BTC 50 USDT")
        assert "risk rule “max order size”" in refused.text
        assert "max order 10" in (await say(rt, "/risk")).text
        await say(rt, "/setrisk 7 max_open_positions 2", user=99)
        assert "max open positions 2 ·" in (await say(rt, "/risk")).text  # a count, not 2.0
        await say(rt, "/setrisk 7 max_notional default", user=99)
        assert "max order 1000 USDT" in (await say(rt, "/risk")).text
        usage = (await say(rt, "/setrisk 7 leverage 5", user=99)).text
        assert usage.startswith("Usage: /setrisk USER_ID max_notional|max_daily_loss|")
    finally:
        await rt.close()


async def test_connect_in_paper_mode_and_in_a_group_deletes_the_message(runtime) -> None:
    group = await say(runtime, f"/connect {KEY} {SECRET}", chat_kind=ChatKind.GROUP)
    assert group.delete_incoming and "revoke" in group.text
    paper = await say(runtime, f"/connect {KEY} {SECRET}")
    assert paper.delete_incoming and "paper mode" in paper.text


async def test_live_connect_trade_and_disconnect(make_settings, fx, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    settings = make_settings(
        trading_mode="live", live_trading_enabled=True, exchange_api_url=fx.url
    )
    rt = await open_runtime(settings)
    try:
        assert "use /connect first" in (await say(rt, "/buy BTC 50 USDT")).text
        stored = await say(rt, f"/connect {KEY} {SECRET}")
        assert stored.delete_incoming and "encrypted" in stored.text
        card = await say(rt, "/buy BTC 50 USDT")
        done = await press(rt, buttons(card)["✅ Approve"])
        assert "filled" in done.text
        assert len(fx.orders) == 1
        fx.inject("GET", "/api/v3/ticker/24hr", "500")
        assert "not answering" in (await say(rt, "/buy BTC 50 USDT")).text
        fx.inject("GET", "/api/v3/ticker/24hr", "429")
        assert "rate-limiting" in (await say(rt, "/buy BTC 50 USDT")).text
        fx.accounts[KEY].balances["USDT"] = Decimal(1)
        poor = await say(rt, "/buy BTC 50 USDT")
        assert "Not enough free balance" in poor.text  # refused before a card is shown
        assert "erased" in (await say(rt, "/disconnect")).text
    finally:
        await rt.close()
    assert KEY not in caplog.text and SECRET not in caplog.text


async def test_periodic_job_expires_proposals_and_settles_orders(make_settings) -> None:
    from bot.core.jobs import periodic_jobs, settle_trades
    from tests.trading.conftest import ManualClock
    from trading.models import OrderState, ProposalStatus
    from trading.service import new_order

    clock = ManualClock()
    rt = await open_runtime(make_settings(), clock=clock)
    try:
        assert "trades" in {job.name for job in periodic_jobs(rt)}
        trading = rt.services.trading
        stale = await say(rt, "/buy BTC 50 USDT")
        crashed = trading.store.proposal(buttons(stale)["✅ Approve"].split(":")[1])
        # a crash after recording the order but before sending it
        trading.store.claim(crashed, new_order(crashed, 0, "buy", crashed.amount, clock()), clock())
        pending = await say(rt, "/buy ETH 0.01")
        clock.advance(61)

        async def notify(chat_id: int, reply: Reply) -> bool:
            return True

        await settle_trades(rt, notify)
        pending_id = buttons(pending)["✅ Approve"].split(":")[1]
        assert trading.store.status_of(pending_id) == ProposalStatus.EXPIRED
        (order,) = trading.orders(7)
        assert order.status == OrderState.NOT_PLACED  # never re-sent
    finally:
        await rt.close()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("buy 0.01 btc when it drops below 50000", "an order for later"),
        ("BTCが50000を下回ったら0.01買って", "条件付きの注文"),
    ],
)
async def test_an_order_for_later_points_at_watch_and_proposes_nothing(
    runtime, text: str, words: str
) -> None:
    reply = await say(runtime, text)
    assert words in reply.text and "/watch BTC below 58000 buy 0.01" in reply.text
    assert not reply.buttons  # no card to approve
    assert (await say(runtime, "/orders")).text == "No orders yet."
