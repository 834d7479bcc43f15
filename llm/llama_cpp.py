"""In-process llama.cpp backend (the only module that imports `llama_cpp`).

The GGUF file loads lazily on the first question, in a worker thread, so `qnabot chat` starts
instantly; generation runs in a worker thread too and stops within one token when the answer
is abandoned (iterator closed, timeout, user gone).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llm.errors import LlmError, ModelFailed, ModelUnavailable
from llm.ports import Generation, Message
from llm.threaded import iterate_in_thread

if TYPE_CHECKING:
    from llama_cpp import Llama

log = logging.getLogger(__name__)

CONTEXT_TOKENS = 2048


def _translate(exc: Exception, *, loading: bool) -> LlmError:
    """Map llama.cpp's errors (it raises ValueError/OSError/RuntimeError) to ours."""
    if loading:
        return ModelUnavailable("the model file is missing or is not a valid GGUF model")
    return ModelFailed(f"llama.cpp failed: {type(exc).__name__}")


class LlamaCppModel:
    """A GGUF model run by llama.cpp in this process; one generation at a time."""

    def __init__(self, model_path: Path, *, threads: int = 2, seed: int = 7) -> None:
        self.model_path = model_path
        self.name = f"llama.cpp:{model_path.name}"
        self._threads = threads
        self._seed = seed
        self._llama: Llama | None = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._running: set[threading.Event] = set()  # cancel events of generations under way
        self.tokens_generated = 0  # total pieces produced (a counter for tests and metrics)

    @property
    def loaded(self) -> bool:
        return self._llama is not None

    def _load(self) -> Llama:
        with self._load_lock:
            if self._llama is None:
                if not self.model_path.is_file():
                    raise ModelUnavailable("the model file is missing")
                from llama_cpp import Llama

                try:
                    self._llama = Llama(
                        model_path=str(self.model_path),
                        n_ctx=CONTEXT_TOKENS,
                        n_threads=self._threads,
                        n_threads_batch=self._threads,
                        seed=self._seed,
                        verbose=False,
                    )
                except (ValueError, OSError, RuntimeError) as exc:
                    raise _translate(exc, loading=True) from None
                log.info("model loaded file=%s", self.model_path.name)
            return self._llama

    async def load(self) -> None:
        """Load the model now (off the event loop); raise ModelUnavailable if it cannot."""
        await asyncio.to_thread(self._load)

    def _generate(
        self, messages: Sequence[Message], params: Generation, cancel: threading.Event
    ) -> Iterator[str]:
        llama = self._load()
        self._running.add(cancel)
        with self._run_lock:
            try:
                chunks: Any = llama.create_chat_completion(
                    messages=[{"role": m.role.value, "content": m.content} for m in messages],  # type: ignore[misc]
                    max_tokens=params.max_tokens,
                    temperature=params.temperature,
                    stop=list(params.stop) or None,
                    stream=True,
                )
                for chunk in chunks:
                    if cancel.is_set():
                        break
                    piece = chunk["choices"][0]["delta"].get("content")
                    if piece:
                        self.tokens_generated += 1
                        yield piece
            except (ValueError, RuntimeError) as exc:
                raise _translate(exc, loading=False) from None
            finally:
                self._running.discard(cancel)

    def stream(self, messages: Sequence[Message], params: Generation) -> AsyncIterator[str]:
        """Yield answer tokens as llama.cpp produces them."""
        return iterate_in_thread(lambda cancel: self._generate(messages, params, cancel))

    async def complete(self, messages: Sequence[Message], params: Generation) -> str:
        """Return the whole answer."""
        return "".join([piece async for piece in self.stream(messages, params)])

    async def close(self) -> None:
        """Stop any generation under way, then free the model's memory.

        Freeing the model while a worker thread is still decoding crashes the process, so
        close waits (off the event loop) for the generation lock after cancelling.
        """
        for cancel in list(self._running):
            cancel.set()
        await asyncio.to_thread(self._release)

    def _release(self) -> None:
        with self._run_lock, self._load_lock:
            llama, self._llama = self._llama, None
        if llama is not None:
            llama.close()
