"""Errors of the privacy package.

`PrivacyError` is the base. `DecryptionError`: a stored secret cannot be read (wrong key,
tampered data): ask the user to reconnect; never show or log the ciphertext.
"""

from __future__ import annotations


class PrivacyError(Exception):
    """Base of the privacy package's errors."""


class DecryptionError(PrivacyError):
    """A secret could not be decrypted or the key is unusable."""
