"""Claim check: a model answer is kept only when each sentence says what its sources say.

On top of the number/ticker check (llm.grounding) every sentence must share enough content
words (English) or character pairs (Japanese) with the notes and facts; a definitional
sentence ("X is ...") must use the defined entry's own terms; direction words (up/down,
above/below, positive/negative, maker/taker, long/short ...) must pair as the sources pair
them and agree with the sign of a live change; the answer must not echo the question, must
not loop, and a Japanese question needs a mostly Japanese answer. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from llm.grounding import MAJOR_TICKERS, check, content_stems

SENTENCE_SUPPORT = 0.7  # share of a sentence's content words found in the sources
DEFINITION_SUPPORT = 0.6  # share of a definition's predicate found in the defined entry
JA_SUPPORT = 0.5  # share of a Japanese sentence's character pairs found in the sources
JA_SHARE = 0.5  # share of Japanese script among the letters of an answer to a Japanese question
ECHO_SHARE = 0.7  # a sentence whose words are this much the question's is an echo


class Rejection(StrEnum):
    """Why a model answer was withdrawn (counted per reason)."""

    EMPTY = "empty"
    NUMBER = "unsupported number or ticker"
    UNSUPPORTED = "sentence not in the sources"
    DEFINITION = "definition not the entry's"
    DIRECTION = "direction contradicts the sources"
    ECHO = "echoes the question"
    LOOP = "repeats itself"
    LANGUAGE = "wrong language"
    OFF_TOPIC = "says nothing about the topic"


@dataclass(frozen=True, slots=True)
class Definition:
    """An entry that a sentence may define: its names (lower case) and its text."""

    names: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the model was given: notes (entry texts), live facts and the question."""

    notes: tuple[str, ...]
    facts: tuple[str, ...]
    question: str
    definitions: tuple[Definition, ...] = ()

    @property
    def texts(self) -> list[str]:
        return [*self.notes, *self.facts, self.question, _sign_words(self.facts)]


@dataclass(frozen=True, slots=True)
class ClaimVerdict:
    """The verdict on one answer: ok, or the reasons it was withdrawn."""

    ok: bool
    reasons: tuple[Rejection, ...] = ()


_JA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
_KANJI = re.compile(r"[\u3400-\u9fff]")
_KATAKANA_PAIR = re.compile(r"(?=([\u30a0-\u30ff\uff66-\uff9f]{2}))")
_JA_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9fA-Za-z0-9]+")
_LATIN = re.compile(r"[A-Za-z]")
_SENTENCES = re.compile(r"(?<=[.!?])\s+|[。！？!?\n]+")
_WORDS = re.compile(r"[a-z]+")
_SPACES = re.compile(r"\s+")
_DEFINES = re.compile(r"^(?:an?\s+|the\s+)?(.{2,60}?)\s+(?:is|are|means|refers to)\s+(.+)$")
_SIGNED_PCT = re.compile(r"([+\-−])(\d+(?:\.\d+)?)%")
_CLAUSE = re.compile(r";|\bwhile\b|\bwhereas\b|\bbut\b")
_PCT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)%")
_FAMILIES: tuple[tuple[str, str], ...] = (
    (
        "up upward upwards rising rises rise rose uptrend increase increases increased "
        "increasing bullish gains",
        "down downward downwards falling falls fall fell downtrend decrease decreases "
        "decreased decreasing bearish drops drop",
    ),
    ("above over", "below under"),
    ("positive", "negative"),
    ("higher more larger bigger", "lower less smaller fewer"),
    ("maker makers", "taker takers"),
    ("long longs", "short shorts"),
    ("overbought", "oversold"),
)
_SIDE: dict[str, tuple[int, int]] = {
    word: (family, side)
    for family, sides in enumerate(_FAMILIES)
    for side, words in enumerate(sides)
    for word in words.split()
}
Pair = tuple[int, int, int, int]  # (family a, side a, family b, side b), family a < family b


