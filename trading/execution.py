"""Sending recorded orders exactly once and settling them by lookup, never by re-sending.

The order row (with its client order id) is committed before `send` is called. Only a
definite refusal (insufficient funds, filters, bad symbol, refused key) marks it rejected;
any other failure after the request left (a timeout, a dropped connection, a 5xx, a generic
or unknown error) leaves it unknown, shown as "checking", and it is settled by looking it up
by client id. A lookup that finds the order records it with its fees; "not found" settles it
as not placed only once the exchange can no longer accept the request (`absent_after_s`
after it was recorded, longer than the request's recvWindow). `reconcile` reports every
order whose outcome changed, so the user can be told.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from trading.errors import ExchangeRefused, ExchangeUnavailable, TradingError, UnknownSymbol
from trading.models import LIVE_STATES, UNSETTLED_STATES, OrderState, TradeOrder
from trading.ports import Exchange, OrderRequest, OrderStatus, OrderType, Side
from trading.store import ACK_STATE, TradingStore
from trading.views import OutcomeChange, TradingConfig, order_view

log = logging.getLogger(__name__)

Venue = Callable[[int], Awaitable[Exchange]]
# Whatever the ways a lookup can fail, a failed lookup is never "not found".
LOOKUP_FAILED = (TradingError, TimeoutError)


class OrderDesk:
    """Place, settle, refresh, cancel and reconcile orders on their users' exchanges."""

    def __init__(
        self,
        store: TradingStore,
        config: TradingConfig,
        clock: Callable[[], datetime],
        venue: Venue | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self._clock = clock
        self._venue = venue

    async def send(self, exchange: Exchange, order: TradeOrder) -> TradeOrder:
        """Send a recorded order exactly once; settle an unknown outcome by lookup."""
        try:
            ack = await asyncio.wait_for(
                exchange.place_order(request_of(order)), timeout=self.config.order_timeout_s
            )
        except (ExchangeRefused, UnknownSymbol):
            self.mark(order, OrderState.REJECTED)
            raise
        except LOOKUP_FAILED as err:  # the request may have been executed: look it up
            log.warning("order outcome unknown id=%s kind=%s", order.id, type(err).__name__)
            self.mark(order, OrderState.UNKNOWN)
            return await self.settle(exchange, order)
        return self.store.record_ack(order, ack, self._clock())

    async def settle(self, exchange: Exchange, order: TradeOrder) -> TradeOrder:
        """Look an unsettled order up by client id (bounded); never re-send it."""
        for attempt in range(self.config.reconcile_checks):
            if attempt:
                await asyncio.sleep(self.config.reconcile_delay_s)
            try:
                ack = await asyncio.wait_for(
                    exchange.find_order(order.symbol, order.client_order_id),
                    timeout=self.config.order_timeout_s,
                )
            except LOOKUP_FAILED:
                continue
            if ack is not None:
                return self.store.record_ack(order, ack, self._clock())
            if self._clock() >= order.created_at + timedelta(seconds=self.config.absent_after_s):
                return self.mark(order, OrderState.NOT_PLACED)
        return self.mark(order, OrderState.UNKNOWN)  # still checking: reconcile goes on

    def mark(self, order: TradeOrder, state: str) -> TradeOrder:
        """Record an outcome of an unsettled order (a settled one stays as it is)."""
        return self.store.set_state(order.id, state, self._clock(), only_from=UNSETTLED_STATES)

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

    async def refresh(self, exchange: Exchange, order: TradeOrder) -> TradeOrder:
        """Record a change of an open (or recently not placed) order; return it as it is now."""
        try:
            ack = await exchange.find_order(order.symbol, order.client_order_id)
        except LOOKUP_FAILED:
            return order
        if ack is None or ACK_STATE[ack.status] == order.status:
            return order
        return self.store.record_ack(order, ack, self._clock())

    async def reconcile(self, user_id: int | None = None) -> tuple[OutcomeChange, ...]:
        """Settle orders left sending/unknown/open; return those whose outcome changed.

        Orders marked not placed within `late_window_s` are looked up once more: an order
        that reached the exchange late is then recorded instead of being lost.
        """
        if self._venue is None:
            raise RuntimeError("OrderDesk.reconcile needs a venue lookup")
        since = self._clock() - timedelta(seconds=self.config.late_window_s)
        late = [
            o
            for o in self.store.orders_in((OrderState.NOT_PLACED,), user_id)
            if o.updated_at >= since
        ]
        changes: list[OutcomeChange] = []
        for order in self.store.orders_in(LIVE_STATES, user_id) + late:
            try:
                exchange = await self._venue(order.user_id)
            except TradingError as err:  # e.g. the key was removed: the others still settle
                log.warning("reconcile skipped order=%s kind=%s", order.id, type(err).__name__)
                continue
            if order.status in UNSETTLED_STATES:
                after = await self.settle(exchange, order)
            else:
                after = await self.refresh(exchange, order)
            if _outcome(after.status) != _outcome(order.status):
                changes.append(self._change(order, after))
        return tuple(changes)

    def _change(self, before: TradeOrder, after: TradeOrder) -> OutcomeChange:
        proposal = self.store.proposal(before.proposal_id)
        chat_id = proposal.chat_id if proposal is not None else before.user_id
        log.info("order outcome changed id=%s %s->%s", before.id, before.status, after.status)
        return OutcomeChange(before.user_id, chat_id, before.status, order_view(after))


def request_of(order: TradeOrder) -> OrderRequest:
    """Return the request that places a recorded order."""
    return OrderRequest(
        client_order_id=order.client_order_id,
        symbol=order.symbol,
        side=Side(order.side),
        type=OrderType(order.order_type),
        amount=order.amount,
        price=order.price,
        trigger_price=order.trigger_price,
    )


def _outcome(status: str) -> str:
    """Return what the user is shown of a state: "sending" and "unknown" both read checking."""
    return OrderState.UNKNOWN if status in UNSETTLED_STATES else status
