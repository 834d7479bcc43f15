"""Residency at start: every outbound destination from Settings, judged before any connection."""

from __future__ import annotations

import contextlib
import os
import pwd
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.core.errors import ConfigError
from bot.settings import MarketSource, Settings, TradingMode
from privacy.residency import (
    Outbound,
    Resolver,
    ServiceFiles,
    address_rule,
    decide,
    peer_problem,
    resolve_host,
    url_host,
)

PeerJudge = Callable[[str, str, Collection[str]], str | None]
"""(host, hostaddr, allow-list) of a live connection -> why it is refused, or None."""

# Where libpq looks for pg_service.conf when PGSYSCONFDIR is unset: the psycopg-binary
# wheel's libpq and Debian's use /etc/postgresql-common, a source build /usr/local/pgsql/etc.
# Every file that defines the service is judged, so an extra candidate only adds checks.
SYSCONF_DIRS = (Path("/etc/postgresql-common"), Path("/usr/local/pgsql/etc"), Path("/etc"))


def check_residency(
    settings: Settings,
    *,
    env: Mapping[str, str] | None = None,
    resolve: Resolver = resolve_host,
) -> None:
    """Raise ConfigError when a destination would leave this machine without being allowed."""
    environ = os.environ if env is None else env
    plan = outbound(settings, database_params(settings.resolved_database_url))
    decision = decide(plan, environ, settings.allow_remote, resolve)
    if decision.refusals:
        refusal = decision.refusals[0]
        raise ConfigError("QNABOT_ALLOW_REMOTE", refusal.message())


def llm_address_rule(settings: Settings) -> Callable[[str], bool] | None:
    """Return the check the LLM client applies to every address it is about to connect to."""
    try:
        host = url_host(settings.llm_url)
    except ValueError:
        return None  # check_residency refused it already, or no URL: httpx cannot connect
    return address_rule(host, settings.allow_remote)


def outbound(settings: Settings, database: Mapping[str, str] | None) -> Outbound:
    """Return the destinations these settings make the bot use."""
    live = settings.trading_mode is TradingMode.LIVE and settings.live_trading_enabled
    uses_exchange = live or settings.market_source is MarketSource.EXCHANGE
    return Outbound(
        llm_url=settings.llm_url or None,
        database=database,
        exchange_url=settings.exchange_api_url if uses_exchange else None,
        exchange_id=settings.exchange_id,
        telegram_url=settings.telegram_api_url if settings.telegram_bot_token else None,
        service_files=ServiceFiles(homes=_homes(), sysconf_dirs=SYSCONF_DIRS),
    )


def database_params(url: str) -> dict[str, str] | None:
    """Return the libpq parameters the driver will connect with (None for SQLite)."""
    from bot.core.storage import normalise_url

    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "postgresql":
        return None
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        cargs, cparams = parsed.get_dialect()().create_connect_args(parsed)
    except ArgumentError:  # its message may quote the URL, password included
        problem = "SQLAlchemy refuses its host/port parameters (mixed multi-host forms?)"
        raise ConfigError("QNABOT_DATABASE_URL", problem) from None
    try:  # the same two calls psycopg.connect makes with what SQLAlchemy hands it
        params = conninfo_to_dict(make_conninfo(*cargs, **cparams))
    except psycopg.ProgrammingError as err:
        raise ConfigError("QNABOT_DATABASE_URL", f"libpq refuses it: {err}") from None
    return {key: str(value) for key, value in params.items() if value is not None}


def guard_database_peer(
    engine: Engine, allow: Collection[str], *, judge: PeerJudge = peer_problem
) -> None:
    """Check each new PostgreSQL connection's server address before anything uses it."""
    if engine.dialect.name != "postgresql":
        return

    def check(dbapi_conn: Any, _record: Any) -> None:
        info = dbapi_conn.info  # what libpq actually reached, after every rule it applies
        problem = judge(info.host, info.hostaddr, allow)
        if problem:
            dbapi_conn.close()
            raise ConfigError("QNABOT_ALLOW_REMOTE", f"the database connection {problem}")

    # insert=True: before SQLAlchemy's own first-connect queries
    event.listen(engine, "connect", check, insert=True)


def _homes() -> tuple[Path, ...]:
    homes = [Path.home()]
    with contextlib.suppress(KeyError):
        homes.append(Path(pwd.getpwuid(os.getuid()).pw_dir))
    return tuple(dict.fromkeys(homes))


def open_engine(settings: Settings) -> Engine:
    """Create the database engine once residency allows every destination (peers checked too)."""
    from bot.core.storage import make_engine

    check_residency(settings)
    engine = make_engine(settings.resolved_database_url, schema=settings.database_schema or None)
    guard_database_peer(engine, settings.allow_remote)
    return engine
