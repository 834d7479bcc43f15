"""Alerts: /alert BTC above 70000, /alert ETH rsi<30 1h, /alerts, /unalert ID.

Parsing and wording live here; storing, evaluating on closed candles and pacing delivery
live in trading.alerts (the AlertService). The periodic check is scheduled by the transport
(bot.jobs), and a fired alert is worded by `firing_text`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from bot.conversation import Button, CallbackRoute, Command, Handled, Registry, Reply, Request
from bot.errors import UserError
from bot.intents import SUPPORTED_TIMEFRAMES, parse_symbol, parse_timeframe
from bot.services import Services

if TYPE_CHECKING:
    from trading.alerts import Alert, AlertRule, AlertService, Firing

USAGE = (
    "Usage: /alert BTC above 70000 · /alert ETH below 2500 15m · /alert ETH rsi<30 1h · "
    "/alert SOL rsi>70 4h"
)
DEFAULT_TIMEFRAME = {"price": "5m", "rsi": "1h"}
MAX_PRICE = Decimal("1e12")
_OPS = {"above": True, ">": True, ">=": True, "below": False, "<": False, "<=": False}


def parse_alert(args: str) -> AlertRule:
    """Parse "/alert" arguments into a rule; raise UserError with a specific message."""
    from trading.alerts import AlertKind, AlertRule

    tokens = re.sub(r"(<=|>=|<|>)", r" \1 ", args.lower()[:200]).split()
    if len(tokens) < 3:
        raise UserError(USAGE)
    symbol = parse_symbol(tokens[0])
    if symbol is None:
        raise UserError(f"I don't know the symbol {tokens[0][:20].upper()}. {USAGE}")
    rest = tokens[1:]
    indicator = rest.pop(0) if rest[0] in ("rsi", "price") else "price"
    timeframe = parse_timeframe(rest[-1]) if len(rest) > 2 else None
    if len(rest) > 2 and timeframe is None:
        choices = ", ".join(SUPPORTED_TIMEFRAMES)
        raise UserError(f"Unknown timeframe {rest[-1][:10]}; use one of {choices}.")
    if timeframe is not None:
        rest = rest[:-1]
    if len(rest) != 2 or rest[0] not in _OPS:
        raise UserError(USAGE)
    above = _OPS[rest[0]]
    level = _number(rest[1], indicator)
    if indicator == "rsi":
        kind = AlertKind.RSI_ABOVE if above else AlertKind.RSI_BELOW
    else:
        kind = AlertKind.PRICE_ABOVE if above else AlertKind.PRICE_BELOW
    return AlertRule(symbol, kind, level, timeframe or DEFAULT_TIMEFRAME[indicator])


def _number(token: str, indicator: str) -> Decimal:
    try:
        value = Decimal(token.replace(",", "").replace("_", ""))
    except InvalidOperation:
        raise UserError(f"{token[:20]} is not a number. {USAGE}") from None
    if indicator == "rsi" and not Decimal(0) < value < Decimal(100):
        raise UserError("RSI levels are between 0 and 100, e.g. rsi<30 or rsi>70.")
    if not value.is_finite() or value <= 0 or value > MAX_PRICE:
        raise UserError("The price must be a positive number, e.g. 70000 or 0.25.")
    return value


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def rule_text(rule: AlertRule) -> str:
    """Describe a rule in words, e.g. "BTC/USDT closes above 70000 (5m candles)"."""
    above = rule.kind.value.endswith("above")
    word = "above" if above else "below"
    what = f"RSI(14) {word}" if rule.is_rsi else f"closes {word}"
    return f"{rule.symbol} {what} {_plain(rule.threshold)} ({rule.timeframe} candles)"


def _status(alert: Alert) -> str:
    return "watching" if alert.status.value == "active" else "triggered, message on its way"


def list_reply(alerts: list[Alert]) -> Reply:
    """Render the user's alerts with a remove button each."""
    if not alerts:
        return Reply(text="You have no alerts. " + USAGE)
    lines = ["Your alerts:"]
    lines += [f"#{a.id} {rule_text(a.rule)} — {_status(a)}" for a in alerts]
    buttons = tuple((Button(f"Remove #{a.id}", f"unalert:{a.id}"),) for a in alerts)
    return Reply(text="\n".join(lines), buttons=buttons)


