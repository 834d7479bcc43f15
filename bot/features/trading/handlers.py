"""Trading: proposals from commands or plain phrasing, Approve/Reject buttons, portfolio, keys.

Only a parsed user command (never model output, never forwarded text) creates a proposal, and
only the proposing user's Approve button in a private chat executes it (trading.service).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from bot.core.conversation import Attachment, Handled, Reply, Request
from bot.core.errors import UserError
from bot.core.registry import Access, CallbackRoute, Command, Intent, Registry
from bot.core.services import Services
from bot.core.symbols import parse_symbol
from bot.features.trading import render
from bot.features.trading.parse import (
    Conditional,
    Parsed,
    Unreadable,
    parse_cancel_all,
    parse_command,
    parse_portfolio_query,
    parse_trade_text,
)

if TYPE_CHECKING:
    from trading.precision import Steps
    from trading.service import ProposalView

T = TypeVar("T")
# Proposal ids: prop-<11 hex> (privacy.own_ids); bare 16-hex ids on buttons sent before that.
PROPOSAL_ID_RE = re.compile(r"prop-[0-9a-f]{11}|[0-9a-f]{16}")
OLD_VERBS = {"tapp": "approve", "tcfm": "confirm", "trej": "reject"}  # button verbs until 2026-12
GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
PLAN_USAGE = (
    "Usage: /plan BTC hold · /plan BTC no-buy · /plan ETH no-sell · /plan BTC buy below 55000 · "
    "/plan ETH sell above 4000 · /plan BTC clear · /plan (show)"
)


async def _guarded(call: Awaitable[T]) -> T:
    """Await a trading call; a trading error becomes a short, specific reply."""
    from trading.errors import TradingError

    try:
        return await call
    except TradingError as err:
        raise UserError(render.error_text(err)) from None


async def propose(services: Services, req: Request, parsed: Parsed) -> Handled:
    """Turn a parsed user request into a proposal card (nothing is executed here)."""
    from trading.ports import OrderType, Side
    from trading.service import TradeAsk

    if req.forwarded:
        return Reply(text="I don't act on forwarded messages. Type the trade yourself.")
    if isinstance(parsed, Unreadable):
        return Reply(text=render.unreadable(parsed.detail, trade=True))
    if isinstance(parsed, Conditional):
        return Reply(text=render.for_later(parsed.text))
    if parsed.everything and not parsed.symbol:
        return await cmd_panic(services, req, "flatten")
    amount = parsed.amount
    if parsed.everything:
        amount, locked = await _held(services, req.user_id, parsed.symbol)
        if amount is None:
            return Reply(text=render.nothing_held(parsed.symbol, locked))
        amount *= parsed.fraction or 1  # "BTCを半分売って": half of it
    ask = TradeAsk(
        side=Side(parsed.side),
        symbol=parsed.symbol,
        amount=amount,
        quote_amount=parsed.quote_amount,
        order_type=OrderType(parsed.kind),
        price=parsed.price,
        trigger=parsed.trigger,
        stop_loss=parsed.stop_loss,
        take_profit=parsed.take_profit,
        mood=parsed.mood,
    )
    view = await _guarded(services.trading.propose(req.user_id, req.chat_id, ask))
    return await proposal_card(services, req.user_id, view)


async def proposal_card(services: Services, user_id: int, view: ProposalView) -> Reply:
    """Render a proposal's card, its prices to the tick of its market."""
    steps = await services.trading.display_steps(user_id, (view.symbol,))
    return render.card(view, steps.get(view.symbol))


async def _held(services: Services, user_id: int, symbol: str) -> tuple[Decimal | None, Decimal]:
    """Return the free balance of the symbol's base asset ("sell all my BTC"), None if none,
    and the amount open orders (a position's stop/take-profit legs) hold."""
    base = symbol.partition("/")[0]
    balances = await _guarded(services.trading.balances(user_id))
    mine = next((b for b in balances if b.asset == base), None)
    if mine is None:
        return None, Decimal(0)
    return (mine.free if mine.free > 0 else None), mine.used


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

    trading = services.trading
    try:
        result = await _guarded_price(
            trading.approve(_proposal_id(arg), req.user_id, confirm=confirm)
        )
    except PriceMoved as moved:
        card = await proposal_card(
            services, req.user_id, trading.proposal(moved.fresh_id, req.user_id)
        )
        note = (
            f"The price moved from {render.num(moved.old)} to {render.num(moved.new)} "
            f"(more than {trading.config.price_tolerance_pct}%). Approve again at the new price?"
        )
        return Reply(text=f"{note}\n\n{card.text}", buttons=card.buttons, edit_origin=True)
    if result.needs_confirm:
        return render.confirm(result)
    steps = await trading.display_steps(req.user_id, (o.symbol for o in result.orders))
    return render.executed(result, _steps_of(steps, result.proposal.symbol))


