"""A logging filter that passes every record (message and traceback) through the redactor.

Our own ids (incident and proposal ids, model file names; privacy.own_ids) are kept verbatim:
they are hidden from the redactor behind blanks of the same length and put back afterwards,
unless a redacted span reaches into one (then it goes with the span).
"""

from __future__ import annotations

import logging

from privacy.own_ids import MODEL_FILE_RE, OWN_ID_RE
from privacy.redact import redact
from privacy.redact.labels import placeholder


def _kept_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in OWN_ID_RE.finditer(text)]
    if ".gguf" in text:
        spans += [m.span() for m in MODEL_FILE_RE.finditer(text)]
    return sorted(spans)


def redact_log_text(text: str) -> str:
    """Return `text` redacted, with our own ids left as they are."""
    kept = _kept_spans(text)
    if not kept:
        return redact(text).text
    masked = list(text)
    for start, end in kept:
        masked[start:end] = " " * (end - start)
    parts: list[str] = []
    pos = 0
    for span in redact("".join(masked)).spans:
        parts += [text[pos : span.start], placeholder(span.label)]
        pos = span.end
    parts.append(text[pos:])
    return "".join(parts)


class RedactingFilter(logging.Filter):
    """Render the message once, redact it, and drop the args so nothing is re-rendered."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact_log_text(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact_log_text(text)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact_log_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_log_text(record.stack_info)
        return True
