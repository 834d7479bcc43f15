"""Seed phrases: runs of BIP-39 words in any language the `mnemonic` package ships.

Reads canonical text (normalize.py): words may be separated by spaces, commas, slashes, bars,
bullets, underscores, line breaks or list numbers, in any case; a word typed with a space
inside it ("aban don") is joined back; one misspelt word does not split a run. A run of at
least ten words is a seed phrase; its span is narrowed to the longest window with a valid
BIP-39 checksum when there is one.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from privacy.redact.candidates import Candidate
from privacy.redact.labels import Label
from privacy.redact.normalize import fold

LANGUAGES = (
    "english", "japanese", "spanish", "french", "italian", "portuguese", "czech", "russian",
    "turkish", "korean", "chinese_simplified", "chinese_traditional",
)  # fmt: skip
MIN_SEED_WORDS = 10
_EAST_ASIAN = frozenset({"japanese", "korean", "chinese_simplified", "chinese_traditional"})
_KANA = "\u3040-\u30ff"
_HAN = "\u3400-\u9fff"
WORD_RE = re.compile(rf"[^\W\d_{_KANA}{_HAN}]+|[\u3040-\u309f\u30fc]+|[{_HAN}]")
_GAP = r"[\s,;.:)(\[\]\-/|•·_#*>\"'、\d]"
GAP_RE = re.compile(_GAP + "{1,12}")
# a space, hyphen or other one-character separator typed inside one word (`aban don`,
# `bl|ind|joke` when the separator between words is the one inside them too)
SPLIT_GAP_RE = re.compile(r"[ \-_|./•·]{1,2}")


@cache
def _tables() -> tuple[dict[str, tuple[tuple[str, int], ...]], dict[str, frozenset[str]]]:
    """Read every shipped word list once into word_index() and word_languages() (one pass,
    one shared set per language: this runs inside the first redaction, i.e. cold start)."""
    index: dict[str, tuple[tuple[str, int], ...]] = {}
    langs: dict[str, frozenset[str]] = {}
    for lang in LANGUAGES:
        path = resources.files("mnemonic").joinpath("wordlist", f"{lang}.txt")
        words = path.read_text("utf-8").split()
        alone = frozenset((lang,))
        for i, word in enumerate(words):
            key = word if lang in _EAST_ASIAN else fold(word).lower()
            seen = langs.get(key)
            index[key] = (*index[key], (lang, i)) if seen is not None else ((lang, i),)
            langs[key] = alone if seen is None else seen | alone
    return index, langs


def word_index() -> dict[str, tuple[tuple[str, int], ...]]:
    """Return canonical word -> ((language, index), ...) over every shipped word list."""
    return _tables()[0]


def checksum_ok(indices: list[int]) -> bool:  # the reference _window_test must agree with
    """Return True when the word indices form a BIP-39 mnemonic with a valid checksum."""
    if len(indices) not in (12, 15, 18, 21, 24):
        return False
    bits = "".join(format(i, "011b") for i in indices)
    cut = len(bits) * 32 // 33
    entropy = int(bits[:cut], 2).to_bytes(cut // 8, "big")
    digest = int.from_bytes(hashlib.sha256(entropy).digest(), "big")
    return int(bits[cut:], 2) == digest >> (256 - len(bits) + cut)


def _tokens(text: str, index: dict[str, tuple[tuple[str, int], ...]]) -> list[tuple[int, int, str]]:
    """Return (start, end, canonical word), joining pieces of a word split by a space."""
    raw = [(m.start(), m.end(), m.group().lower()) for m in WORD_RE.finditer(text)]
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(raw):
        start, end, word = raw[i]
        taken = 1
        if word not in index or (i + 1 < len(raw) and raw[i + 1][2] not in index):
            for k in (2, 3):
                if i + k > len(raw):
                    break
                pieces = raw[i : i + k]
                if not all(
                    SPLIT_GAP_RE.fullmatch(text[a[1] : b[0]]) for a, b in itertools.pairwise(pieces)
                ):
                    break
                joined = "".join(p[2] for p in pieces)
                if joined in index:
                    end, word, taken = pieces[-1][1], joined, k
                    break
        out.append((start, end, word))
        i += taken
    return out


def seed_phrases(text: str) -> list[Candidate]:
    """Return candidate seed phrases (runs of BIP-39 words)."""
    if len(text) < 20 or not _promising(WORD_RE.findall(text.lower())):
        return []
    index, langs_of = word_index(), word_languages()
    out: list[Candidate] = []
    run: list[tuple[int, int, str]] = []
    langs: frozenset[str] = frozenset()
    typo: tuple[int, int, str] | None = None
    misses: list[int] = []  # run positions of tolerated misspelt words
    for tok in _tokens(text, index):
        word_langs = langs_of.get(tok[2], frozenset())
        prev = typo or (run[-1] if run else None)
        joined = prev is not None and GAP_RE.fullmatch(text[prev[1] : tok[0]]) is not None
        if word_langs and run and joined and langs & word_langs:
            misses += [len(run)] if typo else []
            run += [typo, tok] if typo else [tok]
            langs, typo = langs & word_langs, None
            continue
        if run and joined and typo is None and 3 <= len(tok[2]) <= 8 and not word_langs:
            typo = tok
            continue
        _close(run, misses, index, out)
        run, langs, typo, misses = ([tok] if word_langs else []), word_langs, None, []
    _close(run, misses, index, out)
    return out


def word_languages() -> dict[str, frozenset[str]]:
    """Return canonical word -> the languages whose list holds it."""
    return _tables()[1]


def _promising(words: list[str]) -> bool:
    """Cheap test: a stretch of nine list words (or split pieces), at most one miss apart."""
    langs_of = word_languages()
    hits = bytearray(map(langs_of.__contains__, words))
    if len(hits) < MIN_SEED_WORDS - 1 or sum(hits) < MIN_SEED_WORDS // 3:
        return False
    for i in range(len(words)):  # a piece of a split word counts when it joins a neighbour
        if not hits[i] and (
            (i + 1 < len(words) and words[i] + words[i + 1] in langs_of)
            or (i > 0 and words[i - 1] + words[i] in langs_of)
        ):
            hits[i] = 1
    return _STREAK_RE.search(hits) is not None


_STREAK_RE = re.compile(rb"\x01(?:\x00?\x01){%d,}" % (MIN_SEED_WORDS - 2))


def _close(
    run: list[tuple[int, int, str]], misses: list[int], index: dict[str, Any], out: list[Candidate]
) -> None:
    if len(run) < MIN_SEED_WORDS:
        return
    first, last = _checksummed_window([w for _, _, w in run], misses, index)
    out.append(Candidate(run[first][0], run[last][1], Label.SEED_PHRASE, 95, True))


def _checksummed_window(
    words: list[str], misses: list[int], index: dict[str, Any]
) -> tuple[int, int]:
    """Return the words from the first valid mnemonic of the longest valid size to the end of
    the run (or to a misspelt word after the last valid one), else all words.

    List words typed before the phrase (a cue) are trimmed, those after it are not: one
    window in 16 passes the checksum by chance, and trimming after a window that passed by
    chance would leave the phrase's last words behind.
    """
    ends = sorted({len(words), *misses})
    valid = _window_test(words, index)
    for size in (24, 21, 18, 15, 12):
        firsts = [first for first in range(len(words) - size + 1) if valid(first, size)]
        if firsts:
            last = firsts[-1] + size
            return firsts[0], next(e for e in ends if e >= last) - 1
    return 0, len(words) - 1


def _window_test(words: list[str], index: dict[str, Any]) -> Callable[[int, int], bool]:
    """Return valid(first, size): do words[first:first + size] form a checksummed mnemonic?

    The run's indices are packed once per language into one integer of 11-bit groups, so a
    window is a shift and a mask, not a string of bits (a 4,096-character run of list words
    has thousands of windows).
    """
    n = len(words)
    packed: list[tuple[int, list[int]]] = []  # per language: run as one int, misses so far
    for lang in set().union(*({la for la, _ in index.get(w, ())} for w in words)):
        total, missing, outside = 0, [0], 0
        for w in words:
            i = next((i for la, i in index.get(w, ()) if la == lang), None)
            outside += i is None
            total = (total << 11) | (i or 0)
            missing.append(outside)
        packed.append((total, missing))

    def valid(first: int, size: int) -> bool:
        bits = 11 * size
        sum_bits = bits - bits * 32 // 33
        for total, missing in packed:
            if missing[first + size] != missing[first]:
                continue
            window = (total >> (11 * (n - first - size))) & ((1 << bits) - 1)
            entropy = (window >> sum_bits).to_bytes((bits - sum_bits) // 8, "big")
            check = window & ((1 << sum_bits) - 1)
            if hashlib.sha256(entropy).digest()[0] >> (8 - sum_bits) == check:
                return True
        return False

    return valid
