"""Composition root: builds every service from Settings and closes them again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy import Engine

from bot.core.clock import Clock, utc_now
from bot.core.conversation import Request
from bot.core.prefs import PrefsService
from bot.core.registry import Conversation, Registry
from bot.core.residency import open_engine
from bot.core.services import Closer, Services, TurnHook, UserDataOwner
from bot.core.storage import migrate, reclaim_erased
from bot.features.admin import handlers as admin
from bot.features.admin.service import AdminService
from bot.features.alerts import handlers as alerts
from bot.features.help import handlers as help_commands
from bot.features.privacy import handlers as privacy
from bot.features.qa import handlers as qa
from bot.features.qa.answering import Answerer, ConversationMemory
from bot.features.qa.facts import MarketFacts
from bot.features.settings import handlers as settings_commands
from bot.features.ta import handlers as ta
from bot.features.trading import handlers as trading
from bot.settings import LlmBackend, MarketSource, Settings
from llm import KnowledgeBase, ModelGate
from llm.ports import ChatModel
from privacy import PrivacyService
from trading import TradeActivity
from trading.alerts import AlertService
from trading.market import MarketService
from trading.ports import MarketData
from trading.service import TradingService
from trading.watches import WatchService

# Intents are tried in registration order: trading, watch rules ("when ETH RSI drops below
# 30 ... propose buying ...", before TA reads it as a question) and TA before the Q&A fallback.
FEATURES = (help_commands, privacy, settings_commands, trading, alerts, ta, admin, qa)


def build_registry() -> Registry:
    """Return a registry holding every feature's commands, callbacks and intents."""
    registry = Registry()
    for feature in FEATURES:
        feature.register(registry)
    return registry


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


@dataclass
class _Parts:
    """What the builders collect on the way: per-user data owners, turn hooks, closers."""

    settings: Settings
    engine: Engine
    clock: Clock
    owners: list[UserDataOwner] = field(default_factory=list)
    hooks: list[TurnHook] = field(default_factory=list)
    closers: list[Closer] = field(default_factory=list)


def build_services(
    settings: Settings, *, clock: Clock = utc_now, overrides: Overrides | None = None
) -> Services:
    """Create the service container (database migrated) for these settings."""
    overrides = overrides or Overrides()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = open_engine(settings)
    migrate(engine)
    parts = _Parts(settings, engine, clock)
    market = _build_market(parts, overrides)
    privacy = _build_privacy(parts)
    admin = _build_admin(parts, privacy)
    trading_service = _build_trading(parts, market, privacy)
    alerts_service = _build_alerts(parts, market)
    watches = _build_watches(parts, market, trading_service)
    model, answers = _build_qa(parts, market, overrides)
    prefs = PrefsService(engine, privacy.pseudonym, clock)
    parts.owners.append(prefs)
    return Services(
        settings=settings,
        engine=engine,
        market=market,
        privacy=privacy,
        admin=admin,
        trading=trading_service,
        alerts=alerts_service,
        watches=watches,
        chat_model=model,
        answers=answers,
        prefs=prefs,
        clock=clock,
        user_data_owners=parts.owners,
        turn_hooks=parts.hooks,
        closers=parts.closers,
    )


def build_market_source(settings: Settings, clock: Clock) -> MarketData:
    """Return the configured candle/price source: the bundled replay or the exchange (ccxt)."""
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


def _build_market(parts: _Parts, overrides: Overrides) -> MarketService:
    from trading.market import MarketConfig

    settings = parts.settings
    source = overrides.market or build_market_source(settings, parts.clock)
    if isinstance(source, MarketService):
        return source
    config = MarketConfig(
        candle_ttl_s=settings.market_candle_ttl_s, ticker_ttl_s=settings.market_ticker_ttl_s
    )
    market = MarketService(source, config)
    if overrides.market is None:  # an override belongs to the test that made it
        parts.closers.append(market.close)
    return market


