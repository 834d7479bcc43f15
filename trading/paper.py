"""Paper exchange: a per-user simulated account that fills on real prices.

Prices come from a `MarketData` source (candle replay by default, live public prices when
configured). Market orders fill at the ticker with slippage against the user; limit and stop
orders rest in the paper book and fill when a later price crosses them (checked on every call).
Fees are charged in the quote asset. Lot size and minimum notional are enforced like the
exchange does. Wallets and the book are database rows, so they survive restarts.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import Engine
from sqlmodel import Session, select

from trading.errors import InsufficientFunds, OrderRejected, UnknownSymbol
from trading.models import PaperBalance, PaperOrder
from trading.ports import (
    Balance,
    MarketData,
    MarketRules,
    OrderAck,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
    Ticker,
)

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class PaperConfig:
    fee_rate: Decimal = Decimal("0.001")
    slippage: Decimal = Decimal("0.0005")
    start_quote: Decimal = Decimal("10000")
    quote_asset: str = "USDT"
    min_notional: Decimal = Decimal("5")


def rules_for(symbol: str, price: Decimal, min_notional: Decimal) -> MarketRules:
    """Return Binance-like precision for a market: ~6 significant digits of size and price."""
    base, _, quote = symbol.partition("/")
    magnitude = price.adjusted()  # floor(log10(price))
    amount_step = Decimal(1).scaleb(min(0, -(magnitude + 1)))
    price_step = Decimal(1).scaleb(min(-2, magnitude - 5))
    return MarketRules(symbol, base, quote, amount_step, price_step, amount_step, min_notional)


def truncate(value: Decimal, step: Decimal) -> Decimal:
    """Round down to a multiple of step (never exceed what was approved)."""
    return (value / step).to_integral_value(rounding=ROUND_DOWN) * step


def _ack(row: PaperOrder) -> OrderAck:
    return OrderAck(
        client_order_id=row.client_order_id,
        exchange_order_id=row.exchange_order_id,
        symbol=row.symbol,
        side=Side(row.side),
        type=OrderType(row.order_type),
        status=OrderStatus(row.status),
        amount=row.amount,
        filled=row.filled,
        average=row.average,
        fee=row.fee,
        fee_currency=row.fee_currency,
    )


class PaperExchange:
    """One user's paper account (implements trading.ports.Exchange)."""

    def __init__(
        self, engine: Engine, market: MarketData, user_id: int, config: PaperConfig, clock: Clock
    ) -> None:
        self._engine = engine
        self._market = market
        self._user = user_id
        self._config = config
        self._clock = clock

    async def market_rules(self, symbol: str) -> MarketRules:
        if symbol not in await self._market.symbols():
            raise UnknownSymbol(symbol)
        ticker = await self._market.fetch_ticker(symbol)
        return rules_for(symbol, ticker.last, self._config.min_notional)

    async def fetch_ticker(self, symbol: str) -> Ticker:
        return await self._market.fetch_ticker(symbol)

    async def balances(self) -> tuple[Balance, ...]:
        await self._sweep()
        return await asyncio.to_thread(self._balances)

    def _balances(self) -> tuple[Balance, ...]:
        with Session(self._engine) as session:
            self._ensure_wallet(session)
            session.commit()
            rows = session.exec(
                select(PaperBalance).where(PaperBalance.user_id == self._user)
            ).all()
            return tuple(Balance(r.asset, r.free, r.used) for r in rows if r.free + r.used != 0)

    async def place_order(self, order: OrderRequest) -> OrderAck:
        rules = await self.market_rules(order.symbol)
        ticker = await self._market.fetch_ticker(order.symbol)
        return await asyncio.to_thread(self._place, order, rules, ticker.last)

    async def find_order(self, symbol: str, client_order_id: str) -> OrderAck | None:
        await self._sweep()
        with Session(self._engine) as session:
            row = session.get(PaperOrder, (self._user, client_order_id))
            return _ack(row) if row else None

    async def cancel_order(self, symbol: str, client_order_id: str) -> OrderAck | None:
        await self._sweep()
        return await asyncio.to_thread(self._cancel, client_order_id)

    async def open_orders(self, symbol: str | None = None) -> tuple[OrderAck, ...]:
        await self._sweep()
        with Session(self._engine) as session:
            query = select(PaperOrder).where(
                PaperOrder.user_id == self._user, PaperOrder.status == OrderStatus.OPEN
            )
            if symbol:
                query = query.where(PaperOrder.symbol == symbol)
            return tuple(_ack(r) for r in session.exec(query).all())

    async def close(self) -> None:
        """Nothing to release: the market source is shared and closed by its owner."""

    # -- book keeping -------------------------------------------------------------------

    def _ensure_wallet(self, session: Session) -> None:
        quote = self._config.quote_asset
        if session.get(PaperBalance, (self._user, quote)) is None:
            has_any = session.exec(
                select(PaperBalance).where(PaperBalance.user_id == self._user)
            ).first()
            if has_any is None:
                session.add(
                    PaperBalance(user_id=self._user, asset=quote, free=self._config.start_quote)
                )
                session.flush()

    def _wallet(self, session: Session, asset: str) -> PaperBalance:
        row = session.exec(
            select(PaperBalance)
            .where(PaperBalance.user_id == self._user, PaperBalance.asset == asset)
            .with_for_update()
        ).first()
        if row is None:
            row = PaperBalance(user_id=self._user, asset=asset)
            session.add(row)
        return row

    def _place(self, order: OrderRequest, rules: MarketRules, last: Decimal) -> OrderAck:
        amount = truncate(order.amount, rules.amount_step)
        if amount != order.amount or amount < rules.min_amount:
            raise OrderRejected(f"amount must be a multiple of {rules.amount_step}")
        ref = order.price if order.type is OrderType.LIMIT and order.price else last
        if amount * ref < rules.min_notional:
            raise OrderRejected(f"order below the minimum of {rules.min_notional} {rules.quote}")
        with Session(self._engine, expire_on_commit=False) as session:
            self._ensure_wallet(session)
            if session.get(PaperOrder, (self._user, order.client_order_id)) is not None:
                raise OrderRejected("duplicate client order id")
            row = PaperOrder(
                user_id=self._user,
                client_order_id=order.client_order_id,
                exchange_order_id=secrets.token_hex(6),
                symbol=order.symbol,
                side=order.side,
                order_type=order.type,
                amount=amount,
                price=order.price,
                trigger_price=order.trigger_price,
                status=OrderStatus.OPEN,
                fee_currency=rules.quote,
                created_at=self._clock(),
            )
            self._reserve(session, row, rules, ref)
            session.add(row)
            if self._crossed(row, last):
                self._fill(session, row, rules, last)
            session.commit()
            return _ack(row)

    def _reserve(self, session: Session, row: PaperOrder, rules: MarketRules, ref: Decimal) -> None:
        if row.side == Side.BUY:
            asset, need = rules.quote, row.amount * ref * (1 + self._config.slippage)
            need += need * self._config.fee_rate
        else:
            asset, need = rules.base, row.amount
        wallet = self._wallet(session, asset)
        if wallet.free < need:
            raise InsufficientFunds(f"need {need} {asset}, free {wallet.free}")
        wallet.free -= need
        wallet.used += need
        row.average = need  # reserved amount, replaced by the fill price when filled
        session.add(wallet)

    def _crossed(self, row: PaperOrder, last: Decimal) -> bool:
        if row.order_type == OrderType.MARKET:
            return True
        if row.order_type == OrderType.LIMIT and row.price is not None:
            return last <= row.price if row.side == Side.BUY else last >= row.price
        if row.trigger_price is not None:
            return last >= row.trigger_price if row.side == Side.BUY else last <= row.trigger_price
        return False

    def _fill(self, session: Session, row: PaperOrder, rules: MarketRules, last: Decimal) -> None:
        slip = self._config.slippage
        if row.order_type == OrderType.LIMIT and row.price is not None:
            price = min(last, row.price) if row.side == Side.BUY else max(last, row.price)
        else:
            price = last * (1 + slip) if row.side == Side.BUY else last * (1 - slip)
        price = truncate(price, rules.price_step) if row.side == Side.SELL else price
        notional = row.amount * price
        fee = (notional * self._config.fee_rate).quantize(Decimal("0.00000001"))
        reserved = row.average or Decimal(0)
        quote = self._wallet(session, rules.quote)
        base = self._wallet(session, rules.base)
        if row.side == Side.BUY:
            quote.used -= reserved
            quote.free += reserved - notional - fee
            base.free += row.amount
        else:
            base.used -= reserved
            quote.free += notional - fee
        row.status, row.filled, row.average, row.fee = OrderStatus.FILLED, row.amount, price, fee
        session.add_all([quote, base, row])

    def _cancel(self, client_order_id: str) -> OrderAck | None:
        with Session(self._engine, expire_on_commit=False) as session:
            row = session.get(PaperOrder, (self._user, client_order_id), with_for_update=True)
            if row is None:
                return None
            if row.status == OrderStatus.OPEN:
                base, _, quote = row.symbol.partition("/")
                wallet = self._wallet(session, quote if row.side == Side.BUY else base)
                reserved = row.average or Decimal(0)
                wallet.used -= reserved
                wallet.free += reserved
                row.status, row.average = OrderStatus.CANCELED, None
                session.add_all([wallet, row])
                session.commit()
            return _ack(row)

    async def _sweep(self) -> None:
        """Fill resting orders whose price has been crossed since the last look."""
        with Session(self._engine) as session:
            symbols = set(
                session.exec(
                    select(PaperOrder.symbol).where(
                        PaperOrder.user_id == self._user, PaperOrder.status == OrderStatus.OPEN
                    )
                ).all()
            )
        for symbol in symbols:
            ticker = await self._market.fetch_ticker(symbol)
            rules = rules_for(symbol, ticker.last, self._config.min_notional)
            await asyncio.to_thread(self._sweep_symbol, symbol, rules, ticker.last)

    def _sweep_symbol(self, symbol: str, rules: MarketRules, last: Decimal) -> None:
        with Session(self._engine) as session:
            rows = session.exec(
                select(PaperOrder)
                .where(
                    PaperOrder.user_id == self._user,
                    PaperOrder.symbol == symbol,
                    PaperOrder.status == OrderStatus.OPEN,
                )
                .with_for_update()
            ).all()
            for row in rows:
                if self._crossed(row, last):
                    self._fill(session, row, rules, last)
            session.commit()
