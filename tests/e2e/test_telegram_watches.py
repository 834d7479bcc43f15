"""Watches over Telegram (the real PTB application against the local Bot API server): a rule
triggers on the JobQueue, the card carries the facts, only Alice's approval places one order;
the Remove button, other users' clicks, and private-chat only."""

from __future__ import annotations

from tests.e2e.harness import ALICE, BOB, GROUP, Chat, MovableClock
from tests.fakes.bot_api_server import BotApiServer, SentMessage


def _data(message: SentMessage, prefix: str) -> str:
    return next(
        b["callback_data"] for b in message.buttons if b["callback_data"].startswith(prefix)
    )


async def test_a_triggered_watch_sends_a_card_and_approval_places_one_order(
    tg: BotApiServer, start_bot, clock: MovableClock
) -> None:
    api = tg.api
    alice, bob = Chat(api, ALICE, ALICE), Chat(api, BOB, BOB)
    async with start_bot(alert_check_interval_s=5, market_candle_ttl_s=0) as app:
        created = await alice.say("/watch BTC above 1 5m buy 0.001 stop 2%")
        assert created.text.startswith("Watch #1 set: when BTC/USDT closes above 1 (5m candles)")
        seen = api.count(ALICE)
        clock.advance(minutes=6)  # the candle open at creation closes
        card = await api.wait_reply(ALICE, seen, timeout=15)
        assert card.text.startswith("🔔 Watch #1: BTC/USDT closes above 1 (5m candles) — close ")
        assert "candle closed 2024-08-10 12:05 UTC" in card.text
        assert "📝 Proposal (paper): BUY 0.001 BTC" in card.text
        trading = app.bot_data.runtime.services.trading
        assert [o for o in trading.orders(ALICE)] == []  # the trigger itself never trades
        approve = _data(card, "approve:")
        assert (await bob.press(card, approve))["text"]  # not Bob's proposal
        assert trading.orders(ALICE) == () and trading.orders(BOB) == ()
        await alice.press(card, approve)
        await api.wait_for(lambda: "approve:" not in str(card.buttons), what="card decided")
        buys = [o for o in trading.orders(ALICE) if o.side == "buy"]
        assert len(buys) == 1 and buys[0].status == "filled"
        assert (await alice.say("/watches")).text.startswith("You have no watches")  # once
        text, photo = await alice.say_all("/pnl", expect=2)  # the figures, then the curve
        assert text.text.startswith("Realised: 0 USDT over 0 closing trade(s)")
        assert photo.filename == "pnl.png" and photo.photo[:8] == b"\x89PNG\r\n\x1a\n"
        assert photo.text.startswith("Result over time")


async def test_watch_list_remove_button_and_other_users_clicks(tg: BotApiServer, bot) -> None:
    alice, bob = Chat(tg.api, ALICE, ALICE), Chat(tg.api, BOB, BOB)
    await alice.say("/watch ETH rsi<20 4h buy 20 USDT")
    await alice.say("ETHのRSIが25を下回ったら30USDT買いを提案して")
    listing = await alice.say("/watches")
    assert "#1 when ETH/USDT RSI(14) below 20 (4h candles)" in listing.text
    assert "#2 when ETH/USDT RSI(14) below 25 (1h candles)" in listing.text
    assert [b["callback_data"] for b in listing.buttons] == ["unwatch:1", "unwatch:2"]
    assert (await bob.press(listing, "unwatch:1"))["text"] == "You have no watch #1."
    assert (await alice.press(listing, "unwatch:1"))["text"] == "Watch #1 removed."
    await tg.api.wait_for(lambda: "#1 " not in listing.text, what="list edited")
    assert [b["callback_data"] for b in listing.buttons] == ["unwatch:2"]
    assert (await alice.press(listing, "unwatch:1"))["text"] == "You have no watch #1."
    reply = await alice.say("/watch ETH rsi<30 1h buy 1 to the moon")
    assert "I don't understand “to” in the rule" in reply.text


async def test_watches_are_private_only(tg: BotApiServer, bot) -> None:
    group = Chat(tg.api, ALICE, GROUP)
    reply = await group.say("/watch BTC above 1 buy 0.001")
    assert "Watch #" not in reply.text
