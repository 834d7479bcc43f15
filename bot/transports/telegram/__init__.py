"""The Telegram transport: the PTB Application, built in one place from Settings.

Updates become `bot.core.conversation.Request`s; what the conversation answers is rendered with
sendMessage (HTML, escaped, split at 4,096), inline keyboards, sendPhoto/sendDocument,
answerCallbackQuery (every button press gets exactly one), edits and deletions. Streamed
answers are one message edited at most about once a second. The runtime (services) is opened
in post_init and closed in post_shutdown; the error handler is the single boundary where an
unexpected exception becomes an incident id and a generic reply.

This package is the only place that imports `telegram`: context.py (typed context),
updates.py (updates in), sender.py (replies out), application.py (building and running).
"""

from __future__ import annotations

from bot.transports.telegram.application import (
    Launch,
    TolerantBot,
    Webhook,
    build_application,
    run_telegram,
    serving,
    webhook_secret,
)
from bot.transports.telegram.context import ALLOWED_UPDATES, BotApp, BotContext, BotData

__all__ = [
    "ALLOWED_UPDATES",
    "BotApp",
    "BotContext",
    "BotData",
    "Launch",
    "TolerantBot",
    "Webhook",
    "build_application",
    "run_telegram",
    "serving",
    "webhook_secret",
]
