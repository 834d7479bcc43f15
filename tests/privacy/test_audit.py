"""The audit trail on both stores: appends chain, tampering is detected and located."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text

from privacy.audit import AuditAction, AuditTrail


class StepClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def _trail(engine: Engine) -> AuditTrail:
    trail = AuditTrail(engine, StepClock())
    trail.record("u_admin", AuditAction.VIEW, "opened finetune list")
    trail.record("u_alice", AuditAction.CONSENT_CHANGE, "opt-in")
    trail.record("u_admin", AuditAction.EXPORT, "finetune export: 3 records")
    trail.record("u_admin", AuditAction.LIVE_MODE_TOGGLE, "live on")
    return trail


def test_chain_verifies_and_reads_back_newest_first(engine: Engine) -> None:
    trail = _trail(engine)
    result = trail.verify()
    assert result.ok and result.checked == 4 and result.first_broken is None
    records = trail.records()
    assert [r.seq for r in records] == [4, 3, 2, 1]
    assert records[0].created_at.tzinfo is not None
    assert [r.action for r in trail.records(actor="u_alice")] == ["consent_change"]


def test_edited_detail_is_named(engine: Engine) -> None:
    trail = _trail(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE privacy_audit SET detail = 'nothing' WHERE seq = 3"))
    result = trail.verify()
    assert not result.ok and result.first_broken == 3 and "edited" in result.reason


def test_deleted_record_breaks_the_next_link(engine: Engine) -> None:
    trail = _trail(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM privacy_audit WHERE seq = 2"))
    result = trail.verify()
    assert not result.ok and result.first_broken == 3 and "previous" in result.reason


def test_changed_actor_is_detected(engine: Engine) -> None:
    trail = _trail(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE privacy_audit SET actor = 'u_mallory' WHERE seq = 1"))
    result = trail.verify()
    assert not result.ok and result.first_broken == 1


def test_erasure_unlinks_actor_and_chain_still_verifies(engine: Engine) -> None:
    trail = _trail(engine)
    assert trail.erase_actor("u_alice") == 1
    assert trail.records(actor="u_alice") == []
    assert trail.verify().ok


def test_detail_is_redacted_before_storage(engine: Engine) -> None:
    trail = AuditTrail(engine, StepClock())
    trail.record("u_admin", AuditAction.RISK_LIMIT_OVERRIDE, "raised for bob.smith@gmail.com")
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT detail FROM privacy_audit")).scalar_one()
    assert "bob.smith" not in stored and "<EMAIL>" in stored


def test_concurrent_writers_keep_one_unbroken_chain(engine: Engine) -> None:
    from concurrent.futures import ThreadPoolExecutor

    trail = AuditTrail(engine, lambda: datetime(2026, 1, 1, tzinfo=UTC))

    def write(worker: int) -> None:
        for i in range(15):
            trail.record(f"u_{worker}", AuditAction.VIEW, f"page {i}")

    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(write, range(3)))
    result = trail.verify()
    assert result.ok and result.checked == 45
    assert [r.seq for r in trail.records(limit=100)] == list(range(45, 0, -1))
