"""The PTB Application, built in one place from Settings, and how it runs."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import importlib
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    Update,
)
from telegram.error import BadRequest, InvalidToken, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.app import Overrides, Runtime, open_runtime
from bot.core.auth import UserRateLimiter
from bot.core.clock import Clock, utc_now
from bot.core.errors import ConfigError, StartupError
from bot.core.i18n import ENGLISH, JAPANESE, shown
from bot.core.jobs import PeriodicJob
from bot.core.outgoing import (
    clip,
)
from bot.core.registry import Registry
from bot.core.residency import check_residency
from bot.settings import Settings
from bot.transports.telegram.context import ALLOWED_UPDATES, BotApp, BotContext, BotData
from bot.transports.telegram.sender import Sender
from bot.transports.telegram.updates import on_callback, on_error, on_message

log = logging.getLogger(__name__)


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


PRELOAD_MODULES = ("pandas", "analysis.report", "analysis.chart")


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
    check_residency(settings)  # before PTB's first request (getMe), not only at post_init
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
        rate_limiter=AIORateLimiter(max_retries=2),  # type: ignore[arg-type]
    )  # fmt: skip
    app: BotApp = (
        Application.builder()  # type: ignore[assignment]
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
    # Import the heavy analysis stack now, off the event loop: done lazily by the first /ta,
    # the import would stall every chat for ~2 s.
    await asyncio.to_thread(_preload)
    _schedule_jobs(app, runtime)
    log.info("telegram runtime open commands=%d", len(runtime.registry.commands))


def _preload() -> None:
    for module in PRELOAD_MODULES:
        importlib.import_module(module)


async def _close(app: BotApp) -> None:
    runtime = app.bot_data.runtime
    app.bot_data.runtime = None
    if runtime is not None:
        await runtime.close()


# The menus Telegram shows: the default one (no language_code: every language without its
# own menu) in English, and one per other language we speak.
MENU_LANGUAGES: tuple[tuple[str | None, str], ...] = ((None, ENGLISH), (JAPANESE, JAPANESE))
DESCRIPTION_MAX = 256  # Telegram's limit for a command description


def described(summary: str, language: str) -> str:
    """Return a command's menu description in `language`."""
    return shown(language, summary)


def command_menu(registry: Registry, language: str, *, admin: bool) -> list[BotCommand]:
    """Return the Telegram command menu in `language` (admins' menu also lists theirs)."""
    return [
        BotCommand(c.name, clip(described(c.summary, language), DESCRIPTION_MAX))
        for c in registry.visible_commands(admin=admin)
    ]


async def _publish_commands(app: BotApp, runtime: Runtime, admin_ids: Sequence[int]) -> None:
    """Register the command menus, one per language: everyone's commands, plus admin
    commands in admins' chats."""
    registry = runtime.registry
    for code, language in MENU_LANGUAGES:
        await app.bot.set_my_commands(
            command_menu(registry, language, admin=False), language_code=code
        )
        admin_menu = command_menu(registry, language, admin=True)
        for admin_id in admin_ids:
            try:
                await app.bot.set_my_commands(
                    admin_menu, scope=BotCommandScopeChat(admin_id), language_code=code
                )
            except BadRequest as err:  # the admin has not opened a chat with the bot yet
                log.warning("admin command menu not set error=%s", type(err).__name__)


def _schedule_jobs(app: BotApp, runtime: Runtime) -> None:
    """Schedule the periodic jobs (alert checks, ...) on the JobQueue."""
    from bot.core.jobs import periodic_jobs

    if app.job_queue is None:
        return
    sender = Sender(app.bot)
    for job in periodic_jobs(runtime):

        async def tick(context: BotContext, job: PeriodicJob = job) -> None:
            await job.run(context.runtime, sender.notify)

        app.job_queue.run_repeating(tick, interval=job.interval_s, first=job.first_s, name=job.name)


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
                    timeout=timedelta(seconds=poll_timeout),
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
    # PTB's errors at start quote the token (InvalidToken: "The token `…` was rejected"):
    # they become our one-line errors here, without the original as context.
    try:
        if webhook is None:
            app.run_polling(allowed_updates=list(ALLOWED_UPDATES))
        else:
            app.run_webhook(**_webhook_args(app, webhook))
    except InvalidToken:
        raise ConfigError("TELEGRAM_BOT_TOKEN", "the Bot API server rejected the token") from None
    except TelegramError as err:
        raise StartupError(f"the Bot API server failed ({type(err).__name__})") from None
