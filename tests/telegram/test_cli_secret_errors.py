"""`qnabot run` with a bot token Telegram rejects: one redacted line, never the token (issue 13,
finding 9). The real CLI runs as a subprocess against the local Bot API server, which answers
getMe for an unknown token with 401 Unauthorized, as Telegram does. (PTB's own log record of
the failure passes the redacting log filter like every other record.)"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import last_resort
from tests.conftest import PG_URL, pg_unreachable_reason, run_qnabot
from tests.fakes.bot_api_server import BotApiServer

SERVED_TOKEN = "7000001:AAServedTokenServedTokenServedToken01"
REJECTED_TOKEN = "7000123456:AnurQ7x2LmVbT9kPzR4sWc8YhJd3NfGu6Ea"


async def test_a_rejected_token_never_reaches_stdout_or_stderr(tmp_path: Path) -> None:
    async with BotApiServer(SERVED_TOKEN) as server:
        done = await asyncio.to_thread(
            run_qnabot,
            tmp_path,
            "run",
            env={
                "TELEGRAM_BOT_TOKEN": REJECTED_TOKEN,
                "QNABOT_TELEGRAM_API_URL": server.url,
                "QNABOT_LLM_BACKEND": "extractive",
            },
        )
        asked = [call.method for call in server.api.calls]
    out = done.stdout + done.stderr
    assert done.returncode != 0
    bot_id, secret = REJECTED_TOKEN.split(":")
    for part in (REJECTED_TOKEN, secret, secret[:12], secret[-12:], f"{bot_id}:"):
        assert part not in out, out[-3000:]
    assert "╭" not in out and "locals" not in out, out[-3000:]  # no pretty traceback
    lines = [line for line in done.stderr.splitlines() if line.startswith("qnabot:")]
    assert len(lines) == 1 and "rejected" in lines[0].lower(), done.stderr[-3000:]
    assert done.stderr.splitlines()[-1] == lines[0]  # the CLI ends in its one line
    assert asked == []  # the server refused before recording: the 401 path was taken


def test_an_uncaught_error_is_one_line_naming_only_its_type(
    capsys: pytest.CaptureFixture[str],
) -> None:
    try:
        raise RuntimeError(f"request to /bot{REJECTED_TOKEN}/getMe failed for alice@example.org")
    except RuntimeError as exc:
        last_resort(RuntimeError, exc, exc.__traceback__)
    err = capsys.readouterr().err
    assert err == "qnabot: unexpected error (RuntimeError); see the log\n"


@pytest.mark.postgres
def test_a_database_that_refuses_names_the_setting_not_the_driver_text(tmp_path: Path) -> None:
    """A missing database (or a wrong password) is the operator's setting, not our bug: one
    line naming QNABOT_DATABASE_URL, without the host, user or database the driver quotes."""
    reason = pg_unreachable_reason()
    if reason:
        pytest.skip(reason)
    missing = PG_URL.rsplit("/", 1)[0] + "/qnabot_no_such_db_x7"
    done = run_qnabot(tmp_path, "migrate", env={"QNABOT_DATABASE_URL": missing})
    lines = [line for line in done.stderr.splitlines() if line.startswith("qnabot:")]
    assert done.returncode != 0 and len(lines) == 1, done.stderr[-2000:]
    assert "QNABOT_DATABASE_URL" in lines[0] and "unexpected error" not in lines[0]
    assert "qnabot_no_such_db_x7" not in done.stdout + done.stderr
