"""Same-shape stand-ins: a random value that trips the same detector as the real one.

Every digit becomes a random digit of the same script, every letter a random letter of the
same case from the same Unicode block (so full-width stays full-width, Cyrillic stays
Cyrillic), words of a BIP-39 list random words of that list; separators and punctuation stay.
Luhn and IBAN check digits are recomputed with the redactor's own validators.
"""

from __future__ import annotations

import re
import secrets
import string
import unicodedata
from functools import cache

from mnemonic import Mnemonic

from privacy.gate_words import lexicon, words_of
from privacy.redact.checksums import iban_valid, luhn_valid

_CARD_RUN = re.compile(r"\d(?:[ -]?\d){12,18}")
_IBAN = re.compile(r"\b([A-Z]{2})(\d{2})([A-Z0-9]{11,30})\b")
_PREFIX = re.compile(
    r"^(?:0x|bc1|tb1|ltc1|xprv|xpub|AKIA|ghp_|[a-z]{2,4}[-_](?:(?:live|test)[-_])?"
    r"|[A-Z]{2}(?=\d\d[A-Z0-9]{11,30}$))"
)
_WORD = re.compile(r"[^\W\d_]+")
_HEX = string.hexdigits
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
MIN_SEED_WORDS = 2
MNEMONIC_LENGTHS = (12, 15, 18, 21, 24)


def seed_bits(value: str) -> int:
    """Return the BIP-39 lists every word of `value` belongs to (0 unless 2+ words, all listed)."""
    words = _WORD.findall(unicodedata.normalize("NFKC", value).lower())
    if len(words) < MIN_SEED_WORDS:
        return 0
    index = lexicon()[0]
    bits = -1
    for word in words:
        bits &= index.get(word, 0)
    return max(bits, 0)


def _alphabet(body: str) -> str:
    chars = {c for c in body if c.isascii() and c.isalnum()}
    for alphabet in (_HEX, _BECH32, _B58):
        if chars <= set(alphabet):
            return alphabet
    return string.digits + string.ascii_letters


@cache
def _block_pool(block: int, category: str) -> tuple[str, ...]:
    chars = (chr(cp) for cp in range(block << 8, (block + 1) << 8))
    return tuple(c for c in chars if unicodedata.category(c) == category)


def _same_class(ch: str, alphabet: str) -> str:
    if not ch.isascii():
        if ch.isdecimal():  # full-width, Arabic-Indic, Devanagari …: a digit of the same script
            return chr(ord(ch) - unicodedata.decimal(ch) + secrets.randbelow(10))
        if ch.isalnum():
            return secrets.choice(_block_pool(ord(ch) >> 8, unicodedata.category(ch)))
        return ch
    for test in (str.isdigit, str.isupper, str.islower):
        if test(ch):
            pool = [c for c in alphabet if test(c)]
            return secrets.choice(pool) if pool else ch
    return ch


def _same_case(word: str, like: str) -> str:
    if like.isupper():
        return word.upper()
    return word.capitalize() if like[:1].isupper() else word


def _seed_stand_in(value: str, bits: int) -> str:
    """Return random words of the same list; a fresh valid mnemonic when the length allows."""
    bit = bits & -bits  # one list: the first that holds every word
    normal = unicodedata.normalize("NFKC", value)
    count = len(_WORD.findall(normal))
    if count in MNEMONIC_LENGTHS:
        language = lexicon()[1][bit.bit_length() - 1]
        fresh = iter(Mnemonic(language).generate(strength=count * 32 // 3).split())
        words = [unicodedata.normalize("NFKC", w) for w in fresh]
    else:
        pool = words_of(bit)
        words = [secrets.choice(pool) for _ in range(count)]
    chosen = iter(words)
    return _WORD.sub(lambda m: _same_case(next(chosen), m.group()), normal)


def stand_in(value: str) -> str:
    """Return a random value of the same shape (classes, separators, common checksums).

    Structural prefixes (`0x`, `sk-`, `bc1`, an IBAN's country code, ...) and an e-mail's
    top-level domain are kept: they say what kind of secret it is, not which one.
    """
    bits = seed_bits(value)
    if bits:
        return _seed_stand_in(value, bits)
    prefix_match = _PREFIX.match(value)
    prefix = prefix_match.group(0) if prefix_match else ""
    body = value[len(prefix) :]
    suffix = ""
    if "@" in body and "." in body.rsplit("@", 1)[1]:
        body, dot, tld = body.rpartition(".")
        suffix = dot + tld
    alphabet = _alphabet(body)
    shaped = prefix + "".join(_same_class(ch, alphabet) for ch in body) + suffix
    return _fix_iban(_fix_luhn(shaped))


def _fix_luhn(text: str) -> str:
    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        cut = max(i for i, c in enumerate(run) if c.isdecimal())
        digits = "".join(str(unicodedata.decimal(c)) for c in run if c.isdecimal())
        zero = ord(run[cut]) - unicodedata.decimal(run[cut])
        last = next(d for d in range(10) if luhn_valid(digits[:-1] + str(d)))
        return run[:cut] + chr(zero + last) + run[cut + 1 :]

    return _CARD_RUN.sub(fix, text)


def _fix_iban(text: str) -> str:
    def fix(match: re.Match[str]) -> str:
        country, _check, bban = match.groups()
        check = next(f"{n:02d}" for n in range(2, 99) if iban_valid(f"{country}{n:02d}{bban}"))
        return f"{country}{check}{bban}"

    return _IBAN.sub(fix, text)
