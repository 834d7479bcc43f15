"""Encryption at rest (AES-256-GCM) for secrets such as exchange API keys.

The key lives in a file in the data dir (mode 0600, created at first start) or comes from
the environment as base64 (the caller passes it in; this module never reads os.environ).
"""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from privacy.errors import DecryptionError
from privacy.keyfile import load_or_create_secret_file

KEY_BYTES = 32
NONCE_BYTES = 12
VERSION = b"\x01"


def load_or_create_key(path: Path) -> bytes:
    """Return the key stored at `path`, creating it (0600) on first use."""
    key = load_or_create_secret_file(path, KEY_BYTES)
    if len(key) != KEY_BYTES:
        raise DecryptionError(f"key file {path.name} has the wrong size")
    return key


def key_from_base64(value: str) -> bytes:
    """Decode a base64 key given by the operator."""
    key = base64.b64decode(value)
    if len(key) != KEY_BYTES:
        raise DecryptionError("encryption key must be 32 bytes (base64)")
    return key


class SecretBox:
    """Encrypt and decrypt short secrets; `context` binds a ciphertext to its owner/purpose."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def encrypt(self, plaintext: str, context: str = "") -> bytes:
        """Return version + nonce + ciphertext of `plaintext`."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), context.encode())
        return VERSION + nonce + sealed

    def decrypt(self, token: bytes, context: str = "") -> str:
        """Return the plaintext; raise DecryptionError if the token was altered or misplaced."""
        if not token or token[:1] != VERSION:
            raise DecryptionError("unknown ciphertext version")
        nonce, sealed = token[1 : 1 + NONCE_BYTES], token[1 + NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, sealed, context.encode()).decode()
        except InvalidTag:
            raise DecryptionError("ciphertext failed authentication") from None
