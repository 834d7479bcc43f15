"""Redaction, pseudonyms, consent, fine-tuning log, audit trail, encryption at rest.

Public surface: `redact(text) -> Redacted` (other packages redact with this), the audit
trail, the fine-tune log read API, and `PrivacyService` (built by bot.app). Only the
redactor is imported eagerly (it is on the logging path at start-up); the database-backed
parts load on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from privacy.redact import Label, Redacted, Span, redact

if TYPE_CHECKING:
    from privacy.audit import AuditAction, AuditRecord, AuditTrail, AuditVerification
    from privacy.consent import ConsentRecord, ConsentStore
    from privacy.crypto import SecretBox
    from privacy.finetune_log import ChatMessage, FinetuneFilter, FinetuneLog, FinetuneRecord
    from privacy.pseudonym import Pseudonymizer
    from privacy.retention import RetentionReport
    from privacy.service import PrivacyService, RetentionDays
    from privacy.service_review import FlaggedRecord, GateDropCounts, PrivacyReview
    from privacy.stored import StoredItem as StoredItem

_LAZY = {
    "AuditAction": "privacy.audit",
    "AuditRecord": "privacy.audit",
    "AuditTrail": "privacy.audit",
    "AuditVerification": "privacy.audit",
    "ChatMessage": "privacy.finetune_log",
    "ConsentRecord": "privacy.consent",
    "ConsentStore": "privacy.consent",
    "FinetuneFilter": "privacy.finetune_log",
    "FinetuneLog": "privacy.finetune_log",
    "FinetuneRecord": "privacy.finetune_log",
    "FlaggedRecord": "privacy.service_review",
    "GateDropCounts": "privacy.service_review",
    "PrivacyReview": "privacy.service_review",
    "PrivacyService": "privacy.service",
    "StoredItem": "privacy.stored",
    "Pseudonymizer": "privacy.pseudonym",
    "RetentionDays": "privacy.service",
    "RetentionReport": "privacy.retention",
    "SecretBox": "privacy.crypto",
}

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
    "FlaggedRecord",
    "GateDropCounts",
    "Label",
    "PrivacyReview",
    "PrivacyService",
    "Pseudonymizer",
    "Redacted",
    "RetentionDays",
    "RetentionReport",
    "SecretBox",
    "Span",
    "redact",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'privacy' has no attribute {name!r}")
    return getattr(import_module(module), name)
