"""AdminService: what admins may see and do, shared by the Telegram commands and the web console.

It reads the privacy package's fine-tuning log and audit trail (and the trading service's
counts when it runs), and records every admin view, export and flag in the audit trail under
a pseudonymous actor. Nothing here returns raw user text: the fine-tuning log only holds
redacted text.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.core.clock import Clock
from bot.core.storage import get_value, increment_value
from bot.features.admin.views import (
    AuditEntryView,
    AuditStatus,
    ExportFile,
    FlagResult,
    RecordFilter,
    RecordView,
    Stats,
)
from privacy import AuditAction, FinetuneFilter, FinetuneRecord, Label, PrivacyService
from trading import TradeCounts

log = logging.getLogger(__name__)

INCIDENT_LOGGER = "bot.core.incidents"
INCIDENTS_KEY = "admin.incidents_total"
STATS_DAYS = 14


class UnknownRecord(LookupError):
    """No fine-tuning record with that id (erased, flagged or never kept): show 'not found'."""


class ErrorCounter(logging.Handler):
    """Counts incidents (the transport's unexpected errors) in the database, so the web
    console (another process) and every worker see one total."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(level=logging.ERROR)
        self._engine = engine

    def emit(self, record: logging.LogRecord) -> None:
        try:
            increment_value(self._engine, INCIDENTS_KEY)
        except SQLAlchemyError:
            self.handleError(record)  # counting must never break the incident path

    @property
    def count(self) -> int:
        """Return the number of incidents recorded so far."""
        return int(get_value(self._engine, INCIDENTS_KEY) or 0)


def _record_view(record: FinetuneRecord) -> RecordView:
    def said(role: str) -> str:
        return "\n".join(m.content for m in record.messages if m.role == role)

    return RecordView(
        id=record.id,
        created_at=record.created_at,
        pseudonym=record.pseudonym,
        labels=record.labels,
        prompt=said("user"),
        reply=said("assistant"),
    )


def finetune_filter(flt: RecordFilter) -> FinetuneFilter:
    """Translate the console's date filter (inclusive days, UTC) to the log's time range."""
    since = datetime.combine(flt.date_from, time.min, UTC) if flt.date_from else None
    until = (
        datetime.combine(flt.date_to + timedelta(days=1), time.min, UTC) if flt.date_to else None
    )
    return FinetuneFilter(since=since, until=until, label=flt.label, pseudonym=flt.pseudonym)


class AdminService:
    """Admin reads and actions; every call names its actor and is audited."""

    def __init__(
        self,
        engine: Engine,
        privacy: PrivacyService,
        clock: Clock,
        regressions_file: Path,
        trade_counter: Callable[[], TradeCounts | None] | None = None,
    ) -> None:
        self._engine = engine
        self._privacy = privacy
        self._clock = clock
        self._regressions = regressions_file
        self._trade_counter = trade_counter
        self.errors = ErrorCounter(engine)
        logging.getLogger(INCIDENT_LOGGER).addHandler(self.errors)

    def close(self) -> None:
        """Detach the incident counter."""
        logging.getLogger(INCIDENT_LOGGER).removeHandler(self.errors)

    def actor_for(self, user_id: int) -> str:
        """Return the pseudonymous audit actor of a Telegram admin."""
        return self._privacy.pseudonym(user_id)

    def _audit(self, actor: str, action: AuditAction, detail: str) -> None:
        self._privacy.audit.record(actor, action, detail)

    def labels(self) -> list[str]:
        """Return every redaction label (for the filter and flag menus)."""
        return [label.value for label in Label]

    def list_records(self, flt: RecordFilter, actor: str) -> list[RecordView]:
        """Return redacted records matching the filter, newest first (audited)."""
        rows = self._privacy.finetune.records(
            finetune_filter(flt), limit=flt.limit, offset=flt.offset
        )
        self._audit(actor, AuditAction.VIEW, f"records {flt.describe()}: {len(rows)} shown")
        return [_record_view(r) for r in rows]

    def get_record(self, record_id: int, actor: str) -> RecordView | None:
        """Return one redacted record (audited), or None."""
        record = self._privacy.finetune.get(record_id)
        self._audit(actor, AuditAction.VIEW, f"record {record_id}")
        return _record_view(record) if record else None

    def stats(self, actor: str) -> Stats:
        """Return the usage and redaction counts (audited)."""
        privacy = self._privacy
        trades = self._trade_counter() if self._trade_counter else None
        drops = privacy.review.gate_drop_counts()
        users = set(privacy.review.known_pseudonyms())
        if trades is not None:
            users |= {privacy.pseudonym(uid) for uid in trades.user_ids}
        stats = Stats(
            users=len(users),
            consented_users=len(privacy.consent.consented()),
            messages_kept=privacy.finetune.count(),
            redactions_by_label=tuple(privacy.finetune.counts_by_label().items()),
            proposals=trades.proposals if trades else None,
            approvals=trades.approvals if trades else None,
            orders=trades.orders if trades else None,
            errors=self.errors.count,
            flagged=privacy.review.flagged_count(),
            kept_by_day=self._kept_by_day(STATS_DAYS),
            gate_dropped=drops.total,
            gate_drops_by_reason=drops.by_reason,
        )
        self._audit(actor, AuditAction.VIEW, "stats")
        return stats

    def _kept_by_day(self, days: int) -> tuple[tuple[str, int], ...]:
        today = self._clock().astimezone(UTC).date()
        out = []
        for back in range(days - 1, -1, -1):
            day = today - timedelta(days=back)
            flt = finetune_filter(RecordFilter(date_from=day, date_to=day))
            out.append((day.isoformat(), self._privacy.finetune.count(flt)))
        return tuple(out)

    def audit_trail(self, limit: int, actor: str) -> tuple[list[AuditEntryView], AuditStatus]:
        """Return the latest audit entries and the chain's verification (audited first)."""
        self._audit(actor, AuditAction.VIEW, "audit trail")
        trail = self._privacy.audit
        entries = [
            AuditEntryView(r.seq, r.created_at, r.actor, r.action, r.detail)
            for r in trail.records(limit=limit)
        ]
        check = trail.verify()  # the same verdict as `qnabot admin verify-audit`
        return entries, AuditStatus(check.ok, check.checked, check.finding)

    def export(self, actor: str) -> ExportFile:
        """Return the redacted fine-tuning log as chat JSONL; the export is audited."""
        out = io.StringIO()
        n = self._privacy.finetune.export(out)
        self._audit(actor, AuditAction.EXPORT, f"finetune export: {n} records")
        log.info("admin export records=%d", n)
        stamp = self._clock().strftime("%Y%m%d-%H%M%S")
        return ExportFile(out.getvalue().encode(), n, f"finetune-{stamp}.jsonl")

    def flag(self, record_id: int, leaked: str, label: str, actor: str) -> FlagResult:
        """Flag a record that still shows something private: drop it from the log at once,
        remember the flag, and add a same-shape regression case (never the real text)."""
        flagged = self._privacy.review.flag(record_id, leaked, label, actor, self._regressions)
        if flagged is None:
            raise UnknownRecord(record_id)
        self._audit(actor, AuditAction.FLAG, f"record {record_id} flagged: {flagged.label}")
        log.info("record flagged id=%d label=%s", record_id, flagged.label)
        return FlagResult(record_id, flagged.removed, True, flagged.labels)
