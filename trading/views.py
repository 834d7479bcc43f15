"""Values of the trading service: what callers pass in and get back (no ORM rows cross)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from trading import risk
from trading.models import (
    STOP_LEG,
    TAKE_LEG,
    UNSETTLED_STATES,
    OrderState,
    TradeOrder,
    TradeProposal,
)
from trading.ports import OrderType, Side

if TYPE_CHECKING:
    from trading.portfolio import CurvePoint


@dataclass(frozen=True, slots=True)
class TradingConfig:
    mode: str = "paper"
    proposal_ttl_s: int = 60
    price_tolerance_pct: Decimal = Decimal("0.5")
    order_timeout_s: float = 10.0
    reconcile_checks: int = 5
    reconcile_delay_s: float = 0.3
    late_window_s: float = 600.0
    # "not found" settles an order as not placed only this long after it was recorded: the
    # exchange refuses a request older than its recvWindow (ccxt sends 10 s; Binance's max 60)
    absent_after_s: float = 60.0
    risk: risk.RiskLimits = field(default_factory=risk.RiskLimits)


@dataclass(frozen=True, slots=True)
class TradeAsk:
    """A trade the user asked for in a parsed command (never from model output)."""

    side: Side
    symbol: str
    amount: Decimal | None = None  # base units
    quote_amount: Decimal | None = None  # budget in quote units
    order_type: OrderType = OrderType.MARKET
    price: Decimal | None = None  # limit price
    trigger: Decimal | None = None  # stop trigger
    stop_loss: Decimal | None = None
    take_profit: Decimal | None = None
    mood: str | None = None  # "fomo" / "panic" from the wording, decided by the bot layer


@dataclass(frozen=True, slots=True)
class ProposalView:
    id: str
    kind: str
    mode: str
    symbol: str
    side: str
    order_type: str
    amount: Decimal
    notional: Decimal
    price_ref: Decimal
    limit_price: Decimal | None
    trigger_price: Decimal | None
    stop_loss: Decimal | None
    take_profit: Decimal | None
    fee_estimate: Decimal
    risk_quote: Decimal
    risk_pct: Decimal | None
    warnings: tuple[str, ...]
    status: str
    expires_at: datetime
    flatten: bool = False
    rating: str | None = None


@dataclass(frozen=True, slots=True)
class OrderView:
    id: int
    symbol: str
    side: str
    order_type: str
    amount: Decimal
    status: str
    filled: Decimal
    average: Decimal | None
    fee: Decimal
    fee_currency: str
    price: Decimal | None
    trigger_price: Decimal | None = None
    role: str = ""  # "stop_loss" / "take_profit" for a position's protective legs

    @property
    def checking(self) -> bool:
        """True while the outcome is unknown (sent, not yet confirmed or found by a lookup)."""
        return self.status in UNSETTLED_STATES


@dataclass(frozen=True, slots=True)
class OutcomeChange:
    """An order whose outcome a lookup changed (e.g. checking -> filled): tell `chat_id`.

    `before` is "" for a protective leg the system has just placed.
    """

    user_id: int
    chat_id: int
    before: str
    order: OrderView


@dataclass(frozen=True, slots=True)
class Pnl:
    realized: Decimal
    unrealized: Decimal
    fees: Decimal
    closed_trades: int
    curve: tuple[CurvePoint, ...] = ()  # realised result over time, unrealised added now


@dataclass(frozen=True, slots=True)
class Approval:
    """The outcome of pressing Approve: a confirmation is needed, or orders were sent."""

    proposal: ProposalView
    orders: tuple[OrderView, ...] = ()
    needs_confirm: bool = False
    canceled: int = 0


def view_of(row: TradeProposal, rating: str | None = None) -> ProposalView:
    notional = row.amount * (row.limit_price or row.trigger_price or row.price_ref)
    pct = (row.risk_quote / row.equity * 100).quantize(Decimal("0.01")) if row.equity else None
    return ProposalView(
        id=row.id,
        kind=row.kind,
        mode=row.mode,
        symbol=row.symbol,
        side=row.side,
        order_type=row.order_type,
        amount=row.amount,
        notional=notional,
        price_ref=row.price_ref,
        limit_price=row.limit_price,
        trigger_price=row.trigger_price,
        stop_loss=row.stop_loss,
        take_profit=row.take_profit,
        fee_estimate=row.fee_estimate,
        risk_quote=row.risk_quote,
        risk_pct=pct,
        warnings=tuple(w for w in row.flags.split(",") if w),
        status=row.status,
        expires_at=row.expires_at,
        flatten=row.flatten,
        rating=rating,
    )


def order_view(row: TradeOrder) -> OrderView:
    return OrderView(
        id=row.id or 0,
        symbol=row.symbol,
        side=row.side,
        order_type=row.order_type,
        amount=row.amount,
        status=row.status,
        filled=row.filled,
        average=row.average,
        fee=row.fee,
        fee_currency=row.fee_currency,
        price=row.price,
        trigger_price=row.trigger_price,
        role=ROLES.get(row.leg, ""),
    )


ROLES = {STOP_LEG: "stop_loss", TAKE_LEG: "take_profit"}


def client_order_id(proposal_id: str, leg: int) -> str:
    """Return the exchange client order id of one leg of a proposal (≤ 36 characters)."""
    return f"qnb{proposal_id.replace('-', '')}{leg:02d}"  # letters and digits: any venue takes it


def new_order(
    row: TradeProposal, leg: int, side: str, amount: Decimal, now: datetime, symbol: str = ""
) -> TradeOrder:
    """Return the order row of one leg, recorded before it is sent."""
    market = leg == 0
    return TradeOrder(
        proposal_id=row.id,
        leg=leg,
        user_id=row.user_id,
        mode=row.mode,
        client_order_id=client_order_id(row.id, leg),
        symbol=symbol or row.symbol,
        side=side,
        order_type=row.order_type if market else OrderType.MARKET,
        amount=amount,
        price=row.limit_price if market else None,
        trigger_price=row.trigger_price if market else None,
        status=OrderState.SENDING,
        created_at=now,
        updated_at=now,
    )
