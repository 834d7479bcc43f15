"""The Telegram transport: the PTB Application, built in one place from Settings.

Updates become `bot.conversation.Request`s; what the conversation answers is rendered with
sendMessage (HTML, escaped, split at 4,096), inline keyboards, sendPhoto/sendDocument,
answerCallbackQuery (every button press gets exactly one), edits and deletions. Streamed
answers are one message edited at most about once a second. The runtime (services) is opened
in post_init and closed in post_shutdown; the error handler is the single boundary where an
unexpected exception becomes an incident id and a generic reply.

This is the only module that imports `telegram`.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackContext,
    CallbackQueryHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.app import Overrides, Runtime, open_runtime
from bot.auth import NOT_ALLOWED_TEXT, UserRateLimiter, is_allowed
from bot.conversation import Button, ChatKind, Reply, Request, Response, Streamed
from bot.incidents import incident_reply
from bot.jobs import PeriodicJob
from bot.outgoing import (
    CAPTION_MAX_CHARS,
    TOAST_MAX_CHARS,
    StreamThrottle,
    clip,
    escape_html,
    preview,
    split_message,
)
from bot.services import Clock, Services, utc_now
from bot.settings import Settings

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query")
TYPING_DELAY_S = 0.3
TYPING_EVERY_S = 4.5
SEND_ATTEMPTS = 3
INVALID_BUTTON = "That button is not valid any more."


class BotData:
    """Application-wide state (PTB's bot_data): the runtime and the per-user limiter."""

    def __init__(self) -> None:
        self.runtime: Runtime | None = None
        self.limiter: UserRateLimiter | None = None
        self.username: str = ""


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The typed context handlers receive: `context.services`, `context.runtime`."""

    @property
    def runtime(self) -> Runtime:
        if self.bot_data.runtime is None:
            raise RuntimeError("runtime not opened (post_init has not run)")
        return self.bot_data.runtime

    @property
    def services(self) -> Services:
        return self.runtime.services


class TolerantBot(ExtBot[None]):
    """ExtBot that survives malformed updates: PTB would fail the whole getUpdates batch
    (and fetch it again forever); an update that does not parse becomes an empty one."""

    async def _post(self, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, *args, **kwargs)
        if endpoint != "getUpdates" or not isinstance(result, list):
            return result
        return [self._parsable(item) for item in result]

    def _parsable(self, item: Any) -> Any:
        try:
            Update.de_json(copy.deepcopy(item), self)
        except (TypeError, KeyError, ValueError, AttributeError) as err:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            log.warning("malformed update skipped update_id=%s error=%s", update_id,
                        type(err).__name__)  # fmt: skip
            return {"update_id": update_id}
        return item


BotApp = Application[ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, Any]


@dataclass(frozen=True, slots=True)
class Launch:
    """How the application is wired: settings plus the test/benchmark seams."""

    settings: Settings
    overrides: Overrides | None = None
    clock: Clock = utc_now


def webhook_secret(token: str) -> str:
    """Derive the webhook secret header value from the token (same on every worker)."""
    return hashlib.sha256(b"qnabot-webhook:" + token.encode()).hexdigest()[:48]


def build_application(launch: Launch) -> BotApp:
    """Build the PTB Application for these settings (not started)."""
    settings = launch.settings
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    api = settings.telegram_api_url.rstrip("/")

    async def post_init(app: BotApp) -> None:
        await _open(app, launch)

    bot = TolerantBot(
        token=settings.telegram_bot_token.get_secret_value(),
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        request=HTTPXRequest(64, read_timeout=20, write_timeout=30, connect_timeout=10,
                             pool_timeout=10),
        get_updates_request=HTTPXRequest(2, read_timeout=30, connect_timeout=10),
        rate_limiter=AIORateLimiter(max_retries=2),
    )  # fmt: skip
    app: BotApp = (
        Application.builder()
        .bot(bot)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .concurrent_updates(256)
        .post_init(post_init)
        .post_shutdown(_close)
        .build()
    )
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, on_message, block=False))
    app.add_handler(CallbackQueryHandler(on_callback, block=False))
    app.add_error_handler(on_error, block=False)
    return app


async def _open(app: BotApp, launch: Launch) -> None:
    """Open the runtime, publish the command menu and schedule the jobs."""
    settings = launch.settings
    runtime = await open_runtime(settings, clock=launch.clock, overrides=launch.overrides)
    data = app.bot_data
    data.runtime = runtime
    data.limiter = UserRateLimiter(settings.user_rate_per_min, settings.user_burst, launch.clock)
    data.username = app.bot.username or ""
    await _publish_commands(app, runtime, settings.admin_ids)
    _schedule_jobs(app, runtime)
    log.info("telegram runtime open commands=%d", len(runtime.registry.commands))


async def _close(app: BotApp) -> None:
    runtime = app.bot_data.runtime
    app.bot_data.runtime = None
    if runtime is not None:
        await runtime.close()


async def _publish_commands(app: BotApp, runtime: Runtime, admin_ids: Sequence[int]) -> None:
    """Register the command menu: everyone's commands, plus admin commands in admins' chats."""
    registry = runtime.registry

    def menu(admin: bool) -> list[BotCommand]:
        return [
            BotCommand(c.name, clip(c.summary, 256)) for c in registry.visible_commands(admin=admin)
        ]

    await app.bot.set_my_commands(menu(False))
    admin_menu = menu(True)
    for admin_id in admin_ids:
        try:
            await app.bot.set_my_commands(admin_menu, scope=BotCommandScopeChat(admin_id))
        except BadRequest as err:  # the admin has not opened a chat with the bot yet
            log.warning("admin command menu not set error=%s", type(err).__name__)


def _schedule_jobs(app: BotApp, runtime: Runtime) -> None:
    """Schedule the periodic jobs (alert checks, ...) on the JobQueue."""
    from bot.jobs import periodic_jobs

    if app.job_queue is None:
        return
    sender = _Sender(app.bot)
    for job in periodic_jobs(runtime):

        async def tick(context: BotContext, job: PeriodicJob = job) -> None:
            await job.run(context.runtime, sender.notify)

        app.job_queue.run_repeating(tick, interval=job.interval_s, first=job.first_s, name=job.name)


# ---- updates in ------------------------------------------------------------------------


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
    return (text[:index] + text[index + len(mention) :]).strip()


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
            await _Sender(context.bot).send_reply(req.chat_id, Reply(text=refusal))
        return
    async with _typing(context.bot, req.chat_id):
        responses = await context.runtime.conversation.handle(req)
    sender = _Sender(context.bot)
    await sender.deliver(req.chat_id, responses, origin=None, incoming_id=message.message_id)


def _refusal(context: BotContext, req: Request) -> str | None:
    """Return None to serve the request, else the reply ("" = stay silent)."""
    if not is_allowed(context.services.settings, req.user_id):
        return NOT_ALLOWED_TEXT if req.is_private else ""
    limiter = context.bot_data.limiter
    if limiter is None or not req.addressed:
        return None
    verdict = limiter.check(req.user_id)
    if verdict.allowed:
        return None
    log.info("user rate limited notify=%s", verdict.notify)
    return verdict.reply_text if verdict.notify else ""


async def on_callback(update: Update, context: BotContext) -> None:
    """Answer one button press; it always gets exactly one answerCallbackQuery."""
    query = update.callback_query
    if query is None:
        return
    if getattr(query, "from_user", None) is None or not query.data:  # malformed press
        await _answer(query.answer, INVALID_BUTTON)
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
        await _answer(query.answer, refusal or "Please wait a moment.")
        return
    responses = await context.runtime.conversation.handle(req)
    toast = next((r.toast for r in responses if isinstance(r, Reply) and r.toast), None)
    # Answer before rendering so the button stops spinning even if rendering is slow.
    await _answer(query.answer, toast)
    shown = [r for r in responses if not (isinstance(r, Reply) and _toast_only(r, toast))]
    await _Sender(context.bot).deliver(req.chat_id, shown, origin=origin, incoming_id=None)


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
    reply = incident_reply(error)
    if not isinstance(update, Update):
        return
    with contextlib.suppress(TelegramError):
        if update.callback_query is not None:
            await update.callback_query.answer(text="Sorry, that did not work. Please try again.")
        chat = update.effective_chat
        if chat is not None:
            await context.bot.send_message(chat.id, escape_html(reply.text), parse_mode="HTML")


@asynccontextmanager
async def _typing(bot: ExtBot[None], chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" while the block runs longer than TYPING_DELAY_S."""

    async def keep_typing() -> None:
        await asyncio.sleep(TYPING_DELAY_S)
        while True:
            with contextlib.suppress(TelegramError):
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(TYPING_EVERY_S)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


# ---- replies out -----------------------------------------------------------------------


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


class _Sender:
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
        return await _retrying(
            self.bot.send_message,
            chat_id,
            escape_html(text),
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )

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
        async with _typing(self.bot, chat_id):
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
        await self.send_reply(
            chat_id, Reply(**{**_fields(final), "edit_origin": True}), origin=message
        )


def _fields(reply: Reply) -> dict[str, Any]:
    return {name: getattr(reply, name) for name in Reply.__slots__}  # type: ignore[attr-defined]


# ---- running -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Webhook:
    """Where a worker listens for Telegram's webhook calls, and the public URL to register."""

    url: str
    listen: str
    port: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Webhook | None:
        if not settings.webhook_url:
            return None
        return cls(settings.webhook_url, settings.webhook_listen, settings.webhook_port)


@asynccontextmanager
async def serving(
    app: BotApp, *, poll_timeout: float = 10.0, webhook: Webhook | None = None
) -> AsyncIterator[BotApp]:
    """Run the application inside the current event loop (tests, benchmarks): long polling,
    or a webhook listener when `webhook` is given."""
    async with app:
        await app.post_init(app)  # type: ignore[misc]
        try:
            await app.start()
            assert app.updater is not None
            if webhook is None:
                await app.updater.start_polling(
                    poll_interval=0.0,
                    timeout=poll_timeout,
                    allowed_updates=list(ALLOWED_UPDATES),
                    error_callback=_polling_error,
                )
            else:
                await app.updater.start_webhook(**_webhook_args(app, webhook))
            yield app
        finally:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await app.post_shutdown(app)  # type: ignore[misc]


def _webhook_args(app: BotApp, webhook: Webhook) -> dict[str, Any]:
    return {
        "listen": webhook.listen,
        "port": webhook.port,
        "url_path": urlparse(webhook.url).path.lstrip("/"),
        "webhook_url": webhook.url,
        "secret_token": webhook_secret(app.bot.token),
        "allowed_updates": list(ALLOWED_UPDATES),
    }


def _polling_error(error: TelegramError) -> None:
    log.warning("polling failed error=%s; retrying", type(error).__name__)


def run_telegram(settings: Settings) -> None:
    """Serve Telegram until interrupted: long polling, or a webhook when QNABOT_WEBHOOK_URL."""
    app = build_application(Launch(settings))
    webhook = Webhook.from_settings(settings)
    if webhook is None:
        app.run_polling(allowed_updates=list(ALLOWED_UPDATES))
    else:
        app.run_webhook(**_webhook_args(app, webhook))
