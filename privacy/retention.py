"""Retention: how many days each kind of record is kept, and the job that enforces it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

DeleteBefore = Callable[[datetime], int]


@dataclass(frozen=True, slots=True)
class RetentionRule:
    """Keep records of `kind` for `days` (0 = forever); `delete_before(cutoff)` drops older."""

    kind: str
    days: int
    delete_before: DeleteBefore


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """What one retention run deleted, per kind."""

    ran_at: datetime
    deleted: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.deleted.values())


class Retention:
    """The retention rules of every feature; `run(now)` deletes what has expired."""

    def __init__(self) -> None:
        self._rules: dict[str, RetentionRule] = {}

    def add(self, rule: RetentionRule) -> None:
        """Register a kind of record (other features call this through PrivacyService)."""
        if rule.kind in self._rules:
            raise ValueError(f"retention rule {rule.kind!r} registered twice")
        self._rules[rule.kind] = rule

    @property
    def rules(self) -> tuple[RetentionRule, ...]:
        return tuple(self._rules.values())

    def run(self, now: datetime) -> RetentionReport:
        """Delete expired records of every kind; return the counts."""
        deleted: dict[str, int] = {}
        for rule in self._rules.values():
            if rule.days > 0:
                deleted[rule.kind] = rule.delete_before(now - timedelta(days=rule.days))
        return RetentionReport(now, deleted)
