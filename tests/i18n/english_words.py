"""Find English words in a Japanese reply: the one allow-list every i18n test uses.

A Japanese reply may hold ASCII only where a Japanese trader would read it as is: tickers and
pairs, indicator abbreviations, units and timeframes, the bot's command names (`/buy`), ids
and numbers. Anything else spelled in Latin letters is English that should come from the
Japanese catalog. Keep the lists below small and explicit: a word is added here only when
it is what a Japanese interface shows too, never to make a failing reply pass.
"""

from __future__ import annotations

import re

# coins and quote currencies of the bundled markets (trading/data/ohlcv) and the paper wallet
TICKERS = frozenset({"BTC", "ETH", "SOL", "USDT"})
# indicator and order-type abbreviations (written in Latin letters in Japanese trading UIs)
ABBREVIATIONS = frozenset(
    {"RSI", "MACD", "EMA", "SMA", "ATR", "NATR", "ADX", "BB", "OCO", "TA", "VWAP", "MFI", "CCI"}
)
# units, time zone abbreviations, acronyms Japanese uses as is (API キー, 注文 ID), the bot name
UNITS = frozenset({"UTC", "JST", "ID", "API", "qnabot"})
ALLOWED = TICKERS | ABBREVIATIONS | UNITS
# Literal words of a command's syntax, allowed only inside a command span ("/buy BTC 0.01
# stop 57000", "/limit buy|sell 銘柄 数量 at 価格"): the user types them as they are.
COMMAND_WORDS = frozenset(
    {"stop", "tp", "at", "buy", "sell", "en", "ja", "hold", "no", "below", "above", "clear"}
)

_COMMAND = r"(?<![A-Za-z0-9_/])/[a-z][a-z0-9_]*"
# a command with its arguments: up to a description dash, a bracketed gloss or a sentence end
_COMMAND_SPAN = re.compile(_COMMAND + r"[^\n—（(。、·]*")
# Removed before looking for words: they are not words of a sentence.
_NOT_WORDS = re.compile(
    _COMMAND  # a command name: /buy, /help
    + r"|\b[A-Z0-9]{2,10}/[A-Z]{3,5}\b"  # a pair, also one the user asked for: FOO/USDT
    r"|(?<![A-Za-z0-9])\d+(?:\.\d+)?(?:[mhdwMs]|ms)(?![A-Za-z])"  # timeframes, durations: 1h
    r"|#\d+"  # an id: #12
    r"|\b[A-Z][a-z]+/[A-Z][A-Za-z_]+\b"  # an IANA zone id: Asia/Tokyo
    r"|\b(?:[a-z]{2,5}-)?(?=[0-9a-f]*\d)[0-9a-f]{8,}\b"  # an id: inc-4e827d2b, prop-6bb9…
)
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


def _without_command_words(span: re.Match[str]) -> str:
    return _WORD.sub(lambda w: " " if w.group() in COMMAND_WORDS else w.group(), span.group())


def english_words(text: str) -> list[str]:
    """Return the Latin-letter words of `text` that are not on the allow-list, in order."""
    text = _COMMAND_SPAN.sub(_without_command_words, text)
    return [w for w in _WORD.findall(_NOT_WORDS.sub(" ", text)) if w not in ALLOWED]


def has_japanese(text: str) -> bool:
    """Return whether `text` holds any kana or kanji."""
    return bool(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text))
