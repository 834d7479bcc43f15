"""PrivacyReview: the admin console's privacy counts and flagging, on both stores."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from privacy import GateDropCounts, PrivacyService, Pseudonymizer, SecretBox
from privacy.review import read_cases

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _privacy(engine: Engine, tmp_path: Path) -> PrivacyService:
    return PrivacyService(
        engine,
        lambda: NOW,
        Pseudonymizer(b"p" * 32),
        SecretBox(b"s" * 32),
        audit_checkpoint=tmp_path / "audit.checkpoint",
    )


def test_known_pseudonyms_are_consent_choices_and_kept_records(
    engine: Engine, tmp_path: Path
) -> None:
    privacy = _privacy(engine, tmp_path)
    assert privacy.review.known_pseudonyms() == frozenset()
    privacy.set_consent(1, True)
    privacy.set_consent(2, False)  # opted out: still someone who chose
    privacy.record_turn(1, "hello there", "hi")
    privacy.record_turn(2, "not kept", "ok")
    expected = {privacy.pseudonym(1), privacy.pseudonym(2)}
    assert privacy.review.known_pseudonyms() == expected


def test_gate_drop_counts_split_the_total_from_the_reasons(engine: Engine, tmp_path: Path) -> None:
    privacy = _privacy(engine, tmp_path)
    assert privacy.review.gate_drop_counts() == GateDropCounts(0, ())
    privacy.gate_drops.add(["email", "phone"])
    privacy.gate_drops.add(["email"])
    assert privacy.review.gate_drop_counts() == GateDropCounts(2, (("email", 2), ("phone", 1)))


def test_flag_drops_the_record_counts_it_and_writes_a_stand_in(
    engine: Engine, tmp_path: Path
) -> None:
    privacy = _privacy(engine, tmp_path)
    privacy.set_consent(1, True)
    record_id = privacy.record_turn(1, "see you at the blue lagoon tonight", "ok")
    assert record_id is not None
    regressions = tmp_path / "regressions.jsonl"
    with pytest.raises(ValueError, match="does not appear"):
        privacy.review.flag(record_id, "nowhere", "PERSON", "admin", regressions)
    assert privacy.review.flagged_count() == 0
    flagged = privacy.review.flag(record_id, "lagoon", "ADDRESS", "admin", regressions)
    assert flagged is not None
    assert (flagged.label, flagged.removed) == ("ADDRESS", True)
    assert privacy.finetune.get(record_id) is None
    assert privacy.review.flagged_count() == 1
    (case,) = read_cases(regressions)
    assert case.label == "ADDRESS" and "lagoon" not in case.text
    assert privacy.review.flag(record_id, "lagoon", "ADDRESS", "admin", regressions) is None
