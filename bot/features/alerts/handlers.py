"""Alerts: /alert BTC above 70000, /alert ETH rsi<30 1h, /alerts, /unalert ID, /price.

Storing, evaluating on closed candles and pacing delivery live in trading.alerts (the
AlertService). The periodic check is scheduled by bot.core.jobs; a fired alert is worded by
bot.features.alerts.render.firing_text.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import replace

from bot.core.conversation import Handled, Reply, Request
from bot.core.errors import UserError
from bot.core.i18n import t
from bot.core.registry import Access, CallbackRoute, Command, Intent, Registry
from bot.core.services import Services
from bot.core.symbols import parse_symbol
from bot.core.wording import Worded
from bot.features.alerts.parse import parse_alert, parse_alert_id, parse_id
from bot.features.alerts.render import list_reply, price_text, rule_msg, watch_added, watch_list
from bot.features.alerts.watch_parse import parse_alert_text, parse_watch, parse_watch_text

UNWATCH_USAGE = "alerts.unwatch_usage"  # catalog keys
PRICE_USAGE = "alerts.price_usage"


async def cmd_price(services: Services, req: Request, args: str) -> Handled:
    """Reply with the latest price (the market service caches tickers for a moment)."""
    from trading.errors import MarketDataError

    symbol = parse_symbol(args.split()[0]) if args.strip() else None
    if symbol is None:
        raise UserError(PRICE_USAGE)
    try:
        ticker = await services.market.fetch_ticker(symbol)
    except MarketDataError as err:
        raise UserError(Worded(err, {"symbol": symbol})) from None
    return Reply(text=price_text(symbol, ticker, req.lang, req.zone))


async def cmd_alert(services: Services, req: Request, args: str) -> Handled:
    """Set an alert from "/alert BTC above 70000"."""
    from trading.alerts import AlertLimitReached
    from trading.errors import UnknownSymbol

    rule = parse_alert(args)
    try:
        alert = await services.alerts.add(req.user_id, req.chat_id, rule)
    except (UnknownSymbol, AlertLimitReached) as err:
        raise UserError(Worded(err, {"symbol": rule.symbol})) from None
    return Reply(text=t(req.lang, "alerts.alert_set", id=alert.id, rule=rule_msg(rule)))


async def cmd_alerts(services: Services, req: Request, _args: str) -> Handled:
    """List the user's alerts with a remove button each."""
    return list_reply(await services.alerts.list_for(req.user_id), req.lang)


async def cmd_unalert(services: Services, req: Request, args: str) -> Handled:
    """Remove one of the user's alerts by id."""
    alert_id = parse_alert_id(args)
    removed = services.alerts.remove(req.user_id, alert_id)
    return Reply(text=await _removed(removed, "alert", alert_id, req.lang))


async def on_unalert(services: Services, req: Request, arg: str) -> Handled:
    """Remove an alert from its button and show the list again in place."""
    alert_id = parse_alert_id(arg)
    removal = services.alerts.remove(req.user_id, alert_id)
    toast = await _removed(removal, "alert", alert_id, req.lang)
    listing = list_reply(await services.alerts.list_for(req.user_id), req.lang)
    return replace(listing, edit_origin=True, toast=toast)


async def _removed(removal: Awaitable[bool], noun: str, item_id: int, language: str) -> str:
    """Return "Alert #3 removed." once `removal` did it; raise UserError when none was theirs
    (`noun`: "alert" or "watch")."""
    if not await removal:
        raise UserError(f"alerts.{noun}_missing", id=item_id)
    return t(language, f"alerts.{noun}_removed", id=item_id)


async def cmd_watch(services: Services, req: Request, args: str) -> Handled:
    """Store a rule that proposes a trade: "/watch ETH rsi<30 1h buy 50 USDT stop 3%"."""
    from trading.errors import UnknownSymbol
    from trading.watches import WatchLimitReached

    if req.forwarded:
        return Reply(text=t(req.lang, "alerts.forwarded"))
    spec = parse_watch(args)
    try:
        watch = await services.watches.add(req.user_id, req.chat_id, spec)
    except (UnknownSymbol, WatchLimitReached) as err:
        raise UserError(Worded(err, {"symbol": spec.condition.symbol})) from None
    return Reply(text=watch_added(watch, req.lang))


async def cmd_watches(services: Services, req: Request, _args: str) -> Handled:
    """List the user's watches with a remove button each."""
    return watch_list(await services.watches.list_for(req.user_id), req.lang)


async def cmd_unwatch(services: Services, req: Request, args: str) -> Handled:
    """Remove one of the user's watches by id."""
    watch_id = parse_id(args, UNWATCH_USAGE)
    removed = services.watches.remove(req.user_id, watch_id)
    return Reply(text=await _removed(removed, "watch", watch_id, req.lang))


async def on_unwatch(services: Services, req: Request, arg: str) -> Handled:
    """Remove a watch from its button and show the list again in place."""
    watch_id = parse_id(arg, UNWATCH_USAGE)
    removal = services.watches.remove(req.user_id, watch_id)
    toast = await _removed(removal, "watch", watch_id, req.lang)
    listing = watch_list(await services.watches.list_for(req.user_id), req.lang)
    return replace(listing, edit_origin=True, toast=toast)


def register_watches(registry: Registry) -> None:
    """Add /watch, /watches, /unwatch, the remove button and the natural phrasing."""
    p = Access.PRIVATE
    usage = "alerts.cmd.watch_usage"
    registry.command(Command("watch", "alerts.cmd.watch", cmd_watch, p, usage))
    registry.command(Command("watches", "alerts.cmd.watches", cmd_watches, p))
    registry.command(Command("unwatch", "alerts.cmd.unwatch", cmd_unwatch, p, "ID"))
    registry.callback(CallbackRoute("unwatch", on_unwatch, p))
    registry.intent(Intent("watch", parse_watch_text, cmd_watch, p))


def register(registry: Registry) -> None:
    """Add the alert commands, the remove button and /price."""
    registry.command(
        Command("alert", "alerts.cmd.alert", cmd_alert, usage="alerts.cmd.alert_usage")
    )
    registry.command(Command("alerts", "alerts.cmd.alerts", cmd_alerts))
    registry.command(Command("unalert", "alerts.cmd.unalert", cmd_unalert, usage="ID"))
    registry.callback(CallbackRoute("unalert", on_unalert))
    register_watches(registry)
    registry.intent(Intent("alert", parse_alert_text, cmd_alert))
    if "price" not in registry.commands:  # market data's feature may add its own /price
        usage = "alerts.cmd.price_usage"
        registry.command(Command("price", "alerts.cmd.price", cmd_price, usage=usage))
