"""Risk rules and the emotion guard: rules, not feelings, decide whether a trade is proposed.

Pure functions over small facts; the service gathers the facts from the database. A hard rule
raises `RiskRejected` naming the rule; the emotion guard returns warnings that make the
approval need a second, explicit confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from trading.errors import RiskRejected
from trading.ports import Side


class Rule(StrEnum):
    MAX_NOTIONAL = "max order size"
    MAX_DAILY_LOSS = "max daily loss"
    MAX_OPEN_POSITIONS = "max open positions"
    STOP_REQUIRED = "stop-loss required"
    COOLDOWN = "cooldown after losses"
    MIN_NOTIONAL = "exchange minimum order"


class Warning_(StrEnum):
    FOMO = "fomo"
    PANIC = "panic"
    PLAN = "plan"


@dataclass(frozen=True, slots=True)
class RiskLimits:
    """One user's limits (safe defaults; an admin may override each per user)."""

    max_notional: Decimal = Decimal("1000")
    max_daily_loss: Decimal = Decimal("200")
    max_open_positions: int = 5
    stop_required_above: Decimal = Decimal("250")
    loss_streak: int = 3
    cooldown_s: int = 3600

    def merged(self, **overrides: object) -> RiskLimits:
        """Return these limits with the non-None overrides applied."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class TradeFacts:
    """What the rules need to know about a proposed trade and the user's recent trading."""

    side: Side
    notional: Decimal
    has_stop: bool
    opens_new_position: bool
    open_positions: int
    realized_today: Decimal
    recent_results: tuple[tuple[datetime, Decimal], ...]  # (closed at, pnl), newest first
    min_notional: Decimal
    now: datetime


@dataclass(frozen=True, slots=True)
class PlanStance:
    """A user's stated plan for one asset."""

    stance: str  # hold, no_buy, no_sell, buy_below, sell_above
    level: Decimal | None = None


def _plain(value: Decimal) -> str:
    """An order value as a person reads it: 2 decimals from 1 up, never an exponent."""
    if abs(value) >= 1:
        return f"{value.quantize(Decimal('0.01')):f}"
    return f"{value.normalize():f}"


def check(limits: RiskLimits, facts: TradeFacts) -> None:
    """Raise RiskRejected naming the first rule the trade breaks."""
    value = _plain(facts.notional)
    if facts.notional < facts.min_notional:
        raise RiskRejected(
            Rule.MIN_NOTIONAL,
            f"order value {value} < {facts.min_notional}",
            code="min_notional",
            fields={"value": Decimal(value), "limit": facts.min_notional},
        )
    if facts.side is Side.BUY and facts.notional > limits.max_notional:
        raise RiskRejected(
            Rule.MAX_NOTIONAL,
            f"order value {value} > {limits.max_notional}",
            code="max_notional",
            fields={"value": Decimal(value), "limit": limits.max_notional},
        )
    if -facts.realized_today >= limits.max_daily_loss:
        raise RiskRejected(
            Rule.MAX_DAILY_LOSS,
            f"lost {-facts.realized_today} today (limit {limits.max_daily_loss})",
            code="max_daily_loss",
            fields={"lost": -facts.realized_today, "limit": limits.max_daily_loss},
        )
    if facts.opens_new_position and facts.open_positions >= limits.max_open_positions:
        raise RiskRejected(
            Rule.MAX_OPEN_POSITIONS,
            f"{facts.open_positions} open (limit {limits.max_open_positions})",
            code="max_open_positions",
            fields={"open": facts.open_positions, "limit": limits.max_open_positions},
        )
    if (
        facts.side is Side.BUY
        and not facts.has_stop
        and facts.notional > limits.stop_required_above
    ):
        raise RiskRejected(
            Rule.STOP_REQUIRED,
            f"orders above {limits.stop_required_above} need a stop",
            code="stop_required",
            fields={"limit": limits.stop_required_above},
        )
    _check_cooldown(limits, facts)


def _check_cooldown(limits: RiskLimits, facts: TradeFacts) -> None:
    """Refuse a buy during the cool-down after a losing streak."""
    remaining = cooldown_left(limits, facts.recent_results, facts.now)
    if remaining is not None and facts.side is Side.BUY:
        minutes = max(1, int(remaining.total_seconds() // 60))
        raise RiskRejected(
            Rule.COOLDOWN,
            f"{limits.loss_streak} losses in a row; {minutes} min left",
            code="cooldown",
            fields={"streak": limits.loss_streak, "minutes": minutes},
        )


def cooldown_left(
    limits: RiskLimits, results: tuple[tuple[datetime, Decimal], ...], now: datetime
) -> timedelta | None:
    """Return the time left in the cool-down after a losing streak, or None."""
    streak = results[: limits.loss_streak]
    if limits.loss_streak <= 0 or len(streak) < limits.loss_streak:
        return None
    if any(pnl >= 0 for _, pnl in streak):
        return None
    ends = streak[0][0] + timedelta(seconds=limits.cooldown_s)
    return ends - now if ends > now else None


def against_plan(plan: PlanStance | None, side: Side, price: Decimal) -> bool:
    """Return True when the trade contradicts the user's stated plan for the asset."""
    if plan is None:
        return False
    if plan.stance == "hold":
        return side is Side.SELL
    if plan.stance == "no_buy":
        return side is Side.BUY
    if plan.stance == "no_sell":
        return side is Side.SELL
    if plan.stance == "buy_below" and plan.level is not None:
        return side is Side.BUY and price > plan.level
    if plan.stance == "sell_above" and plan.level is not None:
        return side is Side.SELL and price < plan.level
    return False


def emotion_warnings(
    mood: str | None, plan: PlanStance | None, side: Side, price: Decimal
) -> tuple[Warning_, ...]:
    """Return the emotion-guard warnings (FOMO/panic wording, trade against own plan)."""
    out: list[Warning_] = []
    if mood in (Warning_.FOMO, Warning_.PANIC):
        out.append(Warning_(mood))
    if against_plan(plan, side, price):
        out.append(Warning_.PLAN)
    return tuple(out)


def risk_in_quote(
    side: Side, amount: Decimal, price: Decimal, stop: Decimal | None, fee: Decimal
) -> Decimal:
    """Return what the trade can lose: to the stop if there is one, else the whole notional.

    A spot sell only closes coins already held (there is no short), so it risks its fee."""
    if side is Side.SELL:
        return fee
    if stop is None:
        return amount * price + fee
    return max(price - stop, Decimal(0)) * amount + fee
