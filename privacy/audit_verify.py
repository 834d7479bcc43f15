"""Verification of the audit trail: both ends anchored, every link, hash, MAC and erasure.

Checked in this order, and the first problem is named: the checkpoint file is intact; the
oldest record is the genesis (#1) or the one the newest retention anchor names; every record
links to the previous one, matches its hash and carries the MAC of it (records written
before MACs existed, "legacy", are accepted only as a prefix); every blanked actor is listed
by a later erasure record; the newest record is not behind this machine's checkpoint.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from privacy.audit_seal import (
    AuditSeal,
    Checkpoint,
    CheckpointError,
    actor_commitment,
    chain_hash,
)
from privacy.models import AuditRow

GENESIS = "0" * 64
ERASED_ACTOR = "erased"
RETENTION_ACTION = "retention"  # AuditAction.RETENTION's value (privacy.audit imports this module)


class AuditProblem(StrEnum):
    CHECKPOINT_MISMATCH = "checkpoint mismatch"
    MISSING_OLDEST = "missing oldest"
    BROKEN_LINK = "broken link"
    EDITED = "edited"
    BAD_MAC = "bad MAC"
    FORGED_ERASURE = "forged erasure"
    UNDONE_ERASURE = "undone erasure"
    TRUNCATED_HEAD = "truncated head"


@dataclass(frozen=True, slots=True)
class AuditVerification:
    """Result of `verify()`: ok, records checked, and the first problem with its record."""

    ok: bool
    checked: int
    first_broken: int | None = None
    reason: str = ""
    problem: AuditProblem | None = None
    legacy: int = 0  # records from before MACs: covered by the hash chain only

    @property
    def finding(self) -> str:
        """Return the first problem with its record ("" when ok)."""
        if self.ok:
            return ""
        return (
            self.reason
            if self.first_broken is None
            else f"record {self.first_broken}: {self.reason}"
        )

    @property
    def summary(self) -> str:
        """Return the one-line verdict of `qnabot admin verify-audit`."""
        if self.ok:
            note = f"; {self.legacy} legacy records without MAC" if self.legacy else ""
            return f"OK: {self.checked} records verified{note}"
        return f"BROKEN: {self.finding} ({self.checked} records before it verified)"


class _Broken(Exception):
    """Internal: the first problem found (carries the verdict)."""

    def __init__(self, problem: AuditProblem, seq: int | None, detail: str) -> None:
        super().__init__(detail)
        self.problem, self.seq, self.detail = problem, seq, detail


def evidence_of(row: AuditRow) -> dict[str, object]:
    """Return the row's evidence (erasure lists, retention anchors) as a dict."""
    try:
        doc = json.loads(row.evidence or "{}")
    except ValueError:
        return {}
    return doc if isinstance(doc, dict) else {}


def check_trail(load: Callable[[], Sequence[AuditRow]], seal: AuditSeal) -> AuditVerification:
    """Verify the records `load()` returns (ascending seq) against the seal; name the first
    problem. The checkpoint is read first, so an append racing with us never looks missing."""
    walk = _Walk(seal)
    try:
        checkpoint = _read_checkpoint(seal)
        rows = load()
        retained = 0
        if rows:
            # evidence counts only from intact records that carry a valid MAC
            trusted = [r for r in rows if r.hash == chain_hash(r) and seal.valid(r)]
            _check_oldest(rows, trusted)
            walk.run(rows, _erasure_claims(trusted))
            retained = _retained_up_to(trusted)
        _check_newest(rows, checkpoint, walk.sealed, retained)
    except _Broken as broken:
        reason = f"{broken.problem}: {broken.detail}"
        return AuditVerification(False, walk.checked, broken.seq, reason, broken.problem)
    return AuditVerification(True, walk.checked, legacy=walk.legacy)


def _read_checkpoint(seal: AuditSeal) -> Checkpoint | None:
    try:
        return seal.read()
    except CheckpointError as exc:
        raise _Broken(AuditProblem.CHECKPOINT_MISMATCH, None, str(exc)) from exc


def kept_from(row: AuditRow) -> int:
    """Return the first record a retention record kept (0 when it is no retention record)."""
    first = evidence_of(row).get("first")
    return first if row.action == RETENTION_ACTION and isinstance(first, int) else 0


def _retained_up_to(trusted: Sequence[AuditRow]) -> int:
    """Return the first record kept by the newest sealed retention record (0: none)."""
    return next((kept for kept in map(kept_from, reversed(trusted)) if kept), 0)


