"""Ports of the trading package: what market data and exchanges look like to the rest.

Candles cross package lines as a pandas DataFrame with columns
`timestamp` (int64 UTC ms of the candle open), `open, high, low, close, volume` (float64),
sorted ascending, unique timestamps, **closed candles only** (the forming candle is dropped
by the source). Money is Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pandas as pd

TIMEFRAME_MS: dict[str, int] = {
    "1m": 60_000,
    "5m": 300_000,
    "15m": 900_000,
    "30m": 1_800_000,
    "1h": 3_600_000,
    "4h": 14_400_000,
    "1d": 86_400_000,
    "1w": 604_800_000,
}


@dataclass(frozen=True, slots=True)
class Candles:
    """Closed candles of one symbol and timeframe."""

    symbol: str
    timeframe: str
    frame: pd.DataFrame
    as_of: datetime

    @property
    def last_close(self) -> float:
        return float(self.frame["close"].iloc[-1])


@dataclass(frozen=True, slots=True)
class Ticker:
    """The latest price facts of one symbol."""

    symbol: str
    last: Decimal
    bid: Decimal | None
    ask: Decimal | None
    change_24h_pct: Decimal | None
    at: datetime


class MarketData(Protocol):
    """A source of candles and tickers (live exchange via ccxt, or candle replay)."""

    async def symbols(self) -> frozenset[str]:
        """Return the tradable symbols, e.g. {"BTC/USDT", ...}."""
        ...

    async def fetch_candles(self, symbol: str, timeframe: str, limit: int) -> Candles:
        """Return up to `limit` most recent closed candles."""
        ...

    async def fetch_ticker(self, symbol: str) -> Ticker:
        """Return the current ticker."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"


class OrderType(StrEnum):
    MARKET = "market"
    LIMIT = "limit"
    STOP = "stop"  # stop-market: triggers at `trigger_price`


class OrderStatus(StrEnum):
    OPEN = "open"
    FILLED = "filled"
    CANCELED = "canceled"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class MarketRules:
    """Precision and limits of one market (amounts in base, prices and notional in quote)."""

    symbol: str
    base: str
    quote: str
    amount_step: Decimal
    price_step: Decimal
    min_amount: Decimal
    min_notional: Decimal


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """One order to place. `amount` is in base units, already truncated to the market's step."""

    client_order_id: str
    symbol: str
    side: Side
    type: OrderType
    amount: Decimal
    price: Decimal | None = None
    trigger_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class OcoRequest:
    """A one-cancels-the-other pair closing a position: a stop below, a take-profit above.

    `stop` is a STOP order (trigger price), `take_profit` a LIMIT order; both have the
    same symbol, side and amount. Filling one cancels the other on the exchange.
    """

    list_client_id: str
    stop: OrderRequest
    take_profit: OrderRequest


@dataclass(frozen=True, slots=True)
class OrderAck:
    """What the exchange says about an order."""

    client_order_id: str
    exchange_order_id: str
    symbol: str
    side: Side
    type: OrderType
    status: OrderStatus
    amount: Decimal
    filled: Decimal
    average: Decimal | None
    fee: Decimal
    fee_currency: str


@dataclass(frozen=True, slots=True)
class Balance:
    asset: str
    free: Decimal
    used: Decimal

    @property
    def total(self) -> Decimal:
        return self.free + self.used


class Exchange(Protocol):
    """One account on one venue (a user's paper wallet, or their live exchange key).

    `place_order` never retries; on `ExchangeUnavailable` the order may exist: callers look it
    up with `find_order` by its client order id before deciding anything.
    """

    async def market_rules(self, symbol: str) -> MarketRules:
        """Return precision and limits; raise UnknownSymbol."""
        ...

    async def fetch_ticker(self, symbol: str) -> Ticker:
        """Return the current ticker."""
        ...

    async def balances(self) -> tuple[Balance, ...]:
        """Return the non-zero balances."""
        ...

    async def place_order(self, order: OrderRequest) -> OrderAck:
        """Send one order exactly once."""
        ...

    async def place_oco(self, request: OcoRequest) -> tuple[OrderAck, OrderAck]:
        """Send one OCO pair exactly once; return the stop's and the take-profit's acks."""
        ...

    async def find_order(self, symbol: str, client_order_id: str) -> OrderAck | None:
        """Look an order up by client id; None when the exchange says it does not exist."""
        ...

    async def cancel_order(self, symbol: str, client_order_id: str) -> OrderAck | None:
        """Cancel an open order; return its final state, None if it does not exist."""
        ...

    async def open_orders(self, symbol: str | None = None) -> tuple[OrderAck, ...]:
        """Return the open orders (of one symbol, or all)."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
