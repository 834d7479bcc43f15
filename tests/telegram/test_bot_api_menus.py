"""The local Bot API server keeps command menus like Telegram: one per (scope, language_code);
getMyCommands answers exactly that menu (an empty list when none is set)."""

from __future__ import annotations

import json

from aiohttp import ClientSession

from tests.e2e.harness import TOKEN
from tests.fakes.bot_api_server import BotApiServer

EN = [{"command": "help", "description": "list the commands"}]
JA = [{"command": "help", "description": "コマンドの一覧を表示"}]
ADMIN_SCOPE = {"type": "chat", "chat_id": 900}


async def _call(session: ClientSession, base: str, method: str, **params: object) -> dict:
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    async with session.post(f"{base}/bot{TOKEN}/{method}", data=form) as resp:
        return await resp.json()


async def test_menus_are_kept_per_scope_and_language() -> None:
    async with BotApiServer(TOKEN) as server, ClientSession() as session:

        async def call(method: str, **params: object) -> dict:
            return await _call(session, server.url, method, **params)

        assert (await call("setMyCommands", commands=EN))["ok"]
        assert (await call("setMyCommands", commands=JA, language_code="ja"))["ok"]
        assert (await call("setMyCommands", commands=JA, scope=ADMIN_SCOPE, language_code="ja"))[
            "ok"
        ]
        assert (await call("getMyCommands"))["result"] == EN
        assert (await call("getMyCommands", language_code="ja"))["result"] == JA
        assert (await call("getMyCommands", language_code="fr"))["result"] == []
        assert (await call("getMyCommands", scope=ADMIN_SCOPE))["result"] == []
        assert (await call("getMyCommands", scope=ADMIN_SCOPE, language_code="ja"))["result"] == JA
        bad = await call("setMyCommands", commands=EN, language_code="japanese")
        assert bad["error_code"] == 400 and "LANG_CODE_INVALID" in bad["description"]
        empty = await call("setMyCommands", commands=[{"command": "help", "description": " "}])
        assert "BOT_COMMAND_DESCRIPTION_INVALID" in empty["description"]
        assert (await call("deleteMyCommands", language_code="ja"))["ok"]
        assert (await call("getMyCommands", language_code="ja"))["result"] == []
        assert server.api.menu() == {"help": "list the commands"}
