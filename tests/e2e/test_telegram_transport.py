"""The real PTB application against the local Bot API server: rendering and manners."""

from __future__ import annotations

import asyncio
import itertools
import time

from bot.app import build_registry
from tests.e2e.features import STREAM_TOKENS, long_text, tiny_png
from tests.e2e.harness import ADMIN, ALICE, BOB, GROUP, Chat
from tests.fakes.bot_api_server import BOT_USERNAME, BotApiServer


async def test_menu_lists_every_visible_command_and_admin_menu_has_admin_ones(
    tg: BotApiServer, bot
) -> None:
    registry = build_registry()
    public = {c.name for c in registry.visible_commands(admin=False)}
    admin = {c.name for c in registry.visible_commands(admin=True)}
    assert {c["command"] for c in tg.api.commands} == public
    scoped = next(iter(tg.api.scoped_commands.values()))
    assert {c["command"] for c in scoped} == admin
    assert "t_long" not in public  # hidden test commands stay out of the menu


async def test_user_text_with_html_characters_is_shown_verbatim(tg: BotApiServer, bot) -> None:
    chat = Chat(tg.api, ALICE, ALICE)
    reply = await chat.say("/t_echo BTC_USDT *x* <b>1 < 2</b> & R&D")
    assert reply.text == "you said: BTC_USDT *x* <b>1 < 2</b> & R&D"
    assert reply.buttons[0]["text"] == "<b>&</b>"
    unknown = await chat.say("/no<pe>&")
    assert unknown.text.startswith("Unknown command /no<pe>&")


async def test_long_reply_is_split_on_lines_with_buttons_on_the_last_part(
    tg: BotApiServer, bot
) -> None:
    chat = Chat(tg.api, ALICE, ALICE)
    parts = await chat.say_all("/t_long", expect=3)
    assert all(len(p.text) <= 4096 for p in parts)
    assert "\n".join(p.text for p in parts) == long_text()
    assert [bool(p.buttons) for p in parts] == [False, False, True]


async def test_photo_and_document_are_uploaded_multipart(tg: BotApiServer, bot) -> None:
    chat = Chat(tg.api, ALICE, ALICE)
    text, photo = await chat.say_all("/t_photo", expect=2)
    assert text.text == "Here is the chart:" and not text.buttons
    assert photo.photo == tiny_png() and photo.filename == "chart.png"
    assert photo.text == "BTC_USDT <1h> & co"
    assert photo.buttons[0]["callback_data"] == "t_btn:ok"
    doc = await chat.say("/t_doc")
    assert doc.document == b"a,b\n1,2\n" and doc.filename == "export.csv"


async def test_button_press_edits_origin_and_always_gets_an_answer(tg: BotApiServer, bot) -> None:
    chat = Chat(tg.api, ALICE, ALICE)
    echo = await chat.say("/t_echo hi")
    answer = await chat.press(echo, "t_btn:x")
    assert answer["text"] == "pressed"
    await tg.api.wait_for(lambda: echo.text == f"pressed x by {ALICE}", what="edit")
    assert echo.edits == 1
    # the same content again: Telegram says "not modified"; the bot must still answer
    assert (await chat.press(echo, "t_btn:x"))["text"] == "pressed"
    for bad in ("garbage", "nope:1", ":", "ü:1", "x" * 64):
        answer = await chat.press(echo, bad)
        assert answer["text"] == "That button is not valid any more."
    before = tg.api.count(ALICE)
    query_id = f"raw{time.time_ns()}"
    tg.api.open_queries.add(query_id)
    await tg.api.push(
        {"callback_query": {"id": query_id, "from": {"id": ALICE, "is_bot": False,
                                                     "first_name": "A"}, "chat_instance": "1"}}
    )  # fmt: skip
    assert (await tg.api.wait_answer(query_id))["text"] == "That button is not valid any more."
    assert tg.api.count(ALICE) == before  # a toast, no message spam


