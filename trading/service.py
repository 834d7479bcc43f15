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
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine

from trading import risk
from trading.errors import (
    AlreadyDecided,
    ExchangeRefused,
    MarketDataError,
    NotYourProposal,
    OrderNotFound,
    PriceMoved,
    ProposalExpired,
    ProposalNotFound,
    TradingError,
)
from trading.execution import OrderDesk
from trading.models import OrderState, ProposalStatus, TradeProposal
from trading.paper import truncate
from trading.portfolio import Fill, Ledger, Position, build_ledger, start_of_day
from trading.ports import Balance, Exchange, MarketData, OrderStatus, Side
from trading.store import TradingStore
from trading.venues import Venues
from trading.views import (
    Approval,
    OrderView,
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

__all__ = [
    "Approval",
    "OrderView",
    "Pnl",
    "ProposalView",
    "TradeAsk",
    "TradingConfig",
    "TradingService",
    "client_order_id",
    "new_order",
    "order_view",
    "ta_rating",
    "view_of",
]

Clock = Callable[[], datetime]
Rating = Callable[[str], Awaitable[str | None]]
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
        self.desk = OrderDesk(self.store, config, clock)
        self.venues = venues
        self._venue = venues.for_user
        self.config = config
        self._clock = clock
        self._rating = rating

    # -- proposals ------------------------------------------------------------------------

    async def propose(self, user_id: int, chat_id: int, ask: TradeAsk) -> ProposalView:
        """Check the risk rules and store a proposal; raise RiskRejected naming the rule."""
        exchange = await self._venue(user_id)
        rules = await exchange.market_rules(ask.symbol)
        ticker = await exchange.fetch_ticker(ask.symbol)
        balances = await exchange.balances()
        now = self._clock()
        ref = ask.price or ask.trigger or ticker.last
        amount = _size(ask, ref, rules.amount_step, balances, rules.base)
        fee = (amount * ref * FEE_RATE_ESTIMATE).quantize(Decimal("0.0001"))
        risk.check(
            self.store.limits_for(user_id, self.config.risk),
            self._facts(user_id, ask, amount * ref, max(rules.min_notional, Decimal(0)), now),
        )
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
            has_stop=ask.stop_loss is not None,
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
            id=secrets.token_hex(8),
            kind=kind,
            user_id=user_id,
            chat_id=chat_id,
            mode=self.config.mode,
            status=ProposalStatus.PENDING,
            created_at=now,
            expires_at=now + timedelta(seconds=self.config.proposal_ttl_s),
            **fields,
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
        placed = await self.desk.send(exchange, order)
        row.status = ProposalStatus.APPROVED
        return Approval(view_of(row), (order_view(placed),))

    async def _recheck_price(self, row: TradeProposal, exchange: Exchange) -> None:
        ticker = await exchange.fetch_ticker(row.symbol)
        moved = abs(ticker.last - row.price_ref) / row.price_ref * 100
        if moved <= self.config.price_tolerance_pct:
            return
        now = self._clock()
        if not self.store.transition(row.id, row.user_id, ProposalStatus.SUPERSEDED, now):
            raise AlreadyDecided(self.store.status_of(row.id))
        fresh = self.store.clone_fresh(row, secrets.token_hex(8), ticker.last, now, self.config)
        raise PriceMoved(row.price_ref, ticker.last, fresh.id)

    async def reconcile(self, user_id: int | None = None) -> int:
        """Settle orders left sending/unknown/open (after a crash or restart); return count.

        Orders marked not placed within `late_window_s` are looked up once more: an order
        that reached the exchange late is then recorded instead of being lost.
        """
        settled = 0
        since = self._clock() - timedelta(seconds=self.config.late_window_s)
        late = [
            o
            for o in self.store.orders_in((OrderState.NOT_PLACED,), user_id)
            if o.updated_at >= since
        ]
        for order in self.store.orders_in(OrderState.LIVE, user_id) + late:
            exchange = await self._venue(order.user_id)
            if order.status in OrderState.UNSETTLED:
                after = await self.desk.settle(exchange, order)
                settled += after.status not in OrderState.UNSETTLED
                continue
            settled += await self.desk.refresh(exchange, order)
        return settled

    async def _execute_panic(self, row: TradeProposal, exchange: Exchange) -> Approval:
        now = self._clock()
        if not await asyncio.to_thread(self.store.claim, row, None, now):
            raise AlreadyDecided(self.store.status_of(row.id))
        log.info("panic approved id=%s flatten=%s", row.id, row.flatten)
        canceled = 0
        for order in self.store.orders_in((OrderState.OPEN,), row.user_id, mode=row.mode):
            try:
                done = await self.desk.cancel(exchange, order)
            except TradingError:
                continue
            canceled += done.status == OrderState.CANCELED
        canceled += await self._cancel_foreign(exchange)
        sold = await self._flatten(row, exchange) if row.flatten else ()
        return Approval(view_of(row), sold, canceled=canceled)

    async def _cancel_foreign(self, exchange: Exchange) -> int:
        """Cancel open orders the user placed elsewhere (panic means every open order)."""
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
        positions = self.ledger(row.user_id).positions
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
            except ExchangeRefused:
                continue
        return tuple(out)

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
        exchange = await self._venue(user_id)
        marked = []
        for pos in self.ledger(user_id).positions:
            try:
                mark: Decimal | None = (await exchange.fetch_ticker(pos.symbol)).last
            except MarketDataError:
                mark = None
            marked.append(Position(pos.symbol, pos.amount, pos.avg_cost, mark))
        return tuple(marked)

    async def pnl(self, user_id: int) -> Pnl:
        """Return realised and unrealised results and fees paid."""
        ledger = self.ledger(user_id)
        positions = await self.positions(user_id)
        unrealized = sum((p.unrealized or Decimal(0) for p in positions), Decimal(0))
        return Pnl(ledger.realized, unrealized, ledger.fees, len(ledger.closed))

    def orders(self, user_id: int, limit: int = 10) -> tuple[OrderView, ...]:
        """Return the user's most recent orders, newest first."""
        return tuple(order_view(o) for o in self.store.recent_orders(user_id, limit))

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

    async def describe_user(self, user_id: int) -> list[str]:
        counts = await asyncio.to_thread(self.store.count_user_rows, user_id)
        return [f"{table}: {n}" for table, n in counts.items() if n]

    async def forget_user(self, user_id: int) -> int:
        await self.venues.disconnect(user_id)
        return await asyncio.to_thread(self.store.forget_user, user_id)

    # -- helpers -------------------------------------------------------------------------

    def _owned(self, proposal_id: str, user_id: int) -> TradeProposal:
        row = self.store.proposal(proposal_id)
        if row is None:
            raise ProposalNotFound(proposal_id)
        if row.user_id != user_id:
            raise NotYourProposal(proposal_id)
        return row

    def ledger(self, user_id: int) -> Ledger:
        """Return positions and results of the user's filled orders in the current mode."""
        fills = []
        for o in self.store.orders_in((OrderState.FILLED,), user_id, mode=self.config.mode):
            price = o.average or Decimal(0)
            base = o.symbol.partition("/")[0]
            fee = o.fee * price if o.fee_currency == base else o.fee
            fills.append(Fill(o.symbol, Side(o.side), o.filled, price, fee, o.updated_at))
        return build_ledger(fills)

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


def _size(
    ask: TradeAsk, ref: Decimal, step: Decimal, balances: tuple[Balance, ...], base: str
) -> Decimal:
    """Return the base amount truncated to the lot step.

    A sell a fee's worth (≤ 1 %) above the free balance is trimmed to it: the exchange took
    the buy fee in the base asset, so "sell what I bought" must fit what is left.
    """
    amount = ask.amount
    if amount is None and ask.quote_amount is not None:
        amount = ask.quote_amount / ref
    amount = amount or Decimal(0)
    free = next((b.free for b in balances if b.asset == base), Decimal(0))
    if ask.side is Side.SELL and amount * Decimal("0.99") <= free < amount:
        amount = free
    return truncate(amount, step)


def ta_rating(market: MarketData, timeframe: str = "1h") -> Rating:
    """Return a rating lookup for proposal cards: the TA rating on closed candles, or None."""

    async def rate(symbol: str) -> str | None:
        from analysis import AnalysisError, technical_rating

        try:
            candles = await market.fetch_candles(symbol, timeframe, 300)
            rating = await asyncio.to_thread(technical_rating, candles.frame)
        except (MarketDataError, AnalysisError):
            return None
        if rating.signal is None or rating.value is None:
            return None
        return f"{rating.signal.value} ({rating.value:+.2f})"

    return rate
