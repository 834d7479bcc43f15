"""The local Bot API server answers like Telegram where the bot depends on it."""

from __future__ import annotations

import json

from aiohttp import ClientSession

from tests.e2e.harness import TOKEN
from tests.fakes.bot_api_server import BotApiServer


async def _call(session: ClientSession, base: str, method: str, **params: object) -> dict:
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    async with session.post(f"{base}/bot{TOKEN}/{method}", data=form) as resp:
        body = await resp.json()
        assert resp.status == (200 if body["ok"] else body["error_code"])
        return body


async def test_wire_protocol_errors_match_telegram() -> None:
    async with BotApiServer(TOKEN) as server, ClientSession() as session:
        async with session.post(f"{server.url}/bot1:wrong/getMe") as resp:
            assert resp.status == 401 and (await resp.json())["description"] == "Unauthorized"
        me = await _call(session, server.url, "getMe")
        assert me["result"]["is_bot"] is True
        bad = await _call(session, server.url, "sendMessage", chat_id=5, text="a < b",
                          parse_mode="HTML")  # fmt: skip
        assert bad["error_code"] == 400 and "can't parse entities" in bad["description"]
        ok = await _call(session, server.url, "sendMessage", chat_id=5, text="a &lt; <b>b</b>",
                         parse_mode="HTML")  # fmt: skip
        assert ok["result"]["text"] == "a < b"
        too_long = await _call(session, server.url, "sendMessage", chat_id=5, text="x" * 4097)
        assert too_long["description"] == "Bad Request: message is too long"
        markup = {"inline_keyboard": [[{"text": "b", "callback_data": "x" * 65}]]}
        data = await _call(session, server.url, "sendMessage", chat_id=5, text="t",
                           reply_markup=markup)  # fmt: skip
        assert data["description"] == "Bad Request: BUTTON_DATA_INVALID"
        mid = ok["result"]["message_id"]
        same = await _call(session, server.url, "editMessageText", chat_id=5, message_id=mid,
                           text="a < b")  # fmt: skip
        assert "message is not modified" in same["description"]
        server.api.fail_next("sendMessage", 429, retry_after=3)
        limited = await _call(session, server.url, "sendMessage", chat_id=5, text="t")
        assert limited["error_code"] == 429 and limited["parameters"] == {"retry_after": 3}
        answer = await _call(session, server.url, "answerCallbackQuery", callback_query_id="zz")
        assert "query is too old" in answer["description"]
        await _call(session, server.url, "setWebhook", url="http://127.0.0.1:9/x")
        conflict = await _call(session, server.url, "getUpdates")
        assert conflict["error_code"] == 409


async def test_get_updates_long_polls_and_confirms_with_offset() -> None:
    async with BotApiServer(TOKEN) as server, ClientSession() as session:
        empty = await _call(session, server.url, "getUpdates", timeout="0")
        assert empty["result"] == []
        await server.api.send_text(5, "/start")
        got = await _call(session, server.url, "getUpdates", timeout="1")
        (update,) = got["result"]
        assert update["message"]["entities"][0]["type"] == "bot_command"
        again = await _call(session, server.url, "getUpdates", offset=update["update_id"] + 1,
                            timeout="0")  # fmt: skip
        assert again["result"] == []
