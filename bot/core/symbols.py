"""Deterministic parsing of the shared vocabulary: symbols and timeframes.

Several features build on these (trading, TA, alerts, Q&A), so none needs another. Every
parser is total: any text returns a value or None, never raises.

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


def normalise(text: str) -> str:
    """Return the text cut to the parse limit, NFKC-folded and stripped."""
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
    text = normalise(token)
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
    norm = normalise(text)
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
    norm = normalise(text)
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
    norm = normalise(text)
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
    norm = normalise(token)
    match = _TF_IN_TEXT.fullmatch(norm)
    return bool(match and _canonical(match.group(1), match.group(2)))
