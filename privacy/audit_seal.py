"""The keyed parts of the audit trail: record MACs and the checkpoint file that anchors the head.

The key never enters the database (it is derived from `pseudonym.key`), so whoever can only
write the database cannot recompute a MAC. The checkpoint is a one-line file next to the key,
replaced atomically after every append: the newest sequence number and its MAC, MAC'd.
Truncating the newest records leaves the database behind the checkpoint.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from privacy.models import AuditRow, as_utc

RECORD_LABEL = b"qnabot audit record v2\n"
CHECKPOINT_LABEL = b"qnabot audit checkpoint v1\n"


def chain_hash(row: AuditRow) -> str:
    """Return the keyless hash of a record's content (legacy rows, without evidence: v1)."""
    at = as_utc(row.created_at).isoformat()
    fields: list[object] = [row.prev_hash, row.seq, at, row.actor_commit, row.action, row.detail]
    if row.evidence is not None:
        fields = ["v2", *fields, row.evidence]
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


def actor_commitment(salt: str, actor: str) -> str:
    """Return the salted commitment to an actor (unlinkable once the salt is dropped)."""
    return hmac.new(bytes.fromhex(salt), actor.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The newest record this machine appended: its sequence number and MAC."""

    seq: int
    head: str


class CheckpointError(ValueError):
    """The checkpoint file exists but is unreadable or its MAC does not match."""


class AuditSeal:
    """MAC records with a key kept outside the database; keep the head checkpoint file."""

    def __init__(self, key: bytes, checkpoint: Path) -> None:
        if len(key) < 16:
            raise ValueError("audit key too short")
        self._key = key
        self.path = checkpoint

    def mac(self, record_hash: str) -> str:
        """Return the MAC of a record's chain hash."""
        return self._hmac(RECORD_LABEL, record_hash)

    def valid(self, row: AuditRow) -> bool:
        """Return True when the row carries the MAC of its hash."""
        return row.mac is not None and hmac.compare_digest(row.mac, self.mac(row.hash))

    def _hmac(self, label: bytes, body: str) -> str:
        return hmac.new(self._key, label + body.encode(), hashlib.sha256).hexdigest()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the machine-wide append lock (processes sharing this data dir take turns)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def write(self, seq: int, head: str) -> None:
        """Replace the checkpoint with (seq, head), atomically and durably."""
        body = json.dumps([seq, head])
        line = json.dumps({"seq": seq, "head": head, "mac": self._hmac(CHECKPOINT_LABEL, body)})
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)

    def read(self) -> Checkpoint | None:
        """Return the checkpoint, None when this machine has none; raise CheckpointError."""
        try:
            raw = self.path.read_text()
        except FileNotFoundError:
            return None
        try:
            doc = json.loads(raw)
            seq, head, mac = int(doc["seq"]), str(doc["head"]), str(doc["mac"])
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointError("checkpoint file unreadable") from exc
        if not hmac.compare_digest(mac, self._hmac(CHECKPOINT_LABEL, json.dumps([seq, head]))):
            raise CheckpointError("checkpoint file edited (its MAC does not match)")
        return Checkpoint(seq, head)
