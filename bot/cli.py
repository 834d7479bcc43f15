"""The `qnabot` command line: run, chat, migrate, version (features add more)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TypeVar

import typer

from bot import __version__
from bot.errors import ConfigError
from bot.settings import Settings, check_model_file, load_settings

app = typer.Typer(
    help="qnabot: self-hosted crypto trading assistant (Telegram or terminal chat).",
    no_args_is_help=True,
    add_completion=False,
)
admin_app = typer.Typer(help="Admin tasks: audit, exports, web console.", no_args_is_help=True)
app.add_typer(admin_app, name="admin")
T = TypeVar("T")


def _fail(err: ConfigError) -> typer.Exit:
    typer.echo(f"qnabot: configuration error: {err}", err=True)
    return typer.Exit(code=2)


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as err:
        raise _fail(err) from None


def _guard(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except ConfigError as err:
        raise _fail(err) from None


def _start_logging(settings: Settings, *, to_file: bool = False) -> None:
    """Log to stderr, or (terminal chat, so the screen stays readable) to <data_dir>/logs."""
    from bot.logs import configure_logging
    from privacy.logfilter import RedactingFilter

    log_file = settings.data_dir / "logs" / "qnabot.log" if to_file else None
    configure_logging(
        settings.log_level,
        settings.log_format.value,
        extra_filters=(RedactingFilter(),),
        log_file=log_file,
    )


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(f"qnabot {__version__}")


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    settings = _settings()
    from bot.storage import make_engine
    from bot.storage import migrate as apply

    engine = make_engine(settings.resolved_database_url, schema=settings.database_schema or None)
    try:
        _guard(lambda: apply(engine))
    finally:
        engine.dispose()
    typer.echo("database is up to date")


async def _chat(settings: Settings) -> None:
    from bot.app import open_runtime
    from bot.console import run_console

    runtime = await open_runtime(settings)
    try:
        await run_console(
            runtime.conversation,
            sys.stdin,
            sys.stdout,
            user_id=settings.console_user_id,
            outbox=settings.data_dir / "outbox",
        )
    finally:
        await runtime.close()


@app.command()
def chat() -> None:
    """Chat in the terminal (the same handlers as Telegram); reads stdin until EOF."""
    settings = _settings()
    _guard(lambda: check_model_file(settings))
    _start_logging(settings, to_file=True)
    _guard(lambda: asyncio.run(_chat(settings)))


@app.command()
def run() -> None:
    """Start the bot: Telegram when TELEGRAM_BOT_TOKEN is set, else the terminal chat."""
    settings = _settings()
    _guard(lambda: check_model_file(settings))
    if settings.telegram_bot_token is None:
        _start_logging(settings, to_file=True)
        _guard(lambda: asyncio.run(_chat(settings)))
        return
    from bot.telegram import run_telegram

    _start_logging(settings)
    _guard(lambda: run_telegram(settings))


def _register_feature_commands() -> None:
    # Feature modules add their commands to `app` / `admin_app` when imported.
    from bot import cli_admin, cli_privacy, cli_ta  # noqa: F401


def main() -> None:
    """Entry point of the console script."""
    _register_feature_commands()
    app()


if __name__ == "__main__":
    # Run the importable module, not this __main__ copy, so feature modules that import
    # `bot.cli` register their commands on the same Typer app.
    from bot.cli import main as _main

    _main()
