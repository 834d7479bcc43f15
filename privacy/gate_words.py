"""BIP-39 word runs for the admission gate, in every language the `mnemonic` package ships.

A run is 6 or more words of one language's list in a row, whatever sits between them as
long as it is only separators or numbering (`1. abandon / 2) ability, …`, newlines, the
ideographic space). A word split by one space (`aban don`) counts as the word. Chinese
seeds are also found without separators (12 or more list characters in a row). Words cut
into pieces by separators anywhere (`cap ita l/r ug/ iro n`, `gla/nce//ap/olo/gy`) are found
by stripping the separators of a stretch that holds such pieces and splitting its letters
into list words again. Kept apart from privacy.redact so the gate shares nothing with the
redactor it checks.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import cache
from importlib import resources

MIN_RUN = 6
MIN_UNSPACED_CJK = 12
MAX_GAP = 8
_WORD = re.compile(r"[^\W\d_]+")
# words that name the secret before its value (several are list words themselves)
_CUES = frozenset(
    ("key", "seed", "phrase", "word", "code", "pass", "secret", "private", "this", "my", "your")
)
_NEIGHBOURS = re.compile(
    r"(?:([^\W\d_]+)[\s/,\-|•·.;:_]{0,3})?\x01(?:[\s/,\-|•·.;:_]{0,3}([^\W\d_]+))?"
)
_GAP = re.compile(r"[\s/,\-|•·.;:_()#\[\]'\"*+>\d、，。・]*")
# letters joined by short separator gaps: where a seed cut into pieces can hide
_STRETCH = re.compile(r"(?<![^\W\d_])[^\W\d_]+(?:[\s/,\-|•·.;:_#*+~\\]{1,4}[^\W\d_]+){5,}")
_PIECE = re.compile(r"[^\W\d_]+")
MIN_CUTS = 2
HEAD = 6
MAX_WORD = 9


def _fold(word: str) -> str:
    """Drop accents from a Latin-script word (`ábaco` -> `abaco`), as people type them."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@cache
def lexicon() -> tuple[dict[str, int], tuple[str, ...]]:
    """Return word -> bit mask of the languages whose list holds it, and the language names."""
    folder = resources.files("mnemonic").joinpath("wordlist")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".txt")), key=lambda f: f.name)
    index: dict[str, int] = {}
    names: list[str] = []
    for bit, path in enumerate(files):
        names.append(path.name.removesuffix(".txt"))
        for line in path.read_text(encoding="utf-8").split():
            word = unicodedata.normalize("NFKC", line).lower()
            forms = {word, _fold(word)} if word[0] < "\u0250" and not word.isascii() else {word}
            for form in forms:
                index[form] = index.get(form, 0) | 1 << bit
    return index, tuple(names)


@cache
def _cjk_mask() -> int:
    names = lexicon()[1]
    return sum(1 << bit for bit, name in enumerate(names) if name.startswith("chinese"))


def seed_run(text: str, min_run: int = MIN_RUN) -> bool:
    """Return True when canonical text holds `min_run` or more BIP-39 words of one list in a row."""
    lowered = text.lower()
    words = _WORD.findall(lowered)
    if _longest(words) < min_run:
        return any(_unspaced_cjk(w) for w in words if len(w) >= MIN_UNSPACED_CJK)
    return _run_with_gaps(lowered, min_run)


def cut_seed_run(text: str, min_run: int = MIN_RUN) -> bool:
    """Return True when a stretch cut into pieces by separators joins into a run of list words.

    Only stretches where a piece that is no list word and the piece after it join into the
    head of a list word, twice or more, are joined (speed,
    and whole-word prose is seed_run's job); the stretch's
    letters must then split into `min_run` list words of one Latin or Cyrillic list in a row.
    """
    lowered = text.lower()
    if _cuts(_PIECE.findall(lowered)) < MIN_CUTS:
        return False  # the common case: no stretch can qualify
    for match in _STRETCH.finditer(lowered):
        pieces = _PIECE.findall(match.group())
        if _cuts(pieces) >= MIN_CUTS and _splits_into_words("".join(pieces), min_run):
            return True
    return False


