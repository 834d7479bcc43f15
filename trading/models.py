"""Tables of the trading package (migrations 1xxx). Money is stored as exact decimal text."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class DecimalText(sa.types.TypeDecorator[Decimal]):
    """A Decimal stored as text: exact on SQLite and PostgreSQL alike."""

    impl = sa.String(48)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else format(Decimal(value), "f")

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware datetime; naive values read back from SQLite are UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        stamp: datetime = value
        return stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        stamp: datetime = value
        return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def _dec(nullable: bool = False) -> Any:
    return Field(default=None if nullable else Decimal(0), sa_type=DecimalText, nullable=nullable)


def _when(nullable: bool = False) -> Any:
    return Field(default=None, sa_type=UtcDateTime, nullable=nullable)


class ProposalStatus(StrEnum):
    PENDING = "pending"
    CONFIRMING = "confirming"  # emotion guard: first press seen, waiting for the second
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"  # price moved: a fresh proposal replaced it


class OrderState(StrEnum):
    SENDING = "sending"  # recorded before the request; outcome unknown until acknowledged
    UNKNOWN = "unknown"  # the request failed in transit: reconcile by client order id
    OPEN = "open"
    FILLED = "filled"
    CANCELED = "canceled"
    REJECTED = "rejected"
    NOT_PLACED = "not_placed"  # lookups agreed it never reached the book


UNSETTLED_STATES = (OrderState.SENDING, OrderState.UNKNOWN)
LIVE_STATES = (*UNSETTLED_STATES, OrderState.OPEN)
# Legs of a proposal's orders: 0 the entry, 1.. a flatten's sells, these two its protection.
STOP_LEG, TAKE_LEG = 90, 91
PROTECTIVE_LEGS = (STOP_LEG, TAKE_LEG)


class TradeProposal(SQLModel, table=True):
    __tablename__ = "trade_proposals"

    id: str = Field(primary_key=True, max_length=16)
    kind: str = Field(max_length=8)  # "order" or "panic"
    user_id: int = Field(sa_type=sa.BigInteger, index=True)
    chat_id: int = Field(sa_type=sa.BigInteger)
    mode: str = Field(max_length=8)
    symbol: str = Field(default="", max_length=32)
    side: str = Field(default="", max_length=4)
    order_type: str = Field(default="", max_length=8)
    amount: Decimal = _dec()
    price_ref: Decimal = _dec()
    limit_price: Decimal | None = _dec(nullable=True)
    trigger_price: Decimal | None = _dec(nullable=True)
    stop_loss: Decimal | None = _dec(nullable=True)
    take_profit: Decimal | None = _dec(nullable=True)
    fee_estimate: Decimal = _dec()
    risk_quote: Decimal = _dec()
    equity: Decimal = _dec()
    flags: str = Field(default="", max_length=64)
    flatten: bool = False
    status: str = Field(max_length=12)
    created_at: datetime = _when()
    expires_at: datetime = _when()
    decided_at: datetime | None = _when(nullable=True)


class TradeOrder(SQLModel, table=True):
    __tablename__ = "trade_orders"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "leg", name="uq_trade_orders_leg"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: str = Field(max_length=16)
    leg: int = 0
    user_id: int = Field(sa_type=sa.BigInteger, index=True)
    mode: str = Field(max_length=8)
    client_order_id: str = Field(max_length=36, unique=True)
    exchange_order_id: str | None = Field(default=None, max_length=64)
    symbol: str = Field(max_length=32)
    side: str = Field(max_length=4)
    order_type: str = Field(max_length=8)
    amount: Decimal = _dec()
    price: Decimal | None = _dec(nullable=True)
    trigger_price: Decimal | None = _dec(nullable=True)
    status: str = Field(max_length=12, index=True)
    filled: Decimal = _dec()
    average: Decimal | None = _dec(nullable=True)
    fee: Decimal = _dec()
    fee_currency: str = Field(default="", max_length=16)
    realized_pnl: Decimal | None = _dec(nullable=True)
    checks: int = 0
    created_at: datetime = _when()
    updated_at: datetime = _when()


class PaperBalance(SQLModel, table=True):
    __tablename__ = "paper_balances"

    user_id: int = Field(sa_type=sa.BigInteger, primary_key=True)
    asset: str = Field(primary_key=True, max_length=16)
    free: Decimal = _dec()
    used: Decimal = _dec()


class PaperOrder(SQLModel, table=True):
    """The paper exchange's own book (the venue side, separate from our trade_orders)."""

    __tablename__ = "paper_orders"

    user_id: int = Field(sa_type=sa.BigInteger, primary_key=True)
    client_order_id: str = Field(primary_key=True, max_length=36)
    exchange_order_id: str = Field(max_length=64)
    symbol: str = Field(max_length=32)
    side: str = Field(max_length=4)
    order_type: str = Field(max_length=8)
    amount: Decimal = _dec()
    price: Decimal | None = _dec(nullable=True)
    trigger_price: Decimal | None = _dec(nullable=True)
    status: str = Field(max_length=12)
    filled: Decimal = _dec()
    average: Decimal | None = _dec(nullable=True)
    fee: Decimal = _dec()
    fee_currency: str = Field(default="", max_length=16)
    created_at: datetime = _when()
    list_id: str | None = Field(default=None, max_length=36)  # the OCO pair it belongs to
    market_at: datetime | None = _when(nullable=True)  # the market's time when placed


class ExchangeKey(SQLModel, table=True):
    __tablename__ = "exchange_keys"

    user_id: int = Field(sa_type=sa.BigInteger, primary_key=True)
    exchange_id: str = Field(max_length=32)
    api_key_enc: bytes = Field(sa_type=sa.LargeBinary)
    secret_enc: bytes = Field(sa_type=sa.LargeBinary)
    created_at: datetime = _when()


class RiskLimit(SQLModel, table=True):
    """Per-user overrides set by an admin; None means "use the default"."""

    __tablename__ = "risk_limits"

    user_id: int = Field(sa_type=sa.BigInteger, primary_key=True)
    max_notional: Decimal | None = _dec(nullable=True)
    max_daily_loss: Decimal | None = _dec(nullable=True)
    max_open_positions: int | None = None
    stop_required_above: Decimal | None = _dec(nullable=True)
    loss_streak: int | None = None
    cooldown_s: int | None = None
    updated_at: datetime = _when()


class TradingPlan(SQLModel, table=True):
    """The user's stated plan per base asset, stored structured (never their words)."""

    __tablename__ = "trading_plans"

    user_id: int = Field(sa_type=sa.BigInteger, primary_key=True)
    asset: str = Field(primary_key=True, max_length=16)
    stance: str = Field(max_length=12)  # hold, no_buy, no_sell, buy_below, sell_above
    level: Decimal | None = _dec(nullable=True)
    updated_at: datetime = _when()
