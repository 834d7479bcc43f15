"""Paper exchange: a per-user simulated account that fills on real prices.

Prices come from a `MarketData` source (candle replay by default, live public prices when
configured). Market orders fill at the ticker with slippage against the user; limit and stop
orders rest in the paper book and fill when a later price crosses them, checked on every call
along the price path since the order was placed: the candles that opened after it (their
open, high and low), then the ticker. A stop triggers when a low (a high, for a buy stop)
reaches it and fills at the stop, or at the candle's open when the price gapped through it
(the worse price), with slippage; a limit fills at its price or the better open. The two legs
of an OCO pair share one reservation; when one fills, the other is cancelled in the same
transaction (a bar touching both fills the stop: the cautious reading). Fees are charged in
the quote asset. Lot size and minimum notional are enforced like the exchange does. Wallets
and the book are database rows, so they survive restarts.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from trading.errors import InsufficientFunds, OrderRejected, TradingError, UnknownSymbol
from trading.matching import Bar, Path, path_of, touch
from trading.models import PaperBalance, PaperOrder
from trading.ports import (
    Balance,
    MarketData,
    MarketRules,
    OcoRequest,
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
    # the price path is read from the finest of these the market serves
    path_timeframes: tuple[str, ...] = ("1m", "5m", "1h")
    path_candles: int = 200


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


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


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
        # an open order's `average` column holds what it reserved, not a price
        average=row.average if row.status == OrderStatus.FILLED else None,
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
        return (await asyncio.to_thread(self._place, (order,), rules, ticker, None))[0]

    async def place_oco(self, request: OcoRequest) -> tuple[OrderAck, OrderAck]:
        stop, take = request.stop, request.take_profit
        rules = await self.market_rules(stop.symbol)
        ticker = await self._market.fetch_ticker(stop.symbol)
        low, high = stop.trigger_price, take.price  # a sell's stop lies below the price
        if stop.side is Side.BUY:
            low, high = high, low
        if low is None or high is None or not low < ticker.last < high:
            raise OrderRejected("the stop and take-profit must lie either side of the price")
        acks = await asyncio.to_thread(
            self._place, (stop, take), rules, ticker, request.list_client_id
        )
        return acks[0], acks[1]

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

    def _check(self, order: OrderRequest, rules: MarketRules, last: Decimal) -> Decimal:
        """Refuse an order the exchange's filters would; return its reference price."""
        amount = truncate(order.amount, rules.amount_step)
        if amount != order.amount or amount < rules.min_amount:
            raise OrderRejected(f"amount must be a multiple of {rules.amount_step}")
        ref = order.price if order.type is OrderType.LIMIT and order.price else last
        if amount * ref < rules.min_notional:
            raise OrderRejected(f"order below the minimum of {rules.min_notional} {rules.quote}")
        return ref

    def _place(
        self,
        orders: Sequence[OrderRequest],
        rules: MarketRules,
        ticker: Ticker,
        list_id: str | None,
    ) -> tuple[OrderAck, ...]:
        """Book one order, or the legs of one OCO pair sharing the first leg's reservation."""
        refs = [self._check(order, rules, ticker.last) for order in orders]
        with Session(self._engine, expire_on_commit=False) as session:
            self._ensure_wallet(session)
            rows: list[PaperOrder] = []
            for order in orders:
                if session.get(PaperOrder, (self._user, order.client_order_id)) is not None:
                    raise OrderRejected("duplicate client order id")
                row = self._row(order, rules, ticker, list_id)
                if rows:
                    row.average = Decimal(0)  # the pair's first leg holds the reservation
                else:
                    self._reserve(session, row, rules, refs[0])
                session.add(row)
                rows.append(row)
            if list_id is None:
                hit = self._first_fill(rows, (Bar.at(ticker.last),), ticker.last)
                if hit is not None:
                    self._fill(session, rows[0], rules, hit[1])
            session.commit()
            return tuple(_ack(r) for r in rows)

    def _row(
        self, order: OrderRequest, rules: MarketRules, ticker: Ticker, list_id: str | None
    ) -> PaperOrder:
        return PaperOrder(
            user_id=self._user,
            client_order_id=order.client_order_id,
            exchange_order_id=secrets.token_hex(6),
            symbol=order.symbol,
            side=order.side,
            order_type=order.type,
            amount=order.amount,
            price=order.price,
            trigger_price=order.trigger_price,
            status=OrderStatus.OPEN,
            fee_currency=rules.quote,
            created_at=self._clock(),
            list_id=list_id,
            market_at=ticker.at,
        )

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

    def _first_fill(
        self, rows: Sequence[PaperOrder], bars: Sequence[Bar], last: Decimal
    ) -> tuple[PaperOrder, Decimal] | None:
        """Return the first of `rows` the path reaches and its fill price (stops first)."""
        slip = self._config.slippage
        ordered = sorted(rows, key=lambda r: r.order_type != OrderType.STOP)
        for bar in bars:
            for row in ordered:
                touched = last if row.order_type == OrderType.MARKET else touch(row, bar)
                if touched is None:
                    continue
                if row.order_type == OrderType.LIMIT:
                    return row, touched
                return row, touched * (1 + slip if row.side == Side.BUY else 1 - slip)
        return None

    def _fill(self, session: Session, row: PaperOrder, rules: MarketRules, price: Decimal) -> None:
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
        """Cancel an order (an OCO leg cancels its whole pair, as on Binance)."""
        with Session(self._engine, expire_on_commit=False) as session:
            row = session.get(PaperOrder, (self._user, client_order_id), with_for_update=True)
            if row is None:
                return None
            if row.status != OrderStatus.OPEN:
                return _ack(row)
            group = [row]
            if row.list_id is not None:
                group = list(
                    session.exec(
                        select(PaperOrder).where(
                            PaperOrder.user_id == self._user,
                            PaperOrder.list_id == row.list_id,
                            PaperOrder.status == OrderStatus.OPEN,
                        )
                    ).all()
                )
            for leg in group:
                base, _, quote = leg.symbol.partition("/")
                wallet = self._wallet(session, quote if leg.side == Side.BUY else base)
                reserved = leg.average or Decimal(0)
                wallet.used -= reserved
                wallet.free += reserved
                leg.status, leg.average = OrderStatus.CANCELED, None
                session.add_all([wallet, leg])
            session.commit()
            return _ack(row)

    async def _sweep(self) -> None:
        """Fill resting orders whose price the path has crossed since they were placed."""
        with Session(self._engine) as session:
            symbols = set(
                session.exec(
                    select(PaperOrder.symbol).where(
                        PaperOrder.user_id == self._user, PaperOrder.status == OrderStatus.OPEN
                    )
                ).all()
            )
        for symbol in sorted(symbols):
            ticker = await self._market.fetch_ticker(symbol)
            rules = rules_for(symbol, ticker.last, self._config.min_notional)
            path = await self._path(symbol)
            await asyncio.to_thread(self._sweep_symbol, symbol, rules, ticker.last, path)

    async def _path(self, symbol: str) -> Path:
        """Return the recent closed candles of the finest timeframe the market serves."""
        for timeframe in self._config.path_timeframes:
            try:
                limit = self._config.path_candles
                return path_of(await self._market.fetch_candles(symbol, timeframe, limit))
            except TradingError:
                continue
        return ()

    def _sweep_symbol(self, symbol: str, rules: MarketRules, last: Decimal, path: Path) -> None:
        with Session(self._engine) as session:
            rows = session.exec(
                select(PaperOrder)
                .where(
                    PaperOrder.user_id == self._user,
                    PaperOrder.symbol == symbol,
                    PaperOrder.status == OrderStatus.OPEN,
                )
                .order_by(col(PaperOrder.created_at))
                .with_for_update()
            ).all()
            groups: dict[str, list[PaperOrder]] = {}
            for row in rows:
                groups.setdefault(row.list_id or row.client_order_id, []).append(row)
            for group in groups.values():
                since = group[0].market_at
                bars = [b for t, b in path if since is not None and t >= _ms(since)]
                hit = self._first_fill(group, [*bars, Bar.at(last)], last)
                if hit is None:
                    continue
                for other in group:  # OCO: the reservation moves to the leg that fills
                    if other is not hit[0]:
                        held = (hit[0].average or Decimal(0)) + (other.average or Decimal(0))
                        hit[0].average = held
                        other.status, other.average = OrderStatus.CANCELED, None
                        session.add(other)
                self._fill(session, hit[0], rules, hit[1])
            session.commit()
