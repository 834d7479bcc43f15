"""What a chat model looks like to the rest of the code, and the values that cross llm's border."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"


@dataclass(frozen=True, slots=True)
class Message:
    """One chat message given to a model."""

    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class Generation:
    """How much and how freely to generate."""

    max_tokens: int = 96
    temperature: float = 0.1
    stop: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Fact:
    """A live fact given to the model: `key` is stable (for citations), `text` is what it reads."""

    key: str
    label: str
    text: str


class ChatModel(Protocol):
    """A chat model backend: llama.cpp in-process, an OpenAI-compatible server, or extractive."""

    name: str

    async def complete(self, messages: Sequence[Message], params: Generation) -> str:
        """Return the whole answer (raise llm.errors.LlmError subclasses on failure)."""
        ...

    def stream(self, messages: Sequence[Message], params: Generation) -> AsyncIterator[str]:
        """Yield the answer piece by piece; closing the iterator cancels generation."""
        ...

    async def close(self) -> None:
        """Release the model (memory, connections)."""
        ...
