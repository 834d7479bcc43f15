"""Redaction, pseudonyms, consent, fine-tuning log, audit trail, encryption at rest."""

from __future__ import annotations
