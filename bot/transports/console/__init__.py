"""The terminal chat transport: stdin lines in, replies out, numbered buttons."""

from __future__ import annotations

from bot.transports.console.chat import ConsoleSession, run_console

__all__ = ["ConsoleSession", "run_console"]
