"""Alembic environment: runs on the connection handed over by bot.core.storage.migrate."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - always called through bot.core.storage.migrate
    raise RuntimeError("run migrations through `qnabot migrate`")

context.configure(connection=connection, target_metadata=SQLModel.metadata)
with context.begin_transaction():
    context.run_migrations()
