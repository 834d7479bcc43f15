"""The rules a user agreed to: their trading plan per asset and their risk limits.

The bot reads and sets them through `TradingService.rules`; the store stays inside the package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import datetime
from decimal import Decimal

from trading.risk import PlanStance, RiskLimits
from trading.store import TradingStore

# the limits an admin may set per user (RiskLimits' fields); the count-valued ones are whole
LIMIT_FIELDS = tuple(f.name for f in fields(RiskLimits))
WHOLE_FIELDS = frozenset(f.name for f in fields(RiskLimits) if isinstance(f.default, int))


class UserRules:
    """Plans and risk limits per user, with the deployment's defaults behind them."""

    def __init__(
        self, store: TradingStore, defaults: RiskLimits, clock: Callable[[], datetime]
    ) -> None:
        self._store = store
        self._defaults = defaults
        self._clock = clock

    def plans(self, user_id: int) -> dict[str, PlanStance]:
        """Return the user's plan per asset."""
        return self._store.plans(user_id)

    def set_plan(self, user_id: int, asset: str, plan: PlanStance | None) -> None:
        """Save the user's plan for an asset (None clears it)."""
        self._store.set_plan(user_id, asset, plan, self._clock())

    def limits(self, user_id: int) -> RiskLimits:
        """Return the user's risk limits (their own where set, else the defaults)."""
        return self._store.limits_for(user_id, self._defaults)

    def set_limit(self, user_id: int, name: str, value: Decimal | None) -> None:
        """Set one limit for a user (None restores the default); counts are whole numbers."""
        if name not in LIMIT_FIELDS:
            raise ValueError(f"unknown risk limit {name!r}")
        stored: Decimal | int | None = value
        if value is not None and name in WHOLE_FIELDS:
            stored = int(value)
        self._store.set_limit(user_id, name, stored, self._clock())
