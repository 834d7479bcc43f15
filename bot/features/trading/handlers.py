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

from bot.core.charts import equity_labels
from bot.core.conversation import Attachment, Handled, Reply, Request
from bot.core.errors import UserError
from bot.core.i18n import t
from bot.core.registry import (
    Access,
    CallbackRoute,
    Command,
    CommandHandler,
    Intent,
    Registry,
)
from bot.core.services import Services
from bot.core.symbols import parse_symbol
from bot.core.wording import Worded
from bot.features.trading import render, render_portfolio
from bot.features.trading.parse import (
    FLATTEN_WORDS,
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


async def _guarded(call: Awaitable[T]) -> T:
    """Await a trading call; a trading error becomes a short, specific reply."""
    from trading.errors import TradingError

    try:
        return await call
    except TradingError as err:
        raise UserError(Worded(err)) from None


async def propose(services: Services, req: Request, parsed: Parsed) -> Handled:
    """Turn a parsed user request into a proposal card (nothing is executed here)."""
    from trading.ports import OrderType, Side
    from trading.service import TradeAsk

    lang = req.lang
    if req.forwarded:
        return Reply(text=t(lang, "trading.forwarded"))
    if isinstance(parsed, Unreadable):
        return Reply(text=render.unreadable(parsed.refusal, lang, trade=True))
    if isinstance(parsed, Conditional):
        return Reply(text=render.for_later(parsed.text, lang))
    if parsed.everything and not parsed.symbol:
        return await cmd_panic(services, req, "flatten")
    amount = parsed.amount
    if parsed.everything:
        amount, locked = await _held(services, req.user_id, parsed.symbol)
        if amount is None:
            return Reply(text=render.nothing_held(parsed.symbol, lang, locked))
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
    return await proposal_card(services, req.user_id, view, lang, req.zone)


async def proposal_card(
    services: Services, user_id: int, view: ProposalView, lang: str = "en", zone: str = "UTC"
) -> Reply:
    """Render a proposal's card in `lang` (expiry in `zone`), prices to its market's tick."""
    steps = await services.trading.display_steps(user_id, (view.symbol,))
    return render.card(view, lang, zone, steps.get(view.symbol))


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
            return Reply(text=render.usage(req.lang))
        return await propose(services, req, parsed)

    handler.__name__ = f"cmd_{name}"
    return handler


async def on_approve(services: Services, req: Request, arg: str) -> Handled:
    return await _approve(services, req, arg, confirm=False)


async def on_confirm(services: Services, req: Request, arg: str) -> Handled:
    return await _approve(services, req, arg, confirm=True)


async def _approve(services: Services, req: Request, arg: str, *, confirm: bool) -> Handled:
    from trading.errors import PriceMoved

    trading, lang = services.trading, req.lang
    try:
        result = await _guarded_price(
            trading.approve(_proposal_id(arg), req.user_id, confirm=confirm)
        )
    except PriceMoved as moved:
        fresh = trading.proposal(moved.fresh_id, req.user_id)
        card = await proposal_card(services, req.user_id, fresh, lang, req.zone)
        note = t(
            lang,
            "trading.price_moved",
            old=render.num(moved.old, lang),
            new=render.num(moved.new, lang),
            tolerance=render.num(trading.config.price_tolerance_pct, lang),
        )
        return Reply(text=f"{note}\n\n{card.text}", buttons=card.buttons, edit_origin=True)
    if result.needs_confirm:
        return render.confirm(result, lang)
    steps = await trading.display_steps(req.user_id, (o.symbol for o in result.orders))
    return render.executed(result, lang, _steps_of(steps, result.proposal.symbol))


async def _guarded_price(call: Awaitable[T]) -> T:
    from trading.errors import PriceMoved, TradingError

    try:
        return await call
    except PriceMoved:
        raise
    except TradingError as err:
        raise UserError(Worded(err)) from None


async def on_reject(services: Services, req: Request, arg: str) -> Handled:
    await _guarded(services.trading.reject(_proposal_id(arg), req.user_id))
    lang = req.lang
    return Reply(
        text=t(lang, "trading.rejected"), edit_origin=True, toast=t(lang, "trading.toast.rejected")
    )


def _proposal_id(arg: str) -> str:
    if not PROPOSAL_ID_RE.fullmatch(arg):
        raise UserError("trading.button_gone")
    return arg


async def cmd_balance(services: Services, req: Request, _args: str) -> Handled:
    trading = services.trading
    items = await _guarded(trading.balances(req.user_id))
    return Reply(text=render_portfolio.balances(items, trading.config.mode, req.lang))


async def cmd_positions(services: Services, req: Request, _args: str) -> Handled:
    trading = services.trading
    items = await _guarded(trading.positions(req.user_id))
    steps = await trading.display_steps(req.user_id, (p.symbol for p in items))
    return Reply(text=render_portfolio.positions(items, req.lang, steps))


async def cmd_orders(services: Services, req: Request, _args: str) -> Handled:
    trading = services.trading
    await _guarded(trading.reconcile(req.user_id))
    orders = trading.orders(req.user_id)
    lang = req.lang
    if not orders:
        return Reply(text=t(lang, "trading.orders.none"))
    steps = await trading.display_steps(req.user_id, (o.symbol for o in orders))
    lines = [render.order_line(o, lang, _steps_of(steps, o.symbol)) for o in orders]
    return Reply(text="\n".join([t(lang, "trading.orders.title"), *lines]))


def _steps_of(steps: dict[str, Steps], symbol: str) -> Steps:
    return steps.get(symbol, render.NO_STEPS)


async def cmd_pnl(services: Services, req: Request, _args: str) -> Handled:
    """Reply with the results, and the result curve as a picture once there are trades."""
    from trading.portfolio import curve_png

    result = await _guarded(services.trading.pnl(req.user_id))
    text = render_portfolio.pnl(result, req.lang)
    if len(result.curve) < 2:
        return Reply(text=text)
    # the chart's words in the reader's language (English if no font draws them)
    labels = await asyncio.to_thread(equity_labels, "USDT", req.lang, req.zone, req.received_at)
    png = await asyncio.to_thread(curve_png, result.curve, "USDT", labels)
    caption = render_portfolio.pnl_caption(result, req.lang)
    return Reply(text=text, image=Attachment(png, "pnl.png", caption))


async def cmd_cancel(services: Services, req: Request, args: str) -> Handled:
    token = args.strip().lstrip("#")
    if not token.isdigit() or len(token) > 12:
        return Reply(text=t(req.lang, "trading.cancel.usage"))
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
    lang = req.lang
    lines = [t(lang, "trading.cancel.done", order=render.order_line(order, lang, steps))]
    lines += [t(lang, "trading.cancel.also", order=render.order_line(o, lang, steps)) for o in gone]
    return Reply(text="\n".join(lines))


async def cmd_panic(services: Services, req: Request, args: str) -> Handled:
    flatten = args.strip().lower() in FLATTEN_WORDS
    view = await _guarded(services.trading.propose_panic(req.user_id, req.chat_id, flatten=flatten))
    return render.card(view, req.lang, req.zone)


async def cmd_connect(services: Services, req: Request, args: str) -> Handled:
    # Registered for anyone so that a key pasted in a group is still deleted.
    lang = req.lang
    if not req.is_private:
        return Reply(text=t(lang, "trading.connect.group"), delete_incoming=True)
    parts = args.split()
    if len(parts) != 2:
        return Reply(text=t(lang, "trading.connect.usage"), delete_incoming=True)
    trading = services.trading
    if services.settings.trading_mode.value != "live":
        return Reply(text=t(lang, "trading.connect.paper"), delete_incoming=True)
    await _guarded(trading.connect(req.user_id, parts[0], parts[1]))
    return Reply(text=t(lang, "trading.connect.stored"), delete_incoming=True)


async def cmd_disconnect(services: Services, req: Request, _args: str) -> Handled:
    erased = await services.trading.disconnect(req.user_id)
    key = "trading.disconnect.erased" if erased else "trading.disconnect.none"
    return Reply(text=t(req.lang, key))


async def cmd_plan(services: Services, req: Request, args: str) -> Handled:
    from trading.risk import PlanStance

    trading, lang = services.trading, req.lang
    tokens = args.lower().replace("-", "_").split()
    if not tokens:
        plans = trading.rules.plans(req.user_id)
        shown = render_portfolio.plans(plans, lang) if plans else t(lang, "trading.plan.usage")
        return Reply(text=shown)
    symbol = parse_symbol(tokens[0])
    if symbol is None or len(tokens) < 2:
        return Reply(text=t(lang, "trading.plan.usage"))
    asset = symbol.partition("/")[0]
    stance = "_".join(tokens[1:3]) if tokens[1] in ("buy", "sell") else tokens[1]
    plan: PlanStance | None = None
    if stance in ("buy_below", "sell_above"):
        plan = PlanStance(stance, _decimal(tokens[3] if len(tokens) > 3 else ""))
    elif stance in ("hold", "no_buy", "no_sell"):
        plan = PlanStance(stance)
    elif stance != "clear":
        return Reply(text=t(lang, "trading.plan.usage"))
    trading.rules.set_plan(req.user_id, asset, plan)
    key = "trading.plan.cleared" if plan is None else "trading.plan.saved"
    return Reply(text=t(lang, key, asset=asset))


def _decimal(token: str) -> Decimal:
    from trading.amounts import parse_amount
    from trading.errors import AmountRefused

    if not token:
        raise UserError("trading.plan.need_price")
    try:
        return parse_amount(token.replace(",", "") if GROUPED.fullmatch(token) else token)
    except AmountRefused as err:
        raise UserError(Worded(err)) from None


async def cmd_risk(services: Services, req: Request, _args: str) -> Handled:
    limits = services.trading.rules.limits(req.user_id)
    return Reply(text=render_portfolio.risk_limits(limits, req.lang))


async def cmd_setrisk(services: Services, req: Request, args: str) -> Handled:
    from trading import LIMIT_FIELDS

    parts = args.split()
    if len(parts) != 3 or not parts[0].isdigit() or parts[1] not in LIMIT_FIELDS:
        return Reply(text=t(req.lang, "trading.setrisk.usage", fields="|".join(LIMIT_FIELDS)))
    value = None if parts[2] == "default" else _decimal(parts[2])
    services.trading.rules.set_limit(int(parts[0]), parts[1], value)
    return Reply(text=t(req.lang, "trading.setrisk.done", field=parts[1], user=parts[0]))


async def on_portfolio_query(services: Services, req: Request, which: str) -> Handled:
    """Answer "show my balance" / "残高を見せて" as the command would."""
    commands = {"balance": cmd_balance, "positions": cmd_positions, "orders": cmd_orders}
    return await commands.get(which, cmd_pnl)(services, req, "")


# name, handler, who may use it; its summary is the entry trading.cmd.<name>, its usage (when
# it takes arguments) trading.cmd.<name>.usage
WITH_USAGE = ("buy", "sell", "limit", "stop", "cancel", "panic", "connect", "plan", "setrisk")


def _commands() -> tuple[Command, ...]:
    p, anyone = Access.PRIVATE, Access.ANYONE
    table: tuple[tuple[str, CommandHandler, Access], ...] = (
        *((n, _trade_command(n), p) for n in ("buy", "sell", "limit", "stop")),
        ("balance", cmd_balance, p),
        ("positions", cmd_positions, p),
        ("orders", cmd_orders, p),
        ("pnl", cmd_pnl, p),
        ("cancel", cmd_cancel, p),
        ("panic", cmd_panic, p),
        ("connect", cmd_connect, anyone),  # anyone: a key pasted in a group is still deleted
        ("disconnect", cmd_disconnect, p),
        ("plan", cmd_plan, p),
        ("risk", cmd_risk, p),
        ("setrisk", cmd_setrisk, Access.ADMIN),
    )
    return tuple(
        Command(
            name,
            f"trading.cmd.{name}",
            handler,
            access,
            f"trading.cmd.{name}.usage" if name in WITH_USAGE else "",
        )
        for name, handler, access in table
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
