"""The one Settings class: environment (prefix QNABOT_), optional .env file, validated at start."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.core.errors import ConfigError
from trading.catalog import known_exchange_ids

BUNDLED_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class TradingMode(StrEnum):
    PAPER = "paper"
    LIVE = "live"


class LlmBackend(StrEnum):
    LLAMA_CPP = "llama_cpp"
    OPENAI_HTTP = "openai_http"
    EXTRACTIVE = "extractive"


class MarketSource(StrEnum):
    REPLAY = "replay"
    EXCHANGE = "exchange"


class ConsoleLanguage(StrEnum):
    EN = "en"
    JA = "ja"


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, int):
        return [value]
    return value


class Settings(BaseSettings):
    """Every operator setting; docs/configuration.md is generated from these descriptions."""

    model_config = SettingsConfigDict(
        env_prefix="QNABOT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(
        Path("var"), description="Where the database, keys, model and logs live."
    )
    database_url: str = Field(
        "", description="SQLAlchemy URL; empty = sqlite:///<data_dir>/qnabot.db"
    )
    database_schema: str = Field(
        "", description="PostgreSQL schema (search_path); empty = default."
    )
    telegram_bot_token: SecretStr | None = Field(
        None, validation_alias="TELEGRAM_BOT_TOKEN", description="Bot token; unset = terminal chat."
    )
    telegram_api_url: str = Field("https://api.telegram.org", description="Bot API base URL.")
    webhook_url: str = Field("", description="Public webhook URL; empty = long polling.")
    webhook_listen: str = Field("127.0.0.1", description="Webhook listen address.")
    webhook_port: int = Field(8443, description="Webhook listen port.")
    allowed_user_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Telegram user ids allowed to use the bot; empty = all."
    )
    user_rate_per_min: int = Field(30, ge=1, le=6000, description="Requests per user per minute.")
    user_burst: int = Field(10, ge=1, le=1000, description="Requests a user may send at once.")
    alert_check_interval_s: int = Field(
        60, ge=5, le=3600, description="How often alerts and watches are checked on closed candles."
    )
    alert_max_per_user: int = Field(20, ge=1, le=500, description="Active alerts per user.")
    alert_notify_per_hour: int = Field(
        10, ge=1, le=1000, description="Alert messages per user per hour (more wait)."
    )
    watch_max_per_user: int = Field(
        10, ge=1, le=200, description="Active /watch rules per user (each can propose trades)."
    )
    exchange_id: str = Field("binance", description="ccxt exchange id.")
    exchange_api_url: str = Field("", description="Override of the exchange REST base URL.")
    trading_mode: TradingMode = Field(TradingMode.PAPER, description="paper or live.")
    live_trading_enabled: bool = Field(False, description="Second switch required for live mode.")
    proposal_ttl_s: int = Field(60, ge=5, le=3600, description="Seconds a proposal stays valid.")
    price_tolerance_pct: float = Field(
        0.5,
        gt=0,
        le=20,
        description=(
            "Approval re-checks the price; above this move (%) it shows a fresh card to approve."
        ),
    )
    paper_start_usdt: float = Field(
        10000.0, gt=0, le=1e9, description="USDT in a new paper wallet."
    )
    exchange_timeout_s: float = Field(
        10.0, gt=0, le=120, description="Timeout of one exchange request."
    )
    market_source: MarketSource = Field(
        MarketSource.REPLAY, description="Candles/prices: replay (bundled files) or exchange."
    )
    replay_start: datetime = Field(
        datetime(2024, 8, 6, tzinfo=UTC), description="Replay time at bot start (UTC)."
    )
    replay_speed: float = Field(
        1.0, gt=0, le=100_000, description="Replay seconds per real second."
    )
    market_candle_ttl_s: float = Field(
        15.0, ge=0, le=3600, description="Seconds one candle fetch serves every user."
    )
    market_ticker_ttl_s: float = Field(
        2.0, ge=0, le=600, description="Seconds one ticker fetch serves every user."
    )
    llm_backend: LlmBackend = Field(LlmBackend.LLAMA_CPP, description="Model backend.")
    model_path: Path | None = Field(None, description="GGUF file; empty = bundled SmolLM2.")
    llm_url: str = Field("", description="OpenAI-compatible endpoint for llm_backend=openai_http.")
    llm_threads: int = Field(2, ge=1, le=256, description="llama.cpp threads.")
    llm_timeout_s: float = Field(30.0, gt=0, description="Per-answer generation timeout.")
    admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Telegram user ids allowed to use admin commands."
    )
    allow_remote: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Hosts allowed off this machine (database, LLM, proxies, overrides).",
    )
    console_user_id: int = Field(1, description="User id the terminal chat acts as.")
    console_language: ConsoleLanguage = Field(
        ConsoleLanguage.EN,
        description="Language of the terminal chat: en or ja (a /lang choice overrides it).",
    )
    log_level: str = Field("INFO", description="Root log level.")
    log_format: LogFormat = Field(LogFormat.TEXT, description="text or json log lines.")
    encryption_key: SecretStr | None = Field(
        None, description="Base64 32-byte key for secrets at rest; unset = <data_dir>/secret.key."
    )
    retention_finetune_days: int = Field(
        365, ge=0, description="Days redacted fine-tune turns are kept (0 = forever)."
    )
    retention_audit_days: int = Field(
        730, ge=0, description="Days audit records are kept (0 = forever)."
    )
    admin_web_host: str = Field("127.0.0.1", description="Admin web console listen address.")
    admin_web_port: int = Field(8780, ge=0, le=65535, description="Admin console port (0 = any).")
    admin_web_token: SecretStr | None = Field(
        None, description="Admin web console login token; unset = a fresh one printed at start."
    )
    redaction_regressions_file: Path | None = Field(
        None,
        description=(
            "JSONL where admins' flagged redaction misses go (regression cases); "
            "empty = <data_dir>/redaction_regressions.jsonl."
        ),
    )

    @field_validator("admin_ids", "allow_remote", "allowed_user_ids", mode="before")
    @classmethod
    def _csv(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("replay_start")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @field_validator("exchange_id")
    @classmethod
    def _known_exchange(cls, value: str) -> str:
        known = known_exchange_ids()
        if known and value not in known:
            raise ValueError(f"unknown exchange {value!r} (ccxt has e.g. binance, kraken, okx)")
        return value

    @field_validator("database_url")
    @classmethod
    def _valid_url(cls, value: str) -> str:
        if not value:
            return value
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "malformed database URL (expected e.g. postgresql://host/db)"
            ) from None
        if url.get_backend_name() not in {"sqlite", "postgresql"}:
            raise ValueError("only sqlite:// and postgresql:// URLs are supported")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @model_validator(mode="after")
    def _live_needs_switch(self) -> Settings:
        if self.trading_mode is TradingMode.LIVE and not self.live_trading_enabled:
            raise ValueError(
                "QNABOT_TRADING_MODE: live also needs QNABOT_LIVE_TRADING_ENABLED=true"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        """Return the database URL, defaulting to the SQLite file in the data dir."""
        return self.database_url or f"sqlite:///{self.data_dir / 'qnabot.db'}"

    @property
    def resolved_regressions_file(self) -> Path:
        """Return where flagged redaction misses are appended (default in the data dir)."""
        return self.redaction_regressions_file or self.data_dir / "redaction_regressions.jsonl"

    @property
    def resolved_model_path(self) -> Path:
        """Return the GGUF path, defaulting to the bundled model in the data dir."""
        return self.model_path or self.data_dir / "models" / BUNDLED_MODEL_FILE


def _env_name(field: str) -> str:
    if field == "telegram_bot_token":
        return "TELEGRAM_BOT_TOKEN"
    return f"QNABOT_{field.upper()}"


def load_settings(**overrides: object) -> Settings:
    """Build Settings from the environment, raising ConfigError that names the bad setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as err:
        first = err.errors()[0]
        message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
        loc = first.get("loc") or ()
        if not loc:
            setting, _, problem = message.partition(": ")
            raise ConfigError(setting, problem) from None
        field = str(loc[0])
        name = _env_name(field) if field in Settings.model_fields else field
        raise ConfigError(name, message) from None


def check_model_file(settings: Settings) -> None:
    """Raise ConfigError when the llama.cpp backend has no model file to load."""
    if settings.llm_backend is not LlmBackend.LLAMA_CPP:
        return
    path = settings.resolved_model_path
    if not path.is_file():
        hint = "" if settings.model_path else " (run `make run` to install the bundled model)"
        raise ConfigError("QNABOT_MODEL_PATH", f"model file not found: {path}{hint}")
