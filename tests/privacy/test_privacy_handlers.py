"""/privacy, /forget and /mydata through the real conversation layer and app wiring."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Runtime, open_runtime
from bot.core.conversation import ChatKind, Reply, Request, Streamed

USER = 777


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 5, 1, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def runtime(make_settings):
    clock = Clock()
    rt = await open_runtime(make_settings(), clock=clock)
    rt.clock = clock  # type: ignore[attr-defined]
    try:
        yield rt
    finally:
        await rt.close()


async def say(rt: Runtime, text: str = "", data: str | None = None, user: int = USER) -> Reply:
    req = Request(user_id=user, chat_id=user, text=text, callback_data=data)
    replies = await rt.conversation.handle(req)
    assert replies
    first = replies[0]
    if isinstance(first, Streamed):  # a Q&A answer: drain it so the turn completes
        async for _ in first.tokens:
            pass
        return await first.final()
    return first


async def test_consent_defaults_off_and_toggles_with_buttons(runtime: Runtime) -> None:
    reply = await say(runtime, "/privacy")
    assert "OFF" in reply.text and reply.buttons[0][0].data == "privacy:on"
    reply = await say(runtime, data="privacy:on")
    assert "ON" in reply.text and reply.edit_origin and reply.buttons[0][0].data == "privacy:off"
    privacy = runtime.services.privacy
    assert privacy is not None and privacy.has_consent(USER)
    assert [r.action for r in privacy.audit.records()] == ["consent_change"]
    await say(runtime, data="privacy:off")
    assert not privacy.has_consent(USER)


async def test_turns_are_kept_only_with_consent_and_never_for_commands(runtime: Runtime) -> None:
    privacy = runtime.services.privacy
    assert privacy is not None
    await say(runtime, "my email is kim.lee@gmail.com")
    assert privacy.finetune.count() == 0
    await say(runtime, data="privacy:on")
    await say(runtime, "my email is kim.lee@gmail.com")
    await say(runtime, "/mydata")
    records = privacy.finetune.records()
    assert len(records) == 1
    assert records[0].messages[0].content == "my email is <EMAIL>"
    assert records[0].pseudonym == privacy.pseudonym(USER) and records[0].labels == ("EMAIL",)


async def test_group_messages_are_not_kept(runtime: Runtime) -> None:
    privacy = runtime.services.privacy
    assert privacy is not None
    privacy.set_consent(USER, True)
    req = Request(user_id=USER, chat_id=-100, chat_kind=ChatKind.GROUP, text="hello there bot")
    await runtime.conversation.handle(req)
    assert privacy.finetune.count() == 0


async def test_mydata_lists_every_owner(runtime: Runtime) -> None:
    reply = await say(runtime, "/mydata")
    for owner in runtime.services.user_data_owners:
        assert f"• {owner.name}:" in reply.text
    assert "Fine-tuning consent: off" in reply.text


async def test_mydata_words_trading_records_not_table_names(runtime: Runtime) -> None:
    await say(runtime, "/buy BTC 0.001")
    reply = await say(runtime, "/mydata")
    assert "• trading: trade proposals: 1" in reply.text
    assert "trade_proposals" not in reply.text and "paper_balances" not in reply.text


async def test_forget_needs_fresh_confirmation(runtime: Runtime) -> None:
    privacy = runtime.services.privacy
    assert privacy is not None
    privacy.set_consent(USER, True)
    ask = await say(runtime, "/forget")
    erase, cancel = ask.buttons[0]
    assert "Cancelled" in (await say(runtime, data=cancel.data)).text
    assert privacy.has_consent(USER)
    runtime.clock.now += timedelta(minutes=10)  # type: ignore[attr-defined]
    assert "expired" in (await say(runtime, data=erase.data)).text
    assert privacy.has_consent(USER)
    fresh = (await say(runtime, "/forget")).buttons[0][0]
    done = await say(runtime, data=fresh.data)
    assert "erased" in done.text and not privacy.has_consent(USER)
    assert privacy.audit.records(actor=privacy.pseudonym(USER)) == []
    assert privacy.audit.records(limit=1)[0].action == "erasure"
    assert privacy.audit.verify().ok


async def test_malformed_buttons_get_a_short_reply(runtime: Runtime) -> None:
    assert "not valid" in (await say(runtime, data="privacy:maybe")).text
    assert "not valid" in (await say(runtime, data="forget:abc")).text


async def test_secrets_files_are_private(runtime: Runtime) -> None:
    data_dir = runtime.services.settings.data_dir
    for name in ("pseudonym.key", "secret.key"):
        mode = stat.S_IMODE((data_dir / name).stat().st_mode)
        assert mode == 0o600, name


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # '/forget は何をする？' opened the erase dialog instead of answering
        ("/forget は何をする？", "すべて消去"),
        ("/forget what does it do?", "erases everything"),
    ],
)
async def test_a_question_about_forget_is_answered_not_started(
    runtime: Runtime, text: str, words: str
) -> None:
    reply = await say(runtime, text)
    assert words in reply.text and reply.buttons == ()
    assert "/forget" in reply.text  # how to start it
