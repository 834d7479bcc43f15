"""A local HTTP server speaking the Telegram Bot API, for end-to-end tests and benchmarks.

The real python-telegram-bot application talks to it over HTTP exactly as it would talk to
api.telegram.org (`base_url=<server>/bot`). The test side plays users: `send_text` queues a
message update, `click` queues a callback query; `wait_for` waits until the bot has done
something. Every call the bot makes is recorded in `calls`; messages the bot sent (and
edited) are kept per chat in `chats`.

Validation follows the real API where it matters to us: HTML parse mode is parsed (bad
entities -> 400 "can't parse entities"), text length is counted after entity parsing (4,096),
callback data is limited to 64 bytes, editing to the same content is "message is not
modified", an unknown callback query id is "query is too old", an unknown token is 401.
Fault injection: `fail_next(method, 429, retry_after=1)` or `fail_next(method, 502)`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

from tests.fakes.serving import serve_on_loopback
from tests.fakes.telegram_html import BadRequest

BOT_ID = 7000001
BOT_USERNAME = "qnabot_test_bot"
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


@dataclass
class SentMessage:
    """A message the bot sent, as it currently looks."""

    message_id: int
    chat_id: int
    text: str
    markup: dict[str, Any] | None = None
    photo: bytes | None = None
    document: bytes | None = None
    filename: str | None = None
    edits: int = 0
    deleted: bool = False

    @property
    def buttons(self) -> list[dict[str, str]]:
        rows = (self.markup or {}).get("inline_keyboard", [])
        return [b for row in rows for b in row]

    def button(self, label_part: str) -> dict[str, str]:
        """Return the first button whose label contains `label_part`."""
        for b in self.buttons:
            if label_part.lower() in b["text"].lower():
                return b
        raise KeyError(f"no button {label_part!r} in {[b['text'] for b in self.buttons]}")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class FakeBotApi:
    """State of the fake Telegram: users' updates in, the bot's calls and messages out."""

    token: str
    updates: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    chats: dict[int, list[SentMessage]] = field(default_factory=lambda: defaultdict(list))
    by_id: dict[tuple[int, int], SentMessage] = field(default_factory=dict)
    incoming: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    callback_answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    open_queries: set[str] = field(default_factory=set)
    # command menus by (scope as sorted JSON, language_code; "" = every other language)
    menus: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    languages: dict[int, str] = field(default_factory=dict)  # a user's language_code ("en")
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_statuses: list[int] = field(default_factory=list)
    balance_to: list[str] = field(default_factory=list)  # a load balancer over workers
    _posts: set[asyncio.Task[None]] = field(default_factory=set)
    blocked: set[int] = field(default_factory=set)
    deleted_incoming: set[tuple[int, int]] = field(default_factory=set)
    faults: dict[str, list[tuple[int, int | None]]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition | None = None

    # ---- the test side: users act -------------------------------------------------------

    def _user(self, user_id: int) -> dict[str, Any]:
        language = self.languages.get(user_id, "en")
        return {"id": user_id, "is_bot": False, "first_name": f"U{user_id}",
                "language_code": language}  # fmt: skip

    def _chat(self, chat_id: int, user_id: int) -> dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"U{user_id}"}
        return {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}"}

    async def push(self, update: dict[str, Any]) -> int:
        """Queue a raw update (any shape: malformed ones too); return its update_id."""
        update_id = next(self._update_ids)
        if self.webhook_url:
            targets = self.balance_to or [self.webhook_url]
            target = targets[update_id % len(targets)]
            self._posts.add(
                asyncio.create_task(self._post(target, {"update_id": update_id, **update}))
            )
            return update_id
        self.updates.append({"update_id": update_id, **update})
        await self._notify()
        return update_id

    async def _post(self, url: str, update: dict[str, Any]) -> None:
        """Deliver an update to the webhook like Telegram does (retrying failures)."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret}
        async with ClientSession() as session:
            for _ in range(5):
                async with session.post(url, json=update, headers=headers) as resp:
                    self.webhook_statuses.append(resp.status)
                    if resp.status == 200:
                        return
                await asyncio.sleep(0.2)

    async def send_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        reply_to: SentMessage | None = None,
        forwarded: bool = False,
    ) -> int:
        """Queue a text message from a user (private chat unless chat_id < 0); return its id."""
        chat = chat_id if chat_id is not None else user_id
        message_id = next(self._ids)
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": self._user(user_id),
            "chat": self._chat(chat, user_id),
            "date": int(time.time()),
            "text": text,
        }
        entities = _entities(text)
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = self._as_message(reply_to)
        if forwarded:
            message["forward_origin"] = {"type": "hidden_user", "date": 1, "sender_user_name": "X"}
        self.incoming[(chat, message_id)] = message
        await self.push({"message": message})
        return message_id

    async def click(self, user_id: int, message: SentMessage, data: str) -> str:
        """Queue a press of an inline button on `message` by `user_id`; return the query id."""
        query_id = f"q{next(self._ids)}"
        self.open_queries.add(query_id)
        await self.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self._user(user_id),
                    "chat_instance": str(message.chat_id),
                    "message": self._as_message(message),
                    "data": data,
                }
            }
        )
        return query_id

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 20.0, what: str = "condition"
    ) -> Any:
        """Wait until predicate() is truthy (re-checked after every bot call); return it."""
        cond = self._cond()
        deadline = time.monotonic() + timeout
        async with cond:
            while not (result := predicate()):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"timed out waiting for {what}; last calls: {self.tail()}")
                try:
                    await asyncio.wait_for(cond.wait(), left)
                except TimeoutError:
                    continue
            return result

    async def wait_reply(self, chat_id: int, after: int = 0, timeout: float = 20.0) -> SentMessage:
        """Wait for a message in chat with index ≥ after (see `count`); return it."""
        return await self.wait_for(
            lambda: self.chats[chat_id][after] if len(self.chats[chat_id]) > after else None,
            timeout,
            f"message #{after} in chat {chat_id}",
        )

    async def wait_answer(self, query_id: str, timeout: float = 20.0) -> dict[str, Any]:
        """Wait until the bot answered callback query `query_id`; return the answer."""
        return await self.wait_for(
            lambda: self.callback_answers.get(query_id), timeout, f"answer to {query_id}"
        )

    def menu(self, scope: dict[str, Any] | None = None, language: str = "") -> dict[str, str]:
        """Return one menu as {command: description} (the default scope unless `scope`)."""
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language)
        return {c["command"]: c["description"] for c in self.menus.get(key, [])}

    @property
    def commands(self) -> list[dict[str, str]]:
        """The default menu (default scope, no language_code)."""
        return self.menus.get((json.dumps({"type": "default"}), ""), [])

    @property
    def scoped_commands(self) -> dict[str, list[dict[str, str]]]:
        """The menus of other scopes, without a language_code, by scope JSON."""
        return {scope: cmds for (scope, lang), cmds in self.menus.items()
                if not lang and json.loads(scope)["type"] != "default"}  # fmt: skip

    def count(self, chat_id: int) -> int:
        return len(self.chats[chat_id])

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def fail_next(self, method: str, status: int, *, retry_after: int | None = None) -> None:
        """Make the next call of `method` fail with HTTP `status` (429 with retry_after)."""
        self.faults.setdefault(method, []).append((status, retry_after))

    def tail(self, n: int = 8) -> list[str]:
        return [c.method for c in self.calls[-n:]]

    # ---- plumbing -----------------------------------------------------------------------

    def _cond(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    async def _notify(self) -> None:
        cond = self._cond()
        async with cond:
            cond.notify_all()

    def _as_message(self, sent: SentMessage) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "message_id": sent.message_id,
            "from": {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "qnabot",
                "username": BOT_USERNAME,
            },
            "chat": self._chat(sent.chat_id, sent.chat_id),
            "date": int(time.time()),
        }
        if sent.photo is not None:
            doc["photo"] = [
                {"file_id": f"p{sent.message_id}", "file_unique_id": f"u{sent.message_id}",
                 "width": 800, "height": 600, "file_size": len(sent.photo)}
            ]  # fmt: skip
            if sent.text:
                doc["caption"] = sent.text
        elif sent.document is not None:
            doc["document"] = {
                "file_id": f"d{sent.message_id}",
                "file_unique_id": f"u{sent.message_id}",
                "file_name": sent.filename,
                "file_size": len(sent.document),
            }
            if sent.text:
                doc["caption"] = sent.text
        else:
            doc["text"] = sent.text
        if sent.markup:
            doc["reply_markup"] = sent.markup
        return doc


