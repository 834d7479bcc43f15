"""Composition root: builds every service from Settings and closes them again."""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversation import Conversation, Registry
from bot.handlers import build_registry
from bot.services import Clock, Services, utc_now
from bot.settings import Settings
from bot.storage import make_engine, migrate


@dataclass
class Overrides:
    """Seams for tests and benchmarks: replace a service that talks to the outside world.

    Each feature adds an optional field here (e.g. a scripted chat model, a market data source
    pointed at a local server) and uses it in its builder instead of the default.
    """


@dataclass
class Runtime:
    """A running bot: its services and the conversation layer over them."""

    services: Services
    registry: Registry
    conversation: Conversation

    async def close(self) -> None:
        """Release every resource the services hold (in reverse order of creation)."""
        for closer in reversed(self.services.closers):
            await closer()
        self.services.engine.dispose()


def build_services(
    settings: Settings, *, clock: Clock = utc_now, overrides: Overrides | None = None
) -> Services:
    """Create the service container (database migrated) for these settings."""
    overrides = overrides or Overrides()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url, schema=settings.database_schema or None)
    migrate(engine)
    return Services(settings=settings, engine=engine, clock=clock)


async def open_runtime(
    settings: Settings, *, clock: Clock = utc_now, overrides: Overrides | None = None
) -> Runtime:
    """Build services, registry and conversation; the caller must `await runtime.close()`."""
    services = build_services(settings, clock=clock, overrides=overrides)
    registry = build_registry()
    return Runtime(
        services=services, registry=registry, conversation=Conversation(registry, services)
    )
