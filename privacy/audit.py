"""Append-only audit trail of privileged and privacy-relevant actions, sealed at both ends.

Each record's hash covers the previous record's hash, and a MAC of that hash (key outside the
database, see audit_seal.py) seals it: editing, deleting or reordering a record, or
recomputing the whole chain without the key, is named by `verify()`. The newest end is
anchored by this machine's checkpoint file, the oldest by the genesis or by the retention
record that deleted the records before it. The actor is covered through a salted
commitment: erasing a user blanks the actor and drops the salt, and the erasure record that
does so (in the same transaction) lists the sequence numbers it unlinked, so a blanked actor
that no erasure record lists is a forgery.
"""

from __future__ import annotations

import json
import logging
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

from privacy.audit_seal import AuditSeal, CheckpointError, actor_commitment, chain_hash
from privacy.audit_verify import (
    ERASED_ACTOR,
    GENESIS,
    RETENTION_ACTION,
    AuditProblem,
    AuditVerification,
    check_trail,
    kept_from,
)
from privacy.errors import AuditBusyError
from privacy.models import AuditRow, as_utc
from privacy.redact import redact

__all__ = ["AuditAction", "AuditProblem", "AuditRecord", "AuditTrail", "AuditVerification"]

log = logging.getLogger(__name__)
SYSTEM_ACTOR = "system"
APPEND_RETRIES = 20
ADVISORY_KEY = 0x71A0D17  # pg_advisory_xact_lock key of the audit trail

Evidence = dict[str, object]
# Runs inside the append transaction, under the locks, before the new record is built:
# changes other rows and returns the evidence the new record carries and a count.
Effect = Callable[[Session, int], tuple[Evidence, int]]


