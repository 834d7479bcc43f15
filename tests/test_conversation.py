"""The conversation layer: routing, access rules, malformed input, the terminal chat."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.app import open_runtime
from bot.core.conversation import Button, ChatKind, Reply, Request
from bot.core.errors import UserError
from bot.core.registry import Access, CallbackRoute, Command, split_callback, split_command
from bot.settings import Settings
from bot.transports.console import ConsoleSession, run_console
from tests.conftest import run_qnabot


@pytest.fixture
async def runtime(settings: Settings):
    rt = await open_runtime(settings)
    try:
        yield rt
    finally:
        await rt.close()


def texts(responses: list) -> list[str]:
    return [r.text for r in responses if isinstance(r, Reply)]


async def test_help_lists_registered_commands(runtime) -> None:
    out = texts(await runtime.conversation.handle(Request(user_id=5, chat_id=5, text="/help")))
    assert len(out) == 1
    for name, cmd in runtime.registry.commands.items():
        # admin commands are listed only for QNABOT_ADMIN_IDS (user 5 is not one)
        assert (f"/{name}" in out[0]) is (cmd.access is not Access.ADMIN and not cmd.hidden)


async def test_command_with_bot_suffix_and_unknown_command(runtime) -> None:
    out = texts(
        await runtime.conversation.handle(Request(user_id=5, chat_id=5, text="/version@qnabot"))
    )
    assert out[0].startswith("qnabot ")
    out = texts(
        await runtime.conversation.handle(Request(user_id=5, chat_id=5, text="/frobnicate now"))
    )
    assert "Unknown command /frobnicate" in out[0]


async def test_oversized_message_gets_specific_reply(runtime) -> None:
    out = texts(await runtime.conversation.handle(Request(user_id=5, chat_id=5, text="x" * 5000)))
    assert "too long" in out[0] and "5000" in out[0]


async def test_group_messages_not_addressed_are_ignored(runtime) -> None:
    req = Request(
        user_id=5, chat_id=-9, chat_kind=ChatKind.GROUP, text="hello all", addressed=False
    )
    assert await runtime.conversation.handle(req) == []


async def test_access_rules(runtime) -> None:
    calls: list[int] = []

    async def secret(_s, req: Request, _a: str) -> Reply:
        calls.append(req.user_id)
        return Reply(text="ok")

    runtime.registry.command(Command("secretcmd", "admin thing", secret, access=Access.ADMIN))
    runtime.registry.command(Command("mine", "private thing", secret, access=Access.PRIVATE))
    conv = runtime.conversation
    out = texts(await conv.handle(Request(user_id=5, chat_id=5, text="/secretcmd")))
    assert "admins only" in out[0]
    group = Request(user_id=5, chat_id=-1, chat_kind=ChatKind.GROUP, text="/mine")
    assert "private chat" in texts(await conv.handle(group))[0]
    assert texts(await conv.handle(Request(user_id=5, chat_id=5, text="/mine"))) == ["ok"]
    assert calls == [5]


@pytest.mark.parametrize("data", ["", "nocolon", ":x", "ü:1", "a b:1"])
def test_malformed_callback_data_is_a_user_error(data: str) -> None:
    with pytest.raises(UserError):
        split_callback(data)


async def test_unknown_callback_gets_a_clear_answer(runtime) -> None:
    out = await runtime.conversation.handle(Request(user_id=5, chat_id=5, callback_data="zzz:1"))
    assert "not valid" in out[0].text


def test_split_command() -> None:
    assert split_command("/TA@qnabot BTC 4h") == ("ta", "BTC 4h")
    assert split_command("/help") == ("help", "")


def test_button_data_limit() -> None:
    with pytest.raises(ValueError, match="64-byte"):
        Button("x", "a:" + "b" * 63)


async def test_console_numbered_buttons_press_callbacks(runtime, tmp_path: Path) -> None:
    pressed: list[str] = []

    async def ask(_s, _r, _a) -> Reply:
        return Reply(text="pick", buttons=((Button("Yes", "pick:yes"), Button("No", "pick:no")),))

    async def pick(_s, _r, arg: str) -> Reply:
        pressed.append(arg)
        return Reply(text=f"you picked {arg}")

    runtime.registry.command(Command("choose", "choose", ask))
    runtime.registry.callback(CallbackRoute("pick", pick))
    out = io.StringIO()
    session = ConsoleSession(runtime.conversation, out, 7, tmp_path)
    await session.handle_line("/choose")
    await session.handle_line("2")
    assert "[1] Yes  [2] No" in out.getvalue()
    assert pressed == ["no"]
    assert "you picked no" in out.getvalue()


async def test_run_console_reads_until_eof(runtime, tmp_path: Path) -> None:
    out = io.StringIO()
    await run_console(
        runtime.conversation, io.StringIO("/version\n\n/help\n"), out, user_id=1, outbox=tmp_path
    )
    assert out.getvalue().count("qnabot 0.1.0") == 1
    assert "/start" in out.getvalue()


def test_qnabot_chat_subprocess_prints_help(tmp_path: Path) -> None:
    proc = run_qnabot(tmp_path, "chat", stdin="/help\n", env={"QNABOT_LLM_BACKEND": "extractive"})
    assert proc.returncode == 0, proc.stderr
    assert "/help" in proc.stdout and "/version" in proc.stdout
    assert (tmp_path / "qnabot.db").exists()


async def test_turn_hooks_see_final_text_of_plain_and_streamed_replies(runtime) -> None:
    from bot.core.conversation import Streamed

    seen: list[tuple[int, str]] = []

    async def hook(req: Request, text: str) -> None:
        seen.append((req.user_id, text))

    async def tokens():
        for t in ("a", "b"):
            yield t

    async def final() -> Reply:
        return Reply(text="ab!")

    async def stream(_s, _r, _a):
        return Streamed(tokens(), final)

    runtime.services.turn_hooks.append(hook)
    runtime.registry.command(Command("stream", "s", stream))
    await runtime.conversation.handle(Request(user_id=3, chat_id=3, text="/version"))
    [streamed] = await runtime.conversation.handle(Request(user_id=4, chat_id=4, text="/stream"))
    assert seen == [(3, "qnabot 0.1.0")]  # the streamed turn is reported only once final
    assert "".join([t async for t in streamed.tokens]) == "ab"
    assert (await streamed.final()).text == "ab!"
    assert seen == [(3, "qnabot 0.1.0"), (4, "ab!")]
    await runtime.conversation.handle(Request(user_id=3, chat_id=3, callback_data="zz:1"))
    assert len(seen) == 2  # button presses are not turns
