"""User-facing wording of the portfolio screens: /balance, /positions, /pnl, /plan, /risk.

Entries of the catalog domain `trading`; sizes and prices as in `render` (the market's digits),
sums of money grouped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core import formats
from bot.core.i18n import t
from bot.features.trading.render import NO_STEPS, mode, money, num
from trading.precision import Steps, to_step

if TYPE_CHECKING:
    from trading.portfolio import Position
    from trading.ports import Balance
    from trading.risk import PlanStance, RiskLimits
    from trading.service import Pnl

STANCES = ("hold", "no_buy", "no_sell", "buy_below", "sell_above")


def balances(items: tuple[Balance, ...], trading_mode: str, lang: str) -> str:
    """List the balances: free, and what open orders hold."""
    shown = mode(trading_mode, lang)
    if not items:
        return t(lang, "trading.balances.none", mode=shown)
    rows = [
        t(lang, "trading.balances.row_used", asset=b.asset, free=num(b.free, lang),
          used=num(b.used, lang))
        if b.used
        else t(lang, "trading.balances.row", asset=b.asset, free=num(b.free, lang))
        for b in items
    ]  # fmt: skip
    return "\n".join([t(lang, "trading.balances.title", mode=shown), *rows])


def positions(items: tuple[Position, ...], lang: str, steps: dict[str, Steps] | None = None) -> str:
    """List open positions, sizes to the lot step and prices to the tick of their market."""
    if not items:
        return t(lang, "trading.positions.none")
    rows = [t(lang, "trading.positions.title")]
    for p in items:
        step = (steps or {}).get(p.symbol, NO_STEPS)
        extra = ""
        if p.mark is not None:
            extra += t(lang, "trading.positions.now", price=num(to_step(p.mark, step.price), lang))
        if p.unrealized is not None:
            extra += t(lang, "trading.positions.upnl", value=money(p.unrealized, lang))
        amount = num(to_step(p.amount, step.amount), lang)
        avg = num(to_step(p.avg_cost, step.price), lang)
        row = t(lang, "trading.positions.row", symbol=p.symbol, amount=amount, avg=avg)
        rows.append(row + extra + _protection(p, step, lang))
    return "\n".join(rows)


def _protection(p: Position, step: Steps, lang: str) -> str:
    """Return " · stop 50000 · tp 70000" for the placed legs, or " · unprotected"."""
    parts = [
        t(lang, f"trading.positions.{label}", price=num(to_step(price, step.price), lang))
        for label, price in (("stop", p.stop), ("tp", p.take_profit))
        if price is not None
    ]
    return "".join(parts) or t(lang, "trading.positions.unprotected")


def pnl(result: Pnl, lang: str) -> str:
    """Return realised and unrealised results and the fees paid."""
    return t(
        lang,
        "trading.pnl.text",
        realized=money(result.realized, lang),
        trades=result.closed_trades,
        unrealized=money(result.unrealized, lang),
        fees=money(result.fees, lang),
    )


def pnl_caption(result: Pnl, lang: str) -> str:
    """Caption of the /pnl picture: what the curve shows."""
    return t(lang, "trading.pnl.caption", unrealized=money(result.unrealized, lang))


def plans(items: dict[str, PlanStance], lang: str) -> str:
    """List the user's plans, one asset a line."""
    rows = [t(lang, "trading.plan.title")]
    for asset, plan in items.items():
        stance = plan.stance if plan.stance in STANCES else "hold"
        level = num(plan.level, lang)
        rows.append(t(lang, f"trading.plan.stance.{stance}", asset=asset, level=level))
    return "\n".join(rows)


def risk_limits(limits: RiskLimits, lang: str) -> str:
    """Return the user's risk limits."""
    return t(
        lang,
        "trading.risk.limits",
        max_notional=formats.figure(limits.max_notional, lang),
        max_daily_loss=formats.figure(limits.max_daily_loss, lang),
        max_open=limits.max_open_positions,
        stop_above=formats.figure(limits.stop_required_above, lang),
        cooldown=limits.cooldown_s // 60,
        streak=limits.loss_streak,
    )
