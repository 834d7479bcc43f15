"""User-facing wording shared by several handlers."""

from __future__ import annotations

from bot import __version__
from bot.core.registry import Command

WELCOME = (
    "Hi, I am qnabot, your self-hosted trading assistant. I answer questions with a local "
    "model, run technical analysis on exchange candles, and prepare trades that only happen "
    "after you press Approve. Trading is in paper mode unless the operator enabled live mode."
)

PRIVACY_PARAGRAPH = (
    "Privacy: what you write stays on this machine. Conversations are kept for improving the "
    "model only if you opt in with /privacy, and only after names, addresses, keys, balances "
    "and other personal data are removed. /mydata shows what is stored, /forget erases it."
)


def help_text(commands: list[Command]) -> str:
    """Render the /help message from the registered commands."""
    lines = ["Commands:"]
    for cmd in sorted(commands, key=lambda c: c.name):
        usage = f" {cmd.usage}" if cmd.usage else ""
        lines.append(f"/{cmd.name}{usage} — {cmd.summary}")
    lines.append("")
    lines.append("You can also just ask, e.g. “btc 4h analysis” or “what is RSI?”.")
    return "\n".join(lines)


def version_text() -> str:
    """Render the /version reply."""
    return f"qnabot {__version__}"
