"""Shaping outgoing chat text, independent of any transport library.

Telegram counts the 4,096-character limit after entity parsing, so text is split as plain
text first and each part escaped for HTML afterwards. Handlers write plain text; escaping
everything means `BTC_USDT`, `*`, `<` or `&` coming from user input can never break a reply.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core.conversation import MAX_MESSAGE_CHARS

CAPTION_MAX_CHARS = 1024
TOAST_MAX_CHARS = 190
STREAM_SUFFIX = " …"


def escape_html(text: str) -> str:
    """Escape plain text for Telegram's HTML parse mode."""
    return html.escape(text, quote=False)


def split_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split text into parts of at most `limit` characters, on line boundaries when possible."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line) > limit:  # a single overlong line is cut hard
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        if len(current) + len(line) > limit:
            parts.append(current)
            current = ""
        current += line
    if current:
        parts.append(current)
    return [p.rstrip("\n") or p for p in parts if p.strip()]


def clip(text: str, limit: int) -> str:
    """Return text cut to `limit` characters (with an ellipsis when cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class StreamThrottle:
    """Decide when a streamed answer's message may be updated: at most every `interval_s`."""

    interval_s: float = 1.0
    monotonic: Callable[[], float] = time.monotonic
    _last: float | None = field(default=None, init=False)
    _shown: str = field(default="", init=False)

    def due(self, text: str) -> bool:
        """Return True (and remember it) when `text` should be shown now."""
        if not text.strip() or text == self._shown:
            return False
        now = self.monotonic()
        if self._last is not None and now - self._last < self.interval_s:
            return False
        self._last = now
        self._shown = text
        return True

    @property
    def shown(self) -> str:
        return self._shown


def preview(text: str) -> str:
    """Return the in-progress view of a streamed answer (fits one message)."""
    return clip(text, MAX_MESSAGE_CHARS - len(STREAM_SUFFIX)) + STREAM_SUFFIX
