"""Privacy: consent, fine-tuning log, hash-chained audit trail.

Revision ID: 2001_privacy_base
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2001_privacy_base"
down_revision = "0001_base"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_consent",
        sa.Column("pseudonym", sa.String(40), primary_key=True),
        sa.Column("consented", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "privacy_finetune",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("pseudonym", sa.String(40), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("labels", sa.String(400), nullable=False),
        sa.Column("messages", sa.Text(), nullable=False),
    )
    op.create_table(
        "privacy_audit",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("actor", sa.String(40), nullable=False),
        sa.Column("actor_salt", sa.String(64), nullable=True),
        sa.Column("actor_commit", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("privacy_audit")
    op.drop_table("privacy_finetune")
    op.drop_table("privacy_consent")
