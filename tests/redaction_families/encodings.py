"""Check digits and encodings the generated values must satisfy (written for this generator).

Base58/Base58Check (Bitcoin alphabet), bech32 (BIP-173), Luhn, IBAN mod-97, and the check
digits of the national identifiers the families use (Brazil CPF, Korea RRN, Spain DNI,
France NIR, China resident id, Netherlands BSN).
"""

from __future__ import annotations

import hashlib

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def b58encode(data: bytes) -> str:
    """Encode bytes in Base58 (leading zero bytes become '1')."""
    num = int.from_bytes(data, "big")
    out = []
    while num:
        num, rem = divmod(num, 58)
        out.append(B58[rem])
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """Decode Base58 text to bytes."""
    num = 0
    for ch in text:
        num = num * 58 + B58.index(ch)
    body = num.to_bytes((num.bit_length() + 7) // 8, "big") if num else b""
    pad = len(text) - len(text.lstrip("1"))
    return b"\0" * pad + body


def _checksum(payload: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]


def b58check_encode(payload: bytes) -> str:
    """Encode payload with its 4-byte double-SHA256 checksum in Base58."""
    return b58encode(payload + _checksum(payload))


def b58check_valid(text: str) -> bool:
    """Return whether text is Base58Check with a correct checksum."""
    try:
        raw = b58decode(text)
    except ValueError:
        return False
    return len(raw) > 4 and _checksum(raw[:-4]) == raw[-4:]


def _polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_BECH32_GEN):
            chk ^= gen if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _to_5bit(data: bytes) -> list[int]:
    acc, bits, out = 0, 0, []
    for byte in data:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            out.append((acc >> bits) & 31)
    if bits:
        out.append((acc << (5 - bits)) & 31)
    return out


def bech32_encode(hrp: str, program: bytes, witness_version: int | None = 0) -> str:
    """Encode a bech32 (BIP-173) string; witness_version None for plain data (cosmos)."""
    data = ([] if witness_version is None else [witness_version]) + _to_5bit(program)
    poly = _polymod([*_hrp_expand(hrp), *data, 0, 0, 0, 0, 0, 0]) ^ 1
    check = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[d] for d in data + check)


def bech32_valid(text: str) -> bool:
    """Return whether text (either case, not mixed) has a valid bech32 checksum."""
    if text.lower() != text and text.upper() != text:
        return False
    low = text.lower()
    hrp, _, data = low.rpartition("1")
    if not hrp or len(data) < 6 or any(c not in BECH32 for c in data):
        return False
    return _polymod([*_hrp_expand(hrp), *(BECH32.index(c) for c in data)]) == 1


def luhn_valid(digits: str) -> bool:
    """Return whether the digit string passes the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def luhn_complete(prefix: str) -> str:
    """Append the Luhn check digit to prefix."""
    for d in "0123456789":
        if luhn_valid(prefix + d):
            return prefix + d
    raise AssertionError("unreachable")


def iban_valid(iban: str) -> bool:
    """Return whether a compact IBAN passes mod-97 (case-insensitive)."""
    s = iban.upper()
    moved = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def iban_complete(country: str, bban: str) -> str:
    """Return the IBAN for a country code and BBAN with correct check digits."""
    numeric = int("".join(str(int(c, 36)) for c in bban + country + "00"))
    return f"{country}{98 - numeric % 97:02d}{bban}"


def cpf_digits(base9: str) -> str:
    """Return the Brazil CPF (11 digits) for 9 base digits."""
    digits = [int(c) for c in base9]
    for weight_start in (10, 11):
        total = sum(d * w for d, w in zip(digits, range(weight_start, 1, -1), strict=False))
        digits.append(0 if total % 11 < 2 else 11 - total % 11)
    return "".join(map(str, digits))


def rrn_complete(first12: str) -> str:
    """Return the Korean resident registration number (13 digits) for 12 digits."""
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    total = sum(int(c) * w for c, w in zip(first12, weights, strict=True))
    return first12 + str((11 - total % 11) % 10)


def dni_letter(number: int) -> str:
    """Return the control letter of a Spanish DNI number."""
    return "TRWAGMYFPDXBNJZSQVHLCKE"[number % 23]


def nir_key(first13: str) -> str:
    """Return the two-digit key of a French NIR (social security number)."""
    return f"{97 - int(first13) % 97:02d}"


def cn_id_check(first17: str) -> str:
    """Return the ISO 7064 mod 11-2 check character of a Chinese resident id."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return "10X98765432"[total % 11]


def bsn_valid(digits: str) -> bool:
    """Return whether a 9-digit Dutch BSN passes the eleven test."""
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(c) * w for c, w in zip(digits, weights, strict=True)) % 11 == 0
