"""Pseudonymous user ids: HMAC-SHA256 of the Telegram user id with a local secret."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from privacy.keyfile import load_or_create_secret_file

SECRET_BYTES = 32
PSEUDONYM_HEX = 16


def load_or_create_secret(path: Path) -> bytes:
    """Return the HMAC secret stored at `path`, creating it (0600) at first start."""
    return load_or_create_secret_file(path, SECRET_BYTES)


class Pseudonymizer:
    """Map user ids to stable pseudonyms (`u_3f9c…`), irreversible without the secret."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("pseudonym secret too short")
        self._secret = secret

    def pseudonym(self, user_id: int) -> str:
        """Return the pseudonym of a Telegram user id."""
        digest = hmac.new(self._secret, str(user_id).encode(), hashlib.sha256).hexdigest()
        return f"u_{digest[:PSEUDONYM_HEX]}"

    def derived_key(self, label: str) -> bytes:
        """Return a key for another purpose, derived from the secret with a distinct label."""
        return hmac.new(self._secret, f"qnabot key: {label}".encode(), hashlib.sha256).digest()
