"""Parsing of /watch rules ("ETH rsi<30 1h buy 50 USDT stop 3% tp 6%") and their natural
phrasing in English and Japanese.

A rule is a condition in the /alert language (bot.features.alerts.parse.parse_condition),
then `buy` or `sell`, an amount (base units, or quote with USDT/$), and options: `stop P`
and `tp P` (a price, or a percentage of the trigger price with %), `once` (the default) or
`every 4h` / `repeat [4h]` (repeat, quiet that long after each trigger). Natural phrasing is
rewritten into that form and parsed by the same code, so both read alike.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from bot.core.errors import UserError
from bot.core.i18n import Text, msg
from bot.core.symbols import find_symbol, find_timeframe, normalise
from bot.core.wording import Worded
from bot.features.alerts.parse import parse_condition
from bot.features.alerts.values import Figure

if TYPE_CHECKING:
    from trading.conditions import AlertRule
    from trading.errors import AmountRefused
    from trading.ports import Side
    from trading.watches import Level, WatchSpec

WATCH_USAGE = "alerts.watch_usage"  # the catalog key of the usage line
DEFAULT_COOLDOWN_S = 24 * 3600
MAX_COOLDOWN_S = 90 * 86400
_QUOTE_UNITS = frozenset({"usdt", "usdc", "fdusd", "usd", "dollar", "dollars", "$", "ドル"})
_STOP_WORDS = frozenset({"stop", "sl", "stop-loss", "stoploss"})
_TP_WORDS = frozenset({"tp", "take-profit", "takeprofit", "target"})
_REPEAT_WORDS = frozenset({"every", "repeat", "repeating", "cooldown"})
_FILLER = frozenset({"with", "and", "a", "of", "worth", "then", "at", "loss", "profit", "take"})
_VERB = re.compile(r"\b(buy|sell)\b")
_DURATION = re.compile(r"(\d{1,4})\s*(m|min|h|d|w)")
_UNIT_S = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# The rule's words in Japanese, read as their English twins ("買い 50 USDT 損切り 3%").
_JA_WORDS = {"買い": "buy", "売り": "sell", "損切り": "stop", "損切": "stop", "利確": "tp"}
_JA_WORDS |= {"繰り返し": "every", "1回": "once"}
_AMOUNT_REASONS = frozenset(
    {"too_long", "comma", "not_positive", "not_a_number", "not_finite", "too_large", "too_small"}
)
_JA_WORD = re.compile("|".join(sorted(_JA_WORDS, key=len, reverse=True)))


def parse_watch(args: str) -> WatchSpec:
    """Parse "/watch" arguments into a rule; raise UserError with a specific message."""
    from trading.ports import Side
    from trading.watches import WatchSpec

    text = _JA_WORD.sub(lambda m: f" {_JA_WORDS[m.group(0)]} ", normalise(args).lower())
    text = re.sub(r"(\d)(usdt|usdc|usd|%)", r"\1 \2", text).replace("$", " $ ")
    verb = _VERB.search(text)
    if not text:
        raise UserError(WATCH_USAGE)
    if verb is None:
        raise UserError("alerts.watch_no_side", usage=msg(WATCH_USAGE))
    condition = parse_condition(text[: verb.start()], WATCH_USAGE)
    base = condition.symbol.partition("/")[0].lower()
    tokens = [t for t in text[verb.end() :].split() if t not in _FILLER and t != base]
    amount, quote = _amount(tokens)
    options = _Options()
    options.read(tokens)
    side = Side(verb.group(1))
    _check_levels(condition, side, options)
    return WatchSpec(
        condition,
        side,
        None if quote else amount,
        amount if quote else None,
        options.stop,
        options.take_profit,
        options.cooldown_s,
    )


def _check_levels(condition: AlertRule, side: Side, options: _Options) -> None:
    """Refuse a buy on a price rule whose stop/take-profit price is on the wrong side of the
    rule's level: the card it would send is refused (a stop at or above the entry fires)."""
    if side.value != "buy" or condition.is_rsi or condition.is_macd:
        return
    level, usage = Figure(condition.threshold), msg(WATCH_USAGE)
    stop, tp = options.stop, options.take_profit
    if stop is not None and not stop.percent and stop.value >= condition.threshold:
        raise UserError("alerts.watch_stop_side", stop=Figure(stop.value), level=level, usage=usage)
    if tp is not None and not tp.percent and tp.value <= condition.threshold:
        raise UserError("alerts.watch_tp_side", tp=Figure(tp.value), level=level, usage=usage)


