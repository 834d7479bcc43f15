"""The typed PTB context handlers receive, application-wide state and transport constants."""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import (
    Application,
    CallbackContext,
    ExtBot,
)

from bot.app import Runtime
from bot.core.auth import UserRateLimiter
from bot.core.services import Services

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query")
TYPING_DELAY_S = 0.3
TYPING_EVERY_S = 4.5
SEND_ATTEMPTS = 3


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


BotApp = Application[ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, Any]