class AuditAction(StrEnum):
    VIEW = "view"
    EXPORT = "export"
    CONSENT_CHANGE = "consent_change"
    ERASURE = "erasure"
    RISK_LIMIT_OVERRIDE = "risk_limit_override"
    LIVE_MODE_TOGGLE = "live_mode_toggle"
    RETENTION = RETENTION_ACTION
    FLAG = "flag"
    GATE_DROP = "gate_drop"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One record as read back (actor is a pseudonym, or "erased")."""

    seq: int
    created_at: datetime
    actor: str
    action: str
    detail: str
    hash: str


def _dumps(evidence: Evidence) -> str:
    return json.dumps(evidence, sort_keys=True, separators=(",", ":"))


def _no_effect(_session: Session, _seq: int) -> tuple[Evidence, int]:
    return {}, 0


class AuditTrail:
    """Record and verify audit entries in the database."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime], seal: AuditSeal) -> None:
        self._engine = engine
        self._clock = clock
        self._seal = seal
        self._lock = threading.Lock()  # appends from this process, one at a time

    def record(self, actor_pseudonym: str, action: AuditAction | str, detail: str = "") -> int:
        """Append one record (detail passes the redactor); return its sequence number."""
        clean = redact(detail).text
        seq, _ = self._append(actor_pseudonym, str(action), lambda _n: clean, _no_effect)
        return seq

    def _append(
        self, actor: str, action: str, describe: Callable[[int], str], effect: Effect
    ) -> tuple[int, int]:
        for _ in range(APPEND_RETRIES):
            try:
                return self._append_once(actor, action, describe, effect)
            except IntegrityError:
                time.sleep(0.01)  # another writer took this sequence number: chain onto theirs
        raise AuditBusyError("audit trail busy: could not append after retries")

    def _append_once(
        self, actor: str, action: str, describe: Callable[[int], str], effect: Effect
    ) -> tuple[int, int]:
        with self._lock, self._seal.locked(), Session(self._engine) as session:
            if self._engine.dialect.name == "postgresql":
                # other processes append too: serialise on a transaction-scoped advisory lock
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})
            last = session.exec(
                select(AuditRow).order_by(col(AuditRow.seq).desc()).limit(1)
            ).first()
            seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
            legacy_before = last is not None and last.evidence is None
            anchored = self._head_matches(session, last)
            evidence, count = effect(session, seq)
            if legacy_before:
                evidence = _adopt_legacy(session, evidence, seq, prev)
            row = self._sealed_row(seq, prev, actor, action, describe(count), evidence)
            session.add(row)
            session.commit()
            if anchored:
                self._seal.write(seq, row.mac or "")
            else:  # keep the evidence: an append must not make a cut-short trail look whole
                log.warning("audit checkpoint kept at its old head: run qnabot admin verify-audit")
            return seq, count

    def _head_matches(self, session: Session, last: AuditRow | None) -> bool:
        """Return True when the database still holds the head this machine's checkpoint has."""
        try:
            checkpoint = self._seal.read()
        except CheckpointError:
            return False
        if checkpoint is None:
            return True  # first append on this machine (or the operator moved the file aside)
        if last is None or last.seq < checkpoint.seq:
            return False
        held = session.get(AuditRow, checkpoint.seq)
        if held is None:  # removed by retention, if a sealed retention record says so
            return self._retained_past(session, checkpoint.seq)
        return held.mac == checkpoint.head and self._intact(held)

    def _intact(self, row: AuditRow) -> bool:
        return row.evidence is not None and row.hash == chain_hash(row) and self._seal.valid(row)

    def _retained_past(self, session: Session, seq: int) -> bool:
        query = select(AuditRow).where(AuditRow.action == AuditAction.RETENTION.value)
        anchor = session.exec(query.order_by(col(AuditRow.seq).desc()).limit(1)).first()
        return anchor is not None and self._intact(anchor) and kept_from(anchor) > seq

    def _sealed_row(
        self, seq: int, prev: str, actor: str, action: str, detail: str, evidence: Evidence
    ) -> AuditRow:
        salt = secrets.token_hex(16)
        row = AuditRow(
            seq=seq,
            created_at=self._clock().astimezone(UTC),
            actor=actor,
            actor_salt=salt,
            actor_commit=actor_commitment(salt, actor),
            action=action,
            detail=detail,
            prev_hash=prev,
            hash="",
            evidence=_dumps(evidence),
        )
        row.hash = chain_hash(row)
        row.mac = self._seal.mac(row.hash)
        return row

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
        """Check both ends and every record; name the first problem."""

        def load() -> list[AuditRow]:
            with Session(self._engine) as session:
                return list(session.exec(select(AuditRow).order_by(col(AuditRow.seq))).all())

        return check_trail(load, self._seal)

    def erase_actor(self, actor_pseudonym: str, by: str = SYSTEM_ACTOR, detail: str = "") -> int:
        """Unlink every record of this actor and append the erasure record listing them
        (one transaction); return how many were unlinked."""

        def unlink(session: Session, _seq: int) -> tuple[Evidence, int]:
            query = select(AuditRow).where(AuditRow.actor == actor_pseudonym)
            rows = session.exec(query.order_by(col(AuditRow.seq))).all()
            for row in rows:
                row.actor = ERASED_ACTOR
                row.actor_salt = None
                session.add(row)
            return {"erased": [r.seq for r in rows]}, len(rows)

        prefix = f"{redact(detail).text}, " if detail else ""
        _, n = self._append(by, AuditAction.ERASURE, lambda n: f"{prefix}{n} unlinked", unlink)
        return n

    def delete_before(self, cutoff: datetime) -> int:
        """Drop the oldest records up to the first one not older than `cutoff` (retention),
        and append the record that anchors the new oldest end; return how many."""
        if not self._expired(cutoff):
            return 0

        def expire(session: Session, seq: int) -> tuple[Evidence, int]:
            keep = select(func.min(AuditRow.seq)).where(AuditRow.created_at >= cutoff)
            keep_from = session.exec(keep).one() or seq
            query = select(AuditRow).where(AuditRow.seq < keep_from).order_by(col(AuditRow.seq))
            doomed = session.exec(query).all()
            if not doomed:
                return {}, 0
            for row in doomed:
                session.delete(row)
            return {"first": keep_from, "prev": doomed[-1].hash}, len(doomed)

        def describe(n: int) -> str:
            return f"{n} oldest audit records deleted"

        _, n = self._append(SYSTEM_ACTOR, AuditAction.RETENTION, describe, expire)
        return n

    def _expired(self, cutoff: datetime) -> bool:
        with Session(self._engine) as session:
            oldest = session.exec(select(AuditRow).order_by(col(AuditRow.seq)).limit(1)).first()
        return oldest is not None and as_utc(oldest.created_at) < cutoff


def _adopt_legacy(session: Session, evidence: Evidence, seq: int, prev: str) -> Evidence:
    """Anchor records written before MACs: where they start and which were already erased."""
    legacy = session.exec(
        select(AuditRow).where(col(AuditRow.evidence).is_(None)).order_by(col(AuditRow.seq))
    ).all()
    erased = [r.seq for r in legacy if r.actor_salt is None]
    listed = evidence.get("erased", [])
    merged = dict(evidence)
    merged["erased"] = sorted({*(listed if isinstance(listed, list) else []), *erased})
    oldest = session.exec(select(AuditRow).order_by(col(AuditRow.seq)).limit(1)).first()
    merged.setdefault("first", oldest.seq if oldest else seq)
    merged.setdefault("prev", oldest.prev_hash if oldest else prev)
    return merged
