"""Redaction, pseudonyms, consent, fine-tuning log, audit trail, encryption at rest.

Public surface: `redact(text) -> Redacted` (other packages redact with this), the audit
trail, the fine-tune log read API, and `PrivacyService` (built by bot.app).
"""

from __future__ import annotations

from privacy.audit import AuditAction, AuditRecord, AuditTrail, AuditVerification
from privacy.consent import ConsentRecord, ConsentStore
from privacy.crypto import SecretBox
from privacy.finetune_log import ChatMessage, FinetuneFilter, FinetuneLog, FinetuneRecord
from privacy.pseudonym import Pseudonymizer
from privacy.redact import Label, Redacted, Span, redact
from privacy.retention import RetentionReport
from privacy.service import PrivacyService, RetentionDays

__all__ = [
    "AuditAction",
    "AuditRecord",
    "AuditTrail",
    "AuditVerification",
    "ChatMessage",
    "ConsentRecord",
    "ConsentStore",
    "FinetuneFilter",
    "FinetuneLog",
    "FinetuneRecord",
    "Label",
    "PrivacyService",
    "Pseudonymizer",
    "Redacted",
    "RetentionDays",
    "RetentionReport",
    "SecretBox",
    "Span",
    "redact",
]
