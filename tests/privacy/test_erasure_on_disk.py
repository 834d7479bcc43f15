"""Erasure reaches the bytes: after /forget in a running `qnabot chat`, the user's text and
pseudonym are in none of qnabot.db, -wal and -shm; the files are 0600; refused input
(too long, not UTF-8) is never stored."""

from __future__ import annotations

import os
import queue
import secrets
import sqlite3
import stat
import string
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.app import Runtime, open_runtime
from bot.core.conversation import Reply, Request, Streamed
from bot.core.storage import make_engine, reclaim_erased
from bot.features.admin.views import RecordFilter
from bot.settings import load_settings
from privacy.pseudonym import Pseudonymizer, load_or_create_secret
from privacy.review import append_case, regression_case
from tests.conftest import run_qnabot

DB_FILES = ("qnabot.db", "qnabot.db-wal", "qnabot.db-shm")
USER = 4242


def canary_word() -> str:
    """A random lowercase word the redactor leaves alone (so it reaches the database)."""
    return "zq" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))


def occurrences(data_dir: Path, needle: str) -> dict[str, int]:
    """Count the needle's bytes in each database file that exists."""
    raw = needle.encode()
    return {
        name: (data_dir / name).read_bytes().count(raw)
        for name in DB_FILES
        if (data_dir / name).exists()
    }


def clean_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QNABOT_")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.update({"QNABOT_DATA_DIR": str(data_dir), "QNABOT_LLM_BACKEND": "extractive"})
    return env


class LiveChat:
    """A `qnabot chat` process fed line by line; `expect` waits for a line of its output."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "chat"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=clean_env(data_dir),
            cwd=data_dir,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def say(self, text: str, expect: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        self.expect(expect)

    def expect(self, fragment: str) -> None:
        while True:
            line = self.lines.get(timeout=90)
            if fragment in line:
                return

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


@pytest.fixture
def live_chat(tmp_path: Path):
    chat = LiveChat(tmp_path / "data")
    try:
        yield chat
    finally:
        chat.close()


def test_forget_leaves_no_trace_in_db_wal_or_shm_while_the_bot_runs(
    live_chat: LiveChat, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    canary = canary_word()
    live_chat.say("/privacy", "[1] Opt in")
    live_chat.say("1", "Fine-tuning consent: ON")
    live_chat.say(f"what is a stop loss {canary}", "— ")
    live_chat.say("/mydata", "kept for fine-tuning: 1")
    user_id = load_settings(data_dir=data_dir).console_user_id
    pseudonym = Pseudonymizer(load_or_create_secret(data_dir / "pseudonym.key")).pseudonym(user_id)
    assert sum(occurrences(data_dir, canary).values()) > 0  # stored, so the check means something
    assert sum(occurrences(data_dir, pseudonym).values()) > 0

    live_chat.say("/forget", "[1] Erase everything")
    live_chat.say("1", "Done: everything I stored about you is erased")

    assert live_chat.proc.poll() is None  # still running: its connections are open
    assert occurrences(data_dir, canary) == dict.fromkeys(DB_FILES, 0)
    assert occurrences(data_dir, pseudonym) == dict.fromkeys(DB_FILES, 0)
    assert (data_dir / "qnabot.db-wal").stat().st_size == 0
    for path in (*(data_dir / n for n in DB_FILES), data_dir / "logs" / "qnabot.log"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_invalid_utf8_on_stdin_gets_a_reply_and_the_chat_goes_on(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat"],
        input=b"/version\nwhat is \xff\xfe a stop loss \xc3\n/version\n",
        capture_output=True,
        env=clean_env(data_dir),
        cwd=data_dir,
        timeout=120,
    )
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()[-500:]
    assert out.count("qnabot ") == 2  # the line after the bad one is answered too
    assert "not valid UTF-8" in out
    assert "Traceback" not in proc.stderr.decode()


def test_a_message_refused_as_too_long_leaves_no_trace(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    canary = canary_word()
    huge = f"what is a stop loss {canary} " + "lorem ipsum dolor " * 5600
    script = f"/privacy\n1\n{huge}\n/mydata\n"
    result = run_qnabot(data_dir, "chat", stdin=script, env={"QNABOT_LLM_BACKEND": "extractive"})
    assert result.returncode == 0, result.stderr[-500:]
    assert "too long" in result.stdout
    assert "kept for fine-tuning: 0" in result.stdout
    # The bot has stopped: SQLite folded the WAL into the main file; grep every file left.
    assert sum(occurrences(data_dir, canary).values()) == 0


async def test_refused_input_reaches_no_turn_hook(make_settings) -> None:
    rt = await open_runtime(make_settings())
    try:
        privacy, answers = rt.services.privacy, rt.services.answers
        assert privacy is not None and answers is not None
        privacy.set_consent(USER, True)
        huge = "what is a stop loss " + "x" * 100_000
        replies = await rt.conversation.handle(Request(user_id=USER, chat_id=USER, text=huge))
        assert isinstance(replies[0], Reply) and "too long" in replies[0].text
        assert answers.memory.recent(USER) == ()
        assert privacy.finetune.count() == 0
    finally:
        await rt.close()


async def test_postgres_erasure_rewrites_the_tables(make_settings, pg_schema_url) -> None:
    url, schema = pg_schema_url
    clock = lambda: datetime(2026, 5, 1, 12, tzinfo=UTC)  # noqa: E731
    rt = await open_runtime(make_settings(database_url=url, database_schema=schema), clock=clock)
    canary = canary_word()
    try:
        privacy = rt.services.privacy
        assert privacy is not None
        await say(rt, data="privacy:on")
        await say(rt, f"what is a stop loss {canary}")
        assert privacy.finetune.count() == 1
        pseudonym = privacy.pseudonym(USER)
        assert canary.encode() in table_bytes(rt.services.engine, "privacy_finetune")
        reply = await say(rt, data=f"forget:{int(clock().timestamp())}")
        assert "erased" in reply.text
        for table in ("privacy_finetune", "privacy_audit", "privacy_consent"):
            raw = table_bytes(rt.services.engine, table)
            assert canary.encode() not in raw and pseudonym.encode() not in raw, table
    finally:
        await rt.close()


async def say(rt: Runtime, text: str = "", data: str | None = None) -> Reply:
    """Send one message or button press as USER; drain a streamed answer."""
    replies = await rt.conversation.handle(
        Request(user_id=USER, chat_id=USER, text=text, callback_data=data)
    )
    first = replies[0]
    if isinstance(first, Streamed):
        async for _ in first.tokens:
            pass
        return await first.final()
    return first


def table_bytes(engine: Engine, table: str) -> bytes:
    """Return the table's heap file as PostgreSQL has it on disk (after a CHECKPOINT)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("CHECKPOINT")
        path = conn.execute(text("SELECT pg_relation_filepath(:t)"), {"t": table}).scalar_one()
        data = conn.execute(text("SELECT pg_read_binary_file(:p)"), {"p": path}).scalar_one()
    return bytes(data)


