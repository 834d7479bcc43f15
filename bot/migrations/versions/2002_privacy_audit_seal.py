"""Privacy: audit records sealed with a MAC (key outside the database) and evidence (JSON).

Existing rows keep NULL in both: verify treats them as legacy records, covered by the hash
chain and anchored by the first sealed record appended after the upgrade.

Revision ID: 2002_privacy_audit_seal
Revises: 2001_privacy_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2002_privacy_audit_seal"
down_revision = "2001_privacy_base"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("privacy_audit", sa.Column("mac", sa.String(64), nullable=True))
    op.add_column("privacy_audit", sa.Column("evidence", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("privacy_audit") as batch:
        batch.drop_column("evidence")
        batch.drop_column("mac")
