"""Shared fixtures: settings in a temp data dir, and a real database on SQLite and PostgreSQL.

`db_url` / `engine` are parametrised over both stores. PostgreSQL gets a fresh schema per
test (dropped afterwards); it is skipped only when the server is unreachable, and the run's
summary says so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, create_engine, text

from bot.core.storage import make_engine, migrate
from bot.settings import Settings, load_settings

# `make test` and CI run the same property examples every time (a red run names a real bug,
# never a lucky draw); HYPOTHESIS_PROFILE=explore searches fresh random examples.
hypothesis_settings.register_profile("repeatable", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

PG_URL = os.environ.get("QNABOT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SHARED = Path(__file__).resolve().parents[2] / "shared"
_pg_state: dict[str, str] = {}


def pg_unreachable_reason() -> str | None:
    """Return why PostgreSQL cannot be used, or None when it answers."""
    if "reason" not in _pg_state:
        try:
            probe = create_engine(PG_URL, connect_args={"connect_timeout": 3})
            with probe.connect() as conn:
                conn.execute(text("select 1"))
            probe.dispose()
            _pg_state["reason"] = ""
        except Exception as exc:  # any failure means "unreachable" for the skip decision
            _pg_state["reason"] = f"PostgreSQL at {PG_URL} unreachable: {type(exc).__name__}"
    return _pg_state["reason"] or None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reason = _pg_state.get("reason")
    if reason:
        terminalreporter.write_line(f"WARNING: PostgreSQL tests were SKIPPED — {reason}", red=True)
    elif reason == "":
        terminalreporter.write_line("storage tests ran on SQLite and PostgreSQL")


@pytest.fixture
def make_settings(tmp_path: Path):
    """Return a factory for Settings rooted in this test's temp data dir."""

    def factory(**overrides: object) -> Settings:
        base: dict[str, object] = {"data_dir": tmp_path / "data", "llm_backend": "extractive"}
        base.update(overrides)
        return load_settings(**base)

    return factory


@pytest.fixture
def settings(make_settings) -> Settings:
    return make_settings()


@pytest.fixture
def pg_schema_url() -> Iterator[tuple[str, str]]:
    """Yield (url, schema) of a fresh PostgreSQL schema, dropped after the test."""
    reason = pg_unreachable_reason()
    if reason:
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield PG_URL, schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """Yield (url, schema) for each store: a SQLite file, then a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'qnabot.db'}", None
    else:
        yield request.getfixturevalue("pg_schema_url")


@pytest.fixture
def engine(store: tuple[str, str | None]) -> Iterator[Engine]:
    """A migrated engine on each store (parametrised: sqlite, postgresql)."""
    url, schema = store
    eng = make_engine(url, schema=schema)
    migrate(eng)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def shared_dir() -> Path:
    """The ../shared folder; tests that run its scripts skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found at {SHARED}: this test runs a shared script")
    return SHARED


def run_qnabot(
    data_dir: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot.cli ARGS` in a clean environment (no QNABOT_* or bot token)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QNABOT_")}
    clean.pop("TELEGRAM_BOT_TOKEN", None)
    clean.update({"QNABOT_DATA_DIR": str(data_dir), **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
        cwd=data_dir,
    )
