"""Which exchange ids ccxt supports, found without importing ccxt (importing it costs ~1 s)."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path


@cache
def known_exchange_ids() -> frozenset[str]:
    """Return the ids of the exchanges the installed ccxt ships an async client for."""
    spec = importlib.util.find_spec("ccxt")
    if spec is None or spec.origin is None:
        return frozenset()
    folder = Path(spec.origin).parent / "async_support"
    return frozenset(
        p.stem for p in folder.glob("*.py") if not p.stem.startswith("_") and p.stem != "base"
    )