async def _guarded_price(call: Awaitable[T]) -> T:
    from trading.errors import PriceMoved, TradingError

    try:
        return await call
    except PriceMoved:
        raise
    except TradingError as err:
        raise UserError(render.error_text(err)) from None


async def on_reject(services: Services, req: Request, arg: str) -> Handled:
    await _guarded(services.trading.reject(_proposal_id(arg), req.user_id))
    return Reply(text="Rejected. Nothing was traded.", edit_origin=True, toast="Rejected")


def _proposal_id(arg: str) -> str:
    if not PROPOSAL_ID_RE.fullmatch(arg):
        raise UserError("That button is not valid any more.")
    return arg


async def cmd_balance(services: Services, req: Request, _args: str) -> Handled:
    trading = services.trading
    items = await _guarded(trading.balances(req.user_id))
    return Reply(text=render.balances(items, trading.config.mode))


async def cmd_positions(services: Services, req: Request, _args: str) -> Handled:
    trading = services.trading
    items = await _guarded(trading.positions(req.user_id))
    steps = await trading.display_steps(req.user_id, (p.symbol for p in items))
    return Reply(text=render.positions(items, steps))


async def cmd_orders(services: Services, req: Request, _args: str) -> Handled:
    trading = services.trading
    await _guarded(trading.reconcile(req.user_id))
    orders = trading.orders(req.user_id)
    if not orders:
        return Reply(text="No orders yet.")
    steps = await trading.display_steps(req.user_id, (o.symbol for o in orders))
    lines = [render.order_line(o, _steps_of(steps, o.symbol)) for o in orders]
    return Reply(text="Recent orders:\n" + "\n".join(lines))


def _steps_of(steps: dict[str, Steps], symbol: str) -> Steps:
    return steps.get(symbol, render.NO_STEPS)


async def cmd_pnl(services: Services, req: Request, _args: str) -> Handled:
    """Reply with the results, and the result curve as a picture once there are trades."""
    from trading.portfolio import curve_png

    result = await _guarded(services.trading.pnl(req.user_id))
    if len(result.curve) < 2:
        return Reply(text=render.pnl(result))
    png = await asyncio.to_thread(curve_png, result.curve)
    caption = render.pnl_caption(result)
    return Reply(text=render.pnl(result), image=Attachment(png, "pnl.png", caption))


async def cmd_cancel(services: Services, req: Request, args: str) -> Handled:
    token = args.strip().lstrip("#")
    if not token.isdigit() or len(token) > 12:
        return Reply(text="Usage: /cancel ID (the #number from /orders)")
    trading = services.trading
    was_open = {o.id for o in trading.orders(req.user_id) if o.status == "open"}
    order = await _guarded(trading.cancel(req.user_id, int(token)))
    steps = _steps_of(await trading.display_steps(req.user_id, (order.symbol,)), order.symbol)
    # a protective leg's pair (one OCO) goes with it: settle, then say so
    await _guarded(trading.reconcile(req.user_id))
    gone = [
        o
        for o in trading.orders(req.user_id)
        if o.id in was_open and o.id != order.id and o.status != "open"
    ]
    lines = [f"Cancelled: {render.order_line(order, steps)}"]
    lines += [f"Also closed with it: {render.order_line(o, steps)}" for o in gone]
    return Reply(text="\n".join(lines))


async def cmd_panic(services: Services, req: Request, args: str) -> Handled:
    flatten = args.strip().lower() in ("flatten", "all", "sell")
    view = await _guarded(services.trading.propose_panic(req.user_id, req.chat_id, flatten=flatten))
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
    trading = services.trading
    if services.settings.trading_mode.value != "live":
        return Reply(text="Live trading is off on this bot (paper mode).", delete_incoming=True)
    await _guarded(trading.connect(req.user_id, parts[0], parts[1]))
    return Reply(text="Key stored encrypted. I deleted your message.", delete_incoming=True)


async def cmd_disconnect(services: Services, req: Request, _args: str) -> Handled:
    erased = await services.trading.disconnect(req.user_id)
    return Reply(text="Your exchange key is erased." if erased else "No key was stored.")


async def cmd_plan(services: Services, req: Request, args: str) -> Handled:
    from trading.risk import PlanStance

    trading = services.trading
    tokens = args.lower().replace("-", "_").split()
    if not tokens:
        plans = trading.rules.plans(req.user_id)
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
    trading.rules.set_plan(req.user_id, asset, plan)
    return Reply(text=f"Plan for {asset} {'cleared' if plan is None else 'saved'}.")


