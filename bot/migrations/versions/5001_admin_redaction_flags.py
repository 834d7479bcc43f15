"""Admin: redaction review flags (which record, which kind of leak, who, when; never what).

Revision ID: 5001_admin_redaction_flags
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "5001_admin_redaction_flags"
down_revision = "0001_base"
branch_labels = ("admin",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "redaction_flags",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.Integer, nullable=False),
        sa.Column("label", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_redaction_flags_record_id", "redaction_flags", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_redaction_flags_record_id", "redaction_flags")
    op.drop_table("redaction_flags")
