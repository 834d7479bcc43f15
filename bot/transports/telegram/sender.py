"""Rendering Reply / Streamed into Bot API calls: HTML, splitting, keyboards, files, edits."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    ExtBot,
)

from bot.core.conversation import Button, Reply, Response, Streamed
from bot.core.outgoing import (
    CAPTION_MAX_CHARS,
    StreamThrottle,
    clip,
    escape_html,
    preview,
    split_message,
)
from bot.transports.telegram.context import SEND_ATTEMPTS, TYPING_DELAY_S, TYPING_EVERY_S

log = logging.getLogger(__name__)


@asynccontextmanager
async def typing_indicator(bot: ExtBot[None], chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" while the block runs longer than TYPING_DELAY_S."""

    async def keeptyping_indicator() -> None:
        await asyncio.sleep(TYPING_DELAY_S)
        while True:
            with contextlib.suppress(TelegramError):
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(TYPING_EVERY_S)

    task = asyncio.create_task(keeptyping_indicator())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def keyboard(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """Return the inline keyboard for Reply.buttons (None when there are none)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons]
    )


async def _retrying(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a Bot API method, retrying server errors (5xx); 429 is retried by the limiter."""
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            return await call(*args, **kwargs)
        except (BadRequest, Forbidden, TimedOut):
            raise  # not transient, or possibly delivered already: never send twice
        except NetworkError:
            if attempt == SEND_ATTEMPTS:
                raise
            log.warning("bot api server error, retrying attempt=%d", attempt)
            await asyncio.sleep(0.2 * attempt)
    return None


class Sender:
    """Renders Reply / Streamed into Bot API calls for one chat."""

    def __init__(self, bot: ExtBot[None]) -> None:
        self.bot = bot

    async def deliver(
        self,
        chat_id: int,
        responses: Sequence[Response],
        *,
        origin: Message | None,
        incoming_id: int | None,
    ) -> None:
        """Send every response, in order."""
        for response in responses:
            if isinstance(response, Streamed):
                await self.stream(chat_id, response)
                continue
            await self.send_reply(chat_id, response, origin=origin)
            if response.delete_incoming and incoming_id is not None:
                await self.delete(chat_id, incoming_id)

    async def notify(self, chat_id: int, reply: Reply) -> bool:
        """Send a message nobody asked for (an alert); False = retry later."""
        try:
            await self.send_reply(chat_id, reply)
        except Forbidden:  # the user blocked the bot: retrying cannot help
            log.info("notification dropped: bot blocked by chat")
        except (TimedOut, BadRequest):
            raise
        except NetworkError:
            return False
        return True

    async def send_text(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> Message:
        sent: Message = await _retrying(
            self.bot.send_message,
            chat_id,
            escape_html(text),
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
        return sent

    async def edit_text(
        self, message: Message, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        try:
            await _retrying(
                self.bot.edit_message_text,
                escape_html(text),
                chat_id=message.chat.id,
                message_id=message.message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        except BadRequest as err:
            if "not modified" not in str(err):
                raise

    async def send_reply(
        self, chat_id: int, reply: Reply, *, origin: Message | None = None
    ) -> None:
        """Send one Reply: text parts, then image/document; buttons go on the last message."""
        markup = keyboard(reply.buttons)
        attachments = [a for a in (reply.image, reply.document) if a is not None]
        parts = split_message(reply.text) if reply.text.strip() else []
        editable = reply.edit_origin and origin is not None and origin.text is not None
        for index, part in enumerate(parts):
            last = index == len(parts) - 1 and not attachments
            part_markup = markup if last else None
            if index == 0 and editable and origin is not None:
                await self.edit_text(origin, part, part_markup)
            else:
                await self.send_text(chat_id, part, part_markup)
        if not parts and not attachments and reply.edit_origin and origin is not None:
            await self.edit_markup(origin, markup)
        for index, item in enumerate(attachments):
            item_markup = markup if index == len(attachments) - 1 else None
            method = self.bot.send_photo if item is reply.image else self.bot.send_document
            await _retrying(
                method,
                chat_id,
                item.content,
                caption=escape_html(clip(item.caption, CAPTION_MAX_CHARS)) or None,
                parse_mode=ParseMode.HTML,
                filename=item.filename,
                reply_markup=item_markup,
            )

    async def edit_markup(self, message: Message, markup: InlineKeyboardMarkup | None) -> None:
        try:
            await self.bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=message.message_id, reply_markup=markup
            )
        except BadRequest as err:
            if "not modified" not in str(err):
                raise

    async def delete(self, chat_id: int, message_id: int) -> None:
        try:
            await self.bot.delete_message(chat_id, message_id)
        except BadRequest as err:  # already deleted, or too old to delete (48 h)
            log.warning("could not delete incoming message error=%s", type(err).__name__)

    async def stream(self, chat_id: int, streamed: Streamed) -> None:
        """Show a streamed answer in one message, edited at most about once a second."""
        throttle = StreamThrottle()
        text = ""
        message: Message | None = None
        async with typing_indicator(self.bot, chat_id):
            async for token in streamed.tokens:
                text += token
                if throttle.due(text):
                    if message is None:
                        message = await self.send_text(chat_id, preview(text))
                    else:
                        await self.edit_text(message, preview(text))
            final = await streamed.final()
        if message is None:
            await self.send_reply(chat_id, final)
            return
        await self.send_reply(chat_id, replace(final, edit_origin=True), origin=message)