def _sign_words(facts: Sequence[str]) -> str:
    # A live change of -3% may be told as "fell" or "dropped 3%": its direction's words count
    # as supported (the direction check then makes sure they agree with the sign).
    signs = {m.group(1) != "+" for f in facts for m in _SIGNED_PCT.finditer(f)}
    return " ".join(_FAMILIES[family][int(s)] for s in signs for family in (0, 2))


def sentences(text: str) -> list[str]:
    """Split an answer into sentences (English and Japanese punctuation)."""
    return [s.strip() for s in _SENTENCES.split(text) if s and s.strip()]


def japanese_share(text: str) -> float:
    """Return the share of Japanese script among the letters of a text (0 when none)."""
    ja = len(_JA.findall(text))
    letters = ja + len(_LATIN.findall(text))
    return ja / letters if letters else 0.0


def ja_pairs(text: str) -> set[str]:
    """Return the character pairs of a text's runs of Japanese script (and embedded words)."""
    pairs: set[str] = set()
    for run in _JA_RUN.findall(text):
        pairs.update(run[i : i + 2] for i in range(len(run) - 1) if _JA.search(run[i : i + 2]))
    return pairs


def ja_units(text: str) -> set[str]:
    """Return the content units of Japanese text: each kanji, and each pair of katakana."""
    return set(_KANJI.findall(text)) | set(_KATAKANA_PAIR.findall(text))


def loops(text: str, span: int = 6, times: int = 3) -> bool:
    """Return True when a run of `span` characters occurs `times` times (a looping model)."""
    squeezed = _SPACES.sub(" ", text)
    seen: dict[str, int] = {}
    for i in range(len(squeezed) - span + 1):
        gram = squeezed[i : i + span]
        seen[gram] = seen.get(gram, 0) + 1
        if seen[gram] >= times and gram.strip():
            return True
    return False


def _echoes(mine: set[str], asked: frozenset[str], extra: int) -> bool:
    """Return True when a sentence's words (or pairs) are the question's, `extra` aside."""
    if not mine:
        return False
    return len(mine & asked) / len(mine) >= ECHO_SHARE and len(mine - asked) <= extra


def _ja_supported(sentence: str, ctx: _Context) -> bool:
    # Kana is mostly grammar ("では", "なる"): the kanji and katakana words the answer adds
    # to the question's carry its claims, and most of them must be in the notes.
    mine = ja_units(sentence) - ctx.ja_question
    return not mine or len(mine & ctx.ja_sources) / len(mine) >= JA_SUPPORT


def _definition_ok(sentence: str, definitions: Sequence[Definition]) -> bool:
    match = _DEFINES.match(sentence.lower().strip(" .!?"))
    if match is None:
        return True
    subject, predicate = match.groups()
    for definition in definitions:
        if any(n and (n in subject or subject in n) for n in definition.names):
            terms = content_stems(predicate) - content_stems(subject)
            if not terms:
                return True
            shared = terms & content_stems(definition.text)
            return bool(shared) and len(shared) / len(terms) >= DEFINITION_SUPPORT
    return True


def _sides(text: str) -> list[tuple[int, int]]:
    return [_SIDE[w] for w in _WORDS.findall(text.lower()) if w in _SIDE]


def direction_pairs(sentence: str) -> set[Pair]:
    """Return the direction pairs of a sentence: each term with the next term of each family."""
    terms = _sides(sentence)
    pairs: set[Pair] = set()
    for i, (fam_a, side_a) in enumerate(terms):
        done = {fam_a}
        for fam_b, side_b in terms[i + 1 :]:
            if fam_b in done:
                continue
            done.add(fam_b)
            first, second = sorted([(fam_a, side_a), (fam_b, side_b)])
            pairs.add((first[0], first[1], second[0], second[1]))
    return pairs


def clauses(sentence: str) -> list[str]:
    """Split a sentence where its direction words stop pairing (";", while, whereas, but)."""
    return _CLAUSE.split(sentence)


def _contradicts(pair: Pair, known: set[Pair]) -> bool:
    fa, sa, fb, sb = pair
    support = {(fa, sa, fb, sb), (fa, 1 - sa, fb, 1 - sb)} & known
    against = {(fa, sa, fb, 1 - sb), (fa, 1 - sa, fb, sb)} & known
    return bool(against) and not support


