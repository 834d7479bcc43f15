"""PrivacyService pieces: retention, audited export, the log filter, data residency, CLI."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from bot.app import build_services
from bot.cli.privacy import redact_stream
from bot.core.errors import ConfigError
from privacy import PrivacyService, Pseudonymizer, RetentionDays, SecretBox
from privacy.logfilter import RedactingFilter


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _service(engine: Engine, clock: Clock, data_dir: Path) -> PrivacyService:
    return PrivacyService(
        engine,
        clock,
        Pseudonymizer(b"k" * 32),
        SecretBox(b"s" * 32),
        RetentionDays(30, 90),
        audit_checkpoint=data_dir / "audit.checkpoint",
    )


def test_retention_deletes_expired_rows_of_each_kind(engine: Engine, tmp_path: Path) -> None:
    clock = Clock()
    svc = _service(engine, clock, tmp_path)
    svc.set_consent(1, True)
    assert svc.record_turn(1, "old question about ETH", "old answer") is not None
    clock.now += timedelta(days=40)
    svc.record_turn(1, "new question about ETH", "new answer")
    report = svc.run_retention(clock.now)
    assert report.deleted == {"finetune": 1, "audit": 0}
    assert [r.messages[0].content for r in svc.finetune.records()] == ["new question about ETH"]
    clock.now += timedelta(days=100)
    report = svc.run_retention(clock.now)
    assert report.deleted["audit"] >= 1 and svc.audit.verify().ok


def test_other_features_can_register_retention(engine: Engine, tmp_path: Path) -> None:
    clock = Clock()
    svc = _service(engine, clock, tmp_path)
    seen: list[datetime] = []
    svc.add_retention("alerts", 7, lambda cutoff: seen.append(cutoff) or 3)
    report = svc.run_retention(clock.now)
    assert report.deleted["alerts"] == 3 and seen == [clock.now - timedelta(days=7)]
    with pytest.raises(ValueError):
        svc.add_retention("alerts", 1, lambda cutoff: 0)


def test_export_is_audited_and_private(engine: Engine, tmp_path: Path) -> None:
    svc = _service(engine, Clock(), tmp_path)
    svc.set_consent(5, True)
    svc.record_turn(5, "my IBAN is DE89 3704 0044 0532 0130 00", "noted")
    out = tmp_path / "ft.jsonl"
    assert svc.export_finetune(out, "operator") == 1
    assert (out.stat().st_mode & 0o777) == 0o600
    doc = json.loads(out.read_text())
    assert doc["messages"][0] == {"role": "user", "content": "my IBAN is <IBAN>"}
    export = svc.audit.records(action="export")
    assert len(export) == 1 and export[0].actor == "operator"


def test_log_filter_redacts_message_args_and_traceback() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("test.privacy.filter")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("user %s wrote", "ann.lee@proton.me")
        try:
            raise RuntimeError("key 0x" + "ab12" * 16)
        except RuntimeError:
            logger.exception("failed for UID 38291047")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "ann.lee" not in text and "ab12ab12" not in text and "38291047" not in text
    assert "<EMAIL>" in text and "RuntimeError" in text


def test_bot_refuses_remote_llm_and_names_the_setting(make_settings) -> None:
    # A TEST-NET address (never routed): no DNS query, no traffic; more cases in test_residency.
    settings = make_settings(llm_url="http://192.0.2.10:8000/v1")
    with pytest.raises(ConfigError) as err:
        build_services(settings)
    assert err.value.setting == "QNABOT_ALLOW_REMOTE" and "192.0.2.10" in str(err.value)
    allowed = make_settings(llm_url="http://192.0.2.10:8000/v1", allow_remote="192.0.2.10")
    build_services(allowed).engine.dispose()


def test_redact_stream_reports_bad_lines_and_keeps_going() -> None:
    inp = io.StringIO('{"id": 1, "text": "mail a.b@gmail.com"}\nnot json\n{"id": 2, "text": 5}\n\n')
    out, err = io.StringIO(), io.StringIO()
    assert redact_stream(inp, out, err) == (1, 2)
    line = json.loads(out.getvalue())
    assert line == {
        "id": 1,
        "redacted_text": "mail <EMAIL>",
        "spans": [{"start": 5, "end": 18, "label": "EMAIL"}],
    }
    assert "record 2" in err.getvalue() and "a.b@" not in err.getvalue()


def test_redact_stream_in_parallel_keeps_order_and_output() -> None:
    docs = [{"id": i, "text": f"msg {i}: mail u{i}.x@gmail.com, BTC 4h"} for i in range(700)]
    text = "".join(json.dumps(d) + "\n" for d in docs)
    one, many = io.StringIO(), io.StringIO()
    assert redact_stream(io.StringIO(text), one, io.StringIO()) == (700, 0)
    assert redact_stream(io.StringIO(text), many, io.StringIO(), jobs=2) == (700, 0)
    assert many.getvalue() == one.getvalue()
    assert "u699.x" not in many.getvalue() and '"id": 699' in many.getvalue()


def test_admin_cli_exports_and_verifies(make_settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import app

    settings = make_settings()
    monkeypatch.setenv("QNABOT_DATA_DIR", str(settings.data_dir))
    runner = CliRunner()
    out = settings.data_dir / "ft.jsonl"
    result = runner.invoke(app, ["admin", "export-finetune", "-o", str(out)])
    assert result.exit_code == 0 and "exported 0 records" in result.output
    result = runner.invoke(app, ["admin", "verify-audit"])
    assert result.exit_code == 0 and "OK: 1 records" in result.output