def _decimal(token: str) -> Decimal:
    from trading.amounts import parse_amount
    from trading.errors import AmountRefused

    if not token:
        raise UserError("Please give a price, e.g. /plan BTC buy below 55000")
    try:
        return parse_amount(token.replace(",", "") if GROUPED.fullmatch(token) else token)
    except AmountRefused as err:
        raise UserError(render.unreadable(err.detail)) from None


async def cmd_risk(services: Services, req: Request, _args: str) -> Handled:
    trading = services.trading
    limits = trading.rules.limits(req.user_id)
    return Reply(
        text=(
            f"Your risk limits: max order {limits.max_notional} USDT · max daily loss "
            f"{limits.max_daily_loss} USDT · max open positions {limits.max_open_positions} · "
            f"stop-loss required above {limits.stop_required_above} USDT · cool-down "
            f"{limits.cooldown_s // 60} min after {limits.loss_streak} losses in a row."
        )
    )


async def cmd_setrisk(services: Services, req: Request, args: str) -> Handled:
    from trading import LIMIT_FIELDS

    parts = args.split()
    if len(parts) != 3 or not parts[0].isdigit() or parts[1] not in LIMIT_FIELDS:
        return Reply(text="Usage: /setrisk USER_ID " + "|".join(LIMIT_FIELDS) + " VALUE|default")
    value = None if parts[2] == "default" else _decimal(parts[2])
    services.trading.rules.set_limit(int(parts[0]), parts[1], value)
    return Reply(text=f"Set {parts[1]} for user {parts[0]}.")


async def on_portfolio_query(services: Services, req: Request, which: str) -> Handled:
    """Answer "show my balance" / "残高を見せて" as the command would."""
    commands = {"balance": cmd_balance, "positions": cmd_positions, "orders": cmd_orders}
    return await commands.get(which, cmd_pnl)(services, req, "")


TRADE_COMMANDS = (  # name, summary, usage
    ("buy", "propose a buy (you approve it)", "SYMBOL AMOUNT [USDT] [stop P] [tp P]"),
    ("sell", "propose a sell", "SYMBOL AMOUNT"),
    ("limit", "propose a limit order", "buy|sell SYMBOL AMOUNT at PRICE"),
    ("stop", "propose a stop-loss sell", "SYMBOL AMOUNT at PRICE"),
)


def _commands() -> tuple[Command, ...]:
    p, anyone = Access.PRIVATE, Access.ANYONE
    trade = tuple(Command(n, s, _trade_command(n), p, u) for n, s, u in TRADE_COMMANDS)
    return (
        *trade,
        Command("balance", "your balances", cmd_balance, p),
        Command("positions", "your open positions", cmd_positions, p),
        Command("orders", "your recent orders", cmd_orders, p),
        Command("pnl", "realised/unrealised profit, fees and a result chart", cmd_pnl, p),
        Command("cancel", "cancel an open order", cmd_cancel, p, "ID"),
        Command("panic", "cancel all orders (flatten: also sell)", cmd_panic, p, "[flatten]"),
        Command(
            "connect", "store your exchange API key (live mode)", cmd_connect, anyone, "KEY SECRET"
        ),
        Command("disconnect", "erase your exchange API key", cmd_disconnect, p),
        Command(
            "plan",
            "state your plan; trades against it get a warning",
            cmd_plan,
            p,
            "SYMBOL hold|no-buy|no-sell|buy below P|sell above P",
        ),
        Command("risk", "show your risk limits", cmd_risk, p),
        Command(
            "setrisk", "set a user's risk limit", cmd_setrisk, Access.ADMIN, "USER_ID RULE VALUE"
        ),
    )


def register(registry: Registry) -> None:
    """Add this feature's commands, callbacks and intents."""
    p = Access.PRIVATE
    for command in _commands():
        registry.command(command)
    for verb, on_press in (("approve", on_approve), ("confirm", on_confirm), ("reject", on_reject)):
        registry.callback(CallbackRoute(verb, on_press, p))
    for old, verb in OLD_VERBS.items():  # cards sent before the rename are still in chats
        registry.callback(CallbackRoute(old, registry.callbacks[verb].handler, p))
    registry.intent(Intent("portfolio", parse_portfolio_query, on_portfolio_query, p))
    registry.intent(Intent("trade", parse_trade_text, propose, p))
    registry.intent(Intent("cancel_all", parse_cancel_all, cmd_panic, p))
