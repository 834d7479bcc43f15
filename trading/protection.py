"""Protected positions: a filled entry's stop-loss and take-profit become real orders.

After a buy with a stop and/or take-profit fills, its protective legs are recorded as order
rows of the same proposal (legs STOP_LEG and TAKE_LEG, so each has its own client id derived
from the entry's proposal id and the leg kind) BEFORE anything is sent, sized from the filled
amount net of a fee taken in the base asset. Both legs go as one OCO pair (the exchange
cancels one when the other fills); a lone stop is a stop order, a lone take-profit a limit
order. The unique (proposal, leg) constraint records the legs once: `protect_due` places the
legs of filled entries that have none (an entry that filled later, a crash between the fill
and the placement), so each leg is placed once whatever the restarts. Legs are orders of the
system's making, the consequence of the approved entry: one approval is still one entry.
Unsettled legs are settled by lookup like any order; `release` cancels them before a sell or
a panic, and `reprotect` puts the rest of a position back under the same prices.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from trading.errors import ExchangeRefused, TradingError, UnknownSymbol
from trading.execution import LOOKUP_FAILED, OrderDesk, Venue, request_of
from trading.models import LIVE_STATES, STOP_LEG, TAKE_LEG, OrderState, TradeOrder, TradeProposal
from trading.paper import truncate
from trading.ports import Balance, Exchange, OcoRequest, OrderType, Side
from trading.store import TradingStore
from trading.views import OutcomeChange, client_order_id, new_order, order_view

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Shield:
    """The prices protecting one position (None: no such leg is open)."""

    stop: Decimal | None = None
    take_profit: Decimal | None = None


def list_client_id(proposal_id: str) -> str:
    """Return the client id of a proposal's OCO pair (the legs' own ids end 90 and 91)."""
    return client_order_id(proposal_id, STOP_LEG)[:-2] + "oc"


def protected_amount(entry: TradeOrder, base: str, step: Decimal) -> Decimal:
    """Return what a filled entry leaves to protect: net of a base-asset fee, to the lot."""
    fee = entry.fee if entry.fee_currency == base else Decimal(0)
    return truncate(max(entry.filled - fee, Decimal(0)), step)


class Protector:
    """Place, settle and release the protective legs of the users' positions."""

    def __init__(
        self, store: TradingStore, desk: OrderDesk, clock: Callable[[], datetime], mode: str
    ) -> None:
        self.store = store
        self.desk = desk
        self._clock = clock
        self._mode = mode

    async def protect(
        self, exchange: Exchange, proposal: TradeProposal, entry: TradeOrder
    ) -> tuple[TradeOrder, ...]:
        """Place the legs of a filled entry once; return those placed now (none if not due)."""
        wanted = proposal.stop_loss is not None or proposal.take_profit is not None
        if not wanted or entry.status != OrderState.FILLED or entry.side != Side.BUY:
            return ()
        rules = await exchange.market_rules(entry.symbol)
        amount = protected_amount(entry, rules.base, rules.amount_step)
        return await self._place(
            exchange, proposal, amount, proposal.stop_loss, proposal.take_profit, rules.min_amount
        )

    async def reprotect(
        self, exchange: Exchange, sell: TradeProposal, released: Sequence[TradeOrder], held: Decimal
    ) -> tuple[TradeOrder, ...]:
        """Protect what a sell left of a position at the prices of the legs it released."""
        stop = next((o.trigger_price for o in released if o.leg == STOP_LEG), None)
        take = next((o.price for o in released if o.leg == TAKE_LEG), None)
        if (stop is None and take is None) or held <= 0:
            return ()
        rules = await exchange.market_rules(sell.symbol)
        free = {b.asset: b.free for b in await exchange.balances()}.get(rules.base, Decimal(0))
        amount = truncate(min(held, free), rules.amount_step)
        return await self._place(exchange, sell, amount, stop, take, rules.min_amount)

    async def _place(
        self,
        exchange: Exchange,
        proposal: TradeProposal,
        amount: Decimal,
        stop: Decimal | None,
        take: Decimal | None,
        min_amount: Decimal,
    ) -> tuple[TradeOrder, ...]:
        now = self._clock()
        legs = []
        if stop is not None:
            legs.append(self.leg_order(proposal, STOP_LEG, amount, now, trigger=stop))
        if take is not None:
            legs.append(self.leg_order(proposal, TAKE_LEG, amount, now, price=take))
        if amount < max(min_amount, Decimal("1e-18")):
            for leg in legs:  # nothing left that the exchange would take: recorded, not sent
                leg.status = OrderState.REJECTED
        if not await asyncio.to_thread(self.store.add_legs, legs):
            return ()  # another worker (or an earlier run) recorded them: they are its to send
        if legs[0].status == OrderState.REJECTED:
            return tuple(legs)
        log.info("protective legs recorded proposal=%s legs=%d", proposal.id, len(legs))
        return await self._send(exchange, proposal.id, legs)

    async def _send(
        self, exchange: Exchange, proposal_id: str, legs: Sequence[TradeOrder]
    ) -> tuple[TradeOrder, ...]:
        if len(legs) == 1:
            return (await self._send_one(exchange, legs[0]),)
        return await self._send_pair(exchange, proposal_id, legs[0], legs[1])

    def leg_order(
        self,
        proposal: TradeProposal,
        leg: int,
        amount: Decimal,
        now: datetime,
        *,
        trigger: Decimal | None = None,
        price: Decimal | None = None,
    ) -> TradeOrder:
        """Return the row of one protective leg (a stop at `trigger`, a limit at `price`)."""
        order = new_order(proposal, leg, Side.SELL, amount, now)
        order.order_type = OrderType.STOP if leg == STOP_LEG else OrderType.LIMIT
        order.price, order.trigger_price = price, trigger
        return order

    async def _send_one(self, exchange: Exchange, leg: TradeOrder) -> TradeOrder:
        try:
            return await self.desk.send(exchange, leg)
        except (ExchangeRefused, UnknownSymbol) as err:
            log.warning("protective leg refused id=%s kind=%s", leg.id, type(err).__name__)
            return self.store.get_order(leg.id)

    async def _send_pair(
        self, exchange: Exchange, proposal_id: str, stop: TradeOrder, take: TradeOrder
    ) -> tuple[TradeOrder, ...]:
        request = OcoRequest(list_client_id(proposal_id), request_of(stop), request_of(take))
        timeout = self.desk.config.order_timeout_s
        try:
            acks = await asyncio.wait_for(exchange.place_oco(request), timeout=timeout)
        except (ExchangeRefused, UnknownSymbol) as err:
            log.warning(
                "protective pair refused proposal=%s kind=%s", proposal_id, type(err).__name__
            )
            return tuple(self.desk.mark(leg, OrderState.REJECTED) for leg in (stop, take))
        except LOOKUP_FAILED as err:  # the pair may exist: each leg is looked up by its id
            log.warning(
                "protective pair unknown proposal=%s kind=%s", proposal_id, type(err).__name__
            )
            return tuple(
                [
                    await self.desk.settle(exchange, self.desk.mark(leg, OrderState.UNKNOWN))
                    for leg in (stop, take)
                ]
            )
        now = self._clock()
        return tuple(
            self.store.record_ack(leg, ack, now)
            for leg, ack in zip((stop, take), acks, strict=True)
        )

    async def protect_due(self, venue: Venue) -> tuple[OutcomeChange, ...]:
        """Place the legs of every filled entry that has none; return them, to tell users."""
        changes: list[OutcomeChange] = []
        for proposal, entry in await asyncio.to_thread(self.store.unprotected_entries):
            try:
                exchange = await venue(entry.user_id)
                legs = await self.protect(exchange, proposal, entry)
            except TradingError as err:  # the next run tries again
                log.warning("protection postponed order=%s kind=%s", entry.id, type(err).__name__)
                continue
            changes += [
                OutcomeChange(entry.user_id, proposal.chat_id, "", order_view(leg)) for leg in legs
            ]
        return tuple(changes) + await self._resend_lapsed(venue)

    async def _resend_lapsed(self, venue: Venue) -> tuple[OutcomeChange, ...]:
        """Send again the legs every lookup agreed never reached the exchange (once each).

        "Not placed" is settled only once the old request can no longer execute, so the same
        client ids are safe to use; reclaiming the rows is a conditional UPDATE.
        """
        changes: list[OutcomeChange] = []
        for proposal, legs in await asyncio.to_thread(self.store.lapsed_legs):
            if not await asyncio.to_thread(self.store.reclaim, legs, self._clock()):
                continue
            try:
                exchange = await venue(proposal.user_id)
                sent = await self._send(exchange, proposal.id, legs)
            except TradingError as err:  # left "sending": settled by lookup next time
                log.warning(
                    "legs resend postponed proposal=%s kind=%s", proposal.id, type(err).__name__
                )
                continue
            changes += [
                OutcomeChange(proposal.user_id, proposal.chat_id, "", order_view(leg))
                for leg in sent
            ]
        return tuple(changes)

    async def release(
        self, exchange: Exchange, user_id: int, symbol: str | None = None
    ) -> tuple[TradeOrder, ...]:
        """Cancel the user's live protective legs (of one symbol); return them as they were."""
        legs = self.store.legs(user_id, LIVE_STATES, mode=self._mode, symbol=symbol)
        for leg in legs:  # an OCO leg's cancel takes its sibling along: each is recorded
            current = self.store.get_order(leg.id)
            if current.status not in LIVE_STATES:
                continue
            try:
                await self.desk.cancel(exchange, current)
            except TradingError as err:
                log.warning(
                    "protective leg not cancelled id=%s kind=%s", leg.id, type(err).__name__
                )
        return tuple(legs)

    def freeing(
        self, user_id: int, ask_side: Side, symbol: str, base: str, balances: tuple[Balance, ...]
    ) -> tuple[Balance, ...]:
        """Return balances as a sell sees them: the base its symbol's legs hold counts as free.

        Approving the sell releases those legs first, so the coins are there to sell.
        """
        if ask_side is not Side.SELL:
            return balances
        held: dict[str, Decimal] = {}  # an OCO pair holds its amount once
        for leg in self.store.legs(user_id, LIVE_STATES, mode=self._mode, symbol=symbol):
            held[leg.proposal_id] = max(held.get(leg.proposal_id, Decimal(0)), leg.amount)
        extra = sum(held.values(), Decimal(0))
        if not extra:
            return balances
        if all(b.asset != base for b in balances):
            balances = (*balances, Balance(base, Decimal(0), extra))
        return tuple(
            Balance(b.asset, b.free + extra, max(b.used - extra, Decimal(0)))
            if b.asset == base
            else b
            for b in balances
        )

    def shields(self, user_id: int) -> dict[str, Shield]:
        """Return, per symbol, the prices of the user's open protective legs."""
        out: dict[str, Shield] = {}
        for leg in self.store.legs(user_id, (OrderState.OPEN,), mode=self._mode):
            had = out.get(leg.symbol, Shield())
            if leg.leg == STOP_LEG:
                out[leg.symbol] = Shield(leg.trigger_price, had.take_profit)
            else:
                out[leg.symbol] = Shield(had.stop, leg.price)
        return out
