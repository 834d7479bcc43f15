"""Tables of the privacy package (migrations: bot/migrations/versions/2xxx_privacy_*)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Field, SQLModel


def as_utc(value: datetime) -> datetime:
    """Return an aware UTC datetime (SQLite hands naive ones back)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ConsentRow(SQLModel, table=True):
    """Whether a pseudonymous user opted in to the fine-tuning log."""

    __tablename__ = "privacy_consent"

    pseudonym: str = Field(primary_key=True, max_length=40)
    consented: bool = False
    updated_at: datetime


class FinetuneRow(SQLModel, table=True):
    """One redacted turn in chat format, kept only for consenting users."""

    __tablename__ = "privacy_finetune"

    id: int | None = Field(default=None, primary_key=True)
    pseudonym: str = Field(index=True, max_length=40)
    created_at: datetime = Field(index=True)
    labels: str = Field(default=",", max_length=400)
    messages: str


class AuditRow(SQLModel, table=True):
    """One audit record; `hash` chains it to the previous record (`prev_hash`), `mac` seals
    the hash with a key outside the database, `evidence` (JSON) lists erased records or
    anchors the oldest kept one. Rows written before MACs have neither (legacy)."""

    __tablename__ = "privacy_audit"

    seq: int = Field(primary_key=True)
    created_at: datetime = Field(index=True)
    actor: str = Field(max_length=40)
    actor_salt: str | None = Field(default=None, max_length=64)
    actor_commit: str = Field(max_length=64)
    action: str = Field(max_length=40)
    detail: str
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    mac: str | None = Field(default=None, max_length=64)
    evidence: str | None = None
