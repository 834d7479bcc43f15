"""The price path resting paper orders are matched on, and where an order fills on it.

A path is the closed candles since an order was placed (open, high, low), then the ticker
(one price: open = high = low). Pure functions over Decimals: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from trading.ports import Candles, OrderType, Side


class Resting(Protocol):
    """What matching reads of a resting order."""

    @property
    def side(self) -> str: ...
    @property
    def order_type(self) -> str: ...
    @property
    def price(self) -> Decimal | None: ...
    @property
    def trigger_price(self) -> Decimal | None: ...


@dataclass(frozen=True, slots=True)
class Bar:
    """One step of the price path: a candle's open, high and low (a ticker is all three)."""

    open: Decimal
    high: Decimal
    low: Decimal

    @classmethod
    def at(cls, price: Decimal) -> Bar:
        return cls(price, price, price)


Path = tuple[tuple[int, Bar], ...]  # (candle open time in ms, bar), oldest first


def touch(row: Resting, bar: Bar) -> Decimal | None:
    """Return where a resting order fills on `bar` (before slippage); None if not reached.

    A limit fills at its price or at a better open; a stop at its trigger, or at the open
    when the price gapped through it (the worse price).
    """
    buy = row.side == Side.BUY
    if row.order_type == OrderType.LIMIT and row.price is not None:
        if buy:
            return min(bar.open, row.price) if bar.low <= row.price else None
        return max(bar.open, row.price) if bar.high >= row.price else None
    if row.order_type == OrderType.STOP and row.trigger_price is not None:
        if buy:
            return max(bar.open, row.trigger_price) if bar.high >= row.trigger_price else None
        return min(bar.open, row.trigger_price) if bar.low <= row.trigger_price else None
    return None


def path_of(candles: Candles) -> Path:
    """Return the candles as a price path (open time in ms, bar), oldest first."""
    f = candles.frame
    rows = zip(f["timestamp"], f["open"], f["high"], f["low"], strict=True)
    return tuple(
        (int(t), Bar(Decimal(repr(float(o))), Decimal(repr(float(h))), Decimal(repr(float(lo)))))
        for t, o, h, lo in rows
    )
