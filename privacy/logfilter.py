"""A logging filter that passes every record (message and traceback) through the redactor."""

from __future__ import annotations

import logging

from privacy.redact import redact


class RedactingFilter(logging.Filter):
    """Render the message once, redact it, and drop the args so nothing is re-rendered."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact(message).text
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text).text
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text).text
        if record.stack_info:
            record.stack_info = redact(record.stack_info).text
        return True
