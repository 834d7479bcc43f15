"""Deterministic parsing of the shared vocabulary: symbols, timeframes, analysis requests.

Other features build on these: the trade-phrasing parser (bot.trade_intents) uses
`parse_symbol`/`find_symbol`; the TA handlers use `parse_analysis`. Every parser is total:
any text returns a value or None, never raises.

* `parse_symbol(token)` reads ONE token that names a market ("btc", "BTCUSDT", "eth/btc",
  "bitcoin", "ビットコイン") and returns "BASE/QUOTE" (quote defaults to USDT). Any
  ticker-shaped token is accepted, so an unknown coin still reaches the market service, which
  answers with suggestions.
* `find_symbol(text)` finds a market inside free text; there only known coin names, tickers
  and explicit pairs count (so "is" in "is eth overbought" is not a coin).
* `parse_timeframe(text)` reads one timeframe ("4h", "4H", "daily", "日足", "4時間足") and
  returns the canonical form ("4h", "1d"); `find_timeframe(text)` finds one in free text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from trading.ports import TIMEFRAME_MS

DEFAULT_QUOTE = "USDT"
_FIAT_LIKE = frozenset({"USDT", "USD", "EUR", "JPY"})
QUOTES = ("FDUSD", "USDT", "USDC", "BUSD", "TUSD", "USD", "EUR", "JPY", "BTC", "ETH", "BNB")
SUPPORTED_TIMEFRAMES = tuple(TIMEFRAME_MS)
MAX_PARSE_CHARS = 300

# Coin names people write instead of tickers (lower-case / Japanese) -> base asset.
COIN_NAMES: dict[str, str] = {
    "bitcoin": "BTC",
    "ビットコイン": "BTC",
    "ethereum": "ETH",
    "ether": "ETH",
    "イーサリアム": "ETH",
    "イーサ": "ETH",
    "solana": "SOL",
    "ソラナ": "SOL",
    "ripple": "XRP",
    "リップル": "XRP",
    "binance coin": "BNB",
    "cardano": "ADA",
    "カルダノ": "ADA",
    "dogecoin": "DOGE",
    "ドージコイン": "DOGE",
    "litecoin": "LTC",
    "ライトコイン": "LTC",
    "polkadot": "DOT",
    "avalanche": "AVAX",
    "chainlink": "LINK",
    "tron": "TRX",
    "toncoin": "TON",
    "shiba inu": "SHIB",
}
# Tickers recognised inside free text (a bare token elsewhere is accepted by parse_symbol).
KNOWN_BASES = frozenset(
    {"BTC", "ETH", "SOL", "XRP", "BNB", "ADA", "DOGE", "LTC", "DOT", "AVAX", "LINK", "TRX"}
    | {"TON", "SHIB", "MATIC", "POL", "ATOM", "NEAR", "APT", "ARB", "OP", "SUI", "PEPE", "XLM"}
    | {"BCH", "ETC", "FIL", "UNI", "AAVE", "INJ", "XMR"}
)

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:\s*[/\-_:]\s*[A-Za-z0-9]+)?")
_TICKER = re.compile(r"[A-Z0-9]{2,12}")
_TF_UNITS = {
    "m": "m",
    "min": "m",
    "mins": "m",
    "minute": "m",
    "minutes": "m",
    "分": "m",
    "分足": "m",
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "時間": "h",
    "時間足": "h",
    "d": "d",
    "day": "d",
    "days": "d",
    "日": "d",
    "日足": "d",
    "w": "w",
    "wk": "w",
    "week": "w",
    "weeks": "w",
    "週": "w",
    "週足": "w",
}
_TF_WORDS = {
    "hourly": "1h",
    "daily": "1d",
    "day": "1d",
    "d": "1d",
    "weekly": "1w",
    "week": "1w",
    "w": "1w",
    "日足": "1d",
    "週足": "1w",
    "時間足": "1h",
}
_TF_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9.])(\d{1,3})\s*-?\s*"
    r"(minutes|minute|mins|min|m|hours|hour|hrs|hr|h|days|day|d|weeks|week|wk|w"
    r"|時間足|時間|分足|分|日足|日|週足|週)(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_TF_WORD_IN_TEXT = re.compile(r"(?<![A-Za-z])(hourly|daily|weekly)(?![A-Za-z])|日足|週足", re.I)


def _normalise(text: str) -> str:
    # NFKC folds full-width letters/digits ("ＢＴＣ", "４ｈ") to ASCII.
    return unicodedata.normalize("NFKC", text[:MAX_PARSE_CHARS]).strip()


def _split_pair(token: str) -> tuple[str, str] | None:
    for sep in "/-_:":
        if sep in token:
            base, _, quote = token.partition(sep)
            base, quote = base.strip(), quote.strip()
            return (base, quote) if base and quote else None
    for quote in QUOTES:
        if token.endswith(quote) and len(token) > len(quote) + 1:
            return token[: -len(quote)], quote
    return None


def parse_symbol(token: str) -> str | None:
    """Return "BASE/QUOTE" for one token naming a market, or None."""
    text = _normalise(token)
    name = COIN_NAMES.get(text.lower())
    if name:
        return f"{name}/{DEFAULT_QUOTE}"
    upper = re.sub(r"\s*([/\-_:])\s*", r"\1", text.upper())
    pair = _split_pair(upper)
    if pair is not None:
        base, quote = pair
        if _TICKER.fullmatch(base) and quote in QUOTES and base != quote:
            return f"{base}/{quote}"
        return None
    if _TICKER.fullmatch(upper) and not upper.isdigit() and upper not in _FIAT_LIKE:
        return f"{upper}/{DEFAULT_QUOTE}"
    return None


def find_symbol(text: str) -> str | None:
    """Return the first market named in free text (known coins or explicit pairs), or None."""
    norm = _normalise(text)
    lower = norm.lower()
    for name, base in COIN_NAMES.items():
        if not name.isascii() and name in norm:
            return f"{base}/{DEFAULT_QUOTE}"
    for match in _TOKEN.finditer(norm):
        upper = re.sub(r"\s", "", match.group(0).upper())
        explicit = parse_symbol(upper) if not upper.isalnum() else None
        if explicit:
            return explicit
        for part in re.findall(r"[A-Z0-9]+", upper):
            if part.lower() in COIN_NAMES:
                return f"{COIN_NAMES[part.lower()]}/{DEFAULT_QUOTE}"
            if part in KNOWN_BASES:
                return f"{part}/{DEFAULT_QUOTE}"
            pair = _split_pair(part)
            if pair is not None and pair[0] in KNOWN_BASES:
                return parse_symbol(part)
    for name, base in COIN_NAMES.items():
        if " " in name and name in lower:
            return f"{base}/{DEFAULT_QUOTE}"
    return None


def _canonical(count: str, unit: str) -> str | None:
    # "5M" is read as minutes: there are no monthly candles.
    suffix = _TF_UNITS.get(unit.lower())
    return None if suffix is None else f"{int(count)}{suffix}"


def parse_timeframe(text: str) -> str | None:
    """Return the canonical timeframe ("4h", "1d") for one timeframe word, or None."""
    norm = _normalise(text)
    word = _TF_WORDS.get(norm.lower())
    if word:
        return word
    match = _TF_IN_TEXT.fullmatch(norm)
    if match is None:
        return None
    tf = _canonical(match.group(1), match.group(2))
    return tf if tf in SUPPORTED_TIMEFRAMES else None


def find_timeframe(text: str) -> str | None:
    """Return the first supported timeframe mentioned in free text, or None."""
    norm = _normalise(text)
    for match in _TF_IN_TEXT.finditer(norm):
        tf = _canonical(match.group(1), match.group(2))
        if tf in SUPPORTED_TIMEFRAMES:
            return tf
    word = _TF_WORD_IN_TEXT.search(norm)
    if word:
        return _TF_WORDS[word.group(0).lower()]
    return None


def looks_like_timeframe(token: str) -> bool:
    """Return True for a timeframe-shaped token, supported or not ("7h", "2d")."""
    norm = _normalise(token)
    match = _TF_IN_TEXT.fullmatch(norm)
    return bool(match and _canonical(match.group(1), match.group(2)))


class AnalysisKind(StrEnum):
    """What a natural-language analysis question asks for."""

    REPORT = "report"
    MOMENTUM = "momentum"
    LEVELS = "levels"
    CHART = "chart"
    MTF = "mtf"
    BACKTEST = "backtest"


@dataclass(frozen=True, slots=True)
class AnalysisRequest:
    """A TA question: which market, which timeframe (None = the default) and what to show."""

    symbol: str
    timeframe: str | None
    kind: AnalysisKind


_KIND_WORDS: tuple[tuple[AnalysisKind, tuple[str, ...]], ...] = (
    (AnalysisKind.BACKTEST, ("backtest", "back-test", "バックテスト")),
    (AnalysisKind.CHART, ("chart", "チャート")),
    (AnalysisKind.MTF, ("multi-timeframe", "multi timeframe", "all timeframes", "mtf")),
    (
        AnalysisKind.LEVELS,
        ("support", "resistance", "levels", "サポート", "レジスタンス", "抵抗線", "支持線"),
    ),
    (
        AnalysisKind.MOMENTUM,
        ("overbought", "oversold", "rsi", "買われすぎ", "売られすぎ", "買われ過ぎ", "売られ過ぎ"),
    ),
    (
        AnalysisKind.REPORT,
        (
            *("analysis", "analyse", "analyze", "technical", "technicals", "outlook", "look"),
            *("looking", "trend", "bullish", "bearish", "macd", "signal", "rating", "ta"),
            *("分析", "テクニカル", "トレンド", "どう", "は？", "は?"),
        ),
    ),
)
# Phrases that belong to other features: trades go to the trading parser, "what is RSI"
# style explanations to Q&A.
_NOT_ANALYSIS = re.compile(
    r"(?<![a-z])(buy|sell|order|explain|define|meaning of)(?![a-z])"
    r"|買って|売って|買う|売る|注文|とは",
)
_WORD_BOUNDARY_KINDS = frozenset({"ta", "rsi", "look", "mtf", "trend", "signal", "macd"})


def _has_word(lower: str, word: str) -> bool:
    if not word.isascii() or word not in _WORD_BOUNDARY_KINDS:
        return word in lower
    return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", lower) is not None


def _kind_of(lower: str) -> AnalysisKind | None:
    for kind, words in _KIND_WORDS:
        if any(_has_word(lower, w) for w in words):
            return kind
    return None


def parse_analysis(text: str) -> AnalysisRequest | None:
    """Return the analysis request in natural phrasing ("btc 4h analysis"), or None."""
    norm = _normalise(text)
    if not norm or len(text) > MAX_PARSE_CHARS:
        return None
    lower = norm.lower()
    if _NOT_ANALYSIS.search(lower):
        return None
    symbol = find_symbol(norm)
    if symbol is None:
        return None
    timeframe = find_timeframe(norm)
    kind = _kind_of(lower)
    if kind is None:
        # "ETHの4時間足は？" or "btc 4h": a market and a timeframe alone ask for the report.
        if timeframe is None or len(norm) > 40:
            return None
        kind = AnalysisKind.REPORT
    return AnalysisRequest(symbol=symbol, timeframe=timeframe, kind=kind)
