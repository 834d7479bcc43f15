"""Logging set-up: one call at start; every record passes the privacy filters.

`configure_logging` installs the bot-token scrubber and any extra filters (the privacy
package's redacting filter) on every handler, so no module can log around them.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

BOT_TOKEN_RE = re.compile(r"\d{6,}:[A-Za-z0-9_-]{30,}")
NOISY_LOGGERS = (
    "httpx",
    "httpcore",
    "telegram.ext",
    "apscheduler",
    "ccxt",
    "aiohttp.access",
    "alembic",
)


def scrub_tokens(text: str) -> str:
    """Replace anything shaped like a Telegram bot token."""
    return BOT_TOKEN_RE.sub("<BOT_TOKEN>", text)


class TokenScrubFilter(logging.Filter):
    """Render the record's message once, scrubbed of bot tokens, and drop its args."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = scrub_tokens(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrub_tokens(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_text:
            doc["exc"] = record.exc_text
        return json.dumps(doc, ensure_ascii=False)


def configure_logging(
    level: str = "INFO",
    fmt: str = "text",
    extra_filters: Sequence[logging.Filter] = (),
    stream: TextIO | None = None,
    log_file: Path | None = None,
) -> logging.Handler:
    """Install one handler (stream or file) on the root logger with the privacy filters."""
    handler: logging.Handler
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_file, encoding="utf-8")
        log_file.chmod(0o600)  # also a log file an older version left 0644
    else:
        handler = logging.StreamHandler(stream or sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for flt in (*extra_filters, TokenScrubFilter()):
        handler.addFilter(flt)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler
