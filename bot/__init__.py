"""Transport and composition: settings, conversation layer, Telegram and terminal adapters."""

from __future__ import annotations

__version__ = "0.1.0"
