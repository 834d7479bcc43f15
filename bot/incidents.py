"""The one place an unexpected error becomes a logged incident and a generic reply."""

from __future__ import annotations

import logging
import secrets

from bot.conversation import Reply

log = logging.getLogger(__name__)


def incident_reply(exc: BaseException) -> Reply:
    """Log the error with a fresh incident id (type only, no message text) and reply."""
    incident = secrets.token_hex(4)
    # The exception message may quote user input, so only its type and traceback are logged.
    log.error(
        "incident=%s error=%s",
        incident,
        type(exc).__name__,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    return Reply(
        text=f"Sorry, something went wrong on my side (incident {incident}). "
        "Please try again; other commands keep working."
    )
