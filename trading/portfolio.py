"""Positions and profit/loss from the filled orders the bot placed (average-cost method)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from trading.ports import Side


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


def start_of_day(now: datetime) -> datetime:
    """Return midnight UTC of `now`'s day (daily loss resets then)."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
