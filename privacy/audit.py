"""Append-only, hash-chained audit trail of privileged and privacy-relevant actions.

Each record's hash covers the previous record's hash, so editing, deleting or reordering a
record breaks the chain at that point and `verify()` names it. The actor is covered through
a salted commitment: erasing a user blanks the actor and drops the salt, which unlinks the
records from the user while the chain still verifies.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Engine, func, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from privacy.errors import AuditBusyError
from privacy.models import AuditRow, as_utc
from privacy.redact import redact

GENESIS = "0" * 64
ERASED_ACTOR = "erased"
APPEND_RETRIES = 20
ADVISORY_KEY = 0x71A0D17  # pg_advisory_xact_lock key of the audit trail


class AuditAction(StrEnum):
    VIEW = "view"
    EXPORT = "export"
    CONSENT_CHANGE = "consent_change"
    ERASURE = "erasure"
    RISK_LIMIT_OVERRIDE = "risk_limit_override"
    LIVE_MODE_TOGGLE = "live_mode_toggle"
    RETENTION = "retention"
    FLAG = "flag"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One record as read back (actor is a pseudonym, or "erased")."""

    seq: int
    created_at: datetime
    actor: str
    action: str
    detail: str
    hash: str


@dataclass(frozen=True, slots=True)
class AuditVerification:
    """Result of `verify()`: ok, how many records were checked, and the first broken one."""

    ok: bool
    checked: int
    first_broken: int | None = None
    reason: str = ""


def _digest(prev: str, seq: int, at: datetime, commit: str, action: str, detail: str) -> str:
    body = json.dumps([prev, seq, as_utc(at).isoformat(), commit, action, detail])
    return hashlib.sha256(body.encode()).hexdigest()


def _commit(salt: str, actor: str) -> str:
    return hmac.new(bytes.fromhex(salt), actor.encode(), hashlib.sha256).hexdigest()


class AuditTrail:
    """Record and verify audit entries in the database."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._clock = clock
        self._lock = threading.Lock()  # appends from this process, one at a time

    def record(self, actor_pseudonym: str, action: AuditAction | str, detail: str = "") -> int:
        """Append one record (detail passes the redactor); return its sequence number."""
        action = str(action)
        clean = redact(detail).text
        for _ in range(APPEND_RETRIES):
            try:
                return self._append(actor_pseudonym, action, clean)
            except IntegrityError:
                time.sleep(0.01)  # another writer took this sequence number: chain onto theirs
                continue
        raise AuditBusyError("audit trail busy: could not append after retries")

    def _append(self, actor: str, action: str, detail: str) -> int:
        with self._lock, Session(self._engine) as session:
            if self._engine.dialect.name == "postgresql":
                # other processes append too: serialise on a transaction-scoped advisory lock
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})
            newest = select(AuditRow).order_by(col(AuditRow.seq).desc()).limit(1)
            last = session.exec(newest).first()
            seq = (last.seq + 1) if last else 1
            prev = last.hash if last else GENESIS
            at = self._clock().astimezone(UTC)
            salt = secrets.token_hex(16)
            commit = _commit(salt, actor)
            row = AuditRow(
                seq=seq,
                created_at=at,
                actor=actor,
                actor_salt=salt,
                actor_commit=commit,
                action=action,
                detail=detail,
                prev_hash=prev,
                hash=_digest(prev, seq, at, commit, action, detail),
            )
            session.add(row)
            session.commit()
            return seq

    def records(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        action: str | None = None,
        actor: str | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> list[AuditRecord]:
        """Return records, newest first, filtered by time range, action and actor."""
        query = select(AuditRow)
        if since is not None:
            query = query.where(AuditRow.created_at >= since)
        if until is not None:
            query = query.where(AuditRow.created_at < until)
        if action is not None:
            query = query.where(AuditRow.action == action)
        if actor is not None:
            query = query.where(AuditRow.actor == actor)
        query = query.order_by(col(AuditRow.seq).desc()).offset(offset).limit(limit)
        with Session(self._engine) as session:
            rows = session.exec(query).all()
        return [
            AuditRecord(r.seq, as_utc(r.created_at), r.actor, r.action, r.detail, r.hash)
            for r in rows
        ]

    def count(self) -> int:
        """Return the number of records kept."""
        with Session(self._engine) as session:
            return int(session.exec(select(func.count()).select_from(AuditRow)).one())

    def verify(self) -> AuditVerification:
        """Walk the chain from the oldest kept record; name the first record that breaks it."""
        checked = 0
        prev: str | None = None
        with Session(self._engine) as session:
            rows = session.exec(select(AuditRow).order_by(col(AuditRow.seq))).all()
        for row in rows:
            reason = self._broken(row, prev)
            if reason:
                return AuditVerification(False, checked, row.seq, reason)
            prev = row.hash
            checked += 1
        return AuditVerification(True, checked)

    @staticmethod
    def _broken(row: AuditRow, prev: str | None) -> str:
        if prev is not None and row.prev_hash != prev:
            return "does not link to the previous record (deleted or reordered)"
        expect = _digest(
            row.prev_hash, row.seq, row.created_at, row.actor_commit, row.action, row.detail
        )
        if row.hash != expect:
            return "content does not match its hash (edited)"
        if row.actor_salt is not None and _commit(row.actor_salt, row.actor) != row.actor_commit:
            return "actor does not match its commitment (edited)"
        if row.actor_salt is None and row.actor != ERASED_ACTOR:
            return "actor changed without erasure"
        return ""

    def erase_actor(self, actor_pseudonym: str) -> int:
        """Unlink every record of this actor (blank actor, drop salt); return how many."""
        with Session(self._engine) as session:
            rows = session.exec(select(AuditRow).where(AuditRow.actor == actor_pseudonym)).all()
            for row in rows:
                row.actor = ERASED_ACTOR
                row.actor_salt = None
                session.add(row)
            session.commit()
            return len(rows)

    def delete_before(self, cutoff: datetime) -> int:
        """Drop records older than `cutoff` (retention); the chain verifies from the rest."""
        with Session(self._engine) as session:
            rows = session.exec(select(AuditRow).where(AuditRow.created_at < cutoff)).all()
            for row in rows:
                session.delete(row)
            session.commit()
            return len(rows)
