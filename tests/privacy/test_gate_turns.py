"""The gate in the turn path: a consenting user's turn whose redacted text still holds a secret
is not stored at all; only counts per reason reach the stats and the audit trail."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.app import Runtime, open_runtime
from bot.core.conversation import Request
from bot.features.admin.service import AdminService
from privacy import PrivacyService, Pseudonymizer, Redacted, SecretBox
from tests.admin.conftest import ADMIN, talk

SEED = "legal winner thank year wave sausage worth useful legal winner thank yellow"
HEX64 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def missing_redactor(value: str) -> Redacted:
    """A redactor that misses everything: the gate has to stop the secret on its own."""
    return Redacted(value, ())


@pytest.fixture
def svc(engine: Engine, tmp_path: Path) -> tuple[PrivacyService, Clock]:
    clock = Clock()
    service = PrivacyService(
        engine,
        clock,
        Pseudonymizer(secrets.token_bytes(32)),
        SecretBox(secrets.token_bytes(32)),
        audit_checkpoint=tmp_path / "audit.checkpoint",
        redactor=missing_redactor,
    )
    service.set_consent(1, True)
    return service, clock


def stored_text(engine: Engine) -> str:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT messages FROM privacy_finetune")).all()
        audit = conn.execute(text("SELECT detail FROM privacy_audit")).all()
    return "\n".join(r[0] for r in [*rows, *audit])


def test_turn_with_a_surviving_secret_is_not_stored(
    svc: tuple[PrivacyService, Clock], engine: Engine
) -> None:
    privacy, _ = svc
    backup = "backup words " + "/".join(SEED.split()) + " ok?"
    assert privacy.record_turn(1, backup, "noted") is None
    assert privacy.record_turn(1, "is my key safe?", f"your key {HEX64} is fine") is None
    kept = privacy.record_turn(1, "what is RSI 14 on the 4h?", "an oscillator")
    assert kept is not None and privacy.finetune.count() == 1
    on_disk = stored_text(engine)
    assert "sausage" not in on_disk and HEX64[:16] not in on_disk and "backup" not in on_disk
    assert privacy.gate_drops.by_reason() == {"all": 2, "key_encoding": 1, "seed_words": 1}
    details = sorted(r.detail for r in privacy.audit.records(action="gate_drop"))
    assert details == ["turn not kept: key_encoding", "turn not kept: seed_words"]
    assert all(r.actor == "system" for r in privacy.audit.records(action="gate_drop"))
    assert privacy.audit.verify().ok


def test_no_consent_nothing_counted(svc: tuple[PrivacyService, Clock]) -> None:
    privacy, _ = svc
    assert privacy.record_turn(2, f"key {HEX64}", "ok") is None
    assert privacy.gate_drops.by_reason() == {}


def test_counts_are_per_day_and_reach_the_admin_stats(
    svc: tuple[PrivacyService, Clock], engine: Engine, tmp_path: Path
) -> None:
    privacy, clock = svc
    privacy.record_turn(1, "mail me: bob@mail.org", "ok")
    clock.now += timedelta(days=1)
    privacy.record_turn(1, "card 4111 1111 1111 1111 and bob@mail.org", "ok")
    privacy.record_turn(1, "call +44 20 7946 0958", "ok")
    assert privacy.gate_drops.by_day(date(2026, 11, 1)) == {
        date(2026, 11, 20): 1,
        date(2026, 11, 21): 2,
    }
    admin = AdminService(engine, privacy, clock, tmp_path / "regressions.jsonl")
    try:
        stats = admin.stats("admin")
    finally:
        admin.close()
    assert stats.gate_dropped == 3
    assert stats.gate_drops_by_reason == (("digit_run", 1), ("email", 2), ("phone", 1))
    assert ("turns dropped by the gate", "3") in stats.rows()


async def test_stats_command_shows_gate_drops(make_settings) -> None:
    rt: Runtime = await open_runtime(make_settings(admin_ids=[ADMIN]))
    try:
        privacy = rt.services.privacy
        assert privacy is not None
        privacy.gate_drops.add(["seed_words", "email"])
        privacy.gate_drops.add(["seed_words"])
        (reply,) = await talk(rt, Request(user_id=ADMIN, chat_id=ADMIN, text="/stats"))
    finally:
        await rt.close()
    lines = dict(line.split(": ", 1) for line in (reply.text or "").splitlines()[1:])
    assert lines["turns dropped by the gate"] == "2"
    assert lines["gate drops by reason"] == "email 1, seed_words 2"
