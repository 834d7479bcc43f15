"""Every word the Q&A feature shows: fixed wording, the fallback excerpt, the comparison line."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.formats import percent
from bot.core.i18n import ENGLISH, t
from llm import Entry, Fact
from llm.claims import ja_pairs, sentences
from llm.grounding import content_stems

EXCERPT_SENTENCES = 3
_CHANGE = re.compile(r": ([+\-−]?\d+(?:\.\d+)?)%")
# Live facts are rendered in English by facts.py (the model reads them in English too); an
# answer in another language shows them re-rendered from the same catalog entries.
_FACT_SHAPES = {
    "price": re.compile(
        r"(?P<symbol>\S+) price: (?P<price>\S+ \S+) at (?P<at>.+? UTC) \((?P<origin>replay|live)\)"
    ),
    "change": re.compile(r"(?P<symbol>\S+) 24h change: (?P<change>\S+)"),
    "ta": re.compile(
        r"(?P<symbol>\S+) (?P<timeframe>\S+) TA rating: (?P<signal>.+); RSI: (?P<rsi>\S+)"
    ),
    "levels": re.compile(r"(?P<symbol>\S+) (?P<timeframe>\S+) levels: (?P<found>.+)"),
}
_LABEL_SHAPES = {
    "price": re.compile(r"(?P<symbol>\S+) price"),
    "change": re.compile(r"(?P<symbol>\S+) 24h change"),
    "ta": re.compile(r"(?P<symbol>\S+) (?P<timeframe>\S+) TA"),
    "levels": re.compile(r"(?P<symbol>\S+) (?P<timeframe>\S+) levels"),
}
_LEVEL = re.compile(r"(support|resistance) (\S+) \((\d+) touches\)")
# analysis.Signal values (and ta_summary's "no rating") are these entries' English text
SIGNAL_KEYS = ("strong_buy", "buy", "neutral", "sell", "strong_sell", "none")


def _signal(english: str, language: str) -> str:
    for name in SIGNAL_KEYS:
        if t(ENGLISH, f"qa.signal.{name}") == english:
            return t(language, f"qa.signal.{name}")
    return english


def localized(fact: Fact, language: str) -> Fact:
    """Return a live fact in the question's language (facts.py renders them in English)."""
    if language == ENGLISH:
        return fact
    kind = fact.key.partition(":")[0]
    return Fact(
        fact.key,
        _rerendered(_LABEL_SHAPES, "qa.label.", kind, fact.label, language),
        _rerendered(_FACT_SHAPES, "qa.fact.", kind, fact.text, language),
    )


def _rerendered(
    shapes: dict[str, re.Pattern[str]], prefix: str, kind: str, text: str, language: str
) -> str:
    shape = shapes.get(kind)
    match = shape.fullmatch(text) if shape is not None else None
    if match is None:
        return text
    fields = match.groupdict()
    if "origin" in fields:
        fields["origin"] = t(language, f"qa.origin.{fields['origin']}")
    if "signal" in fields:
        fields["signal"] = _signal(fields["signal"], language)
    if "found" in fields:
        fields["found"] = _levels_found(fields["found"], language)
    return t(language, prefix + kind, **fields)


def _levels_found(found: str, language: str) -> str:
    levels = _LEVEL.findall(found)
    if not levels:
        return t(language, "qa.fact.no_levels")
    sep = t(language, "qa.fact.levels_sep")
    return sep.join(t(language, f"qa.fact.{k}", price=p, touches=n) for k, p, n in levels)


def cited(entries: Sequence[Entry], facts: Sequence[Fact], language: str) -> str:
    """Return the sources line: entry titles, then each symbol's facts once ("X price, …")."""
    by_symbol: dict[str, list[str]] = {}
    for fact in facts:
        symbol, _, what = fact.label.partition(" ")
        by_symbol.setdefault(symbol, []).append(what)
    joiner = t(language, "qa.source_parts_sep")
    items = [e.title_in(language) for e in entries]
    items += [f"{symbol} {joiner.join(whats)}" for symbol, whats in by_symbol.items()]
    return t(language, "qa.sources", items=t(language, "qa.sources_sep").join(items))


def excerpt(entry: Entry, question: str, language: str) -> str:
    """Return the 1-3 sentences of an entry that answer the question (its first one always)."""
    parts = sentences(entry.text_in(language))
    if len(parts) <= 1:
        return entry.text_in(language)
    japanese = language == "ja" and bool(entry.ja_text)
    asked = ja_pairs(question) if japanese else content_stems(question)

    def overlap(sentence: str) -> int:
        mine = ja_pairs(sentence) if japanese else content_stems(sentence)
        return len(mine & asked)

    # The first sentence defines; then the sentences sharing most with the question (ties in
    # the entry's order), so a long entry is cut to what was asked.
    ranked = sorted(range(1, len(parts)), key=lambda i: (-overlap(parts[i]), i))
    chosen = {0, *ranked[: EXCERPT_SENTENCES - 1]}
    joiner = "" if japanese else " "
    return joiner.join(_ended(parts[i], japanese) for i in sorted(chosen))


def _ended(sentence: str, japanese: bool) -> str:
    if sentence.endswith((".", "!", "?", "。", "！", "？")):
        return sentence
    return sentence + ("。" if japanese else ".")


def comparison(facts: Sequence[Fact], symbols: Sequence[str], language: str) -> str:
    """Return one line comparing the 24h change of two symbols ("" without both changes)."""
    changes: dict[str, float] = {}
    for fact in facts:
        match = _CHANGE.search(fact.text)
        if match and fact.key.startswith("change:"):
            changes[fact.key.partition(":")[2]] = float(match.group(1).replace("−", "-"))
    if len(symbols) < 2 or not all(s in changes for s in symbols[:2]):
        return ""
    first, second = symbols[:2]
    a, b = changes[first], changes[second]
    key = "qa.compare_even" if abs(a - b) < 0.1 else "qa.compare"
    winner = first if a > b else second
    shown_a, shown_b = (percent(v / 100, language, digits=2, sign=True) for v in (a, b))
    return t(language, key, first=first, second=second, a=shown_a, b=shown_b, winner=winner)
