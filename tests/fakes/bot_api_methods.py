"""The Bot API methods of the local Telegram server (tests/fakes/bot_api_server.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from tests.fakes.bot_api_server import (
    BOT_ID,
    BOT_USERNAME,
    CAPTION_LIMIT,
    COMMAND_RE,
    TEXT_LIMIT,
    FakeBotApi,
    SentMessage,
    decode_json,
)
from tests.fakes.telegram_html import BadRequest, parse_html

BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "qnabot",
    "username": BOT_USERNAME,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
CHAT_ACTIONS = {"typing", "upload_photo", "upload_document", "record_video", "find_location"}
Method = Callable[[FakeBotApi, dict[str, Any]], Awaitable[Any]]


def _int(params: dict[str, Any], key: str) -> int:
    try:
        return int(params[key])
    except (KeyError, TypeError, ValueError):
        raise BadRequest(f"Bad Request: {key} is empty") from None


def _text(params: dict[str, Any], key: str, limit: int, *, required: bool = True) -> str:
    raw = str(params.get(key) or "")
    text = parse_html(raw) if params.get("parse_mode") == "HTML" else raw
    if required and not text.strip():
        raise BadRequest("Bad Request: message text is empty")
    if len(text) > limit:
        raise BadRequest(
            "Bad Request: message is too long"
            if key == "text"
            else "Bad Request: message caption is too long"
        )
    return text


def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = decode_json(params.get("reply_markup"))
    if not markup:
        return None
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not button.get("text"):
                raise BadRequest("Bad Request: text buttons are unallowed in the inline keyboard")
            if len(str(button.get("callback_data", "")).encode()) > 64:
                raise BadRequest("Bad Request: BUTTON_DATA_INVALID")
    return markup


def _store(api: FakeBotApi, sent: SentMessage) -> dict[str, Any]:
    if sent.chat_id in api.blocked:
        raise BadRequest("Forbidden: bot was blocked by the user", 403)
    api.chats[sent.chat_id].append(sent)
    api.by_id[(sent.chat_id, sent.message_id)] = sent
    return api._as_message(sent)


def _find(api: FakeBotApi, params: dict[str, Any]) -> SentMessage:
    sent = api.by_id.get((_int(params, "chat_id"), _int(params, "message_id")))
    if sent is None or sent.deleted:
        raise BadRequest("Bad Request: message to edit not found")
    return sent


async def get_me(api: FakeBotApi, params: dict[str, Any]) -> Any:
    return BOT_USER


async def get_updates(api: FakeBotApi, params: dict[str, Any]) -> Any:
    if api.webhook_url:
        raise BadRequest(
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
            "to delete the webhook first",
            409,
        )
    offset = int(params.get("offset") or 0)
    timeout = float(params.get("timeout") or 0)
    limit = int(params.get("limit") or 100)
    if offset:
        api.updates = [u for u in api.updates if u["update_id"] >= offset]
    allowed = decode_json(params.get("allowed_updates"))
    if allowed:  # Telegram never delivers the other kinds; drop them like it does
        api.updates = [u for u in api.updates if set(u) & set(allowed)]
    try:
        await api.wait_for(lambda: api.updates, timeout=timeout, what="updates")
    except TimeoutError:
        return []
    return api.updates[:limit]


async def set_webhook(api: FakeBotApi, params: dict[str, Any]) -> Any:
    api.webhook_url = str(params.get("url") or "")
    api.webhook_secret = str(params.get("secret_token") or "")
    return True


async def delete_webhook(api: FakeBotApi, params: dict[str, Any]) -> Any:
    api.webhook_url = ""
    if str(params.get("drop_pending_updates")).lower() == "true":
        api.updates.clear()
    return True


async def get_webhook_info(api: FakeBotApi, params: dict[str, Any]) -> Any:
    return {"url": api.webhook_url, "has_custom_certificate": False,
            "pending_update_count": len(api.updates)}  # fmt: skip


async def send_message(api: FakeBotApi, params: dict[str, Any]) -> Any:
    chat_id = _int(params, "chat_id")
    text = _text(params, "text", TEXT_LIMIT)
    sent = SentMessage(next(api._ids), chat_id, text, _markup(params))
    return _store(api, sent)


async def edit_message_text(api: FakeBotApi, params: dict[str, Any]) -> Any:
    sent = _find(api, params)
    text = _text(params, "text", TEXT_LIMIT)
    markup = _markup(params)
    if text == sent.text and markup == sent.markup:
        raise BadRequest(
            "Bad Request: message is not modified: specified new message content and reply "
            "markup are exactly the same as a current content and reply markup of the message"
        )
    sent.text, sent.markup = text, markup
    sent.edits += 1
    return api._as_message(sent)


async def edit_message_reply_markup(api: FakeBotApi, params: dict[str, Any]) -> Any:
    sent = _find(api, params)
    markup = _markup(params)
    if markup == sent.markup:
        raise BadRequest("Bad Request: message is not modified")
    sent.markup = markup
    sent.edits += 1
    return api._as_message(sent)


async def answer_callback_query(api: FakeBotApi, params: dict[str, Any]) -> Any:
    query_id = str(params.get("callback_query_id") or "")
    if query_id not in api.open_queries:
        raise BadRequest(
            "Bad Request: query is too old and response timeout expired or query ID is invalid"
        )
    text = str(params.get("text") or "")
    if len(text) > 200:
        raise BadRequest("Bad Request: MESSAGE_TOO_LONG")
    api.open_queries.discard(query_id)
    api.callback_answers[query_id] = {"text": text, "show_alert": params.get("show_alert")}
    return True


def _file(params: dict[str, Any], key: str) -> tuple[str, bytes]:
    value = params.get(key)
    if not isinstance(value, tuple):
        raise BadRequest(f"Bad Request: there is no {key} in the request")
    return value


async def send_photo(api: FakeBotApi, params: dict[str, Any]) -> Any:
    chat_id = _int(params, "chat_id")
    filename, content = _file(params, "photo")
    if not content.startswith(b"\x89PNG") and not content.startswith(b"\xff\xd8"):
        raise BadRequest("Bad Request: IMAGE_PROCESS_FAILED")
    caption = _text(params, "caption", CAPTION_LIMIT, required=False)
    sent = SentMessage(next(api._ids), chat_id, caption, _markup(params), photo=content,
                       filename=filename)  # fmt: skip
    return _store(api, sent)


async def send_document(api: FakeBotApi, params: dict[str, Any]) -> Any:
    chat_id = _int(params, "chat_id")
    filename, content = _file(params, "document")
    caption = _text(params, "caption", CAPTION_LIMIT, required=False)
    sent = SentMessage(next(api._ids), chat_id, caption, _markup(params), document=content,
                       filename=filename)  # fmt: skip
    return _store(api, sent)


async def send_chat_action(api: FakeBotApi, params: dict[str, Any]) -> Any:
    _int(params, "chat_id")
    if params.get("action") not in CHAT_ACTIONS:
        raise BadRequest("Bad Request: wrong parameter action in request")
    return True


LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2}$")
DEFAULT_SCOPE = {"type": "default"}


def _menu_key(params: dict[str, Any]) -> tuple[str, str]:
    """Return (scope, language_code) naming one command menu, as Telegram keys them."""
    scope = decode_json(params.get("scope")) or DEFAULT_SCOPE
    if not isinstance(scope, dict) or not scope.get("type"):
        raise BadRequest("Bad Request: can't parse BotCommandScope JSON object")
    language = str(params.get("language_code") or "")
    if language and not LANGUAGE_CODE_RE.match(language):
        raise BadRequest("Bad Request: LANG_CODE_INVALID")
    return json.dumps(scope, sort_keys=True), language


async def set_my_commands(api: FakeBotApi, params: dict[str, Any]) -> Any:
    commands = decode_json(params.get("commands"))
    if not isinstance(commands, list) or len(commands) > 100:
        raise BadRequest("Bad Request: commands must be a list of at most 100 commands")
    for cmd in commands:
        if not COMMAND_RE.match(str(cmd.get("command", ""))):
            raise BadRequest("Bad Request: BOT_COMMAND_INVALID")
        if not 1 <= len(str(cmd.get("description", "")).strip()) <= 256:
            raise BadRequest("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
    api.menus[_menu_key(params)] = commands
    return True


async def get_my_commands(api: FakeBotApi, params: dict[str, Any]) -> Any:
    """The menu of exactly this scope and language (Telegram answers [] when none is set)."""
    return api.menus.get(_menu_key(params), [])


async def delete_my_commands(api: FakeBotApi, params: dict[str, Any]) -> Any:
    api.menus.pop(_menu_key(params), None)
    return True


async def delete_message(api: FakeBotApi, params: dict[str, Any]) -> Any:
    key = (_int(params, "chat_id"), _int(params, "message_id"))
    if key in api.incoming:
        api.deleted_incoming.add(key)
        del api.incoming[key]
        return True
    sent = api.by_id.get(key)
    if sent is None or sent.deleted:
        raise BadRequest("Bad Request: message to delete not found")
    sent.deleted = True
    return True


async def ok(api: FakeBotApi, params: dict[str, Any]) -> Any:
    return True


METHODS: dict[str, Method] = {
    "getme": get_me,
    "getupdates": get_updates,
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
    "sendmessage": send_message,
    "editmessagetext": edit_message_text,
    "editmessagereplymarkup": edit_message_reply_markup,
    "answercallbackquery": answer_callback_query,
    "sendphoto": send_photo,
    "senddocument": send_document,
    "sendchataction": send_chat_action,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "deletemessage": delete_message,
    "close": ok,
    "logout": ok,
}
