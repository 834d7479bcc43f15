"""Proposals, approval and execution: money moves only on an approved, fresh proposal, once.

Exactly-once: approval is a conditional UPDATE (pending -> approved, only by the proposing
user, only before expiry) committed together with the order row that carries the client
order id, BEFORE anything is sent. Whoever loses that race (a second worker, a double click)
sees `AlreadyDecided`. `create_order` is never retried: when the outcome is unknown (timeout,
dropped response, crash) the order is looked up by its client order id a bounded number of
times; only repeated "not found" answers mark it as not placed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine

from privacy.own_ids import new_proposal_id
from privacy.stored import StoredItem
from trading import amounts, risk
from trading.errors import (
    AlreadyDecided,
    MarketDataError,
    NotYourProposal,
    OrderNotFound,
    PriceMoved,
    ProposalExpired,
    ProposalNotFound,
    TradingError,
)
from trading.execution import OrderDesk
from trading.models import OrderState, ProposalStatus, TradeOrder, TradeProposal
from trading.panic import Panic
from trading.portfolio import Ledger, Position, build_ledger, equity_curve, fills_of, start_of_day
from trading.ports import Balance, Exchange, Side
from trading.precision import Steps
from trading.protection import Protector, Shield
from trading.rating import Rating, ta_rating
from trading.rules import UserRules
from trading.store import TradingStore
from trading.venues import Venues
from trading.views import (
    Approval,
    OrderView,
    OutcomeChange,
    Pnl,
    ProposalView,
    TradeAsk,
    TradingConfig,
    client_order_id,
    new_order,
    order_view,
    view_of,
)

log = logging.getLogger(__name__)

__all__ = ["Approval", "OrderView", "OutcomeChange", "Pnl", "ProposalView", "TradeAsk"]
__all__ += ["TradingConfig", "TradingService", "client_order_id", "new_order", "order_view"]
__all__ += ["ta_rating", "view_of"]

Clock = Callable[[], datetime]
FEE_RATE_ESTIMATE = Decimal("0.001")


class TradingService:
    """Propose, approve, reject, expire, reconcile; portfolio views over the bot's orders."""

    name = "trading"

    def __init__(
        self,
        engine: Engine,
        venues: Venues,
        config: TradingConfig,
        *,
        clock: Clock,
        rating: Rating | None = None,
    ) -> None:
        self.engine = engine
        self.store = TradingStore(engine)
        self.desk = OrderDesk(self.store, config, clock, venues.for_user)
        self.rules = UserRules(self.store, config.risk, clock)
        self.protector = Protector(self.store, self.desk, clock, config.mode)
        self.panic = Panic(self.store, self.desk, self.protector, clock, self.ledger)
        self.venues = venues
        self._venue = venues.for_user
        self.config = config
        self._clock = clock
        self._rating = rating

    # -- proposals ------------------------------------------------------------------------

    async def propose(self, user_id: int, chat_id: int, ask: TradeAsk) -> ProposalView:
        """Check the amount, risk rules and funds, then store a proposal; raise naming why."""
        amounts.check_ask(ask)
        exchange = await self._venue(user_id)
        rules = await exchange.market_rules(ask.symbol)
        ticker = await exchange.fetch_ticker(ask.symbol)
        balances = await exchange.balances()
        balances = self.protector.freeing(user_id, ask.side, ask.symbol, rules.base, balances)
        now = self._clock()
        ref = ask.price or ask.trigger or ticker.last
        amounts.check_protection(ask, ref, ticker.last)
        amount = amounts.base_amount(ask, ref, rules.amount_step, balances, rules.base)
        fee = (amount * ref * FEE_RATE_ESTIMATE).quantize(Decimal("0.0001"))
        risk.check(
            self.store.limits_for(user_id, self.config.risk),
            self._facts(user_id, ask, amount * ref, max(rules.min_notional, Decimal(0)), now),
        )
        amounts.check_funds(ask.side, amount, amount * ref + fee, balances, rules.base, rules.quote)
        plan = self.store.plan_for(user_id, rules.base)
        warnings = risk.emotion_warnings(ask.mood, plan, ask.side, ref)
        row = self._new_proposal(
            "order",
            user_id,
            chat_id,
            now,
            symbol=ask.symbol,
            side=ask.side,
            order_type=ask.order_type,
            amount=amount,
            price_ref=ticker.last,
            limit_price=ask.price,
            trigger_price=ask.trigger,
            stop_loss=ask.stop_loss,
            take_profit=ask.take_profit,
            fee_estimate=fee,
            risk_quote=risk.risk_in_quote(ask.side, amount, ref, ask.stop_loss, fee),
            equity=await self._equity(exchange, balances),
            flags=",".join(warnings),
        )
        log.info("proposal created id=%s kind=order warnings=%d", row.id, len(warnings))
        return view_of(row, await self._rate(ask.symbol))

    def _facts(
        self, user_id: int, ask: TradeAsk, notional: Decimal, min_notional: Decimal, now: datetime
    ) -> risk.TradeFacts:
        ledger = self.ledger(user_id)
        held = {p.symbol for p in ledger.positions}
        return risk.TradeFacts(
            side=ask.side,
            notional=notional,
            has_stop=ask.stop_loss is not None and ask.side is Side.BUY,  # placed as a real stop
            opens_new_position=ask.side is Side.BUY and ask.symbol not in held,
            open_positions=len(held),
            realized_today=ledger.realized_since(start_of_day(now)),
            recent_results=ledger.recent_results(),
            min_notional=min_notional,
            now=now,
        )

    async def propose_panic(self, user_id: int, chat_id: int, *, flatten: bool) -> ProposalView:
        """Store a proposal to cancel every open order (and sell every position if flatten)."""
        row = self._new_proposal("panic", user_id, chat_id, self._clock(), flatten=flatten)
        return view_of(row)

    def _new_proposal(
        self, kind: str, user_id: int, chat_id: int, now: datetime, **fields: object
    ) -> TradeProposal:
        row = TradeProposal(
            id=new_proposal_id(),
            kind=kind,
            user_id=user_id,
            chat_id=chat_id,
            mode=self.config.mode,
            status=ProposalStatus.PENDING,
            created_at=now,
            expires_at=now + timedelta(seconds=self.config.proposal_ttl_s),
            **fields,  # type: ignore[arg-type]
        )
        self.store.add(row)
        return row

    async def reject(self, proposal_id: str, user_id: int) -> ProposalView:
        """Reject a pending proposal (only its owner)."""
        row = self._owned(proposal_id, user_id)
        if not self.store.transition(row.id, user_id, ProposalStatus.REJECTED, self._clock()):
            raise AlreadyDecided(self.store.proposal(proposal_id).status)  # type: ignore[union-attr]
        return view_of(self.store.proposal(proposal_id))  # type: ignore[arg-type]

    def expire_due(self) -> int:
        """Mark every pending proposal past its expiry as expired; return how many."""
        return self.store.expire_due(self._clock())

    # -- approval -----------------------------------------------------------------------------

    async def approve(self, proposal_id: str, user_id: int, *, confirm: bool = False) -> Approval:
        """Execute a proposal once; raise a ProposalError when that is not allowed now."""
        row = self._owned(proposal_id, user_id)
        now = self._clock()
        if row.status not in (ProposalStatus.PENDING, ProposalStatus.CONFIRMING):
            raise AlreadyDecided(row.status)
        if now >= row.expires_at:
            self.store.transition(row.id, user_id, ProposalStatus.EXPIRED, now)
            raise ProposalExpired("expired")
        if row.flags and not (confirm and row.status == ProposalStatus.CONFIRMING):
            first = row.status == ProposalStatus.PENDING
            if first and not self.store.transition(row.id, user_id, ProposalStatus.CONFIRMING, now):
                raise AlreadyDecided(self.store.status_of(row.id))
            return Approval(view_of(row), needs_confirm=True)
        exchange = await self._venue(user_id)
        if row.kind == "panic":
            return await self._execute_panic(row, exchange)
        await self._recheck_price(row, exchange)
        order = new_order(row, 0, row.side, row.amount, now)
        if not await asyncio.to_thread(self.store.claim, row, order, now):
            raise AlreadyDecided(self.store.status_of(row.id))
        log.info("proposal approved id=%s order=%s", row.id, order.id)
        placed = await self._send_entry(exchange, row, order)
        row.status = ProposalStatus.APPROVED
        return Approval(view_of(row), tuple(order_view(o) for o in placed))

    async def _send_entry(
        self, exchange: Exchange, row: TradeProposal, order: TradeOrder
    ) -> tuple[TradeOrder, ...]:
        """Send the approved entry: a filled buy gets its legs; a sell moves the symbol's legs."""
        if row.side == Side.BUY:
            placed = await self.desk.send(exchange, order)
            try:
                return (placed, *await self.protector.protect(exchange, row, placed))
            except TradingError as err:  # the entry stands; reconcile places the legs
                log.warning("protection postponed proposal=%s kind=%s", row.id, type(err).__name__)
                return (placed,)
        released = await self.protector.release(exchange, row.user_id, row.symbol)
        try:
            placed = await self.desk.send(exchange, order)
        finally:  # sold or not, what is still held goes back under its stop and take-profit
            held = {p.symbol: p.amount for p in self.ledger(row.user_id).positions}
            legs = await self.protector.reprotect(
                exchange, row, released, held.get(row.symbol, Decimal(0))
            )
        return (placed, *legs)

    async def _recheck_price(self, row: TradeProposal, exchange: Exchange) -> None:
        ticker = await exchange.fetch_ticker(row.symbol)
        moved = abs(ticker.last - row.price_ref) / row.price_ref * 100
        if moved <= self.config.price_tolerance_pct:
            return
        now = self._clock()
        if not self.store.transition(row.id, row.user_id, ProposalStatus.SUPERSEDED, now):
            raise AlreadyDecided(self.store.status_of(row.id))
        expires_at = now + timedelta(seconds=self.config.proposal_ttl_s)
        fresh = self.store.clone_fresh(row, new_proposal_id(), ticker.last, now, expires_at)
        raise PriceMoved(row.price_ref, ticker.last, fresh.id)

    async def reconcile(self, user_id: int | None = None) -> int:
        """Settle orders left sending/unknown/open; return how many changed outcome."""
        return len(await self.settle_orders(user_id))

    async def settle_orders(self, user_id: int | None = None) -> tuple[OutcomeChange, ...]:
        """Settle orders left sending/unknown/open, protect filled entries; return the changes."""
        changes = await self.desk.reconcile(user_id)
        return changes + await self.protector.protect_due(self._venue)

    async def _execute_panic(self, row: TradeProposal, exchange: Exchange) -> Approval:
        if not await asyncio.to_thread(self.store.claim, row, None, self._clock()):
            raise AlreadyDecided(self.store.status_of(row.id))
        sold, canceled = await self.panic.run(row, exchange)
        return Approval(view_of(row), sold, canceled=canceled)

    async def cancel(self, user_id: int, order_id: int) -> OrderView:
        """Cancel one of the user's open orders; a lost reply is settled by a lookup."""
        try:
            order = self.store.get_order(order_id)
        except LookupError:
            raise OrderNotFound(str(order_id)) from None
        if order.user_id != user_id or order.status != OrderState.OPEN:
            raise OrderNotFound(str(order_id))
        exchange = await self._venue(user_id)
        return order_view(await self.desk.cancel(exchange, order))

    # -- portfolio ------------------------------------------------------------------------

    async def balances(self, user_id: int) -> tuple[Balance, ...]:
        """Return the user's balances on the current venue."""
        return await (await self._venue(user_id)).balances()

    async def positions(self, user_id: int) -> tuple[Position, ...]:
        """Return the open positions of the bot's trades, marked at the current price."""
        return await self._marked(user_id, self.ledger(user_id))

    async def _marked(self, user_id: int, ledger: Ledger) -> tuple[Position, ...]:
        exchange = await self._venue(user_id)
        marked = []
        shields = self.protector.shields(user_id)
        for pos in ledger.positions:
            try:
                mark: Decimal | None = (await exchange.fetch_ticker(pos.symbol)).last
            except MarketDataError:
                mark = None
            shield = shields.get(pos.symbol, Shield())
            marked.append(
                Position(
                    pos.symbol, pos.amount, pos.avg_cost, mark, shield.stop, shield.take_profit
                )
            )
        return tuple(marked)

    async def pnl(self, user_id: int) -> Pnl:
        """Return realised and unrealised results and fees paid."""
        filled = self.store.orders_in((OrderState.FILLED,), user_id, mode=self.config.mode)
        fills = fills_of(filled)
        ledger = build_ledger(fills)
        positions = await self._marked(user_id, ledger)
        unrealized = sum((p.unrealized or Decimal(0) for p in positions), Decimal(0))
        curve = equity_curve(fills, self._clock(), unrealized)
        return Pnl(ledger.realized, unrealized, ledger.fees, len(ledger.closed), curve)

    def orders(self, user_id: int, limit: int = 10) -> tuple[OrderView, ...]:
        """Return the user's most recent orders, newest first."""
        return tuple(order_view(o) for o in self.store.recent_orders(user_id, limit))

    async def display_steps(self, user_id: int, symbols: Iterable[str]) -> dict[str, Steps]:
        """Return each market's tick and lot step for display (unknown markets left out)."""
        steps: dict[str, Steps] = {}
        try:
            exchange = await self._venue(user_id)
            for symbol in sorted(set(symbols)):
                steps[symbol] = Steps.of(await exchange.market_rules(symbol))
        except TradingError as err:  # shown unrounded rather than not at all
            log.info("display steps unavailable kind=%s", type(err).__name__)
        return steps

    # -- live keys ------------------------------------------------------------------------

    async def connect(self, user_id: int, api_key: str, secret: str) -> None:
        """Store the user's exchange key (refused if it can withdraw)."""
        await self.venues.connect(user_id, api_key, secret)

    async def disconnect(self, user_id: int) -> bool:
        """Erase the user's exchange key."""
        return await self.venues.disconnect(user_id)

    async def close(self) -> None:
        """Close the live clients."""
        await self.venues.close()

    # -- user data (/mydata, /forget) -------------------------------------------------------

    async def describe_user(self, user_id: int) -> list[StoredItem]:
        counts = await asyncio.to_thread(self.store.count_user_rows, user_id)
        return [StoredItem(table, n, f"{table}: {n}") for table, n in counts.items() if n]

    async def forget_user(self, user_id: int) -> int:
        await self.venues.disconnect(user_id)
        return await asyncio.to_thread(self.store.forget_user, user_id)

    def proposal(self, proposal_id: str, user_id: int) -> ProposalView:
        """Return the user's proposal; raise ProposalNotFound or NotYourProposal."""
        return view_of(self._owned(proposal_id, user_id))

    def _owned(self, proposal_id: str, user_id: int) -> TradeProposal:
        row = self.store.proposal(proposal_id)
        if row is None:
            raise ProposalNotFound(proposal_id)
        if row.user_id != user_id:
            raise NotYourProposal(proposal_id)
        return row

    def ledger(self, user_id: int) -> Ledger:
        """Return positions and results of the user's filled orders in the current mode."""
        filled = self.store.orders_in((OrderState.FILLED,), user_id, mode=self.config.mode)
        return build_ledger(fills_of(filled))

    async def _equity(self, exchange: Exchange, balances: tuple[Balance, ...]) -> Decimal:
        total = Decimal(0)
        for bal in balances:
            if bal.asset in ("USDT", "USDC", "FDUSD"):
                total += bal.total
                continue
            try:
                total += bal.total * (await exchange.fetch_ticker(f"{bal.asset}/USDT")).last
            except MarketDataError:  # an asset without a USDT market does not count
                continue
        return total

    async def _rate(self, symbol: str) -> str | None:
        return await self._rating(symbol) if self._rating else None
