"""Feature handler modules. Each has `register(registry)`; FEATURES lists them in order.

Intents are tried in registration order, so specific parsers (trading, TA) come before
the Q&A fallback.
"""

from __future__ import annotations

from bot.conversation import Registry
from bot.handlers import core

FEATURES = (core,)


def build_registry() -> Registry:
    """Return a registry holding every feature's commands, callbacks and intents."""
    registry = Registry()
    for feature in FEATURES:
        feature.register(registry)
    return registry
