"""Base schema: instance-wide key/value state.

Revision ID: 0001_base
Revises:
Every package's own migrations branch from this revision (down_revision = "0001_base", then a
chain of their own); `qnabot migrate` upgrades all heads.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_base"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kv_store",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("value", sa.String(4096), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("kv_store")
