"""Counts of turns the admission gate kept out of the fine-tuning log, per reason per day.

Only counts: no text, no value, no user. `ALL_TURNS` counts dropped turns (a turn may
have several reasons, so the reasons can add up to more).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime

from sqlalchemy import Engine, func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

ALL_TURNS = "all"


class GateDropRow(SQLModel, table=True):
    """How many turns the gate dropped on one UTC day for one reason (or ALL_TURNS)."""

    __tablename__ = "privacy_gate_drops"

    day: date = Field(primary_key=True)
    reason: str = Field(primary_key=True, max_length=40)
    count: int = 0


class GateDrops:
    """Add and read the gate's drop counts."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._clock = clock

    def add(self, reasons: Iterable[str]) -> None:
        """Count one dropped turn under today's date, once per reason and once in ALL_TURNS."""
        day = self._clock().astimezone(UTC).date()
        for reason in (ALL_TURNS, *sorted(set(reasons))):
            self._bump(day, reason)

    def _bump(self, day: date, reason: str) -> None:
        table = GateDropRow.__table__  # type: ignore[attr-defined]
        where = (table.c.day == day) & (table.c.reason == reason)
        bump = update(table).where(where).values(count=table.c.count + 1)
        try:
            with self._engine.begin() as conn:
                if conn.execute(bump).rowcount == 0:
                    conn.execute(insert(table).values(day=day, reason=reason, count=1))
        except IntegrityError:  # another worker inserted this day's row meanwhile
            with self._engine.begin() as conn:
                conn.execute(bump)

    def by_reason(self, since: date | None = None) -> dict[str, int]:
        """Return reason -> dropped turns (ALL_TURNS included), optionally from a day on."""
        query = select(GateDropRow.reason, func.sum(GateDropRow.count)).group_by(
            col(GateDropRow.reason)
        )
        if since is not None:
            query = query.where(col(GateDropRow.day) >= since)
        with Session(self._engine) as session:
            rows = session.exec(query).all()
        return {reason: int(total) for reason, total in sorted(rows)}

    def by_day(self, since: date) -> dict[date, int]:
        """Return day -> dropped turns, for days from `since` that had any."""
        query = select(col(GateDropRow.day), col(GateDropRow.count)).where(
            col(GateDropRow.reason) == ALL_TURNS, col(GateDropRow.day) >= since
        )
        with Session(self._engine) as session:
            return {day: int(n) for day, n in session.exec(query).all()}