def firing_text(firing: Firing) -> str:
    """Word the message sent when an alert fires."""
    rule = firing.alert.rule
    at = firing.candle_close_at.strftime("%Y-%m-%d %H:%M UTC")
    seen = f"RSI {_plain(firing.value)}" if rule.is_rsi else f"close {_plain(firing.value)}"
    return (
        f"Alert #{firing.alert.id}: {rule_text(rule)} — {seen} on the candle closed {at}. "
        "This alert is now done; set a new one with /alert."
    )


def _service(services: Services) -> AlertService:
    if services.alerts is None:
        raise UserError("Alerts are not available right now.")
    return services.alerts


def _alert_id(arg: str) -> int:
    token = arg.strip().lstrip("#")
    if not token.isdigit() or len(token) > 12:
        raise UserError("Usage: /unalert ID (the number shown by /alerts).")
    return int(token)


PRICE_USAGE = "Usage: /price SYMBOL, e.g. /price BTC or /price eth/btc"


async def cmd_price(services: Services, _req: Request, args: str) -> Handled:
    """Reply with the latest price (the market service caches tickers for a moment)."""
    from trading.errors import ExchangeUnavailable, MarketDataError, RateLimited, UnknownSymbol

    symbol = parse_symbol(args.split()[0]) if args.strip() else None
    if symbol is None:
        raise UserError(PRICE_USAGE)
    if services.market is None:
        raise UserError("Prices are not available right now.")
    try:
        ticker = await services.market.fetch_ticker(symbol)
    except UnknownSymbol:
        raise UserError(f"The exchange does not list {symbol}.") from None
    except RateLimited:
        raise UserError("The exchange is rate-limiting us; please try again in a minute.") from None
    except ExchangeUnavailable:
        raise UserError("The exchange is not answering right now; please try again soon.") from None
    except MarketDataError:
        raise UserError(f"The price of {symbol} is unavailable right now.") from None
    parts = [f"{symbol} {_plain(ticker.last)}"]
    if ticker.change_24h_pct is not None:
        parts.append(f"{ticker.change_24h_pct:+.2f}% in 24 h")
    if ticker.bid is not None and ticker.ask is not None:
        parts.append(f"bid {_plain(ticker.bid)} / ask {_plain(ticker.ask)}")
    parts.append(ticker.at.strftime("as of %Y-%m-%d %H:%M UTC"))
    return Reply(text=" · ".join(parts))


def register(registry: Registry) -> None:
    """Add the alert commands, the remove button and /price."""

    async def cmd_alert(services: Services, req: Request, args: str) -> Handled:
        from trading.alerts import AlertLimitReached
        from trading.errors import UnknownSymbol

        rule = parse_alert(args)
        try:
            alert = await _service(services).add(req.user_id, req.chat_id, rule)
        except UnknownSymbol:
            raise UserError(f"The exchange does not list {rule.symbol}.") from None
        except AlertLimitReached:
            raise UserError("You have too many alerts; remove one with /unalert ID.") from None
        return Reply(
            text=f"Alert #{alert.id} set: {rule_text(rule)}. I check each closed candle and "
            "message you once when it happens. "
            f"/alerts lists yours, /unalert {alert.id} removes it."
        )

    async def cmd_alerts(services: Services, req: Request, _args: str) -> Handled:
        return list_reply(await _service(services).list_for(req.user_id))

    async def cmd_unalert(services: Services, req: Request, args: str) -> Handled:
        alert_id = _alert_id(args)
        if not await _service(services).remove(req.user_id, alert_id):
            raise UserError(f"You have no alert #{alert_id}.")
        return Reply(text=f"Alert #{alert_id} removed.")

    async def on_unalert(services: Services, req: Request, arg: str) -> Handled:
        alert_id = _alert_id(arg)
        service = _service(services)
        if not await service.remove(req.user_id, alert_id):
            raise UserError(f"You have no alert #{alert_id}.")
        listing = list_reply(await service.list_for(req.user_id))
        return Reply(
            text=listing.text,
            buttons=listing.buttons,
            edit_origin=True,
            toast=f"Alert #{alert_id} removed.",
        )

    registry.command(
        Command(
            "alert",
            "alert me when a price or RSI crosses a level",
            cmd_alert,
            usage="BTC above 70000 | ETH rsi<30 1h",
        )
    )
    registry.command(Command("alerts", "list your alerts", cmd_alerts))
    registry.command(Command("unalert", "remove an alert", cmd_unalert, usage="ID"))
    registry.callback(CallbackRoute("unalert", on_unalert))
    if "price" not in registry.commands:  # market data's feature may add its own /price
        registry.command(Command("price", "latest price of a symbol", cmd_price, usage="SYMBOL"))
