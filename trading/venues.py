"""Which `Exchange` a user trades on: their paper wallet, or their own live key.

Live accounts are built by a factory (bot.app passes the ccxt adapter's constructor) from the
user's key, decrypted only in memory; keys are stored encrypted with privacy.crypto.SecretBox
bound to the user id. Keys that can withdraw are refused when the exchange reports it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy import Engine
from sqlmodel import Session

from privacy.crypto import SecretBox
from privacy.errors import DecryptionError
from trading.errors import LiveTradingError
from trading.models import ExchangeKey
from trading.paper import PaperConfig, PaperExchange
from trading.ports import Exchange, MarketData

log = logging.getLogger(__name__)


class LiveAccount(Exchange, Protocol):
    async def withdrawals_enabled(self) -> bool | None:
        """Return whether the key may withdraw (None if the exchange does not say)."""
        ...


LiveFactory = Callable[[str, str], LiveAccount]


class Venues:
    """Hand out each user's Exchange for the configured mode."""

    def __init__(
        self,
        engine: Engine,
        *,
        mode: str,
        market: MarketData,
        paper: PaperConfig,
        clock: Callable[[], datetime],
        box: SecretBox,
        exchange_id: str,
        live_factory: LiveFactory | None = None,
    ) -> None:
        self._engine = engine
        self.mode = mode
        self._market = market
        self._paper = paper
        self._clock = clock
        self._box = box
        self._exchange_id = exchange_id
        self._live_factory = live_factory
        self._live: dict[int, LiveAccount] = {}
        self._lock = asyncio.Lock()

    async def for_user(self, user_id: int) -> Exchange:
        """Return the user's account on the current venue."""
        if self.mode != "live":
            return PaperExchange(self._engine, self._market, user_id, self._paper, self._clock)
        async with self._lock:
            if user_id not in self._live:
                api_key, secret = self._load_key(user_id)
                self._live[user_id] = self._factory()(api_key, secret)
            return self._live[user_id]

    def _factory(self) -> LiveFactory:
        if self._live_factory is None:
            raise LiveTradingError("live trading is not enabled by the operator", code="disabled")
        return self._live_factory

    def _load_key(self, user_id: int) -> tuple[str, str]:
        with Session(self._engine) as session:
            row = session.get(ExchangeKey, user_id)
        if row is None:
            raise LiveTradingError("no exchange key: use /connect first", code="no_key")
        context = f"exchange-key:{user_id}"
        try:
            return self._box.decrypt(row.api_key_enc, context), self._box.decrypt(
                row.secret_enc, context
            )
        except DecryptionError:
            raise LiveTradingError(
                "your stored key cannot be read: /connect again", code="key_unreadable"
            ) from None

    async def connect(self, user_id: int, api_key: str, secret: str) -> None:
        """Check the key with the exchange, refuse withdrawal rights, store it encrypted."""
        account = self._factory()(api_key, secret)
        try:
            await account.balances()  # proves the key and signature work
            if await account.withdrawals_enabled():
                raise LiveTradingError(
                    "this key can withdraw funds; create a key with trading only",
                    code="can_withdraw",
                )
        finally:
            await account.close()
        context = f"exchange-key:{user_id}"
        row = ExchangeKey(
            user_id=user_id,
            exchange_id=self._exchange_id,
            api_key_enc=self._box.encrypt(api_key, context),
            secret_enc=self._box.encrypt(secret, context),
            created_at=self._clock(),
        )
        with Session(self._engine) as session:
            session.merge(row)
            session.commit()
        await self._drop(user_id)
        log.info("exchange key stored for a user")

    async def disconnect(self, user_id: int) -> bool:
        """Erase the user's key; True if there was one."""
        with Session(self._engine) as session:
            row = session.get(ExchangeKey, user_id)
            if row is not None:
                session.delete(row)
                session.commit()
        await self._drop(user_id)
        return row is not None

    def connected(self, user_id: int) -> bool:
        with Session(self._engine) as session:
            return session.get(ExchangeKey, user_id) is not None

    async def _drop(self, user_id: int) -> None:
        async with self._lock:
            account = self._live.pop(user_id, None)
        if account is not None:
            await account.close()

    async def close(self) -> None:
        """Close every live client."""
        async with self._lock:
            accounts, self._live = list(self._live.values()), {}
        for account in accounts:
            await account.close()
