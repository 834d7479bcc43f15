"""Every registered command answers over Telegram (iterating the registry, so commands other
features add are covered too); the bot token never reaches the logs."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.app import build_registry
from bot.core.logs import configure_logging
from tests.e2e.harness import ADMIN, ALICE, TOKEN, Chat
from tests.fakes.bot_api_server import BotApiServer

INCIDENT = "something went wrong on my side"


async def test_every_registered_command_answers(tg: BotApiServer, start_bot) -> None:
    names = sorted(build_registry().commands)
    assert {"start", "help", "alert", "alerts", "unalert"} <= set(names)
    admin = Chat(tg.api, ADMIN, ADMIN)
    async with start_bot(user_burst=1000, user_rate_per_min=6000):
        for name in names:
            reply = await admin.say(f"/{name}", timeout=30)
            shown = reply.text or reply.filename or ""
            assert shown, f"/{name} sent an empty message"
            assert INCIDENT not in shown, f"/{name} crashed"
            assert not shown.startswith("Unknown command"), name
        help_text = (await admin.say("/help")).text
    for cmd in build_registry().visible_commands(admin=True):
        assert f"/{cmd.name}" in help_text


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Install the production logging set-up on a buffer; restore the test logging after."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    noisy = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    buffer = io.StringIO()
    configure_logging("DEBUG", "text", stream=buffer)
    try:
        yield buffer
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
        for name, level in noisy.items():
            logging.getLogger(name).setLevel(level)


async def _session(tg: BotApiServer) -> None:
    chat = Chat(tg.api, ALICE, ALICE)
    await chat.say("/start")
    await chat.say("/t_crash boom")
    await chat.say("/alert BTC above 100000")
    tg.api.fail_next("sendMessage", 502)
    await chat.say("/version")


async def test_bot_token_never_reaches_the_logs(
    tg: BotApiServer, start_bot, captured_logs: io.StringIO
) -> None:
    assert logging.getLogger("httpx").level == logging.WARNING
    async with start_bot():
        await _session(tg)
    out = captured_logs.getvalue()
    assert "incident=" in out and "command name=alert" in out  # the logs did capture the run
    assert TOKEN not in out and TOKEN.split(":")[1] not in out


async def test_token_is_scrubbed_even_if_httpx_logs_urls(
    tg: BotApiServer, start_bot, captured_logs: io.StringIO
) -> None:
    logging.getLogger("httpx").setLevel(logging.DEBUG)  # an operator's mistake
    async with start_bot():
        await _session(tg)
    out = captured_logs.getvalue()
    assert "/bot<BOT_TOKEN>/sendMessage" in out  # httpx logged request URLs, scrubbed
    assert TOKEN not in out and TOKEN.split(":")[1] not in out
