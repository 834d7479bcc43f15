"""Core commands: /start, /help, /version."""

from __future__ import annotations

from bot.core.conversation import Handled, Reply, Request
from bot.core.registry import Command, Registry
from bot.core.services import Services
from bot.features.help import render


def register(registry: Registry) -> None:
    """Add the core commands."""

    async def cmd_help(services: Services, req: Request, _args: str) -> Handled:
        admin = req.user_id in services.settings.admin_ids
        return Reply(text=render.help_text(registry.visible_commands(admin=admin), req.lang))

    async def cmd_start(services: Services, req: Request, args: str) -> Handled:
        return Reply(text=render.start_text(req.lang, services.settings.trading_mode.value))

    async def cmd_version(_services: Services, _req: Request, _args: str) -> Handled:
        return Reply(text=render.version_text())

    registry.command(Command("start", "help.cmd.start", cmd_start))
    registry.command(Command("help", "help.cmd.help", cmd_help))
    registry.command(Command("version", "help.cmd.version", cmd_version))
