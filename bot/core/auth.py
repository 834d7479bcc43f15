"""Who may talk to the bot, and how often: allow-lists and the per-user request limiter.

The limiter is a token bucket per user (`rate_per_min` refill, `burst` capacity). A user
over the limit gets ONE polite reply saying when to come back; further requests in the same
episode are dropped silently, so a flood never turns into a flood of replies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.clock import Clock, utc_now
from bot.core.formats import number
from bot.core.i18n import ENGLISH, t
from bot.settings import Settings

MAX_TRACKED_USERS = 50_000


def is_admin(settings: Settings, user_id: int) -> bool:
    """Return True when the user is listed in QNABOT_ADMIN_IDS."""
    return user_id in settings.admin_ids


def is_allowed(settings: Settings, user_id: int) -> bool:
    """Return True when the user may use the bot (empty allow-list = everyone)."""
    allowed = settings.allowed_user_ids
    return not allowed or user_id in allowed or is_admin(settings, user_id)


def not_allowed_text(language: str) -> str:
    """Return the refusal a user outside the allow-list gets, in `language`."""
    return t(language, "core.not_allowed")


@dataclass(frozen=True, slots=True)
class Verdict:
    """The limiter's answer: allowed, or denied with (or without) a reply to send."""

    allowed: bool
    notify: bool = False
    retry_after_s: int = 0

    def reply(self, language: str) -> str:
        """Return the polite "slow down" reply in `language`."""
        return t(language, "core.rate_limited", seconds=number(self.retry_after_s, language))

    @property
    def reply_text(self) -> str:
        """The reply in English (logs, tests)."""
        return self.reply(ENGLISH)


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: datetime
    warned: bool = False


@dataclass
class UserRateLimiter:
    """Per-user token bucket; `check(user_id)` consumes one token when allowed."""

    rate_per_min: int
    burst: int
    clock: Clock = utc_now
    _buckets: dict[int, _Bucket] = field(default_factory=dict)

    def check(self, user_id: int) -> Verdict:
        """Return whether this request of `user_id` may be served now."""
        now = self.clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED_USERS:
                self._forget_idle(now)
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        per_s = self.rate_per_min / 60.0
        elapsed = max(0.0, (now - bucket.at).total_seconds())
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * per_s)
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return Verdict(allowed=True)
        wait = max(1, math.ceil((1.0 - bucket.tokens) / per_s)) if per_s > 0 else 60
        notify = not bucket.warned
        bucket.warned = True
        return Verdict(allowed=False, notify=notify, retry_after_s=wait)

    def _forget_idle(self, now: datetime) -> None:
        """Drop buckets that have refilled completely (their users are idle)."""
        per_s = self.rate_per_min / 60.0
        full = [
            uid
            for uid, b in self._buckets.items()
            if b.tokens + (now - b.at).total_seconds() * per_s >= self.burst
        ]
        for uid in full:
            del self._buckets[uid]
