"""Watches: the user's own rules that propose a trade on closed candles (trading.watches).

Revision ID: 4002_trade_watches
Revises: 4001_telegram_alerts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "4002_trade_watches"
down_revision = "4001_telegram_alerts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trade_watches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("threshold", sa.String(48), nullable=False),
        sa.Column("timeframe", sa.String(4), nullable=False),
        sa.Column("side", sa.String(4), nullable=False),
        sa.Column("amount", sa.String(48)),
        sa.Column("quote_amount", sa.String(48)),
        sa.Column("stop", sa.String(48)),
        sa.Column("take_profit", sa.String(48)),
        sa.Column("cooldown_s", sa.Integer),
        sa.Column("status", sa.String(8), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_until_ms", sa.BigInteger),
        sa.Column("quiet_until_ms", sa.BigInteger),
        sa.Column("fired_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_fired_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("trade_watches")
