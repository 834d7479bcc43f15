"""Database engine and migrations: the same code on SQLite (default) and PostgreSQL."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Field, Session, SQLModel, select

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent.parent / "migrations"
VACUUM_LOCK_TIMEOUT_S = 10


class KeyValue(SQLModel, table=True):
    """Small instance-wide state (e.g. admin toggles) that must survive restarts."""

    __tablename__ = "kv_store"

    key: str = Field(primary_key=True, max_length=128)
    value: str = Field(max_length=4096)
    updated_at: datetime


def normalise_url(url: str) -> str:
    """Return the URL with the psycopg 3 driver for PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    # Deleted rows are overwritten with zeros, whatever this SQLite build's default is.
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def _owner_only(path: Path) -> None:
    # A database made by an older version (or under another umask) becomes 0600; SQLite
    # gives the -wal and -shm files it creates the main file's mode.
    if path.exists() and path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
        path.chmod(0o600)


def make_engine(url: str, *, schema: str | None = None) -> Engine:
    """Create an engine; SQLite gets WAL mode, PostgreSQL an optional search_path schema."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            _owner_only(Path(parsed.database))
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    connect_args: dict[str, Any] = {"connect_timeout": 5}
    if schema:
        connect_args["options"] = f"-csearch_path={schema}"
    return create_engine(url, connect_args=connect_args, pool_pre_ping=True, pool_size=10)


def reclaim_erased(engine: Engine) -> None:
    """Push erased rows out of the database files (SQLite: WAL checkpoint; PostgreSQL: VACUUM)."""
    if engine.dialect.name == "sqlite":
        _checkpoint_wal(engine)
    elif engine.dialect.name == "postgresql":
        _vacuum_schema(engine)


def _checkpoint_wal(engine: Engine) -> None:
    # TRUNCATE copies every WAL frame into the main file (where secure_delete zeroed the
    # deleted rows) and cuts the -wal file to zero bytes; it waits for readers (busy_timeout).
    with engine.connect() as conn:
        busy, frames, done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    if busy:
        log.warning("wal checkpoint blocked by a reader frames=%d copied=%d", frames, done)
    else:
        log.info("wal checkpoint truncated frames=%d", frames)


def _vacuum_schema(engine: Engine) -> None:
    # Plain VACUUM leaves a deleted row's bytes in the page's free space (measured), so the
    # tables are rewritten with VACUUM FULL; it cannot run in a transaction block (AUTOCOMMIT).
    vacuumed = skipped = 0
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"SET lock_timeout = '{VACUUM_LOCK_TIMEOUT_S}s'")
        try:
            for table, allowed in conn.execute(text(_SCHEMA_TABLES)).all():
                if allowed and _vacuum(conn, conn.dialect.identifier_preparer.quote(table)):
                    vacuumed += 1
                else:
                    skipped += 1
        finally:
            conn.exec_driver_sql("RESET lock_timeout")  # the connection goes back to the pool
    if skipped:
        log.warning("vacuum skipped tables=%d: this role may not vacuum them", skipped)
    log.info("vacuum full after erasure tables=%d", vacuumed)


def _vacuum(conn: Connection, table: str) -> bool:
    from psycopg import errors as pg_errors

    try:
        conn.exec_driver_sql(f"VACUUM (FULL) {table}")
    except DBAPIError as err:
        if isinstance(err.orig, pg_errors.LockNotAvailable):
            # A long transaction holds the table: drop the dead rows now, rewrite next time.
            log.warning("vacuum full timed out waiting for a lock; plain vacuum instead")
            conn.exec_driver_sql(f"VACUUM {table}")
            return True
        if not isinstance(err.orig, pg_errors.InsufficientPrivilege):
            raise
        return False
    return True


# The current schema's tables, and whether this role may vacuum each (owner, database owner
# or superuser); PostgreSQL only warns and skips the others.
_SCHEMA_TABLES = """
SELECT c.relname,
       pg_has_role(current_user, c.relowner, 'USAGE')
       OR pg_has_role(current_user, d.datdba, 'USAGE') AS allowed
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_database d ON d.datname = current_database()
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')
ORDER BY c.relname
"""


def migrate(engine: Engine) -> None:
    """Apply every pending alembic migration (all package branches) to the engine's database."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
    log.info("migrations applied")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def put_value(engine: Engine, key: str, value: str, now: datetime | None = None) -> None:
    """Insert or replace one instance-wide value."""
    stamp = now or datetime.now(UTC)
    with session_scope(engine) as session:
        row = session.get(KeyValue, key)
        if row is None:
            session.add(KeyValue(key=key, value=value, updated_at=stamp))
        else:
            row.value = value
            row.updated_at = stamp
            session.add(row)


def get_value(engine: Engine, key: str) -> str | None:
    """Return one instance-wide value, or None."""
    with Session(engine) as session:
        row = session.exec(select(KeyValue).where(KeyValue.key == key)).first()
        return row.value if row else None


def increment_value(engine: Engine, key: str, now: datetime | None = None) -> None:
    """Add one to a counting value in one statement, so every process and worker sees one total."""
    stamp = now or datetime.now(UTC)
    bump = text(
        "UPDATE kv_store SET value = CAST(CAST(value AS INTEGER) + 1 AS VARCHAR(20)), "
        "updated_at = :now WHERE key = :key"
    )
    first = insert(KeyValue).values(key=key, value="1", updated_at=stamp)
    try:
        with engine.begin() as conn:
            if conn.execute(bump, {"now": stamp, "key": key}).rowcount == 0:
                conn.execute(first)
    except IntegrityError:  # another worker inserted the first one meanwhile
        with engine.begin() as conn:
            conn.execute(bump, {"now": stamp, "key": key})
