"""Deterministic parsing of trade requests: commands and natural phrasing (English, Japanese).

Only what the user typed as a command or an imperative sentence becomes a `TradeRequest`;
questions ("should I buy btc?") and text without an amount are not trades. Numbers are read
exactly by `trading.amounts.parse_amount` (`1e-3` is 0.001; `58,000` with thousands groups is
58000); a number it refuses (`2,5`, `1e309`, 32 digits) makes the request `Unreadable`, with
the reason to show, never a truncated amount. The parser also reads the mood of the wording
(FOMO / panic) for the emotion guard. It never raises.

    /buy BTC/USDT 50 USDT        /sell ETH 0.1          /buy btc 0.01 stop 57000 tp 65000
    /limit buy BTC 0.01 at 58000 /stop ETH 0.1 at 2800  (a stop-market sell)
    /sell BTC all                sell all my btc now    全部売って (every position)
    buy 50 usdt of btc           sell 0.1 eth now       buy 0.01 btc @ 58000
    BTCを50USDT買って             ETHを0.1売って          BTCを0.01 指値58000で買い 損切り57000
    ETHを0.05、2300で指値買い       BTCを全部売って
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from bot.core.symbols import find_symbol, parse_symbol
from trading.amounts import parse_amount
from trading.errors import AmountRefused

MAX_CHARS = 300
# A number as typed: digits with dots/commas, an exponent ("1e-3"; a bare "1e" or "1e-" too,
# to be refused), read exactly or refused later, never cut short at the first odd character.
# The exponent's digits are possessive: "0.1eth" is 0.1 and ETH, "1e5th" is not 1e5.
_NUM = r"((?:\d[\d,.]*|\.\d+)(?:e[+-]?\d*+(?![a-z]))?)"
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_QUOTE_UNITS = r"(usdt|usdc|fdusd|usd|dollars?|ドル|\$)"
_STOP = re.compile(r"(?:stop[- ]?loss|stop|sl|損切り?|ストップ)\s*(?:at|@|=|:|は)?\s*\$?" + _NUM)
_TP = re.compile(r"(?:take[- ]?profit|tp|利確|利益確定)\s*(?:at|@|=|:|は)?\s*\$?" + _NUM)
_AT = re.compile(r"(?:\bat\b|@|指値|limit)\s*\$?" + _NUM)
# "2300で指値", "2300ドルで指値": the price comes before the word in Japanese
_AT_JA = re.compile(_NUM + r"\s*(?:usdt|ドル|\$)?\s*で\s*(?:の)?指値")
# "0.05を2300で買い": a price given by で right before the verb (only with a separate amount)
_AT_JA_VERB = re.compile(_NUM + r"\s*(?:usdt|ドル|\$)?\s*で\s*$")
_AMOUNT = re.compile(r"(\$)?\s*" + _NUM + r"\s*" + _QUOTE_UNITS + r"?")
_ALL = re.compile(r"\ball\b|\beverything\b|全部|全て|すべて|全額")
_HALF = re.compile(r"\bhalf\b|半分")
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
_ASK_EN = re.compile(
    r"^(?:please\s+)?(?:(?:show|list|display|check|get|give)\s+(?:me\s+)?|"
    r"what(?:'s|\s+is|\s+are)\s+|how(?:'s|\s+is|\s+are)\s+)?(?:all\s+)?my\s+"
    r"(?:current\s+|open\s+|recent\s+)?(positions?|balances?|holdings|portfolio|orders?|"
    r"p&l|pnl|profits?(?:\s+and\s+loss(?:es)?)?)\s*(?:now|today|please)?[\s?!.]*$"
)
_ASK_JA = re.compile(
    r"^(?:私の|僕の|自分の)?(残高|ポジション|保有資産|持ち高|注文|損益)(?:一覧)?(?:を|は)?"
    r"(?:見せて|教えて|確認して|表示して|見たい|どう)?(?:ください|下さい)?(?:[?？!！。]|\s)*$"
)
_ASKED = {
    "balance": "balance",
    "残高": "balance",
    "order": "orders",
    "注文": "orders",
    "p&l": "pnl",
    "pnl": "pnl",
    "profit": "pnl",
    "損益": "pnl",
}
# "if/when … buy": a rule for later (/watch), never a trade now; its numbers are levels
_CONDITIONAL = re.compile(
    r"\b(?:if|when|whenever|once|unless|until|as soon as)\b|(?:たら|れば|なら|とき|時に|次第)"
)
# a number left over once the amount, prices and symbol are read: which one was meant?
_STRAY_NUMBER = re.compile(r"(?<![a-z\d.,])(?:\d|\.\d)(?![\d,.]*[a-z])|%")
_FILLER = frozenset({"of", "worth", "for", "buy", "sell", "at", "all", "my", "the", "now"})


@dataclass(frozen=True, slots=True)
class TradeRequest:
    """A parsed trade: amount in base units, a budget in quote units, or all that is held."""

    side: str  # "buy" / "sell"
    symbol: str  # "" with everything=True: every position ("全部売って")
    amount: Decimal | None = None
    quote_amount: Decimal | None = None
    kind: str = "market"  # market / limit / stop
    price: Decimal | None = None
    trigger: Decimal | None = None
    stop_loss: Decimal | None = None
    take_profit: Decimal | None = None
    mood: str | None = None
    everything: bool = False  # sell the whole free balance of the base asset
    fraction: Decimal | None = None  # with everything: that share of it ("半分" = 0.5)


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A trade request whose amount or price cannot be used; `refusal` says why."""

    refusal: AmountRefused

    @property
    def detail(self) -> str:
        """Why, in English (for logs and tests)."""
        return self.refusal.detail


