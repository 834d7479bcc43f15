"""/lang, /tz and the Japan time offer over the real PTB application and the local Bot API
server: a `language_code=ja` user gets the offer once, as its own message with a button;
pressing it switches the zone; /lang en turns the replies English."""

from __future__ import annotations

import asyncio

from tests.e2e.harness import ALICE, BOB, Chat
from tests.fakes.bot_api_server import BotApiServer
from tests.i18n.english_words import english_words, has_japanese

OFFER = "tz:Asia/Tokyo"


async def test_japanese_user_is_offered_japan_time_once(tg: BotApiServer, bot) -> None:
    tg.api.languages[ALICE] = "ja"
    chat = Chat(tg.api, ALICE, ALICE)
    version, offer = await chat.say_all("/version", expect=2)
    assert version.text.startswith("qnabot") and not version.buttons
    assert has_japanese(offer.text) and english_words(offer.text) == []
    assert [b["callback_data"] for b in offer.buttons] == [OFFER]
    assert english_words(offer.buttons[0]["text"]) == []
    await chat.say("/version")
    await asyncio.sleep(0.3)
    assert tg.api.count(ALICE) == 3  # no second offer
    answer = await chat.press(offer, OFFER)
    assert answer["text"] == "タイムゾーンを保存しました。"
    await tg.api.wait_for(lambda: offer.edits > 0, 10, "offer edited")
    assert offer.edits == 1 and "Asia/Tokyo" in offer.text and not offer.buttons
    shown = await chat.say("/tz")
    assert "Asia/Tokyo" in shown.text and "JST" in shown.text


async def test_lang_switches_the_reply_language(tg: BotApiServer, bot) -> None:
    tg.api.languages[BOB] = "en"
    chat = Chat(tg.api, BOB, BOB)
    japanese = await chat.say("/lang ja")  # the offer rides on this reply: one message
    assert japanese.text.startswith("設定しました")
    assert [b["callback_data"] for b in japanese.buttons] == [OFFER]
    assert "日本語" in (await chat.say("/lang")).text  # the choice beats language_code=en
    english = await chat.say("/lang en")
    assert english.text == "Done: I will answer you in English from now on."


async def test_the_transports_own_replies_follow_the_lang_choice(
    tg: BotApiServer, start_bot
) -> None:
    tg.api.languages[ALICE] = "en"
    async with start_bot(user_burst=2, user_rate_per_min=1):
        await Chat(tg.api, ALICE, ALICE).say("/lang ja")
        for _ in range(4):
            await tg.api.send_text(ALICE, "/version")
        await tg.api.wait_reply(ALICE, 1)
        await asyncio.sleep(0.5)
        texts = [m.text for m in tg.api.chats[ALICE]]
        (polite,) = [t for t in texts if "秒ほど待って" in t]  # Japanese, as chosen
        assert english_words(polite) == []
