"""Wrong-token attempts per client address: a few are free, then a lock that doubles each time.

The lock belongs to one client address only, so somebody guessing from one place never locks
the owner out from another, and it ends by itself (no restart needed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.clock import Clock

FREE_FAILURES = 5
FIRST_LOCK = timedelta(seconds=2)
MAX_LOCK = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=24)
MAX_CLIENTS = 10_000  # memory stays bounded however many addresses try


@dataclass(slots=True)
class _Client:
    failures: int
    last: datetime
    locked_until: datetime | None = None


class AttemptLimiter:
    """Counts wrong tokens per client; `retry_after` says how long a client must wait."""

    def __init__(
        self,
        clock: Clock,
        *,
        free: int = FREE_FAILURES,
        first_lock: timedelta = FIRST_LOCK,
        max_lock: timedelta = MAX_LOCK,
    ) -> None:
        self._clock = clock
        self._free = free
        self._first = first_lock
        self._max = max_lock
        self._clients: dict[str, _Client] = {}

    def retry_after(self, client: str) -> int:
        """Return the whole seconds this client is still locked out for (0 = may try)."""
        entry = self._clients.get(client)
        if entry is None or entry.locked_until is None:
            return 0
        left = (entry.locked_until - self._clock()).total_seconds()
        return max(0, math.ceil(left))

    def failed(self, client: str) -> int:
        """Record a wrong token; return the seconds of the lock it started (0 = none yet)."""
        now = self._clock()
        entry = self._clients.pop(client, None)
        if entry is None or now - entry.last > FORGET_AFTER:
            entry = _Client(0, now)
        entry.failures += 1
        entry.last = now
        over = entry.failures - self._free
        if over > 0:
            lock = min(self._first * 2 ** min(over - 1, 30), self._max)
            entry.locked_until = now + lock
        self._clients[client] = entry  # most recent last: the oldest client is dropped first
        if len(self._clients) > MAX_CLIENTS:
            del self._clients[next(iter(self._clients))]
        return self.retry_after(client)

    def succeeded(self, client: str) -> None:
        """Forget the client's failures (the right token was given)."""
        self._clients.pop(client, None)
