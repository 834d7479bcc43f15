"""The typed service container handlers receive (built only by bot.app)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import Engine

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.answering import Answerer
    from bot.conversation import Request
    from bot.web.service import AdminService
    from llm import ChatModel
    from privacy import PrivacyService
    from trading.alerts import AlertService
    from trading.market import MarketService
    from trading.service import TradingService

Clock = Callable[[], datetime]
TurnHook = Callable[["Request", str], Awaitable[None]]
"""Called once per completed text turn with the request and the final reply text
(the privacy package's fine-tuning log and the LLM's conversation memory subscribe)."""


def utc_now() -> datetime:
    """Return the current time, UTC-aware (the production clock)."""
    return datetime.now(UTC)


class UserDataOwner(Protocol):
    """A service that stores data about users: /mydata lists it, /forget erases it."""

    name: str

    async def describe_user(self, user_id: int) -> list[str]:
        """Return human-readable lines describing what is stored about the user."""
        ...

    async def forget_user(self, user_id: int) -> int:
        """Delete everything stored about the user; return the number of records deleted."""
        ...


@dataclass
class Services:
    """Everything a handler may call. Feature services are added by the composition root.

    Each feature adds its own field here (typed with its package's public class, default
    None so tests can build a partial container) and builds it in bot.app.build_services;
    handlers never construct services themselves. Services that store per-user data append
    themselves to `user_data_owners`; services that want every completed turn append to
    `turn_hooks`; anything to close at shutdown goes to `closers`.
    """

    settings: Settings
    engine: Engine
    clock: Clock = utc_now
    started_at: datetime = field(default_factory=utc_now)
    user_data_owners: list[UserDataOwner] = field(default_factory=list)
    turn_hooks: list[TurnHook] = field(default_factory=list)
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    alerts: AlertService | None = None
    trading: TradingService | None = None
    chat_model: ChatModel | None = None
    answers: Answerer | None = None
    privacy: PrivacyService | None = None
    market: MarketService | None = None
    admin: AdminService | None = None
