"""Consent to keep redacted conversations for fine-tuning (default: no)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from privacy.models import ConsentRow, as_utc


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    pseudonym: str
    consented: bool
    updated_at: datetime


class ConsentStore:
    """Who opted in, keyed by pseudonym only."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._clock = clock

    def get(self, pseudonym: str) -> ConsentRecord | None:
        """Return the user's consent record, or None if they never chose."""
        with Session(self._engine) as session:
            row = session.get(ConsentRow, pseudonym)
            return (
                ConsentRecord(row.pseudonym, row.consented, as_utc(row.updated_at)) if row else None
            )

    def has_consent(self, pseudonym: str) -> bool:
        """Return True only when the user explicitly opted in."""
        record = self.get(pseudonym)
        return bool(record and record.consented)

    def set(self, pseudonym: str, consented: bool) -> ConsentRecord:
        """Record the user's choice."""
        now = self._clock()
        with Session(self._engine) as session:
            row = session.get(ConsentRow, pseudonym)
            if row is None:
                row = ConsentRow(pseudonym=pseudonym, consented=consented, updated_at=now)
            else:
                row.consented = consented
                row.updated_at = now
            session.add(row)
            session.commit()
        return ConsentRecord(pseudonym, consented, now)

    def consented(self) -> list[ConsentRecord]:
        """Return every user who currently consents (for the admin console)."""
        query = (
            select(ConsentRow).where(col(ConsentRow.consented)).order_by(col(ConsentRow.updated_at))
        )
        with Session(self._engine) as session:
            rows = session.exec(query).all()
        return [ConsentRecord(r.pseudonym, True, as_utc(r.updated_at)) for r in rows]

    def delete(self, pseudonym: str) -> int:
        """Forget the user's choice; return rows deleted."""
        with Session(self._engine) as session:
            result = session.exec(delete(ConsentRow).where(col(ConsentRow.pseudonym) == pseudonym))
            session.commit()
            return int(result.rowcount)
