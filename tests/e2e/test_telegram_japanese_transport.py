"""The Telegram transport's own replies to a `language_code=ja` user, through the real PTB
application and the local Bot API server: the allow-list refusal, the per-user rate limit,
the incident reply and the failed button press. Nothing of them is English."""

from __future__ import annotations

import asyncio
import re

from tests.e2e.harness import ADMIN, ALICE, BOB, Chat
from tests.fakes.bot_api_server import BotApiServer
from tests.i18n.english_words import english_words, has_japanese

INCIDENT_ID = re.compile(r"\binc-[0-9a-f]+\b")


def japanese(text: str) -> None:
    assert has_japanese(text), text
    assert english_words(INCIDENT_ID.sub(" ", text)) == [], text


async def test_allow_list_refusal_in_the_users_language(tg: BotApiServer, start_bot) -> None:
    tg.api.languages[BOB] = "ja"
    async with start_bot(allowed_user_ids=[ALICE]):
        refused = await Chat(tg.api, BOB, BOB).say("/version")
        japanese(refused.text)
        assert "許可リスト" in refused.text
        tg.api.languages[BOB] = "en"
        english = await Chat(tg.api, BOB, BOB).say("/version")
        assert english.text.startswith("This bot is private.")
        assert (await Chat(tg.api, ADMIN, ADMIN).say("/version")).text.startswith("qnabot")


async def test_rate_limit_reply_in_japanese(tg: BotApiServer, start_bot) -> None:
    tg.api.languages[ALICE] = "ja"
    async with start_bot(user_burst=2, user_rate_per_min=1):
        for _ in range(4):
            await tg.api.send_text(ALICE, "/version")
        await tg.api.wait_reply(ALICE, 2)
        await asyncio.sleep(0.5)
        texts = [m.text for m in tg.api.chats[ALICE]]
        assert sum(t.startswith("qnabot") for t in texts) == 2  # (and the one-time zone offer)
        (polite,) = [t for t in texts if "秒ほど待って" in t]  # once, however many were dropped
        japanese(polite)


async def test_incident_and_failed_press_in_japanese(tg: BotApiServer, bot) -> None:
    tg.api.languages[ALICE] = "ja"
    chat = Chat(tg.api, ALICE, ALICE)
    reply = await chat.say("/t_crash my secret text")
    japanese(reply.text)
    assert "インシデント番号 inc-" in reply.text and "secret" not in reply.text
    before = tg.api.count(ALICE)
    answer = await chat.press(reply, "t_boom:secret-arg")
    japanese(answer["text"])
    incident = await tg.api.wait_reply(ALICE, before)
    japanese(incident.text)
