"""The one place an unexpected error becomes a logged incident and a generic reply."""

from __future__ import annotations

import logging
import traceback

from bot.core.conversation import Reply
from bot.core.i18n import ENGLISH, t
from privacy.own_ids import new_incident_id

log = logging.getLogger(__name__)


def incident_reply(exc: BaseException, language: str = ENGLISH) -> Reply:
    """Log the error with a fresh incident id (type only, no message text) and reply in
    `language`."""
    incident = new_incident_id()  # a shape the log filter keeps, so the log has it too
    # The exception message may quote user input, so only its type and the stack (file, line,
    # function, source line) are logged; `exc_info` would print the message too.
    stack = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
    log.error("incident=%s error=%s\n%s", incident, type(exc).__name__, stack.rstrip())
    return Reply(text=t(language, "core.incident", incident=incident))