def test_an_export_over_an_existing_0644_file_is_0600(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    target = tmp_path / "export.jsonl"
    target.write_text("old\n")
    target.chmod(0o644)
    result = run_qnabot(data_dir, "admin", "export-finetune", "-o", str(target))
    assert result.returncode == 0, result.stderr[-500:]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE((data_dir / "qnabot.db").stat().st_mode) == 0o600


def _fill_then_delete(execute: Callable[[str], object], marker: str) -> None:
    execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    for n in range(37):
        execute(f"INSERT INTO notes (body) VALUES ('{marker}-{n} ' || hex(randomblob(40)))")
    execute("DELETE FROM notes WHERE id % 3 != 0")  # 25 of 37 rows go


def test_app_connections_zero_deleted_rows_whatever_the_build_default(tmp_path: Path) -> None:
    marker = canary_word()
    control = tmp_path / "control.db"
    raw = sqlite3.connect(control, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA secure_delete=OFF")  # what a build without SECURE_DELETE does
    _fill_then_delete(raw.execute, marker)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # The byte check can fail: without secure_delete the deleted rows stay in the file.
    assert control.read_bytes().count(marker.encode()) > 12
    raw.close()

    app_db = tmp_path / "app.db"
    engine = make_engine(f"sqlite:///{app_db}")
    try:
        with engine.begin() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar_one() == 1
            _fill_then_delete(conn.exec_driver_sql, marker)
        reclaim_erased(engine)
        assert app_db.read_bytes().count(marker.encode()) == 12  # only the rows kept
        assert Path(f"{app_db}-wal").stat().st_size == 0
        with engine.connect() as one, engine.connect() as two:  # every pooled connection
            for conn in (one, two):
                assert conn.exec_driver_sql("PRAGMA secure_delete").scalar_one() == 1
    finally:
        engine.dispose()


async def test_retention_reclaims_what_it_deletes(make_settings) -> None:
    clock = Clock(datetime(2026, 5, 1, 12, tzinfo=UTC))
    settings = make_settings()
    rt = await open_runtime(settings, clock=clock)
    canary = canary_word()
    try:
        await say(rt, data="privacy:on")
        await say(rt, f"what is a stop loss {canary}")
        assert sum(occurrences(settings.data_dir, canary).values()) > 0
        privacy = rt.services.privacy
        assert privacy is not None
        clock.now += timedelta(days=settings.retention_finetune_days + 1)
        assert privacy.run_retention(clock.now).deleted["finetune"] == 1
        assert occurrences(settings.data_dir, canary) == dict.fromkeys(DB_FILES, 0)
        assert (settings.data_dir / "qnabot.db-wal").stat().st_size == 0
    finally:
        await rt.close()


class Clock:
    """A settable clock (retention compares record times with it)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def test_a_flagged_record_is_gone_from_the_files_too(make_settings) -> None:
    settings = make_settings()
    rt = await open_runtime(settings)
    canary = canary_word()
    try:
        await say(rt, data="privacy:on")
        await say(rt, f"what is a stop loss {canary}")
        assert sum(occurrences(settings.data_dir, canary).values()) > 0
        admin = rt.services.admin
        assert admin is not None
        (record,) = admin.list_records(RecordFilter(), "admin")
        assert admin.flag(record.id, canary, "PERSON", "admin").removed_from_exports
        # (the flag and audit rows written after the checkpoint hold no text of the record)
        assert occurrences(settings.data_dir, canary) == dict.fromkeys(DB_FILES, 0)
    finally:
        await rt.close()


def test_an_existing_regression_file_becomes_0600(tmp_path: Path) -> None:
    path = tmp_path / "redaction_regressions.jsonl"
    path.write_text("")
    path.chmod(0o644)
    append_case(path, regression_case("my pin is 4821", "4821", "PASSWORD", datetime.now(UTC)))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
