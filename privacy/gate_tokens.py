"""Key-material scanners of the admission gate, on canonical text (privacy.gate_canon).

A secret is told from trading talk by the shape of the token, not by the words around it:
- hex of key length (32+ characters, enough digits to read as bytes), whole or grouped;
- long tokens that change character class often and have high entropy (API keys, base58 and
  base64 keys, generated passwords), also once separators inside them are dropped;
- values written in equal-size chunks (`AbC1-dEf2-…`, `K6i•SHS•hT8`) or wrapped onto two
  lines, joined before they are judged;
- fragments left glued to a secret's placeholder (the redactor caught only part of a value).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable
from enum import StrEnum

from privacy.gate_canon import SECRET_MARK

MIN_KEY_CHARS = 32
MIN_ENTROPY_CHARS = 16
MIN_CHUNKED_CHARS = 12


class GateReason(StrEnum):
    DIGIT_RUN = "digit_run"
    PHONE = "phone"
    EMAIL = "email"
    KEY_ENCODING = "key_encoding"
    HIGH_ENTROPY = "high_entropy"
    BYTE_ARRAY = "byte_array"
    SEED_WORDS = "seed_words"
    SECRET_FRAGMENT = "secret_fragment"
    IDENTIFIER = "identifier"
    CREDENTIAL = "credential"
    HOLDING = "holding"


_HEX_RUN = re.compile(r"(?<![0-9A-Za-z])(?:0x)?[0-9a-fA-F]{32,}(?![0-9A-Za-z])")
_HEX_GROUPS = re.compile(
    r"(?<![0-9a-fA-F])[0-9a-fA-F]{2,}+(?:[ \-:._]{1,2}[0-9a-fA-F]{2,}+){3,}(?![0-9A-Za-z])"
)
_HEX_ONLY = re.compile(r"(?:0x)?[0-9a-fA-F]+")
_NOT_HEX = re.compile(r"[^0-9a-fA-F]")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")
_WORDLIKE = re.compile(r"[^\s\x00\x01]{12,64}")
# a token with the separators people put inside values: `sk_l•ive_•F3nA`, `dRy.aRF.TDS`
_COMPOUND = re.compile(r"[A-Za-z0-9+/=_\-.|•·~]{16,}")
_GROUPED_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?=[A-Za-z]{0,7}[0-9]|[A-Za-z][a-z0-9]{0,6}[A-Z])"
    r"[A-Za-z0-9]{3,8}(?:[ \-_.|/•·:+~]{1,2}[A-Za-z0-9]{3,8}){3,}"
)
_CHUNK = re.compile(r"[A-Za-z0-9]{1,8}")
_CHUNK_GAP = re.compile(r" ?[\-_.|/•·:+,~] ?|[ \n]{1,2}")
_WRAPPED = re.compile(r"(?<!\S)([^\s\x00\x01]{4,})\n([^\s\x00\x01]{4,})(?!\S)")
_GLUED = re.compile(r"(\S*)\x01(\S*)")
# a value wrapped onto two lines with one half replaced: `sk_live_sjjq\n<API_KEY>`
_WRAP_GLUED = re.compile(
    r"([^\s\x00\x01]{4,})[ \t]*\n[ \t]*([\x00\x01])|([\x00\x01])[ \t]*\n[ \t]*([^\s\x00\x01]{4,})"
)
_CAMEL_WORDS = re.compile(r"(?:[A-Z][a-z]+)+")
# the head of an extended key (BIP-32 xprv/zpub…), written before its body
_KEY_HEAD = re.compile(r"[xyztuv](?:prv|pub)", re.I)
_NEAR = re.compile(r"((?:\S+\s+){0,3})\x01((?:\s+\S+){0,3})")
_OPENERS = "=:\"'`([{<,"
_CLOSERS = "\"'`)]}>,;!?"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def token_reasons(text: str, uuid_decoy: Callable[[str, int], bool]) -> set[GateReason]:
    """Return key-material reasons in canonical text; uuid_decoy(text, start) spares order ids."""
    found = _hex_reasons(text, uuid_decoy)
    for match in _COMPOUND.finditer(text):
        _add(found, _token(match.group()))
    for match in _WORDLIKE.finditer(text):
        if _generated_password(match.group()):
            found.add(GateReason.HIGH_ENTROPY)
    for match in _GROUPED_TOKEN.finditer(text):
        groups = re.split(r"[ \-_.|/•·:+~]+", match.group())
        if sum(_noisy(g) for g in groups) * 2 > len(groups):
            _add(found, _token("".join(groups)))
    if "\n" in text:
        for match in _WRAPPED.finditer(text):
            if _noisy(match.group(1)) or _noisy(match.group(2)):
                _add(found, _token(match.group(1) + match.group(2)))
    _add(found, _chunked(text))
    return found


def _hex_reasons(text: str, uuid_decoy: Callable[[str, int], bool]) -> set[GateReason]:
    found: set[GateReason] = set()
    for match in _HEX_RUN.finditer(text):
        if _hexish(match.group().removeprefix("0x")):
            found.add(GateReason.KEY_ENCODING)
    for match in _HEX_GROUPS.finditer(text):
        joined = _NOT_HEX.sub("", match.group())
        spared = _UUID.fullmatch(match.group()) and uuid_decoy(text, match.start())
        if len(joined) >= MIN_KEY_CHARS and _hexish(joined) and not spared:
            found.add(GateReason.KEY_ENCODING)
    return found


def _add(found: set[GateReason], reason: GateReason | None) -> None:
    if reason is not None:
        found.add(reason)


def _chunked(text: str) -> GateReason | None:
    """Judge values written in equal-size chunks with one separator, joined back together."""
    run: list[str] = []
    gap: str | None = None
    end = 0
    for match in _CHUNK.finditer(text):
        chunk, between = match.group(), text[end : match.start()]
        end = match.end()
        size = len(run[0]) if run else 0
        same_gap = between == gap if gap is not None else bool(_CHUNK_GAP.fullmatch(between))
        if run and len(run[-1]) == size and len(chunk) <= size and same_gap:
            gap = between
            run.append(chunk)
            continue
        if _chunk_secret(run):
            return GateReason.HIGH_ENTROPY
        run, gap = [chunk], None
    return GateReason.HIGH_ENTROPY if _chunk_secret(run) else None


def _chunk_secret(run: list[str]) -> bool:
    """Return True for 4+ equal chunks (the last may be shorter) that join into a random token."""
    if len(run) < 4 or len(run[0]) < 2:
        return False
    joined = "".join(run)
    one_case_word = joined.isalpha() and (joined.isupper() or joined.islower())
    if len(joined) < MIN_CHUNKED_CHARS or joined.isdigit() or one_case_word:
        return False
    if _HEX_ONLY.fullmatch(joined):
        return len(joined) >= 24 and _hexish(joined)
    return _entropy(joined) >= 3.0 and (_switches(_kinds(joined)) >= 3 or _base32_like(joined))


def _base32_like(alnum: str) -> bool:
    """Return True for one-case letters with digits that look drawn at random (few vowels)."""
    letters = [c for c in alnum if c.isalpha()]
    if len(alnum) < 16 or len(letters) == len(alnum) or not letters:
        return False
    if not (alnum.isupper() or alnum.islower()):
        return False
    vowels = sum(c in "aeiouAEIOU" for c in letters)
    return vowels * 10 <= len(letters) * 3 and len(set(alnum)) * 10 >= len(alnum) * 6


def fragment_reasons(text: str) -> set[GateReason]:
    """Return SECRET_FRAGMENT when a secret's placeholder has part of the value stuck to it."""
    if "\n" in text and ("\x00" in text or SECRET_MARK in text):
        for match in _WRAP_GLUED.finditer(text):
            half = (match.group(1) or match.group(4)).strip(_OPENERS + _CLOSERS + ".")
            if _wrapped_half(half, secret=(match.group(2) or match.group(3)) == SECRET_MARK):
                return {GateReason.SECRET_FRAGMENT}
    if SECRET_MARK not in text:
        return set()
    for match in _GLUED.finditer(text):
        before, after = match.group(1), match.group(2)
        cut = max(before.rfind(c) for c in _OPENERS)
        before = before[cut + 1 :].removesuffix("0x")
        end = min((i for i in (after.find(c) for c in _CLOSERS) if i >= 0), default=len(after))
        after = after[:end].rstrip(".")
        if _ALNUM.search(before) or _ALNUM.search(after):
            return {GateReason.SECRET_FRAGMENT}
    for match in _NEAR.finditer(text):
        words = match.group(1).split() + match.group(2).split()
        if any(_noisy(w.strip(_OPENERS + _CLOSERS + ".")) for w in words):
            return {GateReason.SECRET_FRAGMENT}
    return set()


