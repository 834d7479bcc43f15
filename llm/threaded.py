"""Run a blocking token iterator in a worker thread and consume it from the event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator

_DONE = object()


async def iterate_in_thread(make: Callable[[threading.Event], Iterator[str]]) -> AsyncIterator[str]:
    """Yield what `make(cancel)` yields, produced in a thread; closing this stops the thread.

    The producer must check `cancel` between items (llama.cpp yields one token at a time),
    so an abandoned or timed-out answer frees the model within one token.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[object] = asyncio.Queue()
    cancel = threading.Event()

    def put(item: object) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, item)
        except RuntimeError:  # loop closed: nobody is listening any more
            cancel.set()

    def produce() -> None:
        try:
            for item in make(cancel):
                if cancel.is_set():
                    break
                put(item)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            put(exc)
        finally:
            put(_DONE)

    worker = asyncio.ensure_future(asyncio.to_thread(produce))
    try:
        while True:
            item = await queue.get()
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            yield str(item)
    finally:
        cancel.set()
        await asyncio.shield(worker)
