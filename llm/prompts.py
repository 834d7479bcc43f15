"""Prompts as data: the system instructions per language and the layout of the context.

The context block is plain text with fixed headings, so the extractive backend (and tests)
can read back exactly what the model was given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from llm.knowledge import Entry
from llm.ports import Fact, Message, Role

SYSTEM: dict[str, str] = {
    "en": (
        "You are qnabot, a careful crypto trading assistant. Answer the question in at most "
        "three short sentences, using only the notes and facts given. Never add a number, price "
        "or coin name that is not in them. If they do not answer the question, say so."
    ),
    "ja": (
        "あなたは慎重な暗号資産トレードアシスタント qnabot です。与えられたメモと事実だけを使い、"
        "日本語で三文以内で短く答えてください。メモにない数字・価格・銘柄名は書かないでください。"
    ),
}
NOTES = "### Notes"
FACTS = "### Facts"
EARLIER = "### Earlier"
QUESTION = "### Question"
NOTE_CHARS = 420
OTHER_NOTE_CHARS = 160


@dataclass(frozen=True, slots=True)
class Context:
    """What a prompt tells the model, read back from the prompt text."""

    notes: tuple[str, ...]
    facts: tuple[str, ...]
    question: str


def language_of(text: str) -> str:
    """Return "ja" for Japanese text, else "en"."""
    from llm.knowledge import has_japanese

    return "ja" if has_japanese(text) else "en"


def build_messages(
    question: str,
    entries: Sequence[Entry],
    facts: Sequence[Fact],
    *,
    earlier: Sequence[str] = (),
    language: str = "en",
) -> list[Message]:
    """Return the chat messages for one question."""
    parts: list[str] = []
    if entries:
        parts.append(NOTES)
        # The best note in full, the others shortened: prompt length is time to first token.
        parts += [
            f"- {e.title}: {e.text_in(language)[: NOTE_CHARS if i == 0 else OTHER_NOTE_CHARS]}"
            for i, e in enumerate(entries)
        ]
    if facts:
        parts.append(FACTS)
        parts += [f"- {f.text}" for f in facts]
    if earlier:
        parts.append(EARLIER)
        parts += [f"- {line}" for line in earlier]
    parts += [QUESTION, question]
    return [
        Message(Role.SYSTEM, SYSTEM.get(language, SYSTEM["en"])),
        Message(Role.USER, "\n".join(parts)),
    ]


def read_context(messages: Sequence[Message]) -> Context:
    """Return the notes, facts and question a prompt built by build_messages holds."""
    user = next((m.content for m in reversed(messages) if m.role is Role.USER), "")
    sections: dict[str, list[str]] = {NOTES: [], FACTS: [], EARLIER: [], QUESTION: []}
    current: list[str] | None = None
    for line in user.splitlines():
        if line in sections:
            current = sections[line]
        elif current is not None:
            current.append(line.removeprefix("- ") if current is not sections[QUESTION] else line)
    return Context(
        notes=tuple(sections[NOTES]),
        facts=tuple(sections[FACTS]),
        question="\n".join(sections[QUESTION]),
    )
