"""Composition root: builds every service from Settings and closes them again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.conversation import Conversation, Registry, Request
from bot.errors import ConfigError
from bot.handlers import build_registry
from bot.services import Clock, Services, utc_now
from bot.settings import Settings
from bot.storage import make_engine, migrate
from llm.ports import ChatModel
from trading.ports import MarketData


@dataclass
class Overrides:
    """Seams for tests and benchmarks: replace a service that talks to the outside world.

    Each feature adds an optional field here (e.g. a scripted chat model, a market data source
    pointed at a local server) and uses it in its builder instead of the default.
    """

    market: MarketData | None = None
    chat_model: ChatModel | None = None
    extra_features: tuple[Callable[[Registry], None], ...] = ()
    """Extra `register(registry)` functions (test-only commands that exercise a transport)."""


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
    check_residency(settings)
    migrate(engine)
    services = Services(settings=settings, engine=engine, clock=clock)
    _build_market(services, overrides)
    _build_privacy(services)
    _build_admin(services)
    _build_trading(services, overrides)
    _build_alerts(services)
    _build_qa(services, overrides)
    return services


def check_residency(settings: Settings) -> None:
    """Refuse a non-local database or LLM endpoint unless QNABOT_ALLOW_REMOTE lists its host."""
    from privacy.residency import remote_endpoints

    endpoints = {"database": settings.resolved_database_url, "LLM endpoint": settings.llm_url}
    remote = remote_endpoints(endpoints, settings.allow_remote)
    if remote:
        first = remote[0]
        raise ConfigError(
            "QNABOT_ALLOW_REMOTE",
            f"the {first.what} host {first.host!r} is not on this machine; data stays local "
            f"unless you add {first.host} to QNABOT_ALLOW_REMOTE",
        )


def build_market_source(settings: Settings, clock: Clock) -> MarketData:
    """Return the configured candle/price source: the bundled replay or the exchange (ccxt)."""
    from bot.settings import MarketSource

    if settings.market_source is MarketSource.EXCHANGE:
        from trading.ccxt_adapter import CcxtExchange

        return CcxtExchange(
            settings.exchange_id,
            api_url=settings.exchange_api_url,
            timeout_s=settings.exchange_timeout_s,
        )
    from trading.replay import ReplayConfig, ReplayMarket

    config = ReplayConfig(start=settings.replay_start, speed=settings.replay_speed)
    return ReplayMarket(config, clock)


def _build_market(services: Services, overrides: Overrides) -> None:
    from trading.market import MarketConfig, MarketService

    settings = services.settings
    source = overrides.market or build_market_source(settings, services.clock)
    if isinstance(source, MarketService):
        services.market = source
        return
    config = MarketConfig(
        candle_ttl_s=settings.market_candle_ttl_s, ticker_ttl_s=settings.market_ticker_ttl_s
    )
    services.market = MarketService(source, config)
    if overrides.market is None:  # an override belongs to the test that made it
        services.closers.append(services.market.close)


def _build_privacy(services: Services) -> None:
    from privacy import PrivacyService, Pseudonymizer, RetentionDays, SecretBox
    from privacy.crypto import key_from_base64, load_or_create_key
    from privacy.pseudonym import load_or_create_secret

    settings = services.settings
    key = (
        key_from_base64(settings.encryption_key.get_secret_value())
        if settings.encryption_key
        else load_or_create_key(settings.data_dir / "secret.key")
    )
    privacy = PrivacyService(
        services.engine,
        services.clock,
        Pseudonymizer(load_or_create_secret(settings.data_dir / "pseudonym.key")),
        SecretBox(key),
        RetentionDays(settings.retention_finetune_days, settings.retention_audit_days),
    )

    async def keep_for_finetuning(req: Request, reply: str) -> None:
        if req.is_private:
            privacy.record_turn(req.user_id, req.text, reply)

    services.privacy = privacy
    services.user_data_owners.append(privacy)
    services.turn_hooks.append(keep_for_finetuning)


def _build_admin(services: Services) -> None:
    from functools import partial

    from bot.web.service import AdminService, trade_counts

    if services.privacy is None:
        return
    admin = AdminService(
        services.engine,
        services.privacy,
        services.clock,
        services.settings.resolved_regressions_file,
        partial(trade_counts, services.engine),
    )

    async def close_admin() -> None:
        admin.close()

    services.admin = admin
    services.closers.append(close_admin)


def _build_trading(services: Services, overrides: Overrides) -> None:
    from decimal import Decimal

    from trading.paper import PaperConfig
    from trading.service import TradingConfig, TradingService, ta_rating
    from trading.venues import LiveAccount, Venues

    settings = services.settings
    market = services.market
    assert market is not None, "_build_market runs first"
    live = settings.trading_mode.value == "live" and settings.live_trading_enabled

    def live_account(api_key: str, secret: str) -> LiveAccount:
        from trading.ccxt_adapter import CcxtExchange

        return CcxtExchange(
            settings.exchange_id,
            api_key=api_key,
            secret=secret,
            api_url=settings.exchange_api_url,
            timeout_s=settings.exchange_timeout_s,
        )

    if services.privacy is None:
        raise ConfigError("QNABOT_DATA_DIR", "the trading feature needs the privacy key store")
    venues = Venues(
        services.engine,
        mode="live" if live else "paper",
        market=market,
        paper=PaperConfig(start_quote=Decimal(str(settings.paper_start_usdt))),
        clock=services.clock,
        box=services.privacy.box,
        exchange_id=settings.exchange_id,
        live_factory=live_account if live else None,
    )
    config = TradingConfig(
        mode=venues.mode,
        proposal_ttl_s=settings.proposal_ttl_s,
        price_tolerance_pct=Decimal(str(settings.price_tolerance_pct)),
        order_timeout_s=settings.exchange_timeout_s,
    )
    services.trading = TradingService(
        services.engine, venues, config, clock=services.clock, rating=ta_rating(market)
    )
    services.user_data_owners.append(services.trading)
    services.closers.append(services.trading.close)


def _build_alerts(services: Services) -> None:
    from trading.alerts import AlertService

    settings = services.settings
    services.alerts = AlertService(
        services.engine,
        services.market,
        services.clock,
        max_per_user=settings.alert_max_per_user,
        notify_per_hour=settings.alert_notify_per_hour,
    )
    services.user_data_owners.append(services.alerts)


def build_chat_model(settings: Settings) -> ChatModel:
    """Return the configured model backend (llama.cpp loads its file on first use)."""
    from bot.settings import LlmBackend

    if settings.llm_backend is LlmBackend.OPENAI_HTTP:
        from llm.openai_http import OpenAIHttpModel

        return OpenAIHttpModel(settings.llm_url, timeout_s=settings.llm_timeout_s)
    if settings.llm_backend is LlmBackend.EXTRACTIVE:
        from llm import ExtractiveModel

        return ExtractiveModel()
    from llm.llama_cpp import LlamaCppModel

    return LlamaCppModel(settings.resolved_model_path, threads=settings.llm_threads)


def _build_qa(services: Services, overrides: Overrides) -> None:
    from bot.answering import Answerer, ConversationMemory
    from bot.live_facts import MarketFacts
    from llm import KnowledgeBase, ModelGate
    from privacy import redact

    model = overrides.chat_model or build_chat_model(services.settings)
    market = services.market
    assert market is not None, "_build_market runs first"
    memory = ConversationMemory(redact=lambda text: redact(text).text)

    async def remember(req: Request, reply: str) -> None:
        memory.remember(req.user_id, req.text)

    services.chat_model = model
    services.answers = Answerer(
        ModelGate(model, timeout_s=services.settings.llm_timeout_s),
        KnowledgeBase.bundled(),
        memory,
        MarketFacts(market) if market is not None else None,
    )
    services.user_data_owners.append(memory)
    services.turn_hooks.append(remember)
    services.closers.append(model.close)


async def open_runtime(
    settings: Settings, *, clock: Clock = utc_now, overrides: Overrides | None = None
) -> Runtime:
    """Build services, registry and conversation; the caller must `await runtime.close()`."""
    services = build_services(settings, clock=clock, overrides=overrides)
    registry = build_registry()
    for register in overrides.extra_features if overrides else ():
        register(registry)
    return Runtime(
        services=services, registry=registry, conversation=Conversation(registry, services)
    )
