"""Parsing of /alert arguments ("BTC above 70000", "ETH rsi<30 1h") and alert ids."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from bot.core.errors import UserError
from bot.core.i18n import msg
from bot.core.symbols import SUPPORTED_TIMEFRAMES, parse_symbol, parse_timeframe
from bot.features.alerts.values import Listing

if TYPE_CHECKING:
    from trading.alerts import AlertRule

USAGE = "alerts.usage"  # the catalog key of the usage line every refusal ends with
DEFAULT_TIMEFRAME = {"price": "5m", "rsi": "1h"}
MAX_PRICE = Decimal("1e12")
MIN_PRICE = Decimal("1e-8")  # a satoshi: below it a level is no price any market quotes
_MACD_NAMES = ("macd_cross_up", "macd_cross_down")
_OPS = {"above": True, ">": True, ">=": True, "below": False, "<": False, "<=": False}


_MACD = re.compile(r"macd[\s_-]*cross(?:es|ed|ing)?[\s_-]*(up|above|down|below)")
_MACD_KINDS = {"up": "macd_cross_up", "above": "macd_cross_up"}
# Japanese names of the crossings: "MACD ゴールデンクロス" (up), "デッドクロス" (down)
_MACD_JA = re.compile(r"(?:macd[\s_-]*の?[\s_-]*)?(ゴールデンクロス|デッドクロス)")


def parse_alert(args: str) -> AlertRule:
    """Parse "/alert" arguments into a rule; raise UserError with a specific message."""
    return parse_condition(args, USAGE)


def parse_condition(text: str, usage: str) -> AlertRule:
    """Parse "SYMBOL above 70000 [TF]", "SYMBOL rsi<30 [TF]" or "SYMBOL macd-cross-up [TF]"
    into a rule; raise UserError with a specific message (ending with the catalog entry
    `usage`)."""
    from trading.alerts import AlertKind, AlertRule

    lowered = _MACD_JA.sub(
        lambda m: " macd_cross_up " if m.group(1) == "ゴールデンクロス" else " macd_cross_down ",
        text.lower()[:200],
    )
    lowered = _MACD.sub(lambda m: _MACD_KINDS.get(m.group(1), "macd_cross_down"), lowered)
    tokens = re.sub(r"(<=|>=|<|>)", r" \1 ", lowered).split()
    if len(tokens) < 2:
        raise UserError(usage)
    symbol = parse_symbol(tokens[0])
    if symbol is None:
        raise UserError("alerts.unknown_symbol", symbol=tokens[0][:20].upper(), usage=msg(usage))
    rest = tokens[1:]
    indicator = rest.pop(0) if rest[0] in ("rsi", "price", *_MACD_NAMES) else "price"
    fixed = 0 if indicator in _MACD_NAMES else 2  # words before the timeframe
    timeframe = parse_timeframe(rest[-1]) if len(rest) > fixed else None
    if len(rest) > fixed and timeframe is None:
        choices = Listing(SUPPORTED_TIMEFRAMES)
        raise UserError("alerts.unknown_timeframe", timeframe=rest[-1][:10], choices=choices)
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
        raise UserError("alerts.not_a_number", token=token[:20], usage=msg(usage)) from None
    if not value.is_finite():  # NaN and Infinity read as Decimals, and NaN cannot be compared
        raise UserError("alerts.not_a_number", token=token[:20], usage=msg(usage))
    if indicator == "rsi" and not Decimal(0) < value < Decimal(100):
        raise UserError("alerts.rsi_range")
    if not MIN_PRICE <= value <= MAX_PRICE:
        raise UserError("alerts.price_range")
    return value


def parse_alert_id(arg: str) -> int:
    """Return the alert id in "#12" or "12"; raise UserError otherwise."""
    return parse_id(arg, "alerts.unalert_usage")


def parse_id(arg: str, usage: str) -> int:
    """Return the id in "#12" or "12" (an alert's or a watch's); raise UserError(usage), the
    catalog key of the command's usage line."""
    token = arg.strip().lstrip("#")
    if not token.isdigit() or len(token) > 12:
        raise UserError(usage)
    return int(token)