@dataclass(frozen=True, slots=True)
class Conditional:
    """An order for later ("if BTC drops below 58000 buy 0.01"): a /watch rule, not a trade."""

    text: str


Parsed = TradeRequest | Unreadable | Conditional

AMBIGUOUS = AmountRefused(
    "more than one number could be the amount; write one amount (and `at P` for a price)",
    code="ambiguous",
)
PERCENT_PRICE = AmountRefused(
    "a stop, take-profit or limit here is a price (stop 52000), not a percentage; "
    "/watch takes stop 3% tp 6%",
    code="percent_price",
)


class _Numbers:
    """Reads the numbers of one request, keeping the first refusal instead of raising."""

    def __init__(self) -> None:
        self.refused: AmountRefused | None = None

    def value(self, raw: str) -> Decimal | None:
        if raw[-1] in ".," and raw[-2:-1].isdigit():
            raw = raw[:-1]  # a sentence's full stop or comma after the number
        text = raw.replace(",", "") if _GROUPED.fullmatch(raw) else raw
        try:
            return parse_amount(text)
        except AmountRefused as err:
            self.refused = self.refused or err
            return None

    def take(self, pattern: re.Pattern[str], text: str) -> tuple[Decimal | None, str]:
        match = pattern.search(text)
        if match is None:
            return None, text
        rest = text[match.end() :]
        if rest.lstrip().startswith("%"):  # "stop 3%" is not a stop at 3 USDT
            self.refused = self.refused or PERCENT_PRICE
            rest = rest.lstrip()[1:]
        return self.value(match.group(1)), text[: match.start()] + " " + rest


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text[:MAX_CHARS]).strip().lower()


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


def _amount(
    numbers: _Numbers, text: str
) -> tuple[Decimal | None, Decimal | None, str, bool] | None:
    """Return (base amount, quote budget, rest, found) from the first number in the text."""
    match = _AMOUNT.search(text)
    if match is None:
        return None
    value = numbers.value(match.group(2))
    rest = text[: match.start()] + " " + text[match.end() :]
    if match.group(1) or match.group(3):
        return None, value, rest, True
    return value, None, rest, True


def _price(numbers: _Numbers, body: str) -> tuple[Decimal | None, str]:
    """Take the limit/stop price: "at 58000", "指値58000", "2300で指値", "…2300で" + verb."""
    at, body = numbers.take(_AT, body)
    if at is None and numbers.refused is None:
        at, body = numbers.take(_AT_JA, body)
    if at is None and numbers.refused is None:
        match = _AT_JA_VERB.search(body)
        if match is not None and _AMOUNT.search(body[: match.start()]):
            at, body = numbers.take(_AT_JA_VERB, body)
    return at, body


SymbolOf = Callable[[str], str | None]


