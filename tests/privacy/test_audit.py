"""The audit trail on both stores: appends chain and are sealed, both ends are anchored,
tampering (also a full recomputation, truncation and forged erasure) is detected and named."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from bot.app import build_services
from bot.core.services import Services
from bot.core.storage import make_engine
from privacy import PrivacyService
from privacy.audit import AuditAction, AuditProblem, AuditTrail
from privacy.audit_seal import AuditSeal, actor_commitment, chain_hash
from privacy.models import AuditRow

KEY = b"k" * 32


class StepClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def _trail(
    engine: Engine, tmp_path: Path, clock: Callable[[], datetime] | None = None
) -> AuditTrail:
    seal = AuditSeal(KEY, tmp_path / "audit.checkpoint")
    trail = AuditTrail(engine, clock or StepClock(), seal)
    trail.record("u_admin", AuditAction.VIEW, "opened finetune list")
    trail.record("u_alice", AuditAction.CONSENT_CHANGE, "opt-in")
    trail.record("u_admin", AuditAction.EXPORT, "finetune export: 3 records")
    trail.record("u_admin", AuditAction.LIVE_MODE_TOGGLE, "live on")
    return trail


def _sql(engine: Engine, statement: str) -> None:
    with engine.begin() as conn:
        conn.execute(text(statement))


def _recompute_every_hash(engine: Engine, edit: Callable[[list[AuditRow]], None]) -> None:
    """What anyone with database access can do: edit, then rehash the whole chain."""
    with Session(engine) as session:
        rows = list(session.exec(select(AuditRow).order_by(col(AuditRow.seq))).all())
        edit(rows)
        prev = rows[0].prev_hash
        for row in rows:
            row.prev_hash = prev
            row.hash = chain_hash(row)
            prev = row.hash
            session.add(row)
        session.commit()


# --- the four attacks of the review, through the real service and the CLI -------------------


@pytest.fixture
def services(store, make_settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    url, schema = store
    settings = make_settings(database_url=url, database_schema=schema or "")
    for name, value in {"DATA_DIR": str(settings.data_dir), "DATABASE_URL": url}.items():
        monkeypatch.setenv(f"QNABOT_{name}", value)
    monkeypatch.setenv("QNABOT_DATABASE_SCHEMA", schema or "")
    svc = build_services(settings)
    privacy = svc.privacy
    assert privacy is not None
    privacy.set_consent(1, True)
    privacy.audit.record("u_admin", AuditAction.VIEW, "opened finetune list")
    privacy.export_finetune(settings.data_dir / "ft.jsonl", "operator")
    privacy.audit.record("u_admin", AuditAction.VIEW, "stats")
    privacy.audit.record("u_admin", AuditAction.LIVE_MODE_TOGGLE, "live on")
    try:
        yield svc
    finally:
        svc.engine.dispose()


def _rename_detail(rows: list[AuditRow]) -> None:
    rows[1].detail = "nothing to see"


ATTACKS: dict[AuditProblem, Callable[[Engine], None]] = {
    AuditProblem.TRUNCATED_HEAD: lambda e: _sql(
        e, "DELETE FROM privacy_audit WHERE seq = (SELECT max(seq) FROM privacy_audit)"
    ),
    AuditProblem.MISSING_OLDEST: lambda e: _sql(e, "DELETE FROM privacy_audit WHERE seq <= 3"),
    AuditProblem.FORGED_ERASURE: lambda e: _sql(
        e, "UPDATE privacy_audit SET actor = 'erased', actor_salt = NULL WHERE action = 'export'"
    ),
    AuditProblem.BAD_MAC: lambda e: _recompute_every_hash(e, _rename_detail),
}


@pytest.mark.parametrize("problem", list(ATTACKS), ids=str)
def test_each_attack_is_detected_and_named_by_the_cli(
    services: Services, problem: AuditProblem
) -> None:
    from bot.cli import app

    assert services.privacy is not None and services.privacy.audit.verify().ok
    ATTACKS[problem](services.engine)
    result = services.privacy.audit.verify()
    assert not result.ok and result.problem is problem
    cli = CliRunner().invoke(app, ["admin", "verify-audit"])
    assert cli.exit_code == 1 and f"BROKEN: record {result.first_broken}: {problem}:" in cli.output


def test_legitimate_erasure_verifies_and_leaves_no_pseudonym(services: Services) -> None:
    import asyncio

    privacy = services.privacy
    assert privacy is not None
    who = privacy.pseudonym(1)
    privacy.audit.record(who, AuditAction.VIEW, "looked at own data")
    asyncio.run(privacy.forget_user(1))
    assert privacy.audit.records(actor=who) == []
    result = privacy.audit.verify()
    assert result.ok, result.summary
    erasure = privacy.audit.records(action="erasure", limit=1)[0]
    assert erasure.detail.endswith("2 unlinked")
    with services.engine.connect() as conn:
        stored = conn.execute(text("SELECT * FROM privacy_audit")).all()
    assert who not in repr(stored)
    checkpoint = services.settings.data_dir / "audit.checkpoint"
    assert who not in checkpoint.read_text()


# --- each end, each rule, on both stores -------------------------------------------------------


def test_chain_verifies_and_reads_back_newest_first(engine: Engine, tmp_path: Path) -> None:
    trail = _trail(engine, tmp_path)
    result = trail.verify()
    assert result.ok and result.checked == 4 and result.first_broken is None
    assert result.summary == "OK: 4 records verified"
    records = trail.records()
    assert [r.seq for r in records] == [4, 3, 2, 1]
    assert records[0].created_at.tzinfo is not None
    assert [r.action for r in trail.records(actor="u_alice")] == ["consent_change"]


def test_edited_detail_is_named(engine: Engine, tmp_path: Path) -> None:
    trail = _trail(engine, tmp_path)
    _sql(engine, "UPDATE privacy_audit SET detail = 'nothing' WHERE seq = 3")
    result = trail.verify()
    assert not result.ok and result.first_broken == 3 and result.problem is AuditProblem.EDITED


def test_deleted_record_breaks_the_next_link(engine: Engine, tmp_path: Path) -> None:
    trail = _trail(engine, tmp_path)
    _sql(engine, "DELETE FROM privacy_audit WHERE seq = 2")
    result = trail.verify()
    assert not result.ok and result.first_broken == 3 and "previous" in result.reason


def test_changed_actor_is_detected(engine: Engine, tmp_path: Path) -> None:
    trail = _trail(engine, tmp_path)
    _sql(engine, "UPDATE privacy_audit SET actor = 'u_mallory' WHERE seq = 1")
    result = trail.verify()
    assert not result.ok and result.first_broken == 1 and "commitment" in result.reason


def test_recomputation_with_another_key_is_a_bad_mac(engine: Engine, tmp_path: Path) -> None:
    trail = _trail(engine, tmp_path)
    other = AuditSeal(b"x" * 32, tmp_path / "elsewhere")

    def reseal(rows: list[AuditRow]) -> None:
        rows[2].detail = "finetune export: 0 records"

    _recompute_every_hash(engine, reseal)
    with Session(engine) as session:
        for row in session.exec(select(AuditRow)).all():
            row.mac = other.mac(row.hash)
            session.add(row)
        session.commit()
    result = trail.verify()
    assert not result.ok and result.first_broken == 1 and result.problem is AuditProblem.BAD_MAC


def test_erasure_unlinks_actor_and_chain_still_verifies(engine: Engine, tmp_path: Path) -> None:
    trail = _trail(engine, tmp_path)
    assert trail.erase_actor("u_alice") == 1
    assert trail.records(actor="u_alice") == []
    assert trail.verify().ok
    erasure = trail.records(action="erasure")[0]
    assert erasure.actor == "system" and erasure.detail == "1 unlinked"


def test_forged_erasure_cannot_borrow_a_real_one(engine: Engine, tmp_path: Path) -> None:
    trail = _trail(engine, tmp_path)
    trail.erase_actor("u_alice")  # lists record 2 only
    _sql(engine, "UPDATE privacy_audit SET actor = 'erased', actor_salt = NULL WHERE seq = 1")
    result = trail.verify()
    assert result.problem is AuditProblem.FORGED_ERASURE and result.first_broken == 1


def test_undoing_an_erasure_from_a_backup_is_detected(engine: Engine, tmp_path: Path) -> None:
    trail = _trail(engine, tmp_path)
    with engine.connect() as conn:
        actor, salt = conn.execute(
            text("SELECT actor, actor_salt FROM privacy_audit WHERE seq = 2")
        ).one()
    trail.erase_actor("u_alice")
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE privacy_audit SET actor = :a, actor_salt = :s WHERE seq = 2"),
            {"a": actor, "s": salt},
        )
    result = trail.verify()
    assert result.problem is AuditProblem.UNDONE_ERASURE and result.first_broken == 2


def test_checkpoint_edited_or_deleted_is_named(engine: Engine, tmp_path: Path) -> None:
    trail = _trail(engine, tmp_path)
    checkpoint = tmp_path / "audit.checkpoint"
    doc = json.loads(checkpoint.read_text())
    checkpoint.write_text(json.dumps({**doc, "seq": 3}))
    assert trail.verify().problem is AuditProblem.CHECKPOINT_MISMATCH
    checkpoint.unlink()
    result = trail.verify()
    assert result.problem is AuditProblem.CHECKPOINT_MISMATCH and "no checkpoint" in result.reason


@pytest.mark.parametrize("evidence", ["not json", "[1]", '{"first": "x"}', '{"erased": ["a"]}'])
def test_garbage_evidence_is_named_not_a_crash(
    engine: Engine, tmp_path: Path, evidence: str
) -> None:
    trail = _trail(engine, tmp_path)
    with engine.begin() as conn:
        conn.execute(text("UPDATE privacy_audit SET evidence = :e WHERE seq = 4"), {"e": evidence})
    result = trail.verify()
    assert result.problem is AuditProblem.EDITED and result.first_broken == 4


def test_a_different_database_does_not_match_the_checkpoint(engine: Engine, tmp_path: Path) -> None:
    trail = _trail(engine, tmp_path)
    _sql(engine, "DELETE FROM privacy_audit")
    rebuilt = _trail(engine, tmp_path / "other")  # same key, fresh history, 4 records again
    assert rebuilt.verify().ok
    result = trail.verify()  # this machine's checkpoint holds the old record #4
    assert result.problem is AuditProblem.CHECKPOINT_MISMATCH and result.first_broken == 4


def test_everything_deleted_is_a_truncated_head(engine: Engine, tmp_path: Path) -> None:
    trail = _trail(engine, tmp_path)
    _sql(engine, "DELETE FROM privacy_audit")
    result = trail.verify()
    assert result.problem is AuditProblem.TRUNCATED_HEAD and result.first_broken == 1


def test_appends_after_a_truncation_do_not_heal_it(engine: Engine, tmp_path: Path) -> None:
    trail = _trail(engine, tmp_path)
    _sql(engine, "DELETE FROM privacy_audit WHERE seq >= 3")
    trail.record("u_admin", AuditAction.VIEW, "after the cut")  # takes #3 again
    result = trail.verify()
    assert result.problem is AuditProblem.TRUNCATED_HEAD and result.first_broken == 4
    for _ in range(2):  # #4 and #5: the checkpoint keeps the old #4
        trail.record("u_admin", AuditAction.VIEW, "after the cut")
        result = trail.verify()
        assert result.problem is AuditProblem.CHECKPOINT_MISMATCH and result.first_broken == 4


def test_retention_leaves_a_verifiable_oldest_end(engine: Engine, tmp_path: Path) -> None:
    clock = StepClock()
    trail = _trail(engine, tmp_path, clock)
    cutoff = clock.now  # records 1-3 are older than the newest (4)
    assert trail.delete_before(cutoff) == 3
    assert trail.delete_before(cutoff) == 0  # nothing more expired: no record appended
    assert [r.seq for r in trail.records()] == [5, 4]
    result = trail.verify()
    assert result.ok and result.checked == 2
    _sql(engine, "DELETE FROM privacy_audit WHERE seq = 4")
    result = trail.verify()
    assert result.problem is AuditProblem.MISSING_OLDEST and result.first_broken == 5


def test_retention_of_every_record_still_verifies(engine: Engine, tmp_path: Path) -> None:
    clock = StepClock()
    trail = _trail(engine, tmp_path, clock)
    assert trail.delete_before(clock.now + timedelta(days=1)) == 4
    trail.record("u_admin", AuditAction.VIEW, "after")
    assert trail.verify().ok and trail.count() == 2


def test_retention_through_the_service_verifies(services: Services) -> None:
    privacy = services.privacy
    assert privacy is not None
    report = privacy.run_retention(datetime.now(UTC) + timedelta(days=800))
    assert report.deleted["audit"] == 5
    assert privacy.audit.verify().ok


def _write_legacy_rows(engine: Engine, n: int) -> None:
    """Rows as the code before MACs wrote them (old columns only, v1 hash)."""
    prev = "0" * 64
    with engine.begin() as conn:
        for seq in range(1, n + 1):
            salt = "00" * 16
            row = AuditRow(
                seq=seq, created_at=datetime(2025, 1, seq, tzinfo=UTC), actor=f"u_{seq}",
                actor_salt=salt, actor_commit=actor_commitment(salt, f"u_{seq}"), action="view",
                detail="legacy", prev_hash=prev, hash="",
            )  # fmt: skip
            if seq == 2:  # erased before the upgrade
                row.actor, row.actor_salt = "erased", None
            row.hash = chain_hash(row)
            prev = row.hash
            conn.execute(
                text(
                    "INSERT INTO privacy_audit (seq, created_at, actor, actor_salt, actor_commit,"
                    " action, detail, prev_hash, hash) VALUES (:seq, :created_at, :actor,"
                    " :actor_salt, :actor_commit, :action, :detail, :prev_hash, :hash)"
                ),
                row.model_dump(exclude={"mac", "evidence"}),
            )


def test_legacy_records_verify_and_are_anchored_by_the_first_sealed_one(
    engine: Engine, tmp_path: Path
) -> None:
    _write_legacy_rows(engine, 3)
    trail = AuditTrail(engine, StepClock(), AuditSeal(KEY, tmp_path / "audit.checkpoint"))
    result = trail.verify()
    assert result.ok and result.legacy == 3 and "3 legacy records" in result.summary
    trail.record("u_admin", AuditAction.VIEW, "first sealed")
    assert trail.verify().ok and trail.verify().legacy == 3
    _sql(engine, "UPDATE privacy_audit SET actor = 'erased', actor_salt = NULL WHERE seq = 3")
    assert trail.verify().problem is AuditProblem.FORGED_ERASURE
    _sql(engine, "DELETE FROM privacy_audit WHERE seq = 1")
    assert trail.verify().problem is AuditProblem.MISSING_OLDEST


def test_upgrade_keeps_old_records_verifiable(
    store: tuple[str, str | None], tmp_path: Path
) -> None:
    from alembic import command
    from alembic.config import Config

    from bot.core.storage import MIGRATIONS_DIR, migrate

    url, schema = store
    engine = make_engine(url, schema=schema)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.begin() as conn:  # the schema as the code before the seal had it
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "2001_privacy_base")
        _write_legacy_rows(engine, 3)
        migrate(engine)
        trail = AuditTrail(engine, StepClock(), AuditSeal(KEY, tmp_path / "audit.checkpoint"))
        assert trail.verify().legacy == 3
        trail.erase_actor("u_3")
        result = trail.verify()
        assert result.ok and result.checked == 4 and result.legacy == 3
    finally:
        engine.dispose()


def test_stripping_macs_after_sealed_records_is_a_bad_mac(engine: Engine, tmp_path: Path) -> None:
    trail = _trail(engine, tmp_path)

    def strip_last(rows: list[AuditRow]) -> None:
        rows[-1].mac = None
        rows[-1].evidence = None

    _recompute_every_hash(engine, strip_last)
    result = trail.verify()
    assert result.problem is AuditProblem.BAD_MAC and result.first_broken == 4


def test_detail_is_redacted_and_evidence_holds_no_text(engine: Engine, tmp_path: Path) -> None:
    trail = AuditTrail(engine, StepClock(), AuditSeal(KEY, tmp_path / "audit.checkpoint"))
    trail.record("u_bob", AuditAction.RISK_LIMIT_OVERRIDE, "raised for bob.smith@gmail.com")
    trail.erase_actor("u_bob", detail="user erased for bob.smith@gmail.com")
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT * FROM privacy_audit")).all()
    assert "bob.smith" not in repr(stored) and "u_bob" not in repr(stored)
    assert "<EMAIL>" in stored[0].detail
    assert [json.loads(r.evidence) for r in stored] == [{}, {"erased": [1]}]
    checkpoint = (tmp_path / "audit.checkpoint").read_text()
    assert set(json.loads(checkpoint)) == {"seq", "head", "mac"}


def test_concurrent_writers_keep_one_unbroken_chain(engine: Engine, tmp_path: Path) -> None:
    trail = AuditTrail(
        engine, lambda: datetime(2026, 1, 1, tzinfo=UTC), AuditSeal(KEY, tmp_path / "cp")
    )

    def write(worker: int) -> None:
        for i in range(15):
            trail.record(f"u_{worker}", AuditAction.VIEW, f"page {i}")

    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(write, range(3)))
    result = trail.verify()
    assert result.ok and result.checked == 45
    assert [r.seq for r in trail.records(limit=100)] == list(range(45, 0, -1))


@pytest.mark.parametrize("shared_checkpoint", [True, False], ids=["one machine", "two machines"])
def test_two_engines_on_postgresql_append_and_verify(
    pg_schema_url: tuple[str, str], tmp_path: Path, shared_checkpoint: bool
) -> None:
    from bot.core.storage import migrate

    url, schema = pg_schema_url
    engines = [make_engine(url, schema=schema) for _ in range(2)]
    migrate(engines[0])
    second = "a.checkpoint" if shared_checkpoint else "b.checkpoint"
    paths = [tmp_path / "a.checkpoint", tmp_path / second]
    trails = [
        AuditTrail(eng, StepClock(), AuditSeal(KEY, path))
        for eng, path in zip(engines, paths, strict=True)
    ]

    def write(worker: int) -> None:
        for i in range(20):
            trails[worker].record(f"u_{worker}", AuditAction.VIEW, f"page {i}")
            if i == 10:
                trails[worker].erase_actor(f"u_{worker}")

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(write, range(2)))
        for trail in trails:
            result = trail.verify()
            assert result.ok and result.checked == 42, result.summary
    finally:
        for eng in engines:
            eng.dispose()


def test_the_service_seals_with_a_key_derived_from_the_pseudonym_key(services: Services) -> None:
    privacy = services.privacy
    assert isinstance(privacy, PrivacyService)
    data_dir = services.settings.data_dir
    assert (data_dir / "audit.checkpoint").stat().st_mode & 0o077 == 0
    assert not (data_dir / "audit.key").exists()
    other = AuditSeal(KEY, data_dir / "audit.checkpoint")
    with pytest.raises(ValueError):
        other.read()  # sealed with the derived key, not with another one


def test_rewriting_every_record_as_legacy_is_detected(engine: Engine, tmp_path: Path) -> None:
    """Hostile review II: drop the evidence (v1 hashes, no MAC check) and keep the MAC
    column, so the checkpoint's comparison of MAC strings alone would have passed."""
    trail = _trail(engine, tmp_path)

    def as_legacy(rows: list[AuditRow]) -> None:
        rows[2].detail = "finetune export: 0 records"
        for row in rows:
            row.evidence = None

    _recompute_every_hash(engine, as_legacy)
    result = trail.verify()
    assert not result.ok and result.problem is AuditProblem.CHECKPOINT_MISMATCH


def test_legacy_rows_past_the_checkpoint_do_not_replace_it(engine: Engine, tmp_path: Path) -> None:
    """Hostile review II: delete every sealed record and put legacy ones numbered after the
    checkpoint in their place (nothing anchors the oldest end of a legacy-only trail)."""
    _trail(engine, tmp_path)
    _sql(engine, "DELETE FROM privacy_audit")
    _write_legacy_rows(engine, 6)
    _sql(engine, "DELETE FROM privacy_audit WHERE seq < 5")
    trail = AuditTrail(engine, StepClock(), AuditSeal(KEY, tmp_path / "audit.checkpoint"))
    result = trail.verify()
    assert not result.ok and result.problem is AuditProblem.CHECKPOINT_MISMATCH
    trail.record("u_admin", AuditAction.VIEW, "after the rewrite")
    assert not trail.verify().ok
