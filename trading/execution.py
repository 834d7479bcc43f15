"""Sending recorded orders exactly once and settling them by lookup, never by re-sending.

The order row (with its client order id) is committed before `send` is called. A refusal
marks it rejected; a timeout or transport failure marks it unknown and `settle` looks it up
a bounded number of times: only "not found" on every check marks it not placed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from trading.errors import ExchangeRefused, ExchangeUnavailable
from trading.models import OrderState, TradeOrder
from trading.ports import Exchange, OrderRequest, OrderStatus, OrderType, Side
from trading.store import ACK_STATE, TradingStore
from trading.views import TradingConfig

log = logging.getLogger(__name__)


class OrderDesk:
    """Place, settle, refresh and cancel one user's orders on their exchange."""

    def __init__(
        self, store: TradingStore, config: TradingConfig, clock: Callable[[], datetime]
    ) -> None:
        self.store = store
        self.config = config
        self._clock = clock

    async def send(self, exchange: Exchange, order: TradeOrder) -> TradeOrder:
        """Send a recorded order exactly once; settle an unknown outcome by lookup."""
        request = OrderRequest(
            client_order_id=order.client_order_id,
            symbol=order.symbol,
            side=Side(order.side),
            type=OrderType(order.order_type),
            amount=order.amount,
            price=order.price,
            trigger_price=order.trigger_price,
        )
        try:
            ack = await asyncio.wait_for(
                exchange.place_order(request), timeout=self.config.order_timeout_s
            )
        except ExchangeRefused:
            self.store.set_state(order.id, OrderState.REJECTED, self._clock())
            raise
        except (ExchangeUnavailable, TimeoutError):
            log.warning("order outcome unknown id=%s: reconciling", order.id)
            self.store.set_state(order.id, OrderState.UNKNOWN, self._clock())
            return await self.settle(exchange, order)
        return self.store.record_ack(order, ack, self._clock())

    async def settle(self, exchange: Exchange, order: TradeOrder) -> TradeOrder:
        """Look an unsettled order up by client id (bounded); never re-send it."""
        misses = 0
        for attempt in range(self.config.reconcile_checks):
            if attempt:
                await asyncio.sleep(self.config.reconcile_delay_s)
            try:
                ack = await asyncio.wait_for(
                    exchange.find_order(order.symbol, order.client_order_id),
                    timeout=self.config.order_timeout_s,
                )
            except (ExchangeUnavailable, TimeoutError):
                continue
            if ack is not None:
                return self.store.record_ack(order, ack, self._clock())
            misses += 1
        if misses == self.config.reconcile_checks:
            return self.store.set_state(order.id, OrderState.NOT_PLACED, self._clock())
        return self.store.get_order(order.id)

    async def cancel(self, exchange: Exchange, order: TradeOrder) -> TradeOrder:
        """Cancel an order; a lost or "not found" reply is settled by looking it up."""
        try:
            ack = await exchange.cancel_order(order.symbol, order.client_order_id)
        except ExchangeUnavailable:
            ack = None  # the cancel may have gone through: look it up
        if ack is None or ack.status == OrderStatus.OPEN:
            ack = await exchange.find_order(order.symbol, order.client_order_id)
        if ack is None:
            return self.store.set_state(order.id, OrderState.CANCELED, self._clock())
        return self.store.record_ack(order, ack, self._clock())

    async def refresh(self, exchange: Exchange, order: TradeOrder) -> bool:
        """Record a change of an open (or recently not placed) order; True if it changed."""
        try:
            ack = await exchange.find_order(order.symbol, order.client_order_id)
        except ExchangeUnavailable:
            return False
        if ack is None or ACK_STATE[ack.status] == order.status:
            return False
        self.store.record_ack(order, ack, self._clock())
        return True
