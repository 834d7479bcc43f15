"""Market data, proposals, approval and order execution (paper and live through ccxt).

Public surface for the bot: the services (`TradingService`, `MarketService`, `AlertService`),
their value types, and `TradeActivity` (counts for the admin console). The store, the
order desk and the tables stay inside the package. Names load on first use, so importing
`trading` costs nothing until one is needed.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trading.activity import TradeActivity, TradeCounts
    from trading.alerts import AlertService
    from trading.market import MarketService
    from trading.rules import LIMIT_FIELDS, UserRules
    from trading.service import (
        Approval,
        OrderView,
        Pnl,
        ProposalView,
        TradeAsk,
        TradingConfig,
        TradingService,
    )

_LAZY = {
    "AlertService": "trading.alerts",
    "LIMIT_FIELDS": "trading.rules",
    "Approval": "trading.service",
    "MarketService": "trading.market",
    "OrderView": "trading.service",
    "Pnl": "trading.service",
    "ProposalView": "trading.service",
    "TradeActivity": "trading.activity",
    "TradeAsk": "trading.service",
    "TradeCounts": "trading.activity",
    "TradingConfig": "trading.service",
    "TradingService": "trading.service",
    "UserRules": "trading.rules",
}

__all__ = [
    "LIMIT_FIELDS",
    "AlertService",
    "Approval",
    "MarketService",
    "OrderView",
    "Pnl",
    "ProposalView",
    "TradeActivity",
    "TradeAsk",
    "TradeCounts",
    "TradingConfig",
    "TradingService",
    "UserRules",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'trading' has no attribute {name!r}")
    return getattr(import_module(module), name)
