"""Encryption at rest and pseudonyms (privacy.crypto, privacy.pseudonym)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from privacy.crypto import SecretBox, load_or_create_key
from privacy.errors import DecryptionError
from privacy.pseudonym import Pseudonymizer, load_or_create_secret


def test_key_file_is_private_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "secret.key"
    key = load_or_create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key


def test_round_trip_and_ciphertext_hides_plaintext(tmp_path: Path) -> None:
    box = SecretBox(load_or_create_key(tmp_path / "k"))
    token = box.encrypt("api-secret-XYZ123", context="user:7")
    assert b"XYZ123" not in token
    assert box.decrypt(token, context="user:7") == "api-secret-XYZ123"
    assert box.encrypt("same", "c") != box.encrypt("same", "c")  # fresh nonce each time


@pytest.mark.parametrize("mutate", ["flip", "context", "truncate", "version"])
def test_tampering_is_detected(tmp_path: Path, mutate: str) -> None:
    box = SecretBox(load_or_create_key(tmp_path / "k"))
    token = box.encrypt("secret", context="user:1")
    ctx = "user:1"
    if mutate == "flip":
        token = token[:-1] + bytes([token[-1] ^ 1])
    elif mutate == "context":
        ctx = "user:2"
    elif mutate == "truncate":
        token = token[:10]
    else:
        token = b"\x09" + token[1:]
    with pytest.raises(DecryptionError):
        box.decrypt(token, context=ctx)


def test_pseudonyms_are_stable_distinct_and_keyed(tmp_path: Path) -> None:
    secret = load_or_create_secret(tmp_path / "pseudonym.key")
    assert stat.S_IMODE((tmp_path / "pseudonym.key").stat().st_mode) == 0o600
    p = Pseudonymizer(secret)
    assert p.pseudonym(42) == p.pseudonym(42)
    assert p.pseudonym(42) != p.pseudonym(43)
    assert "42" not in p.pseudonym(42)[2:] or p.pseudonym(42) != "u_42"
    other = Pseudonymizer(b"x" * 32)
    assert other.pseudonym(42) != p.pseudonym(42)
