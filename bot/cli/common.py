"""What every CLI sub-app shares: the Typer options, settings loading and error reporting."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

import typer
from sqlalchemy import exc as sa_exc

from bot.core.errors import BotError, ConfigError, StartupError
from bot.settings import Settings, load_settings

T = TypeVar("T")
log = logging.getLogger(__name__)


def typer_app(help_text: str) -> typer.Typer:
    """Return a Typer app that never prints pretty tracebacks (they show locals: secrets)."""
    # Tracebacks with locals would print settings, tokens and user text: errors end in one
    # redacted line instead (guard and last_resort).
    return typer.Typer(
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        pretty_exceptions_show_locals=False,
    )


def safe_line(text: str) -> str:
    """Return `text` as one line with anything shaped like a bot token scrubbed.

    Only our own errors get here: their messages name settings and hosts (which the operator
    needs to see), never a secret value; foreign errors are translated at their boundary.
    """
    from bot.core.logs import scrub_tokens

    return scrub_tokens(" ".join(text.split()))


def exit_for(err: BotError) -> typer.Exit:
    """Print the one-line report for one of our errors; return the exit to raise."""
    if isinstance(err, ConfigError):
        typer.echo(safe_line(f"qnabot: configuration error: {err}"), err=True)
        return typer.Exit(code=2)
    typer.echo(safe_line(f"qnabot: could not start: {err}"), err=True)
    return typer.Exit(code=1)


def settings_or_exit() -> Settings:
    """Load the settings, or exit with code 2 naming the bad setting."""
    try:
        return load_settings()
    except ConfigError as err:
        raise exit_for(err) from None


def guard(fn: Callable[[], T]) -> T:
    """Run `fn`; a configuration or start-up error becomes a one-line report and an exit."""
    try:
        return fn()
    except (ConfigError, StartupError) as err:
        raise exit_for(err) from None


# the driver's message may quote the host, user or database: the line names the setting only
DATABASE_UNREACHABLE = (
    "could not use the database (QNABOT_DATABASE_URL): it refused the connection or does not "
    "exist; check its host, port, user, password and database name"
)


def last_resort(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Report an uncaught error in one line (its type only: the message may quote secrets);
    the stack (files, lines, functions; no values) goes to the log."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    if logging.getLogger().handlers:  # configured: through the redacting filters
        stack = "".join(traceback.format_list(traceback.extract_tb(tb))).rstrip()
        log.critical("fatal error=%s\n%s", kind.__name__, stack)
    if issubclass(kind, sa_exc.OperationalError):  # the database, not our code, said no
        sys.stderr.write(f"qnabot: {DATABASE_UNREACHABLE}\n")
        return
    sys.stderr.write(f"qnabot: unexpected error ({kind.__name__}); see the log\n")


def start_logging(settings: Settings, *, to_file: bool = False) -> None:
    """Log to stderr, or (terminal chat, so the screen stays readable) to <data_dir>/logs."""
    from bot.core.logs import configure_logging
    from privacy.logfilter import RedactingFilter

    log_file = settings.data_dir / "logs" / "qnabot.log" if to_file else None
    configure_logging(
        settings.log_level,
        settings.log_format.value,
        extra_filters=(RedactingFilter(),),
        log_file=log_file,
    )