def _amount(tokens: list[str]) -> tuple[Decimal, bool]:
    """Take the amount (and a quote unit) from the front of `tokens`: (amount, in quote)."""
    quote = bool(tokens) and tokens[0] == "$"
    if quote:
        tokens.pop(0)
    if not tokens:
        raise UserError("alerts.watch_amount_missing", usage=msg(WATCH_USAGE))
    amount = _decimal(tokens.pop(0), "amount")
    if tokens and tokens[0] in _QUOTE_UNITS:
        tokens.pop(0)
        quote = True
    return amount, quote


def _decimal(raw: str, role: str, *, percent_sign: bool = False) -> Decimal:
    """Read an amount or price (a trailing % allowed when `percent_sign`); raise UserError
    saying why it cannot be used in its `role` ("amount", "stop", "tp")."""
    from trading.amounts import parse_amount
    from trading.errors import AmountRefused

    try:
        return parse_amount(raw.rstrip("%") if percent_sign else raw)
    except AmountRefused as err:
        role_text = msg(f"alerts.role.{role}")
        raise UserError(
            "alerts.bad_number", raw=raw[:20], role=role_text, detail=_reason(err)
        ) from None


def _reason(err: AmountRefused) -> Text:
    """Say why an amount was refused (the amounts module's reason code), in any language."""
    code = getattr(err, "code", "")
    if code in _AMOUNT_REASONS:
        return msg(f"alerts.amount_reason.{code}", **getattr(err, "fields", {}))
    return Worded(err)  # a reason this catalog does not know: the errors catalog words it


class _Options:
    """stop / tp / once / every read from the tokens after the amount."""

    def __init__(self) -> None:
        self.stop: Level | None = None
        self.take_profit: Level | None = None
        self.cooldown_s: int | None = None

    def read(self, tokens: list[str]) -> None:
        while tokens:
            word = tokens.pop(0)
            if word in _STOP_WORDS:
                self.stop = _level(tokens, "stop", stop=True)
            elif word in _TP_WORDS:
                self.take_profit = _level(tokens, "tp", stop=False)
            elif word == "once":
                self.cooldown_s = None
            elif word in _REPEAT_WORDS:
                self.cooldown_s = _cooldown(tokens)
            else:
                raise UserError(
                    "alerts.watch_not_understood", word=word[:20], usage=msg(WATCH_USAGE)
                )


def _level(tokens: list[str], name: str, *, stop: bool) -> Level:
    from trading.watches import Level

    if not tokens:
        raise UserError("alerts.level_missing", name=msg(f"alerts.word.{name}"))
    raw = tokens.pop(0)
    percent = raw.endswith("%") or (bool(tokens) and tokens[0] == "%")
    if percent and not raw.endswith("%"):
        tokens.pop(0)
    value = _decimal(raw, name, percent_sign=True)
    if percent and (value >= 100 if stop else value > 1000):
        raise UserError("alerts.level_range", name=msg(f"alerts.word.{name}"), value=Figure(value))
    return Level(value, percent)


def _cooldown(tokens: list[str]) -> int:
    match = _DURATION.fullmatch(tokens[0]) if tokens else None
    if match is None:
        return DEFAULT_COOLDOWN_S
    tokens.pop(0)
    seconds = int(match.group(1)) * _UNIT_S[match.group(2)]
    if not 60 <= seconds <= MAX_COOLDOWN_S:
        raise UserError("alerts.cooldown_range")
    return seconds


# -- natural phrasing -------------------------------------------------------------------------

