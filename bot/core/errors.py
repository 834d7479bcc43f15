"""Errors of the bot layer.

`ConfigError` means the operator's settings are wrong: print its one line and exit non-zero.
`StartupError` means a service refused or failed at start (the same: one line, non-zero).
`UserError` means the user's request cannot be served as asked: show `str(err)` to the user
(it must be short, specific and never contain the user's raw text).
"""

from __future__ import annotations


class BotError(Exception):
    """Base of the bot layer's errors."""


class ConfigError(BotError):
    """A setting is invalid; the message names the setting (e.g. QNABOT_DATABASE_URL)."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem


class StartupError(BotError):
    """A service the bot needs refused or failed at start; print its one line, exit non-zero."""


class UserError(BotError):
    """The request cannot be served; the message is safe to show to the user."""
