"""AdminService on both stores (SQLite and PostgreSQL): filters, flags, counts, audit."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.features.admin.service import AdminService, ErrorCounter, UnknownRecord
from bot.features.admin.views import RecordFilter
from privacy import PrivacyService, Pseudonymizer, SecretBox
from privacy.review import read_cases
from trading import TradeActivity


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def admin(engine: Engine, tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = Clock()
    privacy = PrivacyService(
        engine,
        clock,
        Pseudonymizer(secrets.token_bytes(32)),
        SecretBox(secrets.token_bytes(32)),
        audit_checkpoint=tmp_path / "audit.checkpoint",
    )
    service = AdminService(
        engine, privacy, clock, tmp_path / "regressions.jsonl", TradeActivity(engine).counts
    )
    privacy.set_consent(1, True)
    privacy.set_consent(2, True)
    texts = ["mail bob@example.org now", "hello there", "call +44 7700 900123"]
    for day, text in enumerate(texts):
        clock.now = datetime(2026, 11, 20 + day, 9, 0, tzinfo=UTC)
        privacy.record_turn(1 + day % 2, text, "ok")
    try:
        yield service, privacy, clock
    finally:
        service.close()


def test_filters_by_date_label_and_pseudonym(admin) -> None:  # type: ignore[no-untyped-def]
    service, privacy, _ = admin
    assert [r.prompt for r in service.list_records(RecordFilter(), "a")] == [
        "call <PHONE>",
        "hello there",
        "mail <EMAIL> now",
    ]
    day = RecordFilter(date_from=date(2026, 11, 21), date_to=date(2026, 11, 21))
    assert [r.prompt for r in service.list_records(day, "a")] == ["hello there"]
    email = service.list_records(RecordFilter(label="EMAIL"), "a")
    assert [r.labels for r in email] == [("EMAIL",)]
    mine = service.list_records(RecordFilter(pseudonym=privacy.pseudonym(1)), "a")
    assert len(mine) == 2
    page2 = service.list_records(RecordFilter(limit=2, offset=2), "a")
    assert [r.prompt for r in page2] == ["mail <EMAIL> now"]
    details = [r.detail for r in privacy.audit.records(action="view", limit=5)]
    assert details[0] == "records all: 1 shown" and "label=EMAIL" in details[2]


def test_flag_deletes_records_and_counts(admin) -> None:  # type: ignore[no-untyped-def]
    service, privacy, clock = admin
    target = service.list_records(RecordFilter(), "a")[1]  # "hello there"
    with pytest.raises(ValueError, match="does not appear"):
        service.flag(target.id, "goodbye", "PERSON", "admin")
    result = service.flag(target.id, "there", "NOT_A_LABEL", "admin")
    assert result.removed_from_exports and privacy.finetune.get(target.id) is None
    with pytest.raises(UnknownRecord):
        service.flag(target.id, "there", "PERSON", "admin")
    (case,) = read_cases(service._regressions)
    assert case.label == "OTHER" and "there" not in case.text
    stats = service.stats("a")
    assert (stats.users, stats.consented_users, stats.messages_kept, stats.flagged) == (2, 2, 2, 1)
    assert dict(stats.redactions_by_label) == {"EMAIL": 1, "PHONE": 1}
    assert (stats.proposals, stats.approvals, stats.orders) == (0, 0, 0)
    assert stats.kept_by_day[-3:] == (("2026-11-20", 1), ("2026-11-21", 0), ("2026-11-22", 1))
    assert len(stats.kept_by_day) == 14 and stats.kept_by_day[0] == ("2026-11-09", 0)
    export = service.export("a")
    assert export.records == 2 and b"hello" not in export.content
    assert export.filename == f"finetune-{clock.now:%Y%m%d-%H%M%S}.jsonl"
    entries, status = service.audit_trail(50, "a")
    assert status.ok and status.checked == len(entries)
    assert [e.action for e in entries[:3]] == ["view", "export", "view"]
    assert "flag" in {e.action for e in entries}


def test_error_counter_is_shared_through_the_database(engine: Engine) -> None:
    first, second = ErrorCounter(engine), ErrorCounter(engine)
    record = logging.LogRecord("bot.core.incidents", logging.ERROR, "x", 1, "incident", None, None)
    assert first.count == 0
    for counter in (first, second, first):
        counter.emit(record)
    assert first.count == second.count == 3


def test_dates_are_inclusive_whole_utc_days() -> None:
    from bot.features.admin.service import finetune_filter

    flt = finetune_filter(RecordFilter(date_from=date(2026, 1, 1), date_to=date(2026, 1, 1)))
    assert flt.since == datetime(2026, 1, 1, tzinfo=UTC)
    assert flt.until == flt.since + timedelta(days=1)
