"""Errors of the bot layer.

`ConfigError` means the operator's settings are wrong: print its one line and exit non-zero.
`StartupError` means a service refused or failed at start (the same: one line, non-zero).
`UserError` means the user's request cannot be served as asked: show `err.render(language)`
to the user (a catalog entry: short, specific, never the user's raw text); `str(err)` is
its English text, for logs and tests.
"""

from __future__ import annotations

from bot.core.i18n import ENGLISH, Msg, Text


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
    """The request cannot be served; its text is safe to show to the user.

    Raise it with a catalog key and fields (`UserError("alerts.usage")`) or any `Text`
    (a `Msg`, a `Joined`, an error's `Worded`)."""

    def __init__(self, text: Text | str, /, **fields: object) -> None:
        self.text: Text = Msg(text, fields) if isinstance(text, str) else text
        super().__init__(self.text.render(ENGLISH))

    def render(self, language: str) -> str:
        """Return the text in `language`."""
        return self.text.render(language)
