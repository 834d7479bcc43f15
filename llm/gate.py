"""Share one ChatModel among many users fairly, with a timeout on every answer.

One generation runs at a time (a small CPU model is fastest alone); waiting questions are
served first come, first served (asyncio.Lock is FIFO), each user has at most one question in
the queue, and the queue is bounded: a question beyond it gets ModelBusy at once instead of
an unbounded wait.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence

from llm.errors import ModelBusy, ModelTimeout
from llm.ports import ChatModel, Generation, Message

log = logging.getLogger(__name__)


class ModelGate:
    """A ChatModel shared by many owners (pseudonymous user keys)."""

    def __init__(self, model: ChatModel, *, max_waiting: int = 8, timeout_s: float = 30.0) -> None:
        self.model = model
        self.max_waiting = max_waiting
        self.timeout_s = timeout_s
        self._lock = asyncio.Lock()
        self._owners: set[str] = set()
        self._waiting = 0

    @property
    def waiting(self) -> int:
        """Questions waiting for the model (not counting the one generating)."""
        return self._waiting

    async def stream(
        self, owner: str, messages: Sequence[Message], params: Generation
    ) -> AsyncIterator[str]:
        """Yield the answer once it is this owner's turn; raise ModelBusy/ModelTimeout."""
        if owner in self._owners:
            raise ModelBusy("this user already has a question running")
        if self._waiting >= self.max_waiting:
            raise ModelBusy("too many questions are waiting")
        self._owners.add(owner)
        self._waiting += 1
        try:
            try:
                await asyncio.wait_for(self._lock.acquire(), self.timeout_s)
            except TimeoutError:
                raise ModelBusy("waited too long for the model") from None
            finally:
                self._waiting -= 1
            try:
                async for piece in self._generate(messages, params):
                    yield piece
            finally:
                self._lock.release()
        finally:
            self._owners.discard(owner)

    async def _generate(
        self, messages: Sequence[Message], params: Generation
    ) -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        pieces = aiter(self.model.stream(messages, params))
        try:
            while True:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise ModelTimeout(f"no answer within {self.timeout_s:g} s")
                try:
                    piece = await asyncio.wait_for(anext(pieces), remaining)
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    log.warning("model timeout after=%.1fs", self.timeout_s)
                    raise ModelTimeout(f"no answer within {self.timeout_s:g} s") from None
                yield piece
        finally:
            close = getattr(pieces, "aclose", None)
            if close is not None:
                await close()
