"""Privacy: counts of turns the admission gate kept out of the fine-tuning log (reason, day).

Revision ID: 2003_privacy_gate_drops
Revises: 2002_privacy_audit_seal
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2003_privacy_gate_drops"
down_revision = "2002_privacy_audit_seal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_gate_drops",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("reason", sa.String(40), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("privacy_gate_drops")
