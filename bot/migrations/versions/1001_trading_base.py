"""Trading: proposals, orders, paper wallet and book, exchange keys, risk limits, plans.

Revision ID: 1001_trading_base
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1001_trading_base"
down_revision = "0001_base"
branch_labels = ("trading",)
depends_on = None

D = sa.String(48)  # exact decimal text (trading.models.DecimalText)


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "trade_proposals",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("user_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("side", sa.String(4), nullable=False),
        sa.Column("order_type", sa.String(8), nullable=False),
        sa.Column("amount", D, nullable=False),
        sa.Column("price_ref", D, nullable=False),
        sa.Column("limit_price", D),
        sa.Column("trigger_price", D),
        sa.Column("stop_loss", D),
        sa.Column("take_profit", D),
        sa.Column("fee_estimate", D, nullable=False),
        sa.Column("risk_quote", D, nullable=False),
        sa.Column("equity", D, nullable=False),
        sa.Column("flags", sa.String(64), nullable=False),
        sa.Column("flatten", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        _when("decided_at", nullable=True),
    )
    op.create_table(
        "trade_orders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("proposal_id", sa.String(16), nullable=False),
        sa.Column("leg", sa.Integer, nullable=False),
        sa.Column("user_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("client_order_id", sa.String(36), nullable=False, unique=True),
        sa.Column("exchange_order_id", sa.String(64)),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("side", sa.String(4), nullable=False),
        sa.Column("order_type", sa.String(8), nullable=False),
        sa.Column("amount", D, nullable=False),
        sa.Column("price", D),
        sa.Column("trigger_price", D),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("filled", D, nullable=False),
        sa.Column("average", D),
        sa.Column("fee", D, nullable=False),
        sa.Column("fee_currency", sa.String(16), nullable=False),
        sa.Column("realized_pnl", D),
        sa.Column("checks", sa.Integer, nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.UniqueConstraint("proposal_id", "leg", name="uq_trade_orders_leg"),
    )
    op.create_table(
        "paper_balances",
        sa.Column("user_id", sa.BigInteger, primary_key=True),
        sa.Column("asset", sa.String(16), primary_key=True),
        sa.Column("free", D, nullable=False),
        sa.Column("used", D, nullable=False),
    )
    op.create_table(
        "paper_orders",
        sa.Column("user_id", sa.BigInteger, primary_key=True),
        sa.Column("client_order_id", sa.String(36), primary_key=True),
        sa.Column("exchange_order_id", sa.String(64), nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("side", sa.String(4), nullable=False),
        sa.Column("order_type", sa.String(8), nullable=False),
        sa.Column("amount", D, nullable=False),
        sa.Column("price", D),
        sa.Column("trigger_price", D),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("filled", D, nullable=False),
        sa.Column("average", D),
        sa.Column("fee", D, nullable=False),
        sa.Column("fee_currency", sa.String(16), nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "exchange_keys",
        sa.Column("user_id", sa.BigInteger, primary_key=True),
        sa.Column("exchange_id", sa.String(32), nullable=False),
        sa.Column("api_key_enc", sa.LargeBinary, nullable=False),
        sa.Column("secret_enc", sa.LargeBinary, nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "risk_limits",
        sa.Column("user_id", sa.BigInteger, primary_key=True),
        sa.Column("max_notional", D),
        sa.Column("max_daily_loss", D),
        sa.Column("max_open_positions", sa.Integer),
        sa.Column("stop_required_above", D),
        sa.Column("loss_streak", sa.Integer),
        sa.Column("cooldown_s", sa.Integer),
        _when("updated_at"),
    )
    op.create_table(
        "trading_plans",
        sa.Column("user_id", sa.BigInteger, primary_key=True),
        sa.Column("asset", sa.String(16), primary_key=True),
        sa.Column("stance", sa.String(12), nullable=False),
        sa.Column("level", D),
        _when("updated_at"),
    )


def downgrade() -> None:
    for table in (
        "trading_plans",
        "risk_limits",
        "exchange_keys",
        "paper_orders",
        "paper_balances",
        "trade_orders",
        "trade_proposals",
    ):
        op.drop_table(table)