def _entities(text: str) -> list[dict[str, Any]]:
    out = []
    if text.startswith("/"):
        length = len(text.split(maxsplit=1)[0]) if text.strip() else 1
        out.append({"type": "bot_command", "offset": 0, "length": length})
    for match in re.finditer(r"@\w+", text):
        out.append({"type": "mention", "offset": match.start(), "length": len(match.group())})
    return out


def make_app(api: FakeBotApi) -> web.Application:
    """Return the aiohttp application serving `api` at /bot<token>/<method>."""

    from tests.fakes.bot_api_methods import METHODS  # the methods build on this module

    async def handle(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        if token != api.token:
            return _error(401, "Unauthorized")
        params = await _params(request)
        api.calls.append(Call(method, params, time.monotonic()))
        try:
            fault = api.faults.get(method)
            if fault:
                status, retry_after = fault.pop(0)
                if status == 429:
                    raise BadRequest(
                        f"Too Many Requests: retry after {retry_after}",
                        429,
                        parameters={"retry_after": retry_after},
                    )
                raise BadRequest("Bad Gateway", status)
            impl = METHODS.get(method.lower())
            if impl is None:
                raise BadRequest("Not Found", 404)
            result = await impl(api, params)
        except BadRequest as err:
            await api._notify()
            return _error(err.code, str(err), **err.extra)
        await api._notify()
        return web.json_response({"ok": True, "result": result})

    app = web.Application(client_max_size=60 * 1024 * 1024)
    app.router.add_route("*", "/bot{token}/{method}", handle)
    return app


def _error(code: int, description: str, **extra: Any) -> web.Response:
    body = {"ok": False, "error_code": code, "description": description, **extra}
    return web.json_response(body, status=code)


async def _params(request: web.Request) -> dict[str, Any]:
    """Read parameters the way Telegram does: query string, JSON body, form or multipart."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        params.update(await request.json())
        return params
    if request.content_type == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if part.filename is not None:  # type: ignore[union-attr]
                params[part.name] = (part.filename, await part.read())  # type: ignore[union-attr]
            else:
                params[part.name] = await part.text()  # type: ignore[union-attr]
        return params
    if request.can_read_body:
        params.update(dict(await request.post()))
    return params


class BotApiServer:
    """Run a FakeBotApi on 127.0.0.1 in the current event loop (`async with`)."""

    def __init__(self, token: str) -> None:
        self.api = FakeBotApi(token=token)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> BotApiServer:
        self._runner, self.url = await serve_on_loopback(make_app(self.api))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def decode_json(value: Any) -> Any:
    """Form fields carry JSON-encoded values (reply_markup, commands); decode them."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
