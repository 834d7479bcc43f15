"""Map text to the canonical form detectors read, with an offset map back to the original.

Canonical form: Unicode NFKC (full-width, ligatures, circled and mathematical letters), any
decimal digit as its ASCII digit, format characters removed (zero-width, bidi controls, soft
hyphen, variation selectors), accents dropped from Latin letters, and letters or separators
that are confusable with ASCII folded onto it. The confusables come from the Unicode security
data (`confusables.txt`, UTS #39) as shipped by the maintained `confusable-homoglyphs`
package; a translation table is built from it once at import. Kana, kanji and Hangul are
never folded (Japanese text must stay Japanese).

Offsets are Python code points. Each canonical character remembers the original stretch it
came from, so a span found on the canonical text maps back to every original character of
the value, including the zero-width ones inside it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

_PUNCT_TARGETS = frozenset("-./:_,")
_KEEP = frozenset("–—ー・。、")  # dashes the name detector reads as signatures; Japanese marks
_EXTRA_DROP = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0"  # grapheme joiner, Hangul fillers, Khmer
) | frozenset(map(chr, range(0xFE00, 0xFE10)))  # variation selectors
_LINE_BREAKS = {"\u2028": "\n", "\u2029": "\n", "\x85": "\n", "\x0b": "\n", "\x0c": "\n"}
_VOICING = frozenset("\u3099\u309a")  # combining (han)dakuten: compose with the kana before


def _east_asian(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x2E80 <= cp <= 0x9FFF
        or 0xAC00 <= cp <= 0xD7AF
        or 0xF900 <= cp <= 0xFAFF
        or 0xFE30 <= cp <= 0xFE4F
        or 0xFF00 <= cp <= 0xFFEF
        or 0x20000 <= cp <= 0x3FFFF
    )


def _confusables_table() -> dict[str, str]:
    """Return non-ASCII character -> the ASCII letter, digit or separator it imitates."""
    raw = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    table: dict[str, str] = {}
    for target, entries in json.loads(raw).items():
        if len(target) != 1 or not target.isascii():
            continue
        letter = target.isalnum()
        if not letter and target not in _PUNCT_TARGETS:
            continue
        for entry in entries:
            ch = entry["c"]
            if len(ch) != 1 or ch.isascii() or ch in _KEEP or _east_asian(ch):
                continue
            if not letter and unicodedata.category(ch)[0] not in "PSZ" and ch != "\u02d7":
                continue
            table.setdefault(ch, target)
    return table


CONFUSABLES = _confusables_table()


def _fold_char(ch: str) -> str:
    """Return the canonical text for one character (may be empty or several characters)."""
    if ch in _LINE_BREAKS:
        return _LINE_BREAKS[ch]
    cat = unicodedata.category(ch)
    if cat == "Cf" or ch in _EXTRA_DROP:
        return ""
    if cat == "Nd":
        return str(unicodedata.decimal(ch))
    if cat == "Mn" and ch not in _VOICING:
        return ""  # a stray accent after a base letter: dropped, the base letter stays
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        if c.isascii() or _east_asian(c) or c in _VOICING:
            out.append(c)
            continue
        c = CONFUSABLES.get(c, c)
        if not c.isascii() and "LATIN" in unicodedata.name(c, ""):
            base = unicodedata.normalize("NFD", c)[0]
            c = base if base.isascii() else c
        out.append(CONFUSABLES.get(c, c))
    return "".join(out)


class _FoldCache(dict[str, str]):
    """Character -> canonical text, computed on first sight."""

    def __missing__(self, ch: str) -> str:
        value = self[ch] = _fold_char(ch)
        return value


_FOLD = _FoldCache()


class _ChangeCache(dict[int, "int | None"]):
    """Code point -> None (deleted) when the character is its own canonical form, else
    itself: `text.translate(_CHANGES)` keeps only the characters canonicalization changes."""

    def __missing__(self, cp: int) -> int | None:
        ch = chr(cp)
        value = self[cp] = None if _FOLD[ch] == ch and ch not in _VOICING else cp
        return value


_CHANGES = _ChangeCache()


@dataclass(frozen=True, slots=True)
class Canonical:
    """Canonical text plus, per canonical character, the original [start, end) it came from.

    `starts`/`ends` are None when the mapping is the identity (same length, one to one).
    """

    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a canonical [start, end) to the original [start, end) covering all of it."""
        if self.starts is None or self.ends is None or end <= start:
            return start, end
        return self.starts[start], self.ends[end - 1]


def fold(text: str) -> str:
    """Return the canonical text alone (no offsets), e.g. for word lists."""
    if text.isascii():
        return text
    cache = _FOLD
    return "".join([ch if ch.isascii() else cache[ch] for ch in text])


_PERCENT_RE = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _percent_decoded(text: str) -> tuple[str, list[int], list[int]] | None:
    """Return `text` with percent-escapes (`%20`, `%40`, `%C3%B3`) decoded and, per decoded
    character, the original [start, end) it came from; None when nothing decodes.

    A value in a URL query reads as typed (`a%40b.com` is `a@b.com`). Control characters
    (but tabs and line breaks) and bytes that are not UTF-8 stay escaped.
    """
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _PERCENT_RE.finditer(text):
        raw = bytes.fromhex(m.group().replace("%", ""))
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if any((ord(c) < 0x20 and c not in "\t\n\r") or 0x7F <= ord(c) < 0xA0 for c in decoded):
            continue
        parts.append(text[pos : m.start()])
        starts.extend(range(pos, m.start()))
        ends.extend(range(pos + 1, m.start() + 1))
        at = m.start()
        for c in decoded:
            width = 3 * len(c.encode("utf-8"))
            parts.append(c)
            starts.append(at)
            ends.append(at + width)
            at += width
        pos = m.end()
    if not parts:
        return None
    parts.append(text[pos:])
    starts.extend(range(pos, len(text)))
    ends.extend(range(pos + 1, len(text) + 1))
    return "".join(parts), starts, ends


def canonicalize(text: str) -> Canonical:
    """Return the canonical form of `text` with its offset map (percent-escapes decoded)."""
    if "%" in text:
        decoded = _percent_decoded(text)
        if decoded is not None:
            inner = _canonicalize(decoded[0])
            if inner.starts is None or inner.ends is None:
                return Canonical(inner.text, tuple(decoded[1]), tuple(decoded[2]))
            starts, ends = decoded[1], decoded[2]
            return Canonical(
                inner.text,
                tuple(starts[i] for i in inner.starts),
                tuple(ends[i - 1] for i in inner.ends),
            )
    return _canonicalize(text)


def _canonicalize(text: str) -> Canonical:
    if text.isascii() or not text.translate(_CHANGES):
        return Canonical(text)  # e.g. Japanese: every character is already canonical
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    identity = True
    fold = _FOLD
    for i, ch in enumerate(text):
        rep = ch if ch.isascii() else fold[ch]
        if len(rep) == 1 and rep not in _VOICING:
            parts.append(rep)
            starts.append(i)
            ends.append(i + 1)
            continue
        identity = False
        if rep in _VOICING and parts:
            composed = unicodedata.normalize("NFC", parts[-1] + rep)
            parts[-1] = composed if len(composed) == 1 else parts[-1]
            ends[-1] = i + 1
        elif not rep:
            if ends and unicodedata.category(ch) == "Mn":
                ends[-1] = i + 1  # an accent belongs to its letter
        else:
            for c in rep:
                parts.append(c)
                starts.append(i)
                ends.append(i + 1)
    if identity:
        return Canonical("".join(parts))
    return Canonical("".join(parts), tuple(starts), tuple(ends))
