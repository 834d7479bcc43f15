"""A scripted ChatModel: a real implementation of llm.ports.ChatModel whose answers are queued.

`enqueue("text")` queues one answer (streamed word by word); `enqueue(SomeLlmError(...))`
makes the next call raise it; `delay_s` slows each piece (for timeouts and fairness tests).
Every call's messages are recorded in `calls`. With an empty queue it answers `default`.
"""

from __future__ import annotations

import asyncio
import re
from collections import deque
from collections.abc import AsyncIterator, Sequence

from llm.ports import Generation, Message


class ScriptedModel:
    """ChatModel with an enqueue() queue of answers (or errors)."""

    name = "scripted"

    def __init__(self, *, default: str = "I have no scripted answer.", delay_s: float = 0.0):
        self.default = default
        self.delay_s = delay_s
        self.queue: deque[str | Exception] = deque()
        self.calls: list[list[Message]] = []
        self.active = 0
        self.max_active = 0
        self.closed = False
        self.cancelled = 0

    def enqueue(self, *answers: str | Exception) -> None:
        """Queue answers (or errors to raise) for the next calls, in order."""
        self.queue.extend(answers)

    def _next(self, messages: Sequence[Message]) -> str:
        self.calls.append(list(messages))
        item = self.queue.popleft() if self.queue else self.default
        if isinstance(item, Exception):
            raise item
        return item

    async def stream(self, messages: Sequence[Message], params: Generation) -> AsyncIterator[str]:
        """Yield the next queued answer piece by piece."""
        text = self._next(messages)
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        finished = False
        try:
            for piece in re.findall(r"\S+\s*", text)[: params.max_tokens]:
                if self.delay_s:
                    await asyncio.sleep(self.delay_s)
                yield piece
            finished = True
        finally:
            self.active -= 1
            if not finished:
                self.cancelled += 1

    async def complete(self, messages: Sequence[Message], params: Generation) -> str:
        """Return the next queued answer."""
        return "".join([p async for p in self.stream(messages, params)])

    async def close(self) -> None:
        """Record that the model was closed."""
        self.closed = True
