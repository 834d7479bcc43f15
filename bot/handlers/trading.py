"""Handlers of the trading feature (filled in by its issue)."""

from __future__ import annotations

from bot.conversation import Registry


def register(registry: Registry) -> None:
    """Add this feature's commands, callbacks and intents."""
