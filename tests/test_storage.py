"""Storage runs the same on SQLite and PostgreSQL (the `engine` fixture is parametrised)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, inspect, text

from bot.core.storage import get_value, make_engine, migrate, normalise_url, put_value


def test_migrations_create_schema(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"kv_store", "alembic_version"} <= tables


def test_migrate_is_idempotent(engine: Engine) -> None:
    migrate(engine)
    with engine.connect() as conn:
        heads = conn.execute(text("select count(*) from alembic_version")).scalar_one()
    assert heads >= 1


def test_value_round_trip_and_overwrite(engine: Engine) -> None:
    assert get_value(engine, "live_mode") is None
    put_value(engine, "live_mode", "off", now=datetime(2024, 1, 1, tzinfo=UTC))
    put_value(engine, "live_mode", "on")
    assert get_value(engine, "live_mode") == "on"


def test_sqlite_uses_wal(tmp_path) -> None:
    eng = make_engine(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    with eng.connect() as conn:
        mode = conn.execute(text("PRAGMA journal_mode")).scalar_one()
    eng.dispose()
    assert mode == "wal"
    assert (tmp_path / "sub" / "x.db").exists()


def test_postgres_url_gets_psycopg_driver() -> None:
    assert normalise_url("postgresql://u@h/db").startswith("postgresql+psycopg://")
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
