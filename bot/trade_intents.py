"""Deterministic parsing of trade requests: commands and natural phrasing (English, Japanese).

Only what the user typed as a command or an imperative sentence becomes a `TradeRequest`;
questions ("should I buy btc?") and text without an amount are not trades. The parser also
reads the mood of the wording (FOMO / panic) for the emotion guard. It never raises.

    /buy BTC/USDT 50 USDT        /sell ETH 0.1          /buy btc 0.01 stop 57000 tp 65000
    /limit buy BTC 0.01 at 58000 /stop ETH 0.1 at 2800  (a stop-market sell)
    buy 50 usdt of btc           sell 0.1 eth now       buy 0.01 btc @ 58000
    BTCを50USDT買って             ETHを0.1売って          BTCを0.01 指値58000で買い 損切り57000
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bot.intents import find_symbol, parse_symbol

MAX_CHARS = 300
_NUM = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_QUOTE_UNITS = r"(usdt|usdc|fdusd|usd|dollars?|ドル|\$)"
_STOP = re.compile(r"(?:stop[- ]?loss|stop|sl|損切り?|ストップ)\s*(?:at|@|=|:|は)?\s*\$?" + _NUM)
_TP = re.compile(r"(?:take[- ]?profit|tp|利確|利益確定)\s*(?:at|@|=|:|は)?\s*\$?" + _NUM)
_AT = re.compile(r"(?:\bat\b|@|指値|limit)\s*\$?" + _NUM)
_AMOUNT = re.compile(r"(\$)?\s*" + _NUM + r"\s*" + _QUOTE_UNITS + r"?")
_BUY_EN = re.compile(r"^(?:please\s+)?(?:buy|purchase|long)\b")
_SELL_EN = re.compile(r"^(?:please\s+)?(?:sell|dump|close)\b")
_BUY_JA = re.compile(r"(買って|買う|買い|購入)(?:して)?(?:ください|下さい)?[!！。]*$")
_SELL_JA = re.compile(r"(売って|売る|売り|売却)(?:して)?(?:ください|下さい)?[!！。]*$")
_FOMO = re.compile(
    r"fomo|to the moon|mooning|\bmoon\b|all[- ]in|yolo|lambo|can'?t miss|don'?t want to miss|"
    r"before it'?s too late|before it pumps|乗り遅れ|全力|爆上げ|置いていかれ",
)
_PANIC = re.compile(
    r"panic|crash|get me out|sell everything|dump (?:it|everything)|scared|terrified|"
    r"暴落|怖い|逃げ|狼狽|もうだめ|全部売",
)
_URGENT = re.compile(r"right now|immediately|asap|hurry|quick(?:ly)?|!!|今すぐ|急いで|早く")


@dataclass(frozen=True, slots=True)
class TradeRequest:
    """A parsed trade: amount in base units, or a budget in quote units."""

    side: str  # "buy" / "sell"
    symbol: str
    amount: Decimal | None = None
    quote_amount: Decimal | None = None
    kind: str = "market"  # market / limit / stop
    price: Decimal | None = None
    trigger: Decimal | None = None
    stop_loss: Decimal | None = None
    take_profit: Decimal | None = None
    mood: str | None = None


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text[:MAX_CHARS]).strip().lower()


def _num(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return None
    return value if value > 0 and value.is_finite() else None


def read_mood(text: str, side: str) -> str | None:
    """Return "fomo" or "panic" when the wording reads like it, else None."""
    norm = _norm(text)
    if _PANIC.search(norm):
        return "panic"
    if _FOMO.search(norm):
        return "fomo"
    if _URGENT.search(norm):
        return "fomo" if side == "buy" else "panic"
    return None


def _take(pattern: re.Pattern[str], text: str) -> tuple[Decimal | None, str]:
    match = pattern.search(text)
    if match is None:
        return None, text
    return _num(match.group(1)), text[: match.start()] + " " + text[match.end() :]


def _amount(text: str) -> tuple[Decimal | None, Decimal | None, str] | None:
    """Return (base amount, quote budget, rest) from the first number in the text."""
    match = _AMOUNT.search(text)
    if match is None:
        return None
    value = _num(match.group(2))
    if value is None:
        return None
    rest = text[: match.start()] + " " + text[match.end() :]
    if match.group(1) or match.group(3):
        return None, value, rest
    return value, None, rest


def _build(side: str, body: str, kind: str, symbol_of: object) -> TradeRequest | None:
    if re.search(r"(?:^|[\s:=@])-\s*\d", body):
        return None  # a negative amount or price is never a trade
    stop, body = _take(_STOP, body)
    tp, body = _take(_TP, body)
    at, body = _take(_AT, body)
    found = _amount(body)
    if found is None:
        return None
    amount, budget, rest = found
    symbol = symbol_of(rest)  # type: ignore[operator]
    if symbol is None:
        return None
    if kind == "market" and at is not None:
        kind = "limit"
    if kind in ("limit", "stop") and at is None:
        return None
    return TradeRequest(
        side=side,
        symbol=symbol,
        amount=amount,
        quote_amount=budget,
        kind=kind,
        price=at if kind == "limit" else None,
        trigger=at if kind == "stop" else None,
        stop_loss=stop,
        take_profit=tp,
    )


def _first_symbol_token(rest: str) -> str | None:
    for token in re.findall(r"[a-z0-9/\-_:]+", rest):
        if token in ("of", "worth", "for", "buy", "sell", "at"):
            continue
        return parse_symbol(token)
    return None


def parse_command(name: str, args: str) -> TradeRequest | None:
    """Parse the arguments of /buy, /sell, /limit or /stop; None when they do not fit."""
    body = _norm(args)
    side, kind = name, "market"
    if name == "limit":
        head, _, body = body.partition(" ")
        if head not in ("buy", "sell"):
            return None
        side, kind = head, "limit"
    elif name == "stop":
        side, kind = "sell", "stop"
    elif name not in ("buy", "sell"):
        return None
    parsed = _build(side, body, kind, _first_symbol_token)
    if parsed is None:
        return None
    return _with_mood(parsed, args)


def parse_trade_text(text: str) -> TradeRequest | None:
    """Parse an imperative trade sentence ("buy 50 usdt of btc", "ETHを0.1売って")."""
    norm = _norm(text)
    if not norm or "?" in norm or "？" in text or len(text) > MAX_CHARS:
        return None
    core = _STOP.sub(" ", _TP.sub(" ", norm)).strip()  # a trailing "損切り57000" is not the verb
    side = None
    if _BUY_EN.search(core) or _BUY_JA.search(core):
        side = "buy"
    elif _SELL_EN.search(core) or _SELL_JA.search(core):
        side = "sell"
    if side is None:
        return None
    body = _BUY_EN.sub(" ", _SELL_EN.sub(" ", norm))
    body = _BUY_JA.sub(" ", _SELL_JA.sub(" ", body))
    parsed = _build(side, body, "market", find_symbol)
    return _with_mood(parsed, text) if parsed else None


def _with_mood(parsed: TradeRequest, text: str) -> TradeRequest:
    from dataclasses import replace

    return replace(parsed, mood=read_mood(text, parsed.side))
