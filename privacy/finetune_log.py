"""The fine-tuning log: redacted turns in chat format, for consenting users only.

Read API (stable; the admin console and Telegram admin commands use it): `records()` with
filters, `counts_by_label()`, `get()`, `delete()`, `export()`. Writing takes `Redacted`
values only, so raw text cannot reach this table by accident.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine, delete, func
from sqlmodel import Session, col, select

from privacy.models import FinetuneRow, as_utc
from privacy.redact import Redacted

PAGE = 500


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: str
    content: str


@dataclass(frozen=True, slots=True)
class FinetuneRecord:
    """One kept turn: redacted user message + bot reply, the labels removed, who (pseudonym)."""

    id: int
    pseudonym: str
    created_at: datetime
    labels: tuple[str, ...]
    messages: tuple[ChatMessage, ...]

    def chat_json(self) -> str:
        """Return the record as one line of chat-format JSONL (no ids, no pseudonym)."""
        doc = {"messages": [{"role": m.role, "content": m.content} for m in self.messages]}
        return json.dumps(doc, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class FinetuneFilter:
    """Filters for `records()`/`counts_by_label()`; None means "any"."""

    since: datetime | None = None
    until: datetime | None = None
    label: str | None = None
    pseudonym: str | None = None


def _record(row: FinetuneRow) -> FinetuneRecord:
    doc = json.loads(row.messages)
    return FinetuneRecord(
        id=int(row.id or 0),
        pseudonym=row.pseudonym,
        created_at=as_utc(row.created_at),
        labels=tuple(x for x in row.labels.split(",") if x),
        messages=tuple(ChatMessage(m["role"], m["content"]) for m in doc),
    )


class FinetuneLog:
    """Store and read the redacted fine-tuning log."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._clock = clock

    def append(self, pseudonym: str, user: Redacted, reply: Redacted) -> int:
        """Keep one redacted turn; return its id."""
        labels = sorted({s.label.value for s in (*user.spans, *reply.spans)})
        messages = [
            {"role": "user", "content": user.text},
            {"role": "assistant", "content": reply.text},
        ]
        row = FinetuneRow(
            pseudonym=pseudonym,
            created_at=self._clock(),
            labels="," + ",".join(labels) + ("," if labels else ""),
            messages=json.dumps(messages, ensure_ascii=False),
        )
        with Session(self._engine, expire_on_commit=False) as session:
            session.add(row)
            session.commit()
            return int(row.id or 0)

    def _where(self, query, flt: FinetuneFilter):  # type: ignore[no-untyped-def]
        if flt.since is not None:
            query = query.where(FinetuneRow.created_at >= flt.since)
        if flt.until is not None:
            query = query.where(FinetuneRow.created_at < flt.until)
        if flt.label is not None:
            query = query.where(col(FinetuneRow.labels).contains(f",{flt.label},", autoescape=True))
        if flt.pseudonym is not None:
            query = query.where(FinetuneRow.pseudonym == flt.pseudonym)
        return query

    def records(
        self, flt: FinetuneFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[FinetuneRecord]:
        """Return kept turns, newest first."""
        query = self._where(select(FinetuneRow), flt or FinetuneFilter())
        query = query.order_by(col(FinetuneRow.id).desc()).offset(offset).limit(limit)
        with Session(self._engine) as session:
            return [_record(r) for r in session.exec(query).all()]

    def count(self, flt: FinetuneFilter | None = None) -> int:
        """Return how many kept turns match."""
        query = self._where(select(func.count()).select_from(FinetuneRow), flt or FinetuneFilter())
        with Session(self._engine) as session:
            return int(session.exec(query).one())

    def counts_by_label(self, flt: FinetuneFilter | None = None) -> dict[str, int]:
        """Return how many kept turns had each label removed (label -> count)."""
        query = self._where(select(FinetuneRow.labels), flt or FinetuneFilter())
        counts: dict[str, int] = {}
        with Session(self._engine) as session:
            for labels in session.exec(query).all():
                for label in labels.split(","):
                    if label:
                        counts[label] = counts.get(label, 0) + 1
        return dict(sorted(counts.items()))

    def get(self, record_id: int) -> FinetuneRecord | None:
        """Return one kept turn by id."""
        with Session(self._engine) as session:
            row = session.get(FinetuneRow, record_id)
            return _record(row) if row else None

    def delete(self, record_id: int) -> bool:
        """Remove one kept turn (e.g. flagged by an admin); return whether it existed."""
        with Session(self._engine) as session:
            result = session.exec(delete(FinetuneRow).where(col(FinetuneRow.id) == record_id))
            session.commit()
            return bool(result.rowcount)

    def delete_for(self, pseudonym: str) -> int:
        """Remove every kept turn of one user; return how many."""
        with Session(self._engine) as session:
            stmt = delete(FinetuneRow).where(col(FinetuneRow.pseudonym) == pseudonym)
            result = session.exec(stmt)
            session.commit()
            return int(result.rowcount)

    def delete_before(self, cutoff: datetime) -> int:
        """Remove kept turns older than `cutoff` (retention); return how many."""
        with Session(self._engine) as session:
            stmt = delete(FinetuneRow).where(col(FinetuneRow.created_at) < cutoff)
            result = session.exec(stmt)
            session.commit()
            return int(result.rowcount)

    def iter_all(self, flt: FinetuneFilter | None = None) -> Iterator[FinetuneRecord]:
        """Yield every matching kept turn, oldest first, a page at a time."""
        last = 0
        while True:
            query = self._where(select(FinetuneRow), flt or FinetuneFilter())
            query = query.where(col(FinetuneRow.id) > last).order_by(col(FinetuneRow.id))
            with Session(self._engine) as session:
                rows = session.exec(query.limit(PAGE)).all()
            if not rows:
                return
            for row in rows:
                yield _record(row)
            last = int(rows[-1].id or 0)

    def export(self, out: TextIO, flt: FinetuneFilter | None = None) -> int:
        """Write matching turns as chat-format JSONL; return how many lines."""
        n = 0
        for record in self.iter_all(flt):
            out.write(record.chat_json() + "\n")
            n += 1
        return n

    def export_file(self, path: Path, flt: FinetuneFilter | None = None) -> int:
        """Export to a new 0600 file that then replaces `path`; return how many lines."""
        path.parent.mkdir(parents=True, exist_ok=True)
        # A fresh file (mkstemp makes it 0600) swapped in: an existing 0644 file, or a reader
        # that already holds it open, never sees the export.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                n = self.export(out, flt)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return n
