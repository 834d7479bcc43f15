"""The `qnabot` command line: run, chat, migrate, version; each feature's sub-app joins here."""

from __future__ import annotations

import asyncio
import os
import sys

import typer

from bot import __version__
from bot.cli import admin, privacy, ta
from bot.cli.common import guard, last_resort, settings_or_exit, start_logging, typer_app
from bot.settings import Settings, check_model_file

app = typer_app("qnabot: self-hosted crypto trading assistant (Telegram or terminal chat).")
admin_app = typer_app("Admin tasks: audit, exports, web console.")
admin_app.add_typer(admin.app)
admin_app.add_typer(privacy.admin_app)
app.add_typer(admin_app, name="admin")
app.add_typer(privacy.app)
app.add_typer(ta.app)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(f"qnabot {__version__}")


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    settings = settings_or_exit()
    from bot.core.residency import open_engine
    from bot.core.storage import migrate as apply

    engine = guard(lambda: open_engine(settings))
    try:
        guard(lambda: apply(engine))
    finally:
        engine.dispose()
    typer.echo("database is up to date")


async def _chat(settings: Settings) -> None:
    from bot.app import open_runtime
    from bot.transports.console import run_console

    runtime = await open_runtime(settings)
    try:
        await run_console(
            runtime.conversation,
            sys.stdin,
            sys.stdout,
            user_id=settings.console_user_id,
            outbox=settings.data_dir / "outbox",
            language=settings.console_language.value,
        )
    finally:
        await runtime.close()


@app.command()
def chat() -> None:
    """Chat in the terminal (the same handlers as Telegram); reads stdin until EOF."""
    settings = settings_or_exit()
    guard(lambda: check_model_file(settings))
    start_logging(settings, to_file=True)
    guard(lambda: asyncio.run(_chat(settings)))


@app.command()
def run() -> None:
    """Start the bot: Telegram when TELEGRAM_BOT_TOKEN is set, else the terminal chat."""
    settings = settings_or_exit()
    guard(lambda: check_model_file(settings))
    if settings.telegram_bot_token is None:
        start_logging(settings, to_file=True)
        guard(lambda: asyncio.run(_chat(settings)))
        return
    from bot.transports.telegram import run_telegram

    start_logging(settings)
    guard(lambda: run_telegram(settings))


def main() -> None:
    """Entry point of the console script."""
    os.umask(0o077)  # every file the bot creates (database, -wal, -shm, logs, exports) is 0600
    sys.excepthook = last_resort
    # The click command itself: Typer's __call__ would install its own excepthook.
    typer.main.get_command(app)()


__all__ = ["app", "last_resort", "main"]