_ALNUM = re.compile(r"[A-Za-z0-9]")


def _wrapped_half(half: str, *, secret: bool) -> bool:
    """Return True for the half of a value wrapped away from its placeholder by a line break.

    Beside a secret's placeholder a half is a key's head (`xprv`), a token that is no plain
    word (digits, symbols, mixed or upper case); beside another placeholder it must hold
    digits and letters, or switch case like a random token (not CamelCase words).
    """
    if len(half) < 4 or not _ALNUM.search(half):
        return False
    if _noisy(half) and not _CAMEL_WORDS.fullmatch(half):
        return secret or len(half) >= 8
    if not secret:
        return False
    return _KEY_HEAD.fullmatch(half) is not None or not half.isalpha() or half.isupper()


def _generated_password(token: str) -> bool:
    """Return True for a token mixing upper, lower, digits and symbols like a generated password."""
    if not token.isascii() or "://" in token or token.startswith("www."):
        return False
    kinds = _kinds(token)
    return len(set(kinds)) == 4 and _switches(kinds) >= 6 and _entropy(token) >= 3.3


def _hexish(value: str) -> bool:
    """Return True for hex that reads as bytes (enough digits), not as words made of a-f."""
    digits = sum(c.isdigit() for c in value)
    return len(value) - digits > 0 and digits * 5 >= len(value)