_EN = re.compile(
    r"^(?:when|if|once|whenever)\s+(?P<cond>.+?)[,\s]+(?:then\s+)?(?:please\s+)?"
    r"(?:propose|suggest|offer)\s+(?:me\s+)?(?:an?\s+)?(?P<verb>buy|sell)(?:ing)?\b(?P<rest>.*)$"
)
_EN_BELOW = re.compile(r"\b(?:drops?|falls?|goes|is|gets|dips?)?\s*(?:below|under)\b|<")
_EN_ABOVE = re.compile(r"\b(?:rises?|goes|is|gets|climbs?)?\s*(?:above|over)\b|>")
_EN_MACD = re.compile(r"macd\b.*\bcross(?:es)?\s+(up|above|down|below)|macd\b.*\b(golden|death)")
_JA = re.compile(
    r"^(?P<cond>.+?)(?P<dir>を(?:下回|上回|超え|割|上抜け|下抜け)(?:ったら|たら)"
    r"|がゴールデンクロスしたら|がデッドクロスしたら)"
    r"[、,\s]*(?P<rest>.*?)(?P<verb>買い|売り)を?(?:提案|提示)(?:して|する)?(?:ください|下さい)?[。!！]*$"
)
_EN_ALERT = re.compile(
    r"^(?:please\s+)?(?:alert|tell|notify|ping|message)\s+me\s+(?:when|if|once)\s+"
    r"(?P<cond>.+?)[.!\s]*$"
)
_JA_ALERT = re.compile(
    r"^(?P<cond>.+?(?:を(?:下回|上回|超え|割|上抜け|下抜け)(?:ったら|たら)"
    r"|がゴールデンクロスしたら|がデッドクロスしたら))"
    r"[、,\s]*(?:教えて|知らせて|通知して)(?:ください|下さい|ね)?[。!！]*$"
)
_JA_STOP = re.compile(r"(?:損切り?|ストップ)\s*([\d.]+\s*%?)")
_JA_TP = re.compile(r"(?:利確|利益確定)\s*([\d.]+\s*%?)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_TIMEFRAME_WORDS = re.compile(r"\b\d+\s*(?:m|min|h|hr|d|w)\b|\d+\s*(?:分|時間|日|週)足?")


def parse_watch_text(text: str) -> str | None:
    """Rewrite a natural watch request into /watch arguments, or None when it is not one."""
    norm = normalise(text)
    if norm.rstrip().endswith(("?", "？")):
        return None  # a question about such a rule, not the rule itself
    match = _EN.match(norm.lower())
    if match is not None:
        if not _NUMBER.search(match.group("rest")):
            return None  # no amount: not a rule we could store
        cond = _condition_words(match.group("cond"), english=True)
        return None if cond is None else f"{cond} {match.group('verb')} {match.group('rest')}"
    extra = [f"stop {m}" for m in _JA_STOP.findall(norm)] + [
        f"tp {m}" for m in _JA_TP.findall(norm)
    ]
    match = _JA.match(_JA_TP.sub("", _JA_STOP.sub("", norm)).strip(" 、,。"))
    if match is None:
        return None
    cond = _condition_words(match.group("cond") + match.group("dir"), english=False)
    if cond is None:
        return None
    rest = match.group("rest")
    amount = _NUMBER.search(rest)
    if amount is None:
        return None
    unit = " usdt" if re.search(r"usdt|ドル|\$", rest, re.IGNORECASE) else ""
    verb = "buy" if match.group("verb") == "買い" else "sell"
    repeat = " every 1d" if "毎回" in norm else ""
    return f"{cond} {verb} {amount.group(0)}{unit} {' '.join(extra)}{repeat}".strip()


def _condition_words(cond: str, *, english: bool) -> str | None:
    """Return "BASE rsi<30 1h" style words for a natural condition, or None."""
    symbol = find_symbol(cond)
    if symbol is None:
        return None
    base = symbol.partition("/")[0]
    timeframe = find_timeframe(cond) or ""
    lowered = cond.lower()
    macd = _EN_MACD.search(lowered) if english else None
    if macd or "クロス" in cond:
        up = (macd is not None and macd.group(1) in ("up", "above")) or "golden" in lowered
        up = up or "ゴールデン" in cond
        return f"{base} macd-cross-{'up' if up else 'down'} {timeframe}"
    stripped = _TIMEFRAME_WORDS.sub(" ", lowered).replace(",", "")
    if english:
        direction = _EN_BELOW.search(stripped) or _EN_ABOVE.search(stripped)
        if direction is None:
            return None
        below = direction.re is _EN_BELOW
        level = _NUMBER.search(stripped, direction.end())
    else:
        below = any(word in cond for word in ("下回", "割", "下抜け"))
        level = next(reversed(list(_NUMBER.finditer(stripped))), None)
    if level is None:
        return None
    what = "rsi" if "rsi" in lowered else "price"
    return f"{base} {what} {'below' if below else 'above'} {level.group(0)} {timeframe}"


def parse_alert_text(text: str) -> str | None:
    """Rewrite "alert me when BTC goes above 70000" / "BTCが70000を超えたら教えて" into
    /alert arguments, or None when it is not such a request."""
    norm = normalise(text)
    if norm.rstrip().endswith(("?", "？")):
        return None
    match = _EN_ALERT.match(norm.lower())
    english = match is not None
    if match is None:
        match = _JA_ALERT.match(norm.strip())
    if match is None:
        return None
    return _condition_words(match.group("cond"), english=english)