def _build(side: str, body: str, kind: str, symbol_of: SymbolOf) -> Parsed | None:
    if re.search(r"(?:^|[\s:=@])-\s*\d", body):
        return None  # a negative amount or price is never a trade
    numbers = _Numbers()
    stop, body = numbers.take(_STOP, body)
    tp, body = numbers.take(_TP, body)
    at, body = _price(numbers, body)
    found = _amount(numbers, body)
    half = found is None and side == "sell" and _HALF.search(body) is not None
    everything = half or (found is None and side == "sell" and _ALL.search(body) is not None)
    if found is None and not everything:
        return None
    amount, budget, rest, _ = found or (None, None, body, False)
    symbol = symbol_of(rest)
    if symbol is None:
        return None
    if numbers.refused is not None:
        return Unreadable(numbers.refused)
    if _STRAY_NUMBER.search(rest):
        return Unreadable(AMBIGUOUS)
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
        everything=everything,
        fraction=Decimal("0.5") if half else None,
    )


def _first_symbol_token(rest: str) -> str | None:
    for token in re.findall(r"[a-z0-9/\-_:]+", rest):
        if token in _FILLER:
            continue
        return parse_symbol(token)
    return None


def parse_command(name: str, args: str) -> Parsed | None:
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
    return _with_mood(_build(side, body, kind, _first_symbol_token), args)


def parse_trade_text(text: str) -> Parsed | None:
    """Parse an imperative trade sentence ("buy 50 usdt of btc", "ETHを0.1売って")."""
    norm = _norm(text)
    if not norm or "?" in norm or "？" in text or len(text) > MAX_CHARS:
        return None
    # a trailing "損切り57000" (or "損切り3%", refused later) is not the verb
    core = re.sub(r"(?<=\s)%", "", _STOP.sub(" ", _TP.sub(" ", norm))).strip()
    side = None
    if _BUY_EN.search(core) or _BUY_JA.search(core):
        side = "buy"
    elif _SELL_EN.search(core) or _SELL_JA.search(core):
        side = "sell"
    if side is None:
        return None
    body = _BUY_EN.sub(" ", _SELL_EN.sub(" ", norm))
    body = _BUY_JA.sub(" ", _SELL_JA.sub(" ", body))
    if _CONDITIONAL.search(norm):
        return Conditional(text)
    parsed = _build(side, body, "market", find_symbol)
    if parsed is None and side == "sell" and _sells_everything(body):
        parsed = TradeRequest(side="sell", symbol="", everything=True)
    return _with_mood(parsed, text)


def _sells_everything(body: str) -> bool:
    """True for "sell everything" / "全部売って": every position, no coin named."""
    words = re.sub(r"[\s!！。.、,]+|を|my|of|now|please|今すぐ", " ", body).split()
    return bool(words) and all(_ALL.fullmatch(w) for w in words)


def _with_mood(parsed: Parsed | None, text: str) -> Parsed | None:
    if not isinstance(parsed, TradeRequest):
        return parsed
    return replace(parsed, mood=read_mood(text, parsed.side))


def parse_portfolio_query(text: str) -> str | None:
    """Return "balance", "positions", "orders" or "pnl" for "show my balance", "残高を見せて"."""
    norm = _norm(text)
    if len(norm) > 80:
        return None
    match = _ASK_EN.match(norm) or _ASK_JA.match(norm)
    if match is None:
        return None
    noun = match.group(1)
    for stem, command in _ASKED.items():
        if noun.startswith(stem):
            return command
    return "positions"  # positions, holdings, portfolio, ポジション, 保有資産, 持ち高


_CANCEL_ALL = re.compile(
    r"^(?:please\s+)?cancel\s+(?:all|every)(?:\s+(?:of\s+)?my)?(?:\s+open)?\s+orders?"
    r"(?:\s+please)?[.!\s]*$"
    r"|^(?:私の)?注文を?(?:全部|すべて|全て)(?:キャンセル|取り消)"
)


def parse_cancel_all(text: str) -> str | None:
    """Return "" (the /panic arguments: cancel, keep positions) for "cancel all my orders" /
    "注文を全部キャンセルして", else None; a question about it stays a question."""
    norm = _norm(text)
    if "?" in norm or not _CANCEL_ALL.search(norm):
        return None
    return ""


# the /panic argument that also sells what is held, in either language
FLATTEN_WORDS = frozenset({"flatten", "all", "sell", "全決済", "全部", "売却"})
