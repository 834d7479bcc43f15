"""The real application against the local Bot API server: commands, escaping, splitting."""

from __future__ import annotations

from tests.e2e.harness import ALICE, Chat, bot_settings, running_bot, telegram


async def test_start_and_help_round_trip(make_settings) -> None:
    async with telegram() as server, running_bot(bot_settings(make_settings, server.url)):
        api = server.api
        chat = Chat(api, ALICE, ALICE)
        reply = await chat.say("/start")
        assert "paper" in reply.text
        help_msg = await chat.say("/help")
        assert "/alert" in help_msg.text
