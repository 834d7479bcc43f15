"""Pseudonymous user ids: HMAC-SHA256 of the Telegram user id with a local secret."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_BYTES = 32
PSEUDONYM_HEX = 16


def load_or_create_secret(path: Path) -> bytes:
    """Return the HMAC secret stored at `path`, creating it (0600) at first start."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(SECRET_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(secret)
    return secret


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