def _changes(facts: Sequence[str]) -> dict[str, bool]:
    """Return each live change's magnitude -> whether it is negative."""
    return {m.group(2): m.group(1) != "+" for f in facts for m in _SIGNED_PCT.finditer(f)}


def _against_change(sentence: str, signs: dict[str, bool]) -> bool:
    if not signs:
        return False
    sides = {side for family, side in _sides(sentence) if family in (0, 2)}
    for number in _PCT.findall(sentence):
        negative = signs.get(number)
        if negative is not None and sides == {0 if negative else 1}:
            return True
    return False


def _sentence_reasons(sentence: str, evidence: Evidence, ctx: _Context) -> list[Rejection]:
    reasons = []
    if japanese_share(sentence) >= JA_SHARE:
        echo = _echoes(ja_pairs(sentence), ctx.asked_pairs, 2)
        supported = not ctx.ja_sources or _ja_supported(sentence, ctx)
    else:
        words = content_stems(sentence)
        echo = _echoes(words, ctx.asked_stems, 0)
        supported = not words or len(words & ctx.stems) / len(words) >= SENTENCE_SUPPORT
    if echo:
        reasons.append(Rejection.ECHO)
    if not supported:
        reasons.append(Rejection.UNSUPPORTED)
    if not _definition_ok(sentence, evidence.definitions):
        reasons.append(Rejection.DEFINITION)
    pairs = {p for clause in clauses(sentence) for p in direction_pairs(clause)}
    if any(_contradicts(p, ctx.pairs) for p in pairs) or _against_change(sentence, ctx.changes):
        reasons.append(Rejection.DIRECTION)
    return reasons


@dataclass(frozen=True, slots=True)
class _Context:
    """What every sentence is judged against, derived once per answer."""

    stems: set[str]
    ja_sources: set[str]
    ja_question: set[str]  # the question's units, which support no claim
    asked_stems: frozenset[str]  # the question's words and pairs, which an echo repeats
    asked_pairs: frozenset[str]
    pairs: set[Pair]
    changes: dict[str, bool]


def _context(evidence: Evidence, texts: Sequence[str]) -> _Context:
    sourced = [*evidence.notes, *evidence.facts]
    pairs: set[Pair] = set()
    for text in sourced:
        for sentence in sentences(text):
            for clause in clauses(sentence):
                pairs |= direction_pairs(clause)
    return _Context(
        stems=content_stems("\n".join(texts)),
        ja_sources=ja_units("\n".join(sourced)),
        ja_question=ja_units(evidence.question),
        asked_stems=frozenset(content_stems(evidence.question)),
        asked_pairs=frozenset(ja_pairs(evidence.question)),
        pairs=pairs,
        changes=_changes(evidence.facts),
    )


_GROUNDING_REASONS = {
    "(empty answer)": Rejection.EMPTY,
    "(repetition)": Rejection.LOOP,
}


def check_claims(
    answer: str,
    evidence: Evidence,
    *,
    japanese: bool = False,
    known_tickers: frozenset[str] = MAJOR_TICKERS,
) -> ClaimVerdict:
    """Return whether every sentence of `answer` is supported by `evidence`, else why not."""
    texts = evidence.texts
    # wording is judged sentence by sentence below, not over the whole answer
    grounding = check(answer, texts, known_tickers, wording=False)
    reasons = [_GROUNDING_REASONS.get(u, Rejection.NUMBER) for u in grounding.unsupported]
    if Rejection.EMPTY in reasons:
        return ClaimVerdict(ok=False, reasons=(Rejection.EMPTY,))
    share = japanese_share(answer)
    if share >= JA_SHARE and loops(answer):  # English loops: grounding's repeated word runs
        reasons.append(Rejection.LOOP)
    if (japanese and share < JA_SHARE) or (not japanese and share >= JA_SHARE):
        reasons.append(Rejection.LANGUAGE)
    ctx = _context(evidence, texts)
    for sentence in sentences(answer):
        reasons += _sentence_reasons(sentence, evidence, ctx)
    unique = tuple(dict.fromkeys(reasons))
    return ClaimVerdict(ok=not unique, reasons=unique)
