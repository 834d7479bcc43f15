"""The extractive backend: no generation, it answers with the best note (or the facts) given.

For operators without a model (and for fast tests of everything around the model): every
word it outputs was in the prompt's context, so it is grounded by construction.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence

from llm.ports import Generation, Message
from llm.prompts import read_context


def extract_answer(messages: Sequence[Message]) -> str:
    """Return the first note's explanation from a prompt (or its facts when it has no note)."""
    ctx = read_context(messages)
    if ctx.notes:
        return ctx.notes[0].partition(": ")[2] or ctx.notes[0]
    return "\n".join(ctx.facts) or "I have no notes on that."


class ExtractiveModel:
    """A ChatModel that quotes its context instead of generating."""

    name = "extractive"

    async def complete(self, messages: Sequence[Message], params: Generation) -> str:
        """Return the extract."""
        return extract_answer(messages)

    async def stream(self, messages: Sequence[Message], params: Generation) -> AsyncIterator[str]:
        """Yield the extract word by word."""
        for piece in re.findall(r"\S+\s*", extract_answer(messages)):
            yield piece

    async def close(self) -> None:
        """Nothing to release."""
