"""Updates in: Telegram messages and button presses become Requests; the error boundary."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from telegram import (
    Message,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError

from bot.core.auth import is_allowed, not_allowed_text
from bot.core.clock import Clock
from bot.core.conversation import ChatKind, Reply, Request
from bot.core.i18n import language_for, t
from bot.core.incidents import incident_reply
from bot.core.outgoing import (
    TOAST_MAX_CHARS,
    clip,
    escape_html,
)
from bot.transports.telegram.context import BotContext
from bot.transports.telegram.sender import Sender, typing_indicator

log = logging.getLogger(__name__)


def _addressed(message: Message, username: str, bot_id: int) -> bool:
    if message.chat.type == ChatType.PRIVATE:
        return True
    text = message.text or message.caption or ""
    if text.startswith("/"):
        return True
    if username and f"@{username.lower()}" in text.lower():
        return True
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot_id)


def _strip_mention(text: str, username: str) -> str:
    if not username:
        return text
    mention = f"@{username}"
    head, sep, tail = text.partition(" ")
    if head.startswith("/") and head.lower().endswith(mention.lower()):
        return head[: -len(mention)] + sep + tail
    index = text.lower().find(mention.lower())
    if index < 0 or text.startswith("/"):
        return text
    return (text[:index].rstrip() + " " + text[index + len(mention) :].lstrip()).strip()


def _for_other_bot(text: str, username: str) -> bool:
    head = text.split(maxsplit=1)[0] if text.strip() else ""
    if not head.startswith("/") or "@" not in head:
        return False
    return head.split("@", 1)[1].lower() != username.lower()


def request_from_message(message: Message, username: str, bot_id: int, clock: Clock) -> Request:
    """Translate a Telegram message into a Request."""
    user = message.from_user
    assert user is not None  # checked by the caller
    text = _strip_mention(message.text or message.caption or "", username)
    return Request(
        user_id=user.id,
        chat_id=message.chat.id,
        chat_kind=ChatKind.PRIVATE if message.chat.type == ChatType.PRIVATE else ChatKind.GROUP,
        text=text,
        forwarded=message.forward_origin is not None,
        addressed=_addressed(message, username, bot_id),
        language=user.language_code,
        message_id=message.message_id,
        received_at=clock(),
    )


async def on_message(update: Update, context: BotContext) -> None:
    """Answer one message."""
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return
    if getattr(message, "chat", None) is None:  # malformed update: nowhere to answer
        log.warning("update without chat ignored update_id=%s", update.update_id)
        return
    username = context.bot_data.username
    if _for_other_bot(message.text or "", username):
        return
    req = request_from_message(message, username, context.bot.id, context.services.clock)
    refusal = _refusal(context, req)
    if refusal is not None:
        if refusal and req.addressed:
            await Sender(context.bot).send_reply(req.chat_id, Reply(text=refusal))
        return
    async with typing_indicator(context.bot, req.chat_id):
        responses = await context.runtime.conversation.handle(req)
    sender = Sender(context.bot)
    await sender.deliver(req.chat_id, responses, origin=None, incoming_id=message.message_id)


def _refusal(context: BotContext, req: Request) -> str | None:
    """Return None to serve the request, else the reply ("" = stay silent)."""
    if not is_allowed(context.services.settings, req.user_id):
        return not_allowed_text(req.lang) if req.is_private else ""
    limiter = context.bot_data.limiter
    if limiter is None or not req.addressed:
        return None
    verdict = limiter.check(req.user_id)
    if verdict.allowed:
        return None
    log.info("user rate limited notify=%s", verdict.notify)
    if not verdict.notify:
        return ""
    return verdict.reply(context.services.prefs.resolve(req).lang)  # their /lang choice


async def on_callback(update: Update, context: BotContext) -> None:
    """Answer one button press; it always gets exactly one answerCallbackQuery."""
    query = update.callback_query
    if query is None:
        return
    user = getattr(query, "from_user", None)
    if user is None or not query.data:  # malformed press
        await _answer(
            query.answer,
            t(language_for(getattr(user, "language_code", None)), "core.button_invalid"),
        )
        return
    origin = query.message if isinstance(query.message, Message) else None
    chat = query.message.chat if query.message is not None else None
    req = Request(
        user_id=query.from_user.id,
        chat_id=chat.id if chat else query.from_user.id,
        chat_kind=ChatKind.PRIVATE
        if chat is None or chat.type == ChatType.PRIVATE
        else ChatKind.GROUP,
        callback_data=query.data or "",
        language=query.from_user.language_code,
        message_id=origin.message_id if origin else None,
        received_at=context.services.clock(),
    )
    refusal = _refusal(context, req)
    if refusal is not None:
        await _answer(query.answer, refusal or t(req.lang, "core.wait_a_moment"))
        return
    responses = await context.runtime.conversation.handle(req)
    toast = next((r.toast for r in responses if isinstance(r, Reply) and r.toast), None)
    # Answer before rendering so the button stops spinning even if rendering is slow.
    await _answer(query.answer, toast)
    shown = [r for r in responses if not (isinstance(r, Reply) and _toast_only(r, toast))]
    await Sender(context.bot).deliver(req.chat_id, shown, origin=origin, incoming_id=None)


def _toast_only(reply: Reply, toast: str | None) -> bool:
    """A reply whose text only repeats the toast (e.g. an expired button) is not sent again."""
    has_more = reply.buttons or reply.image or reply.document or reply.edit_origin
    return not has_more and (not reply.text or reply.text == toast)


async def _answer(answer: Any, toast: str | None) -> None:
    try:
        await answer(text=clip(toast, TOAST_MAX_CHARS) if toast else None)
    except BadRequest as err:  # query too old (after a restart) or already answered
        log.info("callback answer refused error=%s", type(err).__name__)


async def on_error(update: object, context: BotContext) -> None:
    """The single incident boundary: log with an id, reply generically, keep serving."""
    error = context.error
    if error is None:
        return
    user = update.effective_user if isinstance(update, Update) else None
    language = language_for(user.language_code if user is not None else None)
    reply = incident_reply(error, language)
    if not isinstance(update, Update):
        return
    with contextlib.suppress(TelegramError):
        if update.callback_query is not None:
            await update.callback_query.answer(text=t(language, "core.press_failed"))
        chat = update.effective_chat
        if chat is not None:
            await context.bot.send_message(chat.id, escape_html(reply.text), parse_mode="HTML")
