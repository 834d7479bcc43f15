"""Trading: proposals from commands or plain phrasing, Approve/Reject buttons, portfolio, keys.

Only a parsed user command (never model output, never forwarded text) creates a proposal, and
only the proposing user's Approve button in a private chat executes it (trading.service).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypeVar

from bot import trade_render as render
from bot.conversation import (
    Access,
    CallbackRoute,
    Command,
    Handled,
    Intent,
    Registry,
    Reply,
    Request,
)
from bot.errors import UserError
from bot.intents import parse_symbol
from bot.services import Services
from bot.trade_intents import TradeRequest, parse_command, parse_trade_text

if TYPE_CHECKING:
    from trading.service import TradingService

T = TypeVar("T")
PLAN_USAGE = (
    "Usage: /plan BTC hold · /plan BTC no-buy · /plan ETH no-sell · /plan BTC buy below 55000 · "
    "/plan ETH sell above 4000 · /plan BTC clear · /plan (show)"
)
RISK_FIELDS = {
    "max_notional": "max_notional",
    "max_daily_loss": "max_daily_loss",
    "max_open_positions": "max_open_positions",
    "stop_required_above": "stop_required_above",
    "loss_streak": "loss_streak",
    "cooldown_s": "cooldown_s",
}


def _trading(services: Services) -> TradingService:
    service = getattr(services, "trading", None)
    if service is None:
        raise UserError("Trading is not available on this bot.")
    return service


async def _guarded(call: Awaitable[T]) -> T:
    """Await a trading call; a trading error becomes a short, specific reply."""
    from trading.errors import TradingError

    try:
        return await call
    except TradingError as err:
        raise UserError(render.error_text(err)) from None


async def propose(services: Services, req: Request, parsed: TradeRequest) -> Handled:
    """Turn a parsed user request into a proposal card (nothing is executed here)."""
    from trading.ports import OrderType, Side
    from trading.service import TradeAsk

    if req.forwarded:
        return Reply(text="I don't act on forwarded messages. Type the trade yourself.")
    ask = TradeAsk(
        side=Side(parsed.side),
        symbol=parsed.symbol,
        amount=parsed.amount,
        quote_amount=parsed.quote_amount,
        order_type=OrderType(parsed.kind),
        price=parsed.price,
        trigger=parsed.trigger,
        stop_loss=parsed.stop_loss,
        take_profit=parsed.take_profit,
        mood=parsed.mood,
    )
    view = await _guarded(_trading(services).propose(req.user_id, req.chat_id, ask))
    return render.card(view)


def _trade_command(name: str):  # type: ignore[no-untyped-def]
    async def handler(services: Services, req: Request, args: str) -> Handled:
        parsed = parse_command(name, args)
        if parsed is None:
            return Reply(text=render.TRADE_USAGE)
        return await propose(services, req, parsed)

    handler.__name__ = f"cmd_{name}"
    return handler


async def on_approve(services: Services, req: Request, arg: str) -> Handled:
    return await _approve(services, req, arg, confirm=False)


async def on_confirm(services: Services, req: Request, arg: str) -> Handled:
    return await _approve(services, req, arg, confirm=True)


async def _approve(services: Services, req: Request, arg: str, *, confirm: bool) -> Handled:
    from trading.errors import PriceMoved

    trading = _trading(services)
    try:
        result = await _guarded_price(
            trading.approve(_proposal_id(arg), req.user_id, confirm=confirm)
        )
    except PriceMoved as moved:
        fresh = trading.store.proposal(moved.fresh_id)
        from trading.service import view_of

        card = render.card(view_of(fresh)) if fresh else Reply()
        note = (
            f"The price moved from {render.num(moved.old)} to {render.num(moved.new)} "
            f"(more than {trading.config.price_tolerance_pct}%). Approve again at the new price?"
        )
        return Reply(text=f"{note}\n\n{card.text}", buttons=card.buttons, edit_origin=True)
    if result.needs_confirm:
        return render.confirm(result)
    return render.executed(result)


async def _guarded_price(call: Awaitable[T]) -> T:
    from trading.errors import PriceMoved, TradingError

    try:
        return await call
    except PriceMoved:
        raise
    except TradingError as err:
        raise UserError(render.error_text(err)) from None


async def on_reject(services: Services, req: Request, arg: str) -> Handled:
    await _guarded(_trading(services).reject(_proposal_id(arg), req.user_id))
    return Reply(text="Rejected. Nothing was traded.", edit_origin=True, toast="Rejected")


def _proposal_id(arg: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{16}", arg):
        raise UserError("That button is not valid any more.")
    return arg


async def cmd_balance(services: Services, req: Request, _args: str) -> Handled:
    trading = _trading(services)
    items = await _guarded(trading.balances(req.user_id))
    return Reply(text=render.balances(items, trading.config.mode))


async def cmd_positions(services: Services, req: Request, _args: str) -> Handled:
    return Reply(text=render.positions(await _guarded(_trading(services).positions(req.user_id))))


async def cmd_orders(services: Services, req: Request, _args: str) -> Handled:
    trading = _trading(services)
    await _guarded(trading.reconcile(req.user_id))
    orders = trading.orders(req.user_id)
    if not orders:
        return Reply(text="No orders yet.")
    return Reply(text="Recent orders:\n" + "\n".join(render.order_line(o) for o in orders))


async def cmd_pnl(services: Services, req: Request, _args: str) -> Handled:
    return Reply(text=render.pnl(await _guarded(_trading(services).pnl(req.user_id))))


async def cmd_cancel(services: Services, req: Request, args: str) -> Handled:
    token = args.strip().lstrip("#")
    if not token.isdigit() or len(token) > 12:
        return Reply(text="Usage: /cancel ID (the #number from /orders)")
    order = await _guarded(_trading(services).cancel(req.user_id, int(token)))
    return Reply(text=f"Cancelled: {render.order_line(order)}")


async def cmd_panic(services: Services, req: Request, args: str) -> Handled:
    flatten = args.strip().lower() in ("flatten", "all", "sell")
    view = await _guarded(
        _trading(services).propose_panic(req.user_id, req.chat_id, flatten=flatten)
    )
    return render.card(view)


async def cmd_connect(services: Services, req: Request, args: str) -> Handled:
    # Registered for anyone so that a key pasted in a group is still deleted.
    if not req.is_private:
        return Reply(
            text="Never share API keys in a group. I deleted the message: revoke that key now.",
            delete_incoming=True,
        )
    parts = args.split()
    if len(parts) != 2:
        return Reply(
            text="Usage: /connect API_KEY API_SECRET (trade-only key)", delete_incoming=True
        )
    trading = _trading(services)
    if services.settings.trading_mode.value != "live":
        return Reply(text="Live trading is off on this bot (paper mode).", delete_incoming=True)
    await _guarded(trading.connect(req.user_id, parts[0], parts[1]))
    return Reply(text="Key stored encrypted. I deleted your message.", delete_incoming=True)


async def cmd_disconnect(services: Services, req: Request, _args: str) -> Handled:
    erased = await _trading(services).disconnect(req.user_id)
    return Reply(text="Your exchange key is erased." if erased else "No key was stored.")


async def cmd_plan(services: Services, req: Request, args: str) -> Handled:
    from trading.risk import PlanStance

    trading = _trading(services)
    tokens = args.lower().replace("-", "_").split()
    if not tokens:
        plans = trading.store.plans(req.user_id)
        lines = [
            f"{a}: {p.stance.replace('_', ' ')} {render.num(p.level)}" for a, p in plans.items()
        ]
        return Reply(text="Your plan:\n" + "\n".join(lines) if lines else PLAN_USAGE)
    symbol = parse_symbol(tokens[0])
    if symbol is None or len(tokens) < 2:
        return Reply(text=PLAN_USAGE)
    asset = symbol.partition("/")[0]
    stance = "_".join(tokens[1:3]) if tokens[1] in ("buy", "sell") else tokens[1]
    plan: PlanStance | None = None
    if stance in ("buy_below", "sell_above"):
        plan = PlanStance(stance, _decimal(tokens[3] if len(tokens) > 3 else ""))
    elif stance in ("hold", "no_buy", "no_sell"):
        plan = PlanStance(stance)
    elif stance != "clear":
        return Reply(text=PLAN_USAGE)
    trading.store.set_plan(req.user_id, asset, plan, services.clock())
    return Reply(text=f"Plan for {asset} {'cleared' if plan is None else 'saved'}.")


def _decimal(token: str) -> Decimal:
    try:
        value = Decimal(token.replace(",", ""))
    except InvalidOperation:
        raise UserError("Please give a price, e.g. /plan BTC buy below 55000") from None
    if not value.is_finite() or value <= 0:
        raise UserError("The price must be a positive number.")
    return value


async def cmd_risk(services: Services, req: Request, _args: str) -> Handled:
    trading = _trading(services)
    limits = trading.store.limits_for(req.user_id, trading.config.risk)
    return Reply(
        text=(
            f"Your risk limits: max order {limits.max_notional} USDT · max daily loss "
            f"{limits.max_daily_loss} USDT · max open positions {limits.max_open_positions} · "
            f"stop-loss required above {limits.stop_required_above} USDT · cool-down "
            f"{limits.cooldown_s // 60} min after {limits.loss_streak} losses in a row."
        )
    )


async def cmd_setrisk(services: Services, req: Request, args: str) -> Handled:
    parts = args.split()
    if len(parts) != 3 or not parts[0].isdigit() or parts[1] not in RISK_FIELDS:
        return Reply(text="Usage: /setrisk USER_ID " + "|".join(RISK_FIELDS) + " VALUE|default")
    value: Decimal | int | None = None
    if parts[2] != "default":
        number = _decimal(parts[2])
        value = (
            int(number)
            if parts[1] in ("max_open_positions", "loss_streak", "cooldown_s")
            else number
        )
    _trading(services).store.set_limit(
        int(parts[0]), RISK_FIELDS[parts[1]], value, services.clock()
    )
    return Reply(text=f"Set {parts[1]} for user {parts[0]}.")


def register(registry: Registry) -> None:
    """Add this feature's commands, callbacks and intents."""
    p = Access.PRIVATE
    usage = {
        "buy": "SYMBOL AMOUNT [USDT] [stop P] [tp P]",
        "sell": "SYMBOL AMOUNT",
        "limit": "buy|sell SYMBOL AMOUNT at PRICE",
        "stop": "SYMBOL AMOUNT at PRICE",
    }
    summaries = {
        "buy": "propose a buy (you approve it)",
        "sell": "propose a sell",
        "limit": "propose a limit order",
        "stop": "propose a stop-loss sell",
    }
    for name in ("buy", "sell", "limit", "stop"):
        registry.command(Command(name, summaries[name], _trade_command(name), p, usage[name]))
    registry.command(Command("balance", "your balances", cmd_balance, p))
    registry.command(Command("positions", "your open positions", cmd_positions, p))
    registry.command(Command("orders", "your recent orders", cmd_orders, p))
    registry.command(Command("pnl", "realised/unrealised profit and fees", cmd_pnl, p))
    registry.command(Command("cancel", "cancel an open order", cmd_cancel, p, "ID"))
    registry.command(
        Command("panic", "cancel all orders (flatten: also sell)", cmd_panic, p, "[flatten]")
    )
    registry.command(
        Command(
            "connect",
            "store your exchange API key (live mode)",
            cmd_connect,
            Access.ANYONE,
            "KEY SECRET",
        )
    )
    registry.command(Command("disconnect", "erase your exchange API key", cmd_disconnect, p))
    registry.command(
        Command(
            "plan",
            "state your plan; trades against it get a warning",
            cmd_plan,
            p,
            "SYMBOL hold|no-buy|no-sell|buy below P|sell above P",
        )
    )
    registry.command(Command("risk", "show your risk limits", cmd_risk, p))
    registry.command(
        Command(
            "setrisk", "set a user's risk limit", cmd_setrisk, Access.ADMIN, "USER_ID RULE VALUE"
        )
    )
    registry.callback(CallbackRoute("tapp", on_approve, p))
    registry.callback(CallbackRoute("tcfm", on_confirm, p))
    registry.callback(CallbackRoute("trej", on_reject, p))
    registry.intent(Intent("trade", parse_trade_text, propose, p))
