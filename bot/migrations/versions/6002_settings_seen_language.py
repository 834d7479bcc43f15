"""Settings: the language the user's app last asked for, for messages nobody asked for.

Revision ID: 6002_settings_seen_language
Revises: 6001_settings_prefs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "6002_settings_seen_language"
down_revision = "6001_settings_prefs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("user_prefs", sa.Column("seen_language", sa.String(8), nullable=True))


def downgrade() -> None:
    op.drop_column("user_prefs", "seen_language")
