"""The admin console's reads and redaction review, as PrivacyService methods' helper.

`PrivacyReview` answers what the console counts (who is known, how many records were
flagged, what the admission gate dropped) and flags a kept record that still leaks: the
record leaves the fine-tuning log, a `RedactionFlag` row remembers who flagged which kind,
and a same-shape regression case (never the real value) is appended to a local file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from privacy.finetune_log import FinetuneLog
from privacy.gate_stats import ALL_TURNS, GateDrops
from privacy.models import ConsentRow, FinetuneRow
from privacy.redact import Label
from privacy.review import RedactionFlag, append_case, regression_case

OTHER_LABEL = "OTHER"


@dataclass(frozen=True, slots=True)
class GateDropCounts:
    """Turns the admission gate kept out, in total and per reason (a turn may have several)."""

    total: int
    by_reason: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class FlaggedRecord:
    """What flagging did: the kind recorded, whether the record was deleted, its labels."""

    record_id: int
    label: str
    removed: bool
    labels: tuple[str, ...]


class PrivacyReview:
    """Counts for the admin console and the flagging of leaked records."""

    def __init__(
        self,
        engine: Engine,
        finetune: FinetuneLog,
        gate_drops: GateDrops,
        drop_record: Callable[[int], bool],
        clock: Callable[[], datetime],
    ) -> None:
        self._engine = engine
        self._finetune = finetune
        self._gate_drops = gate_drops
        self._drop_record = drop_record
        self._clock = clock

    def known_pseudonyms(self) -> frozenset[str]:
        """Return every pseudonym with a consent choice or a kept record."""
        with Session(self._engine) as session:
            chose = session.exec(select(ConsentRow.pseudonym)).all()
            kept = session.exec(select(FinetuneRow.pseudonym).distinct()).all()
        return frozenset(chose) | frozenset(kept)

    def flagged_count(self) -> int:
        """Return how many records admins flagged so far."""
        with Session(self._engine) as session:
            return int(session.exec(select(func.count()).select_from(RedactionFlag)).one())

    def gate_drop_counts(self) -> GateDropCounts:
        """Return the admission gate's drop counts since the start."""
        drops = self._gate_drops.by_reason()
        total = drops.pop(ALL_TURNS, 0)
        return GateDropCounts(total, tuple(drops.items()))

    def flag(
        self, record_id: int, leaked: str, label: str, actor: str, regressions: Path
    ) -> FlaggedRecord | None:
        """Flag a record that still shows `leaked`; None when there is no such record.

        Raise ValueError (safe to show) when `leaked` is too short or not in the record.
        """
        record = self._finetune.get(record_id)
        if record is None:
            return None
        kind = label if label in {known.value for known in Label} else OTHER_LABEL
        now = self._clock()
        text = "\n".join(m.content for m in record.messages)
        case = regression_case(text, leaked, kind, now)
        removed = self._drop_record(record_id)
        with Session(self._engine) as session:
            session.add(RedactionFlag(record_id=record_id, label=kind, actor=actor, flagged_at=now))
            session.commit()
        append_case(regressions, case)
        return FlaggedRecord(record_id, kind, removed, record.labels)
