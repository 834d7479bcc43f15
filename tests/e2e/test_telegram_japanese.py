"""A user whose Telegram language_code is "ja", over the real PTB application and the local
Bot API server: Japanese replies, cards, buttons and refusals; and the command menus set per
language (setMyCommands with and without language_code), read back with getMyCommands."""

from __future__ import annotations

import asyncio

from telegram import BotCommandScopeChat

from bot.app import build_registry
from bot.transports.telegram.application import described
from tests.e2e.harness import ADMIN, ALICE, BOB, Chat, MovableClock
from tests.fakes.bot_api_server import BotApiServer, SentMessage
from tests.i18n.english_words import english_words, has_japanese


def japanese(text: str) -> str:
    """Assert `text` reads as Japanese (no English outside the allow-list); return it."""
    assert has_japanese(text), text
    assert not english_words(text), f"{english_words(text)} in {text!r}"
    return text


async def test_menus_are_set_per_language_and_read_back(tg: BotApiServer, bot) -> None:
    registry = build_registry()
    public = registry.visible_commands(admin=False)
    admin = registry.visible_commands(admin=True)
    assert len(admin) > len(public)
    menus = {
        (scope, language): await bot.bot.get_my_commands(scope=scope, language_code=language)
        for scope in (None, BotCommandScopeChat(ADMIN))
        for language in (None, "ja")
    }
    for (scope, language), menu in menus.items():
        commands = admin if scope is not None else public
        assert [c.command for c in menu] == [c.name for c in commands]
        expected = [described(c.summary, language or "en") for c in commands]
        assert [c.description for c in menu] == expected
        assert all(3 <= len(c.description) <= 256 for c in menu)
    default = {c.command: c.description for c in menus[(None, None)]}
    assert default["help"] == "list the commands"  # the default menu is English
    assert has_japanese({c.command: c.description for c in menus[(None, "ja")]}["help"])
    assert await bot.bot.get_my_commands(language_code="fr") == ()  # only what was set


async def test_the_japanese_menu_reads_as_japanese(tg: BotApiServer, bot) -> None:
    for scope in (None, BotCommandScopeChat(ADMIN)):
        for command in await bot.bot.get_my_commands(scope=scope, language_code="ja"):
            japanese(command.description)


async def _approve(chat: Chat, card: SentMessage) -> tuple[dict[str, object], SentMessage]:
    """Press 承認 (and the confirmation, if the emotion guard asks); return the answer and
    the message that says what happened."""
    approve = card.button("承認")["callback_data"]
    before = chat.api.count(chat.chat_id)
    answer = await chat.press(card, approve)
    confirm = [b for b in card.buttons if b["callback_data"].startswith("confirm:")]
    if confirm:
        answer = await chat.press(card, confirm[0]["callback_data"])
    await chat.api.wait_for(lambda: "approve:" not in str(card.buttons), what="card decided")
    said = chat.api.chats[chat.chat_id][before:] or [card]
    return answer, said[-1]


async def test_a_japanese_user_is_answered_in_japanese(tg: BotApiServer, bot) -> None:
    api = tg.api
    api.languages[ALICE] = "ja"
    alice, bob = Chat(api, ALICE, ALICE), Chat(api, BOB, BOB)
    first = await alice.say_all("/start", expect=2)  # first contact: also the Japan time offer
    assert all(has_japanese(m.text) for m in first)
    assert any(b["callback_data"].startswith("tz:") for m in first for b in m.buttons)
    help_text = (await alice.say("/help")).text
    assert help_text.startswith("コマンド一覧") and "/buy" in help_text
    japanese((await alice.say("/ta FOO")).text)  # an error
    japanese((await alice.say("/nope")).text)  # an unknown command
    card = await alice.say("/buy BTC 50 USDT")
    japanese(card.text)
    labels = [b["text"] for b in card.buttons]
    assert len(labels) == 2 and "承認" in labels[0] and "却下" in labels[1]
    answer, done = await _approve(alice, card)
    japanese(str(answer["text"]))
    japanese(done.text)
    assert "BTC" in done.text and "#1" in done.text
    japanese((await alice.say("/orders")).text)
    english = await bob.say("/buy BTC 50 USDT")  # the same bot still speaks English to Bob
    assert [b["text"] for b in english.buttons] == ["✅ Approve", "❌ Reject"]


async def test_japanese_refusals_in_a_group_and_for_a_forwarded_trade(
    tg: BotApiServer, bot
) -> None:
    api = tg.api
    api.languages[ALICE] = "ja"
    japanese((await Chat(api, ALICE, -1001).say("/buy BTC 50 USDT")).text)
    before = api.count(ALICE)
    await api.send_text(ALICE, "/buy BTC 50 USDT", forwarded=True)
    refused = await api.wait_reply(ALICE, before)
    japanese(refused.text)
    assert not refused.buttons


async def test_a_japanese_user_is_slowed_down_in_japanese(tg: BotApiServer, start_bot) -> None:
    api = tg.api
    api.languages[ALICE] = "ja"
    api.languages[BOB] = "ja"
    async with start_bot(user_burst=3, user_rate_per_min=1, allowed_user_ids=[ALICE, ADMIN]):
        for _ in range(6):
            await api.send_text(ALICE, "/version")
        polite = await api.wait_for(
            lambda: [m for m in api.chats[ALICE] if has_japanese(m.text) and "秒" in m.text],
            what="the rate-limit reply",
        )
        await asyncio.sleep(0.5)
        assert len(polite) == 1
        japanese(polite[0].text)
        stranger = await Chat(api, BOB, BOB).say("/version")  # not on the allow-list
        japanese(stranger.text)


async def test_a_fired_alert_a_crash_and_a_stray_button_are_told_in_japanese(
    tg: BotApiServer, start_bot, clock: MovableClock
) -> None:
    api = tg.api
    api.languages[ALICE] = "ja"
    alice = Chat(api, ALICE, ALICE)
    async with start_bot(alert_check_interval_s=5, market_candle_ttl_s=0):
        await alice.say_all("/start", expect=2)  # first contact: also the Japan time offer
        japanese((await alice.say("/alert BTC below 10000000 5m")).text)
        before = api.count(ALICE)
        clock.advance(minutes=12)  # a 5m candle closes below the level
        fired = await api.wait_reply(ALICE, before, timeout=15)  # sent by the job, unasked
        japanese(fired.text)
        assert "BTC/USDT" in fired.text and "#1" in fired.text
        crash = await alice.say("/t_crash boom")  # the incident boundary
        japanese(crash.text)
        answer = await alice.press(fired, "zzz:1")  # a button that means nothing
        japanese(str(answer["text"]))
