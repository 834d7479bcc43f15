"""The admission gate's canonical form of redacted text, built apart from the redactor's.

Scanners must see a value however it was written: percent-encoded in a URL, escaped in JSON
or HTML, laced with invisible controls, in full-width or other compatibility forms, with
look-alike letters from other scripts (the Unicode security data, UTS #39, as shipped by the
maintained `confusable-homoglyphs` package), or with non-ASCII digits. Placeholders the
redactor wrote are blanked: `\\x01` for a secret's (seed, key, password), `\\x00` for others,
so a fragment left glued to a secret's placeholder can be told apart; placeholders written
next to each other blank as one (a secret's when any of them is).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from functools import cache
from importlib import resources
from urllib.parse import unquote

SECRET_MARK = "\x01"
OTHER_MARK = "\x00"
SECRET_PLACEHOLDERS = frozenset({"SEED_PHRASE", "PRIVATE_KEY", "API_KEY", "PASSWORD"})

# Unicode category Cf (format controls: zero-width, bidi, soft hyphen, tags), variation
# selectors and the Hangul fillers: invisible, so a value may hide them between its characters.
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD),
    (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)  # fmt: skip
INVISIBLE = frozenset(cp for lo, hi in _INVISIBLE_RANGES for cp in range(lo, hi + 1))
_DROP: dict[int, None] = dict.fromkeys(INVISIBLE)
_WIDE_DIGIT = re.compile(r"(?![0-9])\d")
# adjacent placeholders blank as one: `<API_KEY><NATIONAL_ID>` is one redacted value
_PLACEHOLDER = re.compile(r"(?:<[A-Z][A-Z0-9_]{1,30}>)+")
_PLACEHOLDER_NAME = re.compile(r"<([A-Z][A-Z0-9_]{1,30})>")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_JSON_ESCAPE = re.compile(r"(?:\\u[0-9A-Fa-f]{4})+")
_MIXED_WORD = re.compile(r"[^\s\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_HTML_ENTITY = re.compile(r"&(?:#\d{2,7}|#[xX][0-9A-Fa-f]{2,6}|[A-Za-z]{2,8});")


def _east_asian(cp: int) -> bool:
    """Return True for CJK, kana and Hangul (seed word lists; never folded onto ASCII)."""
    return 0x1100 <= cp <= 0x11FF or 0x2E80 <= cp <= 0xD7AF or 0xF900 <= cp <= 0xFFEF


@cache
def confusables() -> dict[int, str]:
    """Return code point -> the ASCII letter or digit it imitates (UTS #39 confusables)."""
    raw = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    table: dict[int, str] = {}
    for target, entries in json.loads(raw).items():
        if len(target) != 1 or not (target.isascii() and target.isalnum()):
            continue
        for entry in entries:
            ch = entry["c"]
            if len(ch) == 1 and not ch.isascii() and not _east_asian(ord(ch)):
                table.setdefault(ord(ch), target)
    return table


def decode(text: str) -> str:
    """Undo the encodings a value travels in: URL percent, JSON \\u escapes, HTML entities."""
    if "%" in text:
        text = _PERCENT.sub(lambda m: unquote(m.group()), text)
    if "\\u" in text:
        text = _JSON_ESCAPE.sub(_json_unescape, text)
    if "&" in text:
        text = _HTML_ENTITY.sub(lambda m: html.unescape(m.group()), text)
    return text


def _json_unescape(match: re.Match[str]) -> str:
    try:
        return str(json.loads(f'"{match.group()}"'))
    except ValueError:  # a lone surrogate half: keep the text as written
        return match.group()


def canonical(text: str) -> str:
    """Return the text scanners see: decoded, no invisibles, NFKC, folded, placeholders blanked."""
    text = decode(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text.translate(_DROP))
        if not text.isascii():
            text = _MIXED_WORD.sub(_fold_word, text)
            text = _WIDE_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group())), text)
    if "<" in text:
        text = _PLACEHOLDER.sub(_mark, text)
    return text


def _fold_word(match: re.Match[str]) -> str:
    """Fold look-alikes in a word that mixes them with ASCII (a disguised Latin value)."""
    word = match.group()
    if word.isascii() or not _ASCII_ALNUM.search(word):
        return word
    return word.translate(confusables())


def _mark(match: re.Match[str]) -> str:
    names = _PLACEHOLDER_NAME.findall(match.group())
    return SECRET_MARK if SECRET_PLACEHOLDERS.intersection(names) else OTHER_MARK
