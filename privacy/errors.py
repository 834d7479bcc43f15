"""Errors of the privacy package.

`PrivacyError` is the base. `DecryptionError`: a stored secret cannot be read (wrong key,
tampered data): ask the user to reconnect; never show or log the ciphertext.
`AuditBusyError`: the audit record could not be appended (concurrent writers kept winning):
retry the action later; the action itself must not proceed unaudited.
"""

from __future__ import annotations


class PrivacyError(Exception):
    """Base of the privacy package's errors."""


class DecryptionError(PrivacyError):
    """A secret could not be decrypted or the key is unusable."""


class AuditBusyError(PrivacyError):
    """An audit record could not be appended after several attempts."""