def _check_oldest(rows: Sequence[AuditRow], trusted: Sequence[AuditRow]) -> None:
    anchor = next((ev for ev in map(evidence_of, reversed(trusted)) if "first" in ev), None)
    first = rows[0]
    prev: str | None
    if anchor is None:
        if all(r.evidence is None for r in rows):
            return  # legacy only: nothing sealed yet to say where the trail starts
        want, prev = 1, GENESIS
    else:
        raw_prev = anchor.get("prev")
        want, prev = int(str(anchor["first"])), None if raw_prev is None else str(raw_prev)
    if first.seq != want or first.prev_hash != prev:
        detail = f"the oldest record is #{first.seq} but the trail starts at #{want}"
        raise _Broken(AuditProblem.MISSING_OLDEST, first.seq, detail)


def _check_newest(
    rows: Sequence[AuditRow], cp: Checkpoint | None, sealed: int, retained: int
) -> None:
    if cp is None:
        if sealed:
            detail = "no checkpoint file on this machine, so the newest records are unanchored"
            raise _Broken(AuditProblem.CHECKPOINT_MISMATCH, None, detail)
        return
    newest = rows[-1].seq if rows else 0
    if newest < cp.seq:
        detail = f"records after #{newest} are missing (the checkpoint holds #{cp.seq})"
        raise _Broken(AuditProblem.TRUNCATED_HEAD, newest + 1, detail)
    held = next((r for r in rows if r.seq == cp.seq), None)
    if held is None:
        if retained > cp.seq:
            return  # a sealed retention record removed it since; the oldest end is anchored
        detail = "the record the checkpoint holds is gone and no retention record removed it"
        raise _Broken(AuditProblem.CHECKPOINT_MISMATCH, cp.seq, detail)
    # walked already, so its hash is its content's; a MAC copied from elsewhere is not enough
    if held.mac is None or held.evidence is None or not hmac.compare_digest(held.mac, cp.head):
        detail = "the record is not the one the checkpoint holds (history rewritten)"
        raise _Broken(AuditProblem.CHECKPOINT_MISMATCH, cp.seq, detail)


class _Walk:
    """One pass over the records from oldest to newest."""

    def __init__(self, seal: AuditSeal) -> None:
        self._seal = seal
        self.checked = 0
        self.sealed = 0
        self.legacy = 0

    def run(self, rows: Sequence[AuditRow], claims: dict[int, int]) -> None:
        any_sealed = any(r.evidence is not None for r in rows)
        prev: AuditRow | None = None
        for row in rows:
            if prev is not None and (row.seq != prev.seq + 1 or row.prev_hash != prev.hash):
                detail = "does not link to the previous record (deleted or reordered)"
                raise _Broken(AuditProblem.BROKEN_LINK, row.seq, detail)
            if row.hash != chain_hash(row):
                raise _Broken(AuditProblem.EDITED, row.seq, "content does not match its hash")
            self._check_mac(row)
            _check_actor(row, claims.get(row.seq), any_sealed=any_sealed)
            prev = row
            self.checked += 1

    def _check_mac(self, row: AuditRow) -> None:
        if row.evidence is None:  # written before MACs existed
            if self.sealed:
                raise _Broken(AuditProblem.BAD_MAC, row.seq, "record without MAC after sealed ones")
            self.legacy += 1
            return
        if not self._seal.valid(row):
            detail = "MAC does not match (rewritten without the audit key)"
            raise _Broken(AuditProblem.BAD_MAC, row.seq, detail)
        self.sealed += 1


def _erasure_claims(rows: Sequence[AuditRow]) -> dict[int, int]:
    claims: dict[int, int] = {}
    for row in rows:
        listed = evidence_of(row).get("erased", [])
        for seq in listed if isinstance(listed, list) else []:
            if isinstance(seq, int):
                claims.setdefault(seq, row.seq)
    return claims


def _check_actor(row: AuditRow, claimed_by: int | None, *, any_sealed: bool) -> None:
    if row.actor_salt is not None:
        if not hmac.compare_digest(actor_commitment(row.actor_salt, row.actor), row.actor_commit):
            raise _Broken(AuditProblem.EDITED, row.seq, "actor does not match its commitment")
        if claimed_by is not None:
            detail = f"listed as erased by record #{claimed_by} but linked to an actor again"
            raise _Broken(AuditProblem.UNDONE_ERASURE, row.seq, detail)
        return
    if row.actor != ERASED_ACTOR:
        raise _Broken(AuditProblem.EDITED, row.seq, "actor changed without erasure")
    if claimed_by is None or claimed_by <= row.seq:
        if not any_sealed:
            return  # legacy trail: erasures before MACs cannot be proven
        detail = "actor blanked but no later erasure record lists it"
        raise _Broken(AuditProblem.FORGED_ERASURE, row.seq, detail)
