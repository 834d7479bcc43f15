"""Panic: cancel every open order (protective legs first), and sell every position if asked.

Protective legs go first: they hold the coins a flatten sells. Orders the user placed
elsewhere are cancelled too (panic means every open order). A flatten's sells are legs
1.. of the panic proposal, recorded before they are sent, so each is sent once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from trading.errors import ExchangeRefused, TradingError, UnknownSymbol
from trading.execution import OrderDesk
from trading.models import OrderState, TradeProposal
from trading.paper import truncate
from trading.portfolio import Ledger
from trading.ports import Exchange, OrderStatus, Side
from trading.protection import Protector
from trading.store import TradingStore
from trading.views import OrderView, new_order, order_view

log = logging.getLogger(__name__)


class Panic:
    """Carry out an approved panic proposal on the user's exchange."""

    def __init__(
        self,
        store: TradingStore,
        desk: OrderDesk,
        protector: Protector,
        clock: Callable[[], datetime],
        ledger: Callable[[int], Ledger],
    ) -> None:
        self.store = store
        self.desk = desk
        self.protector = protector
        self._clock = clock
        self._ledger = ledger

    async def run(
        self, row: TradeProposal, exchange: Exchange
    ) -> tuple[tuple[OrderView, ...], int]:
        """Cancel, then flatten if asked; return the sells sent and how many were cancelled."""
        log.info("panic approved id=%s flatten=%s", row.id, row.flatten)
        legs = await self.protector.release(exchange, row.user_id)
        canceled = sum(self.store.get_order(leg.id).status == OrderState.CANCELED for leg in legs)
        for order in self.store.orders_in((OrderState.OPEN,), row.user_id, mode=row.mode):
            try:
                done = await self.desk.cancel(exchange, order)
            except TradingError:
                continue
            canceled += done.status == OrderState.CANCELED
        canceled += await self._cancel_foreign(exchange)
        sold = await self._flatten(row, exchange) if row.flatten else ()
        return sold, canceled

    async def _cancel_foreign(self, exchange: Exchange) -> int:
        """Cancel open orders the user placed elsewhere."""
        try:
            others = await exchange.open_orders()
        except TradingError:
            return 0
        canceled = 0
        for ack in others:
            try:
                done = await exchange.cancel_order(ack.symbol, ack.client_order_id)
            except TradingError:
                continue
            canceled += done is not None and done.status == OrderStatus.CANCELED
        return canceled

    async def _flatten(self, row: TradeProposal, exchange: Exchange) -> tuple[OrderView, ...]:
        free = {b.asset: b.free for b in await exchange.balances()}
        out: list[OrderView] = []
        positions = self._ledger(row.user_id).positions
        for leg, pos in enumerate(positions, start=1):
            rules = await exchange.market_rules(pos.symbol)
            amount = truncate(min(pos.amount, free.get(rules.base, Decimal(0))), rules.amount_step)
            if amount <= 0:
                continue
            order = self.store.add_leg(
                new_order(row, leg, Side.SELL, amount, self._clock(), pos.symbol)
            )
            if order is None:
                continue
            try:
                out.append(order_view(await self.desk.send(exchange, order)))
            except (ExchangeRefused, UnknownSymbol):
                continue
        return tuple(out)
