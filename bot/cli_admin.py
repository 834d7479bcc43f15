"""CLI commands of this feature, registered on bot.cli's Typer apps."""

from __future__ import annotations

from bot.cli import admin_app, app  # noqa: F401
