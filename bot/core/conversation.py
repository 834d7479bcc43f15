"""The conversation's vocabulary: a Request in, Reply/Streamed responses out.

Telegram (bot.transports.telegram) and the terminal chat (bot.transports.console) both turn
their input into a `Request`, call `bot.core.registry.Conversation.handle`, and render what
comes back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from bot.core.i18n import language_for

MAX_MESSAGE_CHARS = 4096
CALLBACK_DATA_MAX_BYTES = 64


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class Request:
    """One thing a user did: a message (`text`) or a button press (`callback_data`)."""

    user_id: int
    chat_id: int
    chat_kind: ChatKind = ChatKind.PRIVATE
    text: str = ""
    callback_data: str | None = None
    forwarded: bool = False
    addressed: bool = True
    language: str | None = None  # Telegram's language_code, then the user's /lang choice
    zone: str = "UTC"  # the user's /tz choice (IANA name)
    message_id: int | None = None
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def is_private(self) -> bool:
        return self.chat_kind is ChatKind.PRIVATE

    @property
    def lang(self) -> str:
        """The language to answer in ("en" or "ja")."""
        return language_for(self.language)


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button; `data` is callback data "verb:arg" (≤ 64 bytes, never trusted)."""

    label: str
    data: str

    def __post_init__(self) -> None:
        if len(self.data.encode()) > CALLBACK_DATA_MAX_BYTES:
            raise ValueError("callback data exceeds Telegram's 64-byte limit")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply: a PNG chart (as photo) or a document."""

    content: bytes
    filename: str
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot says back.

    `edit_origin`: replace the message whose button was pressed instead of sending a new one.
    `toast`: short text for the button press acknowledgement (answerCallbackQuery).
    `delete_incoming`: delete the user's message (e.g. one that held an API key).
    """

    text: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    image: Attachment | None = None
    document: Attachment | None = None
    edit_origin: bool = False
    toast: str | None = None
    delete_incoming: bool = False


@dataclass(frozen=True, slots=True)
class Streamed:
    """A reply produced token by token (LLM). Show `tokens` as they come, then `final()`."""

    tokens: AsyncIterator[str]
    final: Callable[[], Awaitable[Reply]]


Response = Reply | Streamed
Handled = Response | Sequence[Response]
