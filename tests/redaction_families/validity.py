"""Independent checks that a generated value is what its label and family claim (checksums,
lengths, decodings). Used by the generator validity test, including on transformed values
after folding them back (see scoring.unfold)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from tests.redaction_families import encodings as enc
from tests.redaction_families.chain import wordlist

Check = Callable[[str, str], bool]
_SEP = re.compile(r"[\s\-./]")


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def card(value: str, fmt: str) -> bool:
    """Return whether value is a Luhn-valid card number of 15-19 digits."""
    d = _digits(value)
    return 15 <= len(d) <= 19 and enc.luhn_valid(d) and not _SEP.sub("", value).strip("0123456789")


def iban(value: str, fmt: str) -> bool:
    """Return whether value, separators removed, is a mod-97-valid IBAN."""
    compact = _SEP.sub("", value)
    return 15 <= len(compact) <= 34 and compact[:2].isalpha() and enc.iban_valid(compact)


def _segment(letters: str, words: frozenset[str], limit: int = 64) -> list[list[str]]:
    """Return up to limit ways of cutting letters into word-list words."""
    ways: dict[int, list[list[str]]] = {0: [[]]}
    for end in range(1, len(letters) + 1):
        found = [
            [*w, letters[start:end]]
            for start in range(max(0, end - 8), end)
            if letters[start:end] in words
            for w in ways.get(start, [])
        ]
        if found:
            ways[end] = found[:limit]
    return ways.get(len(letters), [])


def seed(value: str, fmt: str) -> bool:
    """Return whether value holds a checksum-valid BIP-39 mnemonic (any of our word lists)."""
    lang = {"japanese_wordlist": "japanese", "spanish_wordlist": "spanish"}.get(fmt, "english")
    m = wordlist(lang)
    if lang == "japanese":
        return m.check(value.replace("\u3000", " "))
    words = re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", value).lower())
    if fmt != "spaces_inside_words":
        return len(words) in (12, 24) and m.check(" ".join(words))
    cuts = _segment("".join(words), frozenset(m.wordlist))
    return any(len(c) in (12, 24) and m.check(" ".join(c)) for c in cuts)


def private_key(value: str, fmt: str) -> bool:
    """Return whether value decodes as a private key of its family's encoding."""
    if fmt == "int_array":
        nums = [int(x) for x in value.strip("[]").split(",")]
        return len(nums) in (32, 64) and all(0 <= n <= 255 for n in nums)
    if fmt == "base58_solana":
        return len(enc.b58decode(value)) == 64
    if fmt in ("xprv", "wif_no_cue"):
        raw = enc.b58decode(value)
        ok = enc.b58check_valid(value)
        return ok and (value.startswith("xprv") if fmt == "xprv" else raw[0] == 0x80)
    return re.fullmatch(r"(0x)?[0-9a-f]{64}", _SEP.sub("", value).lower()) is not None


def crypto_address(value: str, fmt: str) -> bool:
    """Return whether value is a well-formed wallet address of its family."""
    if "bech32" in fmt:
        return enc.bech32_valid(value)
    if fmt == "doge_base58":
        return enc.b58check_valid(value) and enc.b58decode(value)[0] == 0x1E
    return re.fullmatch(r"0x[0-9a-fA-F]{40}", value) is not None


def national_id(value: str, fmt: str) -> bool:
    """Return whether value carries the right check digits for its country."""
    d = _digits(value)
    checks: dict[str, Callable[[], bool]] = {
        "br_cpf": lambda: len(d) == 11 and enc.cpf_digits(d[:9]) == d,
        "ca_sin": lambda: len(d) == 9 and enc.luhn_valid(d),
        "kr_rrn": lambda: len(d) == 13 and enc.rrn_complete(d[:12]) == d,
        "es_dni": lambda: len(d) == 8 and value[-1] == enc.dni_letter(int(d)),
        "fr_nir": lambda: len(d) == 15 and enc.nir_key(d[:13]) == d[13:],
        "cn_resident": lambda: len(value) == 18 and enc.cn_id_check(value[:17]) == value[17],
        "nl_bsn": lambda: len(d) == 9 and enc.bsn_valid(d),
        "in_pan": lambda: re.fullmatch(r"[A-Z]{3}P[A-Z]\d{4}[A-Z]", value) is not None,
        "us_ssn": lambda: re.fullmatch(r"\d{3}-\d\d-\d{4}", value) is not None,
    }
    return checks[fmt]()


def tx_hash(value: str, fmt: str) -> bool:
    """Return whether value is a 32-byte hex hash or a 64-byte base58 signature."""
    if fmt == "sol_signature_url":
        return len(enc.b58decode(value)) == 64
    return re.fullmatch(r"(0x)?[0-9a-f]{64}", value.lower()) is not None


CHECKS: dict[str, Check] = {
    "CREDIT_CARD": card,
    "IBAN": iban,
    "SEED_PHRASE": seed,
    "PRIVATE_KEY": private_key,
    "CRYPTO_ADDRESS": crypto_address,
    "NATIONAL_ID": national_id,
    "TX_HASH": tx_hash,
}


def valid(label: str, fmt: str, value: str) -> bool:
    """Return whether value is valid for label/fmt (labels without a check: non-empty)."""
    check = CHECKS.get(label)
    return bool(value.strip()) if check is None else check(value, fmt)
