"""Random secrets kept in files of the data dir: created once, mode 0600, never rewritten."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def load_or_create_secret_file(path: Path, size: int) -> bytes:
    """Return the bytes stored at `path`, creating `size` random bytes (0600) on first use."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_bytes(size)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(value)
    return value
