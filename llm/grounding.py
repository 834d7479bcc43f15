"""Grounding check: every number and ticker in a model answer must come from its sources.

Sources are the texts the model was given (retrieved entries, live facts) and the user's own
question. A number is supported when it appears there, also after rounding to the precision
the answer wrote it with ("97,123" is supported by "97123.45"); a ticker when it appears there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

_NUMBER = re.compile(r"(?<![\w.])[-+−]?\d[\d,]*(?:\.\d+)?(?:[a-zA-Z%]+)?")
_TICKER = re.compile(r"(?<![\w/])[A-Z][A-Z0-9]{1,9}(?:/[A-Z]{2,6})?(?![\w/])")
MAJOR_TICKERS = frozenset(
    [
        "BTC",
        "ETH",
        "SOL",
        "BNB",
        "XRP",
        "ADA",
        "DOGE",
        "TRX",
        "DOT",
        "MATIC",
        "POL",
        "LTC",
        "AVAX",
        "LINK",
        "SHIB",
        "TON",
        "ATOM",
        "UNI",
        "XLM",
        "ETC",
        "NEAR",
        "APT",
        "ARB",
        "OP",
        "FIL",
        "PEPE",
        "SUI",
        "USDT",
        "USDC",
        "DAI",
        "BUSD",
        "WBTC",
    ]
)
MIN_ANSWER_CHARS = 12
MIN_WORD_SUPPORT = 0.8  # share of an answer's content words that must occur in the sources
_CONTENT = re.compile(r"[a-z][a-z'-]{2,}")
_COMMON_WORDS = (
    "that this with from have been will when they them their there which what also into "
    "your more than then only just very such some used uses using like make makes made "
    "does each other over most many much because about these those while where would could "
    "should it's can't don't type way kind often usually the and for are but not can you "
    "its was has had all any one two how why who our out use may own get set too"
)
_COMMON = frozenset(_COMMON_WORDS.split())


@dataclass(frozen=True, slots=True)
class Grounding:
    """The verdict on one answer: ok, or the numbers/tickers no source supports."""

    ok: bool
    unsupported: tuple[str, ...] = ()


def _value(token: str) -> tuple[Decimal, int] | None:
    digits = token.replace(",", "").replace("−", "-")
    digits = re.sub(r"[a-zA-Z%]+$", "", digits)
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    places = len(digits.partition(".")[2])
    return value, places


def _unit(token: str) -> str:
    match = re.search(r"[a-zA-Z]+$", token)
    return match.group(0).lower() if match else ""


def has_latin_words(text: str) -> bool:
    """Return True when the text is mostly written in Latin letters (word support applies)."""
    latin = len(re.findall(r"[A-Za-z]", text))
    return latin > len(text) / 3


def numbers_in(text: str) -> list[str]:
    """Return the numeric tokens of a text ("97,123.4", "30", "4h", "12%")."""
    return _NUMBER.findall(text)


def tickers_in(text: str, known: frozenset[str]) -> set[str]:
    """Return ticker-like tokens: pairs such as BTC/USDT, or known bases such as ETH."""
    found = set()
    for token in _TICKER.findall(text):
        if "/" in token or token in known:
            found.add(token)
    return found


class _Sources:
    def __init__(self, texts: Iterable[str]) -> None:
        joined = "\n".join(texts)
        found = numbers_in(joined)
        self.tokens = {t.replace(",", "").lower() for t in found}
        self.values = [v for v in map(_value, found) if v is not None]
        self.upper = set(re.findall(r"[A-Z][A-Z0-9]{1,9}", joined))

    def supports_number(self, token: str) -> bool:
        if token.replace(",", "").lower() in self.tokens:
            return True
        if _unit(token) not in ("", "k"):
            return False  # "10x", "4h": only literally, never by value
        parsed = _value(token)
        if parsed is None:
            return False
        value, places = parsed
        if _unit(token) == "k":
            value *= 1000
        quantum = Decimal(1).scaleb(-places)
        return any(
            abs(value) == abs(src.quantize(quantum, rounding=ROUND_HALF_UP))
            for src, _ in self.values
            if src.adjusted() < 28
        )

    def supports_ticker(self, token: str) -> bool:
        return all(part in self.upper for part in token.split("/"))


@lru_cache(maxsize=8192)  # every answer and note is stemmed on every check
def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_stems(text: str) -> set[str]:
    """Return the stemmed content words of a text (common words dropped)."""
    return {_stem(w) for w in _CONTENT.findall(text.lower()) if w not in _COMMON}


def word_support(answer: str, sources: Iterable[str]) -> float:
    """Return the share of the answer's content words that occur (stemmed) in the sources."""
    words = content_stems(answer)
    if not words:
        return 1.0
    known = {_stem(w) for w in _CONTENT.findall("\n".join(sources).lower())}
    return len(words & known) / len(words)


def informative_words(answer: str, sources: Iterable[str], question: str) -> int:
    """Return how many distinct source words the answer adds beyond the question's words."""

    found = content_stems(answer) & content_stems("\n".join(sources))
    return len(found - content_stems(question))


def repeats_itself(answer: str, span: int = 5) -> bool:
    """Return True when a run of `span` words occurs twice (a looping small model)."""
    words = re.findall(r"\w+", answer.lower())
    seen: set[tuple[str, ...]] = set()
    for i in range(len(words) - span + 1):
        gram = tuple(words[i : i + span])
        if gram in seen:
            return True
        seen.add(gram)
    return False


def check(
    answer: str,
    sources: Iterable[str],
    known_tickers: frozenset[str] = MAJOR_TICKERS,
    *,
    wording: bool = True,
) -> Grounding:
    """Return whether every number and ticker in `answer` is supported by `sources`.

    With `wording`, the answer's words as a whole must be the sources' too; a caller that
    judges wording sentence by sentence (llm.claims) passes False and skips that work.
    """
    if len(answer.strip()) < MIN_ANSWER_CHARS:
        return Grounding(ok=False, unsupported=("(empty answer)",))
    texts = list(sources)
    src = _Sources(texts)
    bad = [n for n in numbers_in(answer) if not src.supports_number(n)]
    bad += sorted(t for t in tickers_in(answer, known_tickers) if not src.supports_ticker(t))
    if repeats_itself(answer):
        bad.append("(repetition)")
    prose = _TICKER.sub(" ", answer)  # tickers were checked above
    if wording and has_latin_words(answer) and word_support(prose, texts) < MIN_WORD_SUPPORT:
        bad.append("(wording not in the sources)")
    return Grounding(ok=not bad, unsupported=tuple(dict.fromkeys(bad)))
