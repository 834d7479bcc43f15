"""Alerts end to end: set, list, remove by button, other users' clicks, restart with pending
alerts (fired on candles that closed while the bot was down, delivered once)."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from tests.e2e.harness import ALICE, BOB, Chat, MovableClock
from tests.fakes.bot_api_server import BotApiServer


async def test_alert_buttons_and_other_users_clicks(tg: BotApiServer, bot) -> None:
    alice, bob = Chat(tg.api, ALICE, ALICE), Chat(tg.api, BOB, BOB)
    created = await alice.say("/alert BTC above 100000 1h")
    assert created.text.startswith("Alert #1 set: BTC/USDT closes above 100000 (1h candles)")
    await alice.say("/alert ETH rsi<20 4h")
    listing = await alice.say("/alerts")
    assert "#1 BTC/USDT" in listing.text and "#2 ETH/USDT RSI(14) below 20" in listing.text
    assert [b["callback_data"] for b in listing.buttons] == ["unalert:1", "unalert:2"]
    answer = await bob.press(listing, "unalert:1")  # Bob clicks Alice's button
    assert answer["text"] == "You have no alert #1."
    assert "#1 BTC/USDT" in (await alice.say("/alerts")).text
    answer = await alice.press(listing, "unalert:1")
    assert answer["text"] == "Alert #1 removed."
    await tg.api.wait_for(lambda: "#1 " not in listing.text, what="list edited")
    assert [b["callback_data"] for b in listing.buttons] == ["unalert:2"]
    again = await alice.press(listing, "unalert:1")  # double click / stale button
    assert again["text"] == "You have no alert #1."
    assert (await alice.say("/unalert 2")).text == "Alert #2 removed."
    assert (await alice.say("/unalert 2")).text == "You have no alert #2."
    assert "Usage" in (await alice.say("/alert BTC sideways 5")).text
    assert "don't know the symbol DOGE/USDT" in (await alice.say("/alert DOGE above 1")).text


async def test_pending_alert_survives_restart_and_is_delivered_once(
    tg: BotApiServer, start_bot, clock: MovableClock
) -> None:
    alice = Chat(tg.api, ALICE, ALICE)
    async with start_bot(alert_check_interval_s=5):
        created = await alice.say("/alert BTC below 10000000 5m")
        assert "Alert #1 set" in created.text
        listing = await alice.say("/alerts")
        await asyncio.sleep(2.5)  # a check runs: the candle open at creation has not closed
        assert tg.api.count(ALICE) == 2
    clock.advance(minutes=12)  # candles close while the bot is down
    async with start_bot(alert_check_interval_s=5):
        fired = await tg.api.wait_reply(ALICE, 2, timeout=8)
        assert fired.text.startswith("Alert #1: BTC/USDT closes below 10000000 (5m candles)")
        assert "candle closed 2024-08-10 12:05 UTC" in fired.text  # the first one after creation
        answer = await alice.press(listing, "unalert:1")  # a button from before the restart
        assert answer["text"] == "You have no alert #1."
        assert (await alice.say("/alerts")).text.startswith("You have no alerts")
        await asyncio.sleep(5.5)  # another check: nothing is sent twice
        assert sum("Alert #1:" in m.text for m in tg.api.chats[ALICE]) == 1


async def test_price_command(tg: BotApiServer, bot, clock: MovableClock) -> None:
    import pandas as pd

    from tests.fakes.replay_market import DATA

    frame = pd.read_csv(DATA / "binance_ETH_USDT_1h.csv")
    now_ms = int(clock.now.timestamp() * 1000)
    expected = frame[frame["timestamp"] + 3_600_000 <= now_ms]["close"].iloc[-1]
    alice = Chat(tg.api, ALICE, ALICE)
    reply = await alice.say("/price eth")
    assert reply.text.startswith(f"ETH/USDT {Decimal(str(expected)).normalize():f} · ")
    assert "2024-08-10 12:00 UTC" in reply.text
    unknown = "I don't know the symbol DOGE/USDT on this exchange."
    assert (await alice.say("/price DOGE")).text == unknown
    assert (await alice.say("/price")).text.startswith("Usage: /price SYMBOL")


async def test_a_japanese_user_is_alerted_in_japanese_and_japan_time(
    tg: BotApiServer, start_bot, clock: MovableClock
) -> None:
    """Telegram says the app is Japanese (no /lang): the alert, its list and the message the
    job sends later are Japanese, the candle time in the zone the user chose, with the zone."""
    from tests.i18n.english_words import english_words

    tg.api.languages[ALICE] = "ja"
    alice = Chat(tg.api, ALICE, ALICE)
    async with start_bot(alert_check_interval_s=5, market_candle_ttl_s=0):
        assert "Asia/Tokyo" in (await alice.say("/tz Asia/Tokyo")).text
        created = await alice.say("/alert BTC below 10000000 5m")
        assert created.text.startswith(
            "アラート #1 を設定しました: BTC/USDT の5分足終値が 10000000 を下回る。"
        )
        listing = await alice.say("/alerts")
        assert (
            listing.text
            == "設定中のアラート:\n#1 BTC/USDT の5分足終値が 10000000 を下回る — 監視中"
        )
        assert [b["text"] for b in listing.buttons] == ["#1 を削除"]
        seen = tg.api.count(ALICE)
        clock.advance(minutes=6)  # the candle open at creation closes
        fired = await tg.api.wait_reply(ALICE, seen, timeout=15)
    assert fired.text.startswith("🔔 アラート #1: BTC/USDT の5分足終値が 10000000 を下回りました")
    assert "2024-08-10 21:05 JST に確定した足）。" in fired.text  # 12:05 UTC
    assert english_words(fired.text.replace(" JST ", " ")) == [], fired.text
