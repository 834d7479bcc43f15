"""The typed service container handlers receive (built only by bot.app)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.settings import Settings

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Return the current time, UTC-aware (the production clock)."""
    return datetime.now(UTC)


@dataclass
class Services:
    """Everything a handler may call. Feature services are added by the composition root.

    Each feature adds its own field here (typed with its package's public class) and builds
    it in bot.app.build_services; handlers never construct services themselves.
    """

    settings: Settings
    engine: Engine
    clock: Clock = utc_now
    started_at: datetime = field(default_factory=utc_now)
