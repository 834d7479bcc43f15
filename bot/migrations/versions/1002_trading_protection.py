"""Trading: the paper book links the two legs of an OCO pair and keeps the market time of
each order (the paper exchange fills resting orders on candles that opened after it).

Revision ID: 1002_trading_protection
Revises: 1001_trading_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1002_trading_protection"
down_revision = "1001_trading_base"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("paper_orders") as batch:
        batch.add_column(sa.Column("list_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("market_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("paper_orders") as batch:
        batch.drop_column("market_at")
        batch.drop_column("list_id")
