"""Feature handler modules. Each has `register(registry)`; FEATURES lists them in order.

Intents are tried in registration order, so specific parsers (trading, TA) come before
the Q&A fallback.
"""

from __future__ import annotations

from bot.conversation import Registry
from bot.handlers import admin, alerts, core, privacy, qa, ta, trading

# Order matters for intents: trading and TA phrasing before the Q&A fallback (registered by qa).
FEATURES = (core, privacy, trading, ta, alerts, admin, qa)


def build_registry() -> Registry:
    """Return a registry holding every feature's commands, callbacks and intents."""
    registry = Registry()
    for feature in FEATURES:
        feature.register(registry)
    return registry