async def test_streamed_answer_is_one_message_edited_about_once_a_second(
    tg: BotApiServer, bot
) -> None:
    chat = Chat(tg.api, ALICE, ALICE)
    started = time.monotonic()
    first = await chat.say("/t_stream")
    final = "".join(STREAM_TOKENS).strip() + " (done)"
    await tg.api.wait_for(lambda: first.text == final, what="final text")
    elapsed = time.monotonic() - started
    assert tg.api.count(ALICE) == 1
    # ~3.6 s of tokens, shown 12 words behind: a first message, at most one edit per second,
    # then the final edit
    assert 2 <= first.edits <= elapsed + 2
    edits = [c.at for c in tg.api.calls_of("editMessageText")]
    gaps = [b - a for a, b in itertools.pairwise(edits[:-1])]  # the final edit may follow fast
    assert all(g >= 0.95 for g in gaps)


async def test_slow_answer_does_not_block_other_users(tg: BotApiServer, bot) -> None:
    alice, bob = Chat(tg.api, ALICE, ALICE), Chat(tg.api, BOB, BOB)
    await tg.api.send_text(ALICE, "/t_slow")
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await bob.say("/version")
    assert time.monotonic() - started < 1.0
    assert tg.api.count(ALICE) == 0  # still working on Alice's
    assert (await alice.api.wait_reply(ALICE, 0)).text == "slow answer"
    # and while working, Alice saw "typing…"
    assert any(c.params.get("chat_id") == str(ALICE) for c in tg.api.calls_of("sendChatAction"))


async def test_crash_becomes_incident_reply_and_bot_keeps_serving(
    tg: BotApiServer, bot, caplog
) -> None:
    chat = Chat(tg.api, ALICE, ALICE)
    reply = await chat.say("/t_crash my secret text")
    assert "incident" in reply.text and "secret" not in reply.text
    assert "my secret text" not in caplog.text
    assert "incident=" in caplog.text
    assert (await chat.say("/version")).text.startswith("qnabot")
    before = tg.api.count(ALICE)
    answer = await chat.press(reply, "t_boom:secret-arg")  # a crashing button
    assert answer["text"] == "Sorry, that did not work. Please try again."
    incident = await tg.api.wait_reply(ALICE, before)
    assert "incident" in incident.text and "secret-arg" not in caplog.text


async def test_delete_incoming_removes_the_users_message(tg: BotApiServer, bot) -> None:
    before = tg.api.count(ALICE)
    message_id = await tg.api.send_text(ALICE, "/t_secret sk-123")
    await tg.api.wait_reply(ALICE, before)
    await tg.api.wait_for(lambda: (ALICE, message_id) in tg.api.deleted_incoming, what="delete")


async def test_group_rules(tg: BotApiServer, bot) -> None:
    api = tg.api
    group = Chat(api, ALICE, GROUP)
    await api.send_text(ALICE, "what is rsi", chat_id=GROUP)  # not addressed: ignored
    await api.send_text(ALICE, "/help@other_bot", chat_id=GROUP)  # another bot's command
    reply = await group.say("/version")
    assert reply.text.startswith("qnabot") and api.count(GROUP) == 1
    mentioned = await group.say(f"@{BOT_USERNAME} /nonsense")
    assert api.count(GROUP) == 2 and mentioned.text
    replied = api.chats[GROUP][0]
    before = api.count(GROUP)
    await api.send_text(ALICE, "thanks", chat_id=GROUP, reply_to=replied)
    await api.wait_reply(GROUP, before)
    admin = await Chat(api, ADMIN, GROUP).say("/audit")
    assert admin.text == "Please use this in a private chat with me."
    private = await Chat(api, BOB, BOB).say("/audit")
    assert private.text == "This command is for admins only."


