"""Positions and profit/loss from the filled orders the bot placed (average-cost method)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from trading.models import TradeOrder
from trading.ports import Side

if TYPE_CHECKING:
    from analysis.chart import EquityLabels


@dataclass(frozen=True, slots=True)
class Fill:
    """One filled order, as the portfolio needs it."""

    symbol: str
    side: Side
    amount: Decimal
    price: Decimal
    fee_quote: Decimal
    at: datetime


@dataclass(frozen=True, slots=True)
class Position:
    symbol: str
    amount: Decimal
    avg_cost: Decimal
    mark: Decimal | None = None
    stop: Decimal | None = None  # the placed protective legs' prices, if any
    take_profit: Decimal | None = None

    @property
    def unrealized(self) -> Decimal | None:
        if self.mark is None:
            return None
        return (self.mark - self.avg_cost) * self.amount


@dataclass(frozen=True, slots=True)
class Closed:
    """A sell that realised a result."""

    symbol: str
    pnl: Decimal
    at: datetime


@dataclass
class _Book:
    amount: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Ledger:
    positions: tuple[Position, ...]
    closed: tuple[Closed, ...]  # newest first
    fees: Decimal

    def realized_since(self, since: datetime) -> Decimal:
        """Return the realised result of the sells closed at or after `since`."""
        return sum((c.pnl for c in self.closed if c.at >= since), Decimal(0))

    @property
    def realized(self) -> Decimal:
        return sum((c.pnl for c in self.closed), Decimal(0))

    def recent_results(self) -> tuple[tuple[datetime, Decimal], ...]:
        return tuple((c.at, c.pnl) for c in self.closed)


def build_ledger(fills: Iterable[Fill]) -> Ledger:
    """Replay fills in time order: buys raise the average cost, sells realise against it."""
    books: dict[str, _Book] = {}
    closed: list[Closed] = []
    fees = Decimal(0)
    for fill in sorted(fills, key=lambda f: f.at):
        book = books.setdefault(fill.symbol, _Book())
        fees += fill.fee_quote
        if fill.side is Side.BUY:
            book.cost += fill.amount * fill.price + fill.fee_quote
            book.amount += fill.amount
            continue
        sold = min(fill.amount, book.amount)
        avg = book.cost / book.amount if book.amount else fill.price
        pnl = sold * (fill.price - avg) - fill.fee_quote
        book.cost -= avg * sold
        book.amount -= sold
        closed.append(Closed(fill.symbol, pnl, fill.at))
    positions = tuple(
        Position(symbol, b.amount, b.cost / b.amount)
        for symbol, b in sorted(books.items())
        if b.amount > 0
    )
    return Ledger(positions, tuple(reversed(closed)), fees)


def fills_of(orders: Iterable[TradeOrder]) -> list[Fill]:
    """Return the fills of filled orders; a buy's size is net of a fee taken in the base."""
    fills = []
    for o in orders:
        price = o.average or Decimal(0)
        base = o.symbol.partition("/")[0]
        in_base = o.fee_currency == base
        fee = o.fee * price if in_base else o.fee
        amount = o.filled - o.fee if in_base and o.side == Side.BUY else o.filled
        fills.append(Fill(o.symbol, Side(o.side), amount, price, fee, o.updated_at))
    return fills


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """The bot's trading result at a moment: realised so far (+ unrealised at the last point)."""

    at: datetime
    value: Decimal


def equity_curve(
    fills: Iterable[Fill], now: datetime, unrealized: Decimal
) -> tuple[CurvePoint, ...]:
    """Return the result curve of these fills: 0 at the first fill, the realised result after
    each closing sell (net of buy and sell fees), and realised + unrealised at `now`.
    Empty when there are no fills."""
    ordered = sorted(fills, key=lambda f: f.at)
    if not ordered:
        return ()
    points = [CurvePoint(ordered[0].at, Decimal(0))]
    total = Decimal(0)
    for closed in reversed(build_ledger(ordered).closed):  # oldest first
        total += closed.pnl
        points.append(CurvePoint(closed.at, total))
    points.append(CurvePoint(max(now, points[-1].at), total + unrealized))
    return tuple(points)


def curve_png(
    curve: Iterable[CurvePoint], quote: str = "USDT", labels: EquityLabels | None = None
) -> bytes:
    """Return the curve drawn as a PNG (analysis.chart.equity_png; `labels`: its words,
    English by default)."""
    from analysis.chart import equity_png

    points = list(curve)
    return equity_png(
        [int(p.at.timestamp() * 1000) for p in points],
        [float(p.value) for p in points],
        unit=quote,
        labels=labels,
    )


def start_of_day(now: datetime) -> datetime:
    """Return midnight UTC of `now`'s day (daily loss resets then)."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
