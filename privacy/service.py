"""PrivacyService: pseudonyms, consent, the fine-tuning log, the audit trail, retention and
the secret box, behind one object the bot (and other packages) call."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from privacy.audit import SYSTEM_ACTOR, AuditAction, AuditTrail
from privacy.audit_seal import AuditSeal
from privacy.consent import ConsentStore
from privacy.crypto import SecretBox
from privacy.finetune_log import FinetuneFilter, FinetuneLog
from privacy.gate import admit
from privacy.gate_stats import GateDrops
from privacy.pseudonym import Pseudonymizer
from privacy.redact import Redacted, redact
from privacy.retention import Retention, RetentionReport, RetentionRule
from privacy.service_review import PrivacyReview
from privacy.stored import StoredItem

log = logging.getLogger(__name__)
AUDIT_KEY_LABEL = "audit trail"


@dataclass(frozen=True, slots=True)
class RetentionDays:
    """Days to keep each kind of privacy record (0 = forever)."""

    finetune: int = 365
    audit: int = 730


class PrivacyService:
    """Everything privacy-related the bot needs; also a UserDataOwner ("privacy")."""

    name = "privacy"

    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], datetime],
        pseudonymizer: Pseudonymizer,
        box: SecretBox,
        retention_days: RetentionDays | None = None,
        reclaim: Callable[[], None] | None = None,
        *,
        audit_checkpoint: Path,
        redactor: Callable[[str], Redacted] = redact,
    ) -> None:
        self._clock = clock
        self._redact = redactor  # a seam: tests stand in for a redactor that misses a value
        # Run after every erasure and retention delete: the storage layer's step that pushes
        # deleted rows out of the database files (this package does not know the database).
        self._reclaim = reclaim
        self.pseudonymizer = pseudonymizer
        self.box = box
        self.consent = ConsentStore(engine, clock)
        self.finetune = FinetuneLog(engine, clock)
        self.gate_drops = GateDrops(engine, clock)
        seal = AuditSeal(pseudonymizer.derived_key(AUDIT_KEY_LABEL), audit_checkpoint)
        self.audit = AuditTrail(engine, clock, seal)
        self.review = PrivacyReview(
            engine, self.finetune, self.gate_drops, self.drop_finetune_record, clock
        )
        self.retention = Retention()
        days = retention_days or RetentionDays()
        self.retention.add(RetentionRule("finetune", days.finetune, self.finetune.delete_before))
        self.retention.add(RetentionRule("audit", days.audit, self.audit.delete_before))

    def pseudonym(self, user_id: int) -> str:
        """Return the user's pseudonym (what fine-tune and audit records hold)."""
        return self.pseudonymizer.pseudonym(user_id)

    def has_consent(self, user_id: int) -> bool:
        """Return True when the user opted in to the fine-tuning log."""
        return self.consent.has_consent(self.pseudonym(user_id))

    def set_consent(self, user_id: int, consented: bool) -> bool:
        """Record the user's choice (audited); return the new state."""
        who = self.pseudonym(user_id)
        self.consent.set(who, consented)
        self.audit.record(who, AuditAction.CONSENT_CHANGE, "opt-in" if consented else "opt-out")
        log.info("consent changed consented=%s", consented)
        return consented

    def record_turn(self, user_id: int, user_text: str, reply_text: str) -> int | None:
        """Keep one redacted turn if the user consents; return the record id, else None."""
        if not user_text.strip() or user_text.lstrip().startswith("/") or not reply_text.strip():
            return None
        who = self.pseudonym(user_id)
        if not self.consent.has_consent(who):
            return None
        user, reply = self._redact(user_text), self._redact(reply_text)
        admission = admit(user.text, reply.text)
        if not admission.admitted:  # fail closed: not even the redacted turn is kept
            self.gate_drops.add(admission.reasons)
            reasons = ",".join(admission.reasons)
            self.audit.record(SYSTEM_ACTOR, AuditAction.GATE_DROP, f"turn not kept: {reasons}")
            log.info("finetune turn dropped by the gate reasons=%s", reasons)
            return None
        return self.finetune.append(who, user, reply)

    def export_finetune(self, path: Path, actor: str, flt: FinetuneFilter | None = None) -> int:
        """Write the fine-tuning log as chat JSONL (0600) and audit the export; return lines."""
        n = self.finetune.export_file(path, flt)
        self.audit.record(actor, AuditAction.EXPORT, f"finetune export: {n} records")
        log.info("finetune export records=%d", n)
        return n

    def drop_finetune_record(self, record_id: int) -> bool:
        """Delete one kept turn (an admin flagged it) down to the bytes; say if it existed."""
        removed = self.finetune.delete(record_id)
        if removed and self._reclaim is not None:
            self._reclaim()
        return removed

    def add_retention(self, kind: str, days: int, delete_before: Callable[[datetime], int]) -> None:
        """Let another feature's records expire on the same job."""
        self.retention.add(RetentionRule(kind, days, delete_before))

    def run_retention(self, now: datetime) -> RetentionReport:
        """Delete expired records of every registered kind; audit the counts."""
        report = self.retention.run(now)
        if report.total:
            detail = ", ".join(f"{k}={v}" for k, v in sorted(report.deleted.items()))
            self.audit.record(SYSTEM_ACTOR, AuditAction.RETENTION, detail)
            if self._reclaim is not None:
                self._reclaim()
        log.info("retention run deleted=%d", report.total)
        return report

    async def describe_user(self, user_id: int) -> list[StoredItem]:
        """Describe what the privacy package keeps about the user."""
        who = self.pseudonym(user_id)
        record = self.consent.get(who)
        kept = self.finetune.count(FinetuneFilter(pseudonym=who))
        choice = "on" if record and record.consented else "off"
        return [
            StoredItem(f"consent_{choice}", None, f"Fine-tuning consent: {choice}."),
            StoredItem(
                "kept_turns", kept, f"Redacted conversation turns kept for fine-tuning: {kept}."
            ),
        ]

    async def forget_user(self, user_id: int) -> int:
        """Delete consent and fine-tune rows; unlink audit records; audit the erasure."""
        who = self.pseudonym(user_id)
        deleted = self.finetune.delete_for(who) + self.consent.delete(who)
        unlinked = self.audit.erase_actor(who, SYSTEM_ACTOR, f"user erased: {deleted} rows")
        log.info("privacy erasure rows=%d unlinked=%d", deleted, unlinked)
        if self._reclaim is not None:
            # /forget calls this owner last, so this covers every owner's deletes.
            await asyncio.to_thread(self._reclaim)
        return deleted
