"""The labels a redaction span can carry (the evaluation kit's label set)."""

from __future__ import annotations

import re
from enum import StrEnum


class Label(StrEnum):
    PERSON = "PERSON"
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    ADDRESS = "ADDRESS"
    NATIONAL_ID = "NATIONAL_ID"
    IBAN = "IBAN"
    CREDIT_CARD = "CREDIT_CARD"
    IP_ADDRESS = "IP_ADDRESS"
    CRYPTO_ADDRESS = "CRYPTO_ADDRESS"
    SEED_PHRASE = "SEED_PHRASE"
    PRIVATE_KEY = "PRIVATE_KEY"
    API_KEY = "API_KEY"
    TX_HASH = "TX_HASH"
    TELEGRAM_HANDLE = "TELEGRAM_HANDLE"
    PASSWORD = "PASSWORD"
    BALANCE = "BALANCE"
    ACCOUNT_ID = "ACCOUNT_ID"


PLACEHOLDER_RE = re.compile("<(?:" + "|".join(label.value for label in Label) + ")>")


def placeholder(label: Label) -> str:
    """Return the text that replaces a span of this label."""
    return f"<{label.value}>"
