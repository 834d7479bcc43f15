"""Telegram messages become Requests: chat kind, addressing in groups, mentions, forwards."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import Message

from bot.core.conversation import ChatKind
from bot.transports.telegram.updates import _for_other_bot, request_from_message

BOT_ID = 42
NAME = "qna_bot"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _message(text: str, chat_id: int = -5, **extra: Any) -> Message:
    chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
    sender = {"id": 7, "is_bot": False, "first_name": "A", "language_code": "ja"}
    doc = {"message_id": 9, "date": 1, "chat": chat, "text": text, "from": sender}
    doc.update(extra)
    return Message.de_json(doc, None)


@pytest.mark.parametrize(
    ("text", "extra", "addressed", "seen_text"),
    [
        ("what is rsi", {}, False, "what is rsi"),
        ("/ta btc", {}, True, "/ta btc"),
        ("/ta@qna_bot btc", {}, True, "/ta btc"),
        ("@qna_bot what is rsi", {}, True, "what is rsi"),
        ("hey @QNA_BOT what is rsi", {}, True, "hey what is rsi"),
        ("thanks", {"reply_to_message": {"message_id": 1, "date": 1, "chat": {"id": -5,
         "type": "supergroup"}, "from": {"id": BOT_ID, "is_bot": True, "first_name": "Q"}}},
         True, "thanks"),
    ],
)  # fmt: skip
def test_group_addressing(
    text: str, extra: dict[str, Any], addressed: bool, seen_text: str
) -> None:
    req = request_from_message(_message(text, **extra), NAME, BOT_ID, lambda: NOW)
    assert req.chat_kind is ChatKind.GROUP
    assert (req.addressed, req.text) == (addressed, seen_text)


def test_private_message_fields() -> None:
    forwarded = {"forward_origin": {"type": "hidden_user", "date": 1, "sender_user_name": "X"}}
    req = request_from_message(_message("buy btc", 7, **forwarded), NAME, BOT_ID, lambda: NOW)
    assert req.chat_kind is ChatKind.PRIVATE and req.addressed and req.forwarded
    assert (req.user_id, req.chat_id, req.message_id, req.language) == (7, 7, 9, "ja")
    assert req.received_at == NOW


@pytest.mark.parametrize(
    ("text", "other"),
    [("/help@other_bot", True), ("/help@qna_bot", False), ("/help", False), ("hi @x", False)],
)
def test_commands_for_other_bots_are_not_ours(text: str, other: bool) -> None:
    assert _for_other_bot(text, NAME) is other
