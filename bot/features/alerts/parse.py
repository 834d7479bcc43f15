"""Parsing of /alert arguments ("BTC above 70000", "ETH rsi<30 1h") and alert ids."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from bot.core.errors import UserError
from bot.core.symbols import SUPPORTED_TIMEFRAMES, parse_symbol, parse_timeframe

if TYPE_CHECKING:
    from trading.alerts import AlertRule

USAGE = (
    "Usage: /alert BTC above 70000 · /alert ETH below 2500 15m · /alert ETH rsi<30 1h · "
    "/alert SOL rsi>70 4h · /alert SOL macd-cross-up 4h"
)
DEFAULT_TIMEFRAME = {"price": "5m", "rsi": "1h"}
MAX_PRICE = Decimal("1e12")
_MACD_NAMES = ("macd_cross_up", "macd_cross_down")
_OPS = {"above": True, ">": True, ">=": True, "below": False, "<": False, "<=": False}


_MACD = re.compile(r"macd[\s_-]*cross(?:es|ed|ing)?[\s_-]*(up|above|down|below)")
_MACD_KINDS = {"up": "macd_cross_up", "above": "macd_cross_up"}


def parse_alert(args: str) -> AlertRule:
    """Parse "/alert" arguments into a rule; raise UserError with a specific message."""
    return parse_condition(args, USAGE)


def parse_condition(text: str, usage: str) -> AlertRule:
    """Parse "SYMBOL above 70000 [TF]", "SYMBOL rsi<30 [TF]" or "SYMBOL macd-cross-up [TF]"
    into a rule; raise UserError with a specific message (ending with `usage`)."""
    from trading.alerts import AlertKind, AlertRule

    lowered = _MACD.sub(
        lambda m: _MACD_KINDS.get(m.group(1), "macd_cross_down"), text.lower()[:200]
    )
    tokens = re.sub(r"(<=|>=|<|>)", r" \1 ", lowered).split()
    if len(tokens) < 2:
        raise UserError(usage)
    symbol = parse_symbol(tokens[0])
    if symbol is None:
        raise UserError(f"I don't know the symbol {tokens[0][:20].upper()}. {usage}")
    rest = tokens[1:]
    indicator = rest.pop(0) if rest[0] in ("rsi", "price", *_MACD_NAMES) else "price"
    fixed = 0 if indicator in _MACD_NAMES else 2  # words before the timeframe
    timeframe = parse_timeframe(rest[-1]) if len(rest) > fixed else None
    if len(rest) > fixed and timeframe is None:
        choices = ", ".join(SUPPORTED_TIMEFRAMES)
        raise UserError(f"Unknown timeframe {rest[-1][:10]}; use one of {choices}.")
    if timeframe is not None:
        rest = rest[:-1]
    if indicator in _MACD_NAMES:
        if rest:
            raise UserError(usage)
        return AlertRule(symbol, AlertKind(indicator), Decimal(0), timeframe or "1h")
    if len(rest) != 2 or rest[0] not in _OPS:
        raise UserError(usage)
    above = _OPS[rest[0]]
    level = _number(rest[1], indicator, usage)
    if indicator == "rsi":
        kind = AlertKind.RSI_ABOVE if above else AlertKind.RSI_BELOW
    else:
        kind = AlertKind.PRICE_ABOVE if above else AlertKind.PRICE_BELOW
    return AlertRule(symbol, kind, level, timeframe or DEFAULT_TIMEFRAME[indicator])


def _number(token: str, indicator: str, usage: str = USAGE) -> Decimal:
    try:
        value = Decimal(token.replace(",", "").replace("_", ""))
    except InvalidOperation:
        raise UserError(f"{token[:20]} is not a number. {usage}") from None
    if indicator == "rsi" and not Decimal(0) < value < Decimal(100):
        raise UserError("RSI levels are between 0 and 100, e.g. rsi<30 or rsi>70.")
    if not value.is_finite() or value <= 0 or value > MAX_PRICE:
        raise UserError("The price must be a positive number, e.g. 70000 or 0.25.")
    return value


def parse_alert_id(arg: str) -> int:
    """Return the alert id in "#12" or "12"; raise UserError otherwise."""
    return parse_id(arg, "Usage: /unalert ID (the number shown by /alerts).")


def parse_id(arg: str, usage: str) -> int:
    """Return the id in "#12" or "12" (an alert's or a watch's); raise UserError(usage)."""
    token = arg.strip().lstrip("#")
    if not token.isdigit() or len(token) > 12:
        raise UserError(usage)
    return int(token)
