"""Settings: each user's language and time zone, keyed by pseudonym (bot.core.prefs).

Revision ID: 6001_settings_prefs
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "6001_settings_prefs"
down_revision = "0001_base"
branch_labels = ("settings",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_prefs",
        sa.Column("pseudonym", sa.String(40), primary_key=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("zone", sa.String(64), nullable=True),
        sa.Column("zone_offered", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("user_prefs")
