"""Alerts: price and RSI alerts evaluated on closed candles (trading.alerts.AlertRow).

Revision ID: 4001_telegram_alerts
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "4001_telegram_alerts"
down_revision = "0001_base"
branch_labels = ("alerts",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("threshold", sa.String(48), nullable=False),
        sa.Column("timeframe", sa.String(4), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_until_ms", sa.BigInteger),
        sa.Column("fired_value", sa.String(48)),
        sa.Column("fired_candle_ms", sa.BigInteger),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("alerts")