def _cuts(pieces: list[str]) -> int:
    """Count pieces that are no word but join the next piece into the head of a list word."""
    heads = _heads()
    cuts = [
        a for a, b in itertools.pairwise(pieces) if 1 < len(a) < HEAD and (a + b)[:HEAD] in heads
    ]
    if len(cuts) < MIN_CUTS:
        return len(cuts)
    index = lexicon()[0]
    return sum(a not in index for a in cuts)


@cache
def _heads() -> frozenset[str]:
    """Return the first 3 to HEAD letters of every list word spelt with letters, whole words too."""
    index, allowed = lexicon()[0], _spaced_mask()
    return frozenset(
        w[:n] for w, bits in index.items() if bits & allowed for n in range(3, HEAD + 1)
    )


@cache
def _spaced_mask() -> int:
    """Return the languages whose words are spelt with letters (not kana, Hangul or hanzi)."""
    names = lexicon()[1]
    east = ("chinese", "japanese", "korean")
    return sum(1 << bit for bit, name in enumerate(names) if not name.startswith(east))


def _splits_into_words(stream: str, min_run: int) -> bool:
    """Return True when min_run list words of one language follow each other inside stream."""
    index, allowed = lexicon()[0], _spaced_mask()
    ends: list[dict[int, int]] = [{} for _ in range(len(stream) + 1)]
    for i in range(3, len(stream) + 1):
        here = ends[i]
        for size in range(3, min(MAX_WORD, i) + 1):
            bits = index.get(stream[i - size : i], 0) & allowed
            while bits:
                bit = bits & -bits
                bits ^= bit
                count = ends[i - size].get(bit, 0) + 1
                if count >= min_run:
                    return True
                if count > here.get(bit, 0):
                    here[bit] = count
    return False


def seed_neighbour(text: str) -> bool:
    """Return True when a list word sits right beside a secret's placeholder (`\\x01`).

    The redactor replaced part of a seed and left its first or last words: one list word
    next to the placeholder (only separators between) is taken as the rest of the phrase.
    """
    if "\x01" not in text:
        return False
    index = lexicon()[0]
    lowered = text.lower()
    for match in _NEIGHBOURS.finditer(lowered):
        for word in (match.group(1), match.group(2)):
            if word and word not in _CUES and (index.get(word) or index.get(_fold(word))):
                return True
    return False


def _longest(words: list[str]) -> int:
    """Return the longest run of list words ignoring what sits between them (an upper bound)."""
    index = lexicon()[0]
    best = count = mask = 0
    pending = ""
    for word in words:
        bits = 0
        if pending:
            bits = index.get(pending + word, 0)
            pending = ""
            if not bits:
                count = 0  # the word before is no list word, whole or joined with this one
        if not bits:
            bits = index.get(word, 0)
            if not bits:
                pending = word  # maybe the first half of a word split by a space
                continue
        mask, count = (mask & bits, count + 1) if count and mask & bits else (bits, 1)
        best = max(best, count)
    return best


def _run_with_gaps(lowered: str, min_run: int) -> bool:
    index = lexicon()[0]
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(lowered)]
    mask = count = 0
    prev_end = -1
    i = 0
    while i < len(tokens):
        start, end, tok = tokens[i]
        if prev_end >= 0 and not _gap_ok(lowered, prev_end, start):
            mask = count = 0
        bits, step = index.get(tok, 0), 1
        if not bits and i + 1 < len(tokens) and tokens[i + 1][0] - end == 1:
            bits = index.get(tok + tokens[i + 1][2], 0)
            step = 2 if bits else 1
        joint = mask & bits if count else bits
        mask, count = (joint, count + 1) if joint else (bits, 1 if bits else 0)
        if count >= min_run or _unspaced_cjk(tok):
            return True
        prev_end = tokens[i + step - 1][1]
        i += step
    return False


def _gap_ok(text: str, end: int, start: int) -> bool:
    return start - end <= MAX_GAP and _GAP.fullmatch(text, end, start) is not None


def _unspaced_cjk(token: str) -> bool:
    if len(token) < MIN_UNSPACED_CJK or token.isascii():
        return False
    index = lexicon()[0]
    mask = _cjk_mask()
    for ch in token:
        mask &= index.get(ch, 0)
        if not mask:
            return False
    return True


def words_of(language_bits: int) -> list[str]:
    """Return the words whose language mask meets `language_bits` (for same-list stand-ins)."""
    return [w for w, bits in lexicon()[0].items() if bits & language_bits]
