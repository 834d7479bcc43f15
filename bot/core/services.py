"""The typed service container handlers receive (built once, by bot.app.build_services)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import Engine

from bot.core.clock import Clock, utc_now
from bot.core.conversation import Request
from bot.core.prefs import PrefsService
from bot.features.admin.service import AdminService
from bot.features.qa.answering import Answerer
from bot.settings import Settings
from llm import ChatModel
from privacy import PrivacyService
from privacy.stored import StoredItem
from trading.alerts import AlertService
from trading.market import MarketService
from trading.service import TradingService
from trading.watches import WatchService

TurnHook = Callable[[Request, str], Awaitable[None]]
"""Called once per completed text turn with the request and the final reply text
(the privacy package's fine-tuning log and the LLM's conversation memory subscribe)."""
Closer = Callable[[], Awaitable[None]]


class UserDataOwner(Protocol):
    """A service that stores data about users: /mydata lists it, /forget erases it."""

    name: str

    async def describe_user(self, user_id: int) -> list[StoredItem]:
        """Return what is stored about the user, one item per kind of record."""
        ...

    async def forget_user(self, user_id: int) -> int:
        """Delete everything stored about the user; return the number of records deleted."""
        ...


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a handler may call, built once by the composition root (bot.app).

    Each feature adds its own field here (typed with its package's public class) and builds it
    in bot.app.build_services; handlers never construct services themselves. Services that
    store per-user data are listed in `user_data_owners`; services that want every completed
    turn in `turn_hooks`; anything to close at shutdown in `closers`.
    """

    settings: Settings
    engine: Engine
    market: MarketService
    privacy: PrivacyService
    admin: AdminService
    trading: TradingService
    alerts: AlertService
    watches: WatchService
    chat_model: ChatModel
    answers: Answerer
    prefs: PrefsService
    clock: Clock = utc_now
    started_at: datetime = field(default_factory=utc_now)
    user_data_owners: list[UserDataOwner] = field(default_factory=list)
    turn_hooks: list[TurnHook] = field(default_factory=list)
    closers: list[Closer] = field(default_factory=list)
