"""The console's audit page and API show the verdict of `qnabot admin verify-audit`."""

from __future__ import annotations

import html

import httpx
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tests.admin.conftest import Console


def test_a_cut_short_trail_shows_the_cli_verdict(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import app

    privacy = console.services.privacy
    assert privacy is not None
    auth = {"Authorization": f"Bearer {console.token}"}
    assert httpx.get(f"{console.url}/api/audit", headers=auth).json()["status"]["ok"] is True
    with console.services.engine.begin() as conn:  # cut the newest record off
        conn.execute(
            text("DELETE FROM privacy_audit WHERE seq = (SELECT max(seq) FROM privacy_audit)")
        )
    status = httpx.get(f"{console.url}/api/audit", headers=auth).json()["status"]
    verdict = privacy.audit.verify()
    assert status == {"ok": False, "checked": verdict.checked, "problem": verdict.finding}
    assert "checkpoint mismatch" in verdict.finding  # the view appended since reused the seq
    with httpx.Client(base_url=console.url) as client:
        assert client.post("/login", data={"token": console.token}).status_code == 303
        page = html.unescape(client.get("/audit").text)
    assert privacy.audit.verify().finding in page
    monkeypatch.setenv("QNABOT_DATA_DIR", str(console.services.settings.data_dir))
    cli = CliRunner().invoke(app, ["admin", "verify-audit"])
    assert cli.exit_code == 1 and privacy.audit.verify().summary in cli.output
