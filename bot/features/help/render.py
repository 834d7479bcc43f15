"""User-facing wording of /start, /help and /version (from the `help` catalog)."""

from __future__ import annotations

from bot import __version__
from bot.core.i18n import shown, t
from bot.core.registry import Command


def help_text(commands: list[Command], language: str) -> str:
    """Render the /help message from the registered commands."""
    lines = [t(language, "help.commands")]
    for cmd in sorted(commands, key=lambda c: c.name):
        usage = f" {shown(language, cmd.usage)}" if cmd.usage else ""
        lines.append(f"/{cmd.name}{usage} — {shown(language, cmd.summary)}")
    lines.append("")
    lines.append(t(language, "help.also_ask"))
    return "\n".join(lines)


def start_text(language: str, mode: str) -> str:
    """Render the /start message: what the bot does, the trading mode, how data is handled."""
    return t(
        language,
        "help.start",
        welcome=t(language, "help.welcome"),
        mode=t(language, f"help.mode.{mode}"),
        privacy=t(language, "help.privacy_paragraph"),
    )


def version_text() -> str:
    """Render the /version reply."""
    return f"qnabot {__version__}"
