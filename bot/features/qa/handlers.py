"""Handlers of the qa feature: free-text questions (the fallback) and /ask."""

from __future__ import annotations

from bot.core.conversation import Handled, Reply, Request
from bot.core.i18n import t
from bot.core.registry import Command, Registry
from bot.core.services import Services


async def on_question(services: Services, req: Request, text: str) -> Handled:
    """Answer a message no command or intent claimed."""
    return await services.answers.answer(req.user_id, text)


async def cmd_ask(services: Services, req: Request, args: str) -> Handled:
    """Answer the question after /ask."""
    if not args.strip():
        return Reply(text=t(req.lang, "qa.ask_usage"))
    return await on_question(services, req, args)


def register(registry: Registry) -> None:
    """Add this feature's commands, callbacks and intents."""
    registry.command(Command("ask", "qa.cmd.ask", cmd_ask, usage="qa.cmd.ask.usage"))
    registry.fallback = on_question