def _noisy(group: str) -> bool:
    """Return True for a group that mixes digits and letters, or cases after the first letter."""
    has_digit = any(c.isdigit() for c in group)
    has_alpha = any(c.isalpha() for c in group)
    return (has_digit and has_alpha) or (
        any(c.isupper() for c in group[1:]) and any(c.islower() for c in group)
    )


def _token(token: str) -> GateReason | None:
    alnum = _NOT_ALNUM.sub("", token)
    if len(alnum) < MIN_ENTROPY_CHARS:
        return None
    if _HEX_ONLY.fullmatch(alnum):
        hexish = len(alnum) >= MIN_KEY_CHARS and _hexish(alnum.removeprefix("0x"))
        return GateReason.KEY_ENCODING if hexish else None
    if _switches(_kinds(alnum)) < 4:
        return GateReason.HIGH_ENTROPY if len(alnum) >= 20 and _base32_like(alnum) else None
    bits = _entropy(alnum)
    if len(alnum) >= MIN_KEY_CHARS and bits >= 4.0:
        return GateReason.KEY_ENCODING
    if bits >= 3.4:
        return GateReason.HIGH_ENTROPY
    return None


def _kinds(value: str) -> str:
    """Return the character classes along the value: digit, upper, lower, symbol."""
    return "".join(
        "d" if c.isdigit() else "u" if c.isupper() else "l" if c.islower() else "s" for c in value
    )


def _switches(kinds: str) -> int:
    """Count changes of character class along the value (random strings change often)."""
    return sum(a != b for a, b in itertools.pairwise(kinds))


def _entropy(value: str) -> float:
    n = len(value)
    return -sum(k / n * math.log2(k / n) for k in Counter(value).values())