def _build_privacy(parts: _Parts) -> PrivacyService:
    from privacy import Pseudonymizer, RetentionDays, SecretBox
    from privacy.crypto import key_from_base64, load_or_create_key
    from privacy.pseudonym import load_or_create_secret

    settings = parts.settings
    key = (
        key_from_base64(settings.encryption_key.get_secret_value())
        if settings.encryption_key
        else load_or_create_key(settings.data_dir / "secret.key")
    )
    privacy = PrivacyService(
        parts.engine,
        parts.clock,
        Pseudonymizer(load_or_create_secret(settings.data_dir / "pseudonym.key")),
        SecretBox(key),
        RetentionDays(settings.retention_finetune_days, settings.retention_audit_days),
        reclaim=partial(reclaim_erased, parts.engine),
        audit_checkpoint=settings.data_dir / "audit.checkpoint",
    )

    async def keep_for_finetuning(req: Request, reply: str) -> None:
        if req.is_private:
            privacy.record_turn(req.user_id, req.text, reply)

    parts.owners.append(privacy)
    parts.hooks.append(keep_for_finetuning)
    return privacy


def _build_admin(parts: _Parts, privacy: PrivacyService) -> AdminService:
    admin = AdminService(
        parts.engine,
        privacy,
        parts.clock,
        parts.settings.resolved_regressions_file,
        TradeActivity(parts.engine).counts,
    )

    async def close_admin() -> None:
        admin.close()

    parts.closers.append(close_admin)
    return admin


def _build_trading(parts: _Parts, market: MarketService, privacy: PrivacyService) -> TradingService:
    from decimal import Decimal

    from trading.paper import PaperConfig
    from trading.service import TradingConfig, ta_rating
    from trading.venues import LiveAccount, Venues

    settings = parts.settings
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

    venues = Venues(
        parts.engine,
        mode="live" if live else "paper",
        market=market,
        paper=PaperConfig(start_quote=Decimal(str(settings.paper_start_usdt))),
        clock=parts.clock,
        box=privacy.box,
        exchange_id=settings.exchange_id,
        live_factory=live_account if live else None,
    )
    config = TradingConfig(
        mode=venues.mode,
        proposal_ttl_s=settings.proposal_ttl_s,
        price_tolerance_pct=Decimal(str(settings.price_tolerance_pct)),
        order_timeout_s=settings.exchange_timeout_s,
    )
    service = TradingService(
        parts.engine, venues, config, clock=parts.clock, rating=ta_rating(market)
    )
    parts.owners.append(service)
    parts.closers.append(service.close)
    return service


def _build_alerts(parts: _Parts, market: MarketService) -> AlertService:
    settings = parts.settings
    alerts_service = AlertService(
        parts.engine,
        market,
        parts.clock,
        max_per_user=settings.alert_max_per_user,
        notify_per_hour=settings.alert_notify_per_hour,
    )
    parts.owners.append(alerts_service)
    return alerts_service


def _build_watches(
    parts: _Parts, market: MarketService, trading_service: TradingService
) -> WatchService:
    watches = WatchService(
        parts.engine,
        market,
        trading_service,
        parts.clock,
        max_per_user=parts.settings.watch_max_per_user,
    )
    parts.owners.append(watches)
    return watches


def build_chat_model(settings: Settings) -> ChatModel:
    """Return the configured model backend (llama.cpp loads its file on first use)."""
    if settings.llm_backend is LlmBackend.OPENAI_HTTP:
        from bot.core.residency import llm_address_rule
        from llm.openai_http import OpenAIHttpModel

        return OpenAIHttpModel(
            settings.llm_url,
            timeout_s=settings.llm_timeout_s,
            address_rule=llm_address_rule(settings),
        )
    if settings.llm_backend is LlmBackend.EXTRACTIVE:
        from llm import ExtractiveModel

        return ExtractiveModel()
    from llm.llama_cpp import LlamaCppModel

    return LlamaCppModel(settings.resolved_model_path, threads=settings.llm_threads)


def fact_origin(settings: Settings) -> str:
    """Return where Q&A prices come from, as the answer shows it: replay or live."""
    return "replay" if settings.market_source is MarketSource.REPLAY else "live"


def _build_qa(
    parts: _Parts, market: MarketService, overrides: Overrides
) -> tuple[ChatModel, Answerer]:
    from privacy import redact

    model = overrides.chat_model or build_chat_model(parts.settings)
    memory = ConversationMemory(redact=lambda text: redact(text).text)

    async def remember(req: Request, reply: str) -> None:
        memory.remember(req.user_id, req.text)

    answers = Answerer(
        ModelGate(model, timeout_s=parts.settings.llm_timeout_s),
        KnowledgeBase.bundled(),
        memory,
        MarketFacts(market, origin=fact_origin(parts.settings)),
    )
    parts.owners.append(memory)
    parts.hooks.append(remember)
    parts.closers.append(model.close)
    return model, answers


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
