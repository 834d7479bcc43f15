"""What the admin views show: frozen values built from the privacy and trading services.

Every text field here is already redacted by the privacy package; nothing in this module
(or anything that renders it) ever receives raw user text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.core.formats import number
from bot.core.i18n import ENGLISH, t


@dataclass(frozen=True, slots=True)
class RecordFilter:
    """Filters of the records list (all optional) and the page to show."""

    date_from: date | None = None
    date_to: date | None = None
    label: str | None = None
    pseudonym: str | None = None
    limit: int = 50
    offset: int = 0

    def describe(self) -> str:
        """Return the filters as a short audit detail (no user text can appear here)."""
        parts = [
            f"{name}={value}"
            for name, value in (
                ("from", self.date_from),
                ("to", self.date_to),
                ("label", self.label),
                ("pseudonym", self.pseudonym),
            )
            if value
        ]
        return " ".join(parts) or "all"


@dataclass(frozen=True, slots=True)
class RecordView:
    """One redacted fine-tuning record."""

    id: int
    created_at: datetime
    pseudonym: str
    labels: tuple[str, ...]
    prompt: str
    reply: str


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts for /stats and the statistics page; None = that service is not running."""

    users: int | None
    consented_users: int | None
    messages_kept: int | None
    redactions_by_label: tuple[tuple[str, int], ...]
    proposals: int | None
    approvals: int | None
    orders: int | None
    errors: int | None
    flagged: int = 0
    kept_by_day: tuple[tuple[str, int], ...] = ()
    gate_dropped: int = 0
    gate_drops_by_reason: tuple[tuple[str, int], ...] = ()

    def counts(self) -> list[tuple[str, int | None]]:
        """Return (name, count) rows; the name is a key of the `admin.stats` catalog entries,
        the count None where a service is absent."""
        return [
            ("users", self.users),
            ("consented_users", self.consented_users),
            ("messages_kept", self.messages_kept),
            ("flagged", self.flagged),
            ("gate_dropped", self.gate_dropped),
            ("proposals", self.proposals),
            ("approvals", self.approvals),
            ("orders", self.orders),
            ("errors", self.errors),
        ]

    def rows(self, language: str = ENGLISH) -> list[tuple[str, str]]:
        """Return (name, value) rows in `language`; 'n/a' where a service is absent."""
        return [
            (
                t(language, f"admin.stats.{name}"),
                t(language, "admin.stats.absent") if value is None else number(value, language),
            )
            for name, value in self.counts()
        ]


@dataclass(frozen=True, slots=True)
class AuditEntryView:
    """One entry of the admin audit trail."""

    seq: int
    at: datetime
    actor: str
    action: str
    detail: str


@dataclass(frozen=True, slots=True)
class AuditStatus:
    """Result of verifying the audit trail's hash chain."""

    ok: bool
    checked: int
    problem: str = ""


@dataclass(frozen=True, slots=True)
class ExportFile:
    """The redacted fine-tuning data as JSONL."""

    content: bytes
    records: int
    filename: str = "finetune.jsonl"


@dataclass(frozen=True, slots=True)
class FlagResult:
    """What flagging a record did."""

    record_id: int
    removed_from_exports: bool
    regression_case_added: bool
    labels: tuple[str, ...] = field(default=())