async def test_malformed_and_odd_updates_are_survived(tg: BotApiServer, bot) -> None:
    api = tg.api
    await api.push({"message": {"message_id": 1, "date": 1, "text": "no chat, no sender"}})
    await api.push({"edited_message": {"message_id": 2, "date": 1, "text": "x"}})
    await api.push({"poll": {"id": "1"}})  # not in allowed_updates: Telegram drops it
    await api.push({"message": {"message_id": 9, "chat": {"id": ALICE}}})  # no date, no type
    await api.push({"callback_query": {"id": "broken"}})  # no sender, no chat_instance
    sticker = {"file_id": "s", "file_unique_id": "u", "width": 512, "height": 512,
               "is_animated": False, "is_video": False, "type": "regular"}  # fmt: skip
    sender = {"id": ALICE, "is_bot": False, "first_name": "A"}
    chat_doc = {"id": ALICE, "type": "private"}
    await api.push(
        {"message": {"message_id": 3, "date": 1, "chat": chat_doc, "from": sender,
                     "sticker": sticker}}
    )  # fmt: skip
    chat = Chat(api, ALICE, ALICE)
    sticker_reply = await api.wait_reply(ALICE, 0)
    assert sticker_reply.text == "Send /help to see what I can do."
    huge = await chat.say("/t_echo " + "z" * 20_000)
    assert "too long" in huge.text
    assert (await chat.say("/version")).text.startswith("qnabot")


async def test_bot_api_429_and_5xx_are_retried(tg: BotApiServer, bot) -> None:
    api = tg.api
    chat = Chat(api, ALICE, ALICE)
    api.fail_next("sendMessage", 429, retry_after=1)
    started = time.monotonic()
    assert (await chat.say("/version")).text.startswith("qnabot")
    assert time.monotonic() - started >= 0.9  # it waited retry_after before retrying
    api.fail_next("sendMessage", 502)
    api.fail_next("sendMessage", 500)
    assert (await chat.say("/version")).text.startswith("qnabot")
    assert api.count(ALICE) == 2  # each answered exactly once
    api.fail_next("getUpdates", 502)
    await asyncio.sleep(1.5)
    assert (await chat.say("/version", timeout=15)).text.startswith("qnabot")


async def test_per_user_limit_replies_once_politely(tg: BotApiServer, start_bot) -> None:
    async with start_bot(user_burst=3, user_rate_per_min=1):
        api = tg.api
        for _ in range(6):
            await api.send_text(ALICE, "/version")
        await api.wait_reply(ALICE, 3)
        await Chat(api, BOB, BOB).say("/version")  # others unaffected
        await asyncio.sleep(0.5)
        texts = [m.text for m in api.chats[ALICE]]
        assert sum(t.startswith("qnabot") for t in texts) == 3
        polite = [t for t in texts if "faster than I can answer" in t]
        assert len(polite) == 1 and len(texts) == 4


async def test_allow_list(tg: BotApiServer, start_bot) -> None:
    async with start_bot(allowed_user_ids=[ALICE]):
        assert (await Chat(tg.api, ALICE, ALICE).say("/version")).text.startswith("qnabot")
        assert "private" in (await Chat(tg.api, BOB, BOB).say("/version")).text
        assert (await Chat(tg.api, ADMIN, ADMIN).say("/version")).text.startswith("qnabot")


async def test_real_chart_arrives_as_a_photo_from_command_and_button(tg: BotApiServer, bot) -> None:
    chat = Chat(tg.api, ALICE, ALICE)
    photo = await chat.say("/chart BTC 1h", timeout=60)
    assert photo.photo is not None and photo.photo.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(photo.photo) > 10_000 and "BTC/USDT" in photo.text
    report = await chat.say("/ta ETH 1h")
    chart_button = report.button("Chart")
    before = tg.api.count(ALICE)
    answer = await chat.press(report, chart_button["callback_data"])
    assert isinstance(answer, dict)
    pressed = await tg.api.wait_reply(ALICE, before, timeout=60)
    assert pressed.photo is not None and "ETH/USDT" in pressed.text
