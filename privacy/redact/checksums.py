"""Checksum validators that turn "looks like" into "is": Luhn, IBAN, Base58Check, bech32,
Japanese My Number, Verhoeff (Aadhaar) and the BIP-39 word lists.

The BIP-39 lists come from the `mnemonic` package (MIT), read once on first use.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib import resources

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(B58_ALPHABET)}
BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(BECH32_CHARSET)}
_BECH32_CONSTS = (1, 0x2BC830A3)


def luhn_valid(digits: str) -> bool:
    """Return True when the digit string passes the Luhn check (card numbers)."""
    if not digits.isdigit() or len(digits) < 2:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    """Return True when the compact IBAN passes the ISO 13616 mod-97 check."""
    if len(iban) < 15 or len(iban) > 34 or not iban[:2].isalpha() or not iban[2:4].isdigit():
        return False
    moved = iban[4:] + iban[:4]
    try:
        number = "".join(str(int(ch, 36)) for ch in moved)
    except ValueError:
        return False
    return int(number) % 97 == 1


@cache
def iban_lengths() -> dict[str, int]:
    """Return country code -> IBAN length, from the SWIFT registry `python-stdnum` ships."""
    text = resources.files("stdnum").joinpath("iban.dat").read_text("utf-8")
    lengths = {}
    for line in text.splitlines():
        found = re.match(r'([A-Z]{2}) .*bban="([^"]+)"', line)
        if found:
            lengths[found[1]] = 4 + sum(int(n) for n in re.findall(r"\d+", found[2]))
    return lengths


def iban_registered(iban: str) -> bool:
    """Return True when the IBAN has its country's registered length and BBAN format (stdnum).

    National check digits inside the BBAN are not required: ISO 13616 defines an IBAN by its
    mod-97 digits and the registered structure, and a mistyped national check digit still
    names somebody's account.
    """
    from stdnum import iban as stdnum_iban  # loads its registry on first use

    return bool(stdnum_iban.is_valid(iban, check_country=False))


B58_XRP = "rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz"
_B58_INDEXES = {B58_ALPHABET: _B58_INDEX, B58_XRP: {c: i for i, c in enumerate(B58_XRP)}}


def b58decode(text: str, alphabet: str = B58_ALPHABET) -> bytes | None:
    """Decode Base58 (Bitcoin alphabet by default); None when a character is not in it."""
    index = _B58_INDEXES[alphabet]
    n = 0
    for ch in text:
        idx = index.get(ch)
        if idx is None:
            return None
        n = n * 58 + idx
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(text) - len(text.lstrip(alphabet[0]))
    return b"\0" * pad + body


def b58check_payload(text: str, alphabet: str = B58_ALPHABET) -> bytes | None:
    """Return the payload of a valid Base58Check string, else None."""
    raw = b58decode(text, alphabet)
    if raw is None or len(raw) < 5:
        return None
    payload, check = raw[:-4], raw[-4:]
    digest = hashlib.sha256(hashlib.sha256(payload).digest()).digest()
    return payload if digest[:4] == check else None


def _polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = ((chk & 0x1FFFFFF) << 5) ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def bech32_valid(text: str) -> bool:
    """Return True for a bech32 or bech32m string with a valid checksum (BIP-173/350)."""
    if text.lower() != text and text.upper() != text:
        return False
    low = text.lower()
    hrp, sep, data = low.rpartition("1")
    if not sep or not hrp or len(data) < 6:
        return False
    values = [_BECH32_INDEX.get(c, -1) for c in data]
    if -1 in values:
        return False
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    return _polymod(expanded + values) in _BECH32_CONSTS


def mynumber_valid(digits: str) -> bool:
    """Return True for a 12-digit Japanese My Number with a valid check digit."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    total = 0
    for n in range(1, 12):
        p = int(digits[11 - n])
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    rem = total % 11
    check = 0 if rem <= 1 else 11 - rem
    return check == int(digits[11])


_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6), (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4), (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)  # fmt: skip
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2), (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)  # fmt: skip


def verhoeff_valid(digits: str) -> bool:
    """Return True when the digit string passes the Verhoeff check (Aadhaar)."""
    if not digits.isdigit():
        return False
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _VERHOEFF_D[c][_VERHOEFF_P[i % 8][int(ch)]]
    return c == 0


@cache
def bip39_words(language: str = "english") -> frozenset[str]:
    """Return the BIP-39 word list shipped with the `mnemonic` package."""
    text = resources.files("mnemonic").joinpath("wordlist", f"{language}.txt").read_text("utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip())


@cache
def _bip39_index(language: str) -> dict[str, int]:
    text = resources.files("mnemonic").joinpath("wordlist", f"{language}.txt").read_text("utf-8")
    return {w.strip(): i for i, w in enumerate(w for w in text.splitlines() if w.strip())}


def bip39_checksum_ok(words: list[str], language: str = "english") -> bool:
    """Return True when the words form a BIP-39 mnemonic with a valid checksum."""
    index = _bip39_index(language)
    if len(words) not in (12, 15, 18, 21, 24) or any(w not in index for w in words):
        return False
    bits = "".join(format(index[w], "011b") for w in words)
    cut = len(bits) * 32 // 33
    entropy = int(bits[:cut], 2).to_bytes(cut // 8, "big")
    digest = hashlib.sha256(entropy).digest()
    check = format(int.from_bytes(digest, "big") >> (256 - len(bits) + cut), f"0{len(bits) - cut}b")
    return bits[cut:] == check
