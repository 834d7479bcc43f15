"""Redaction review: an admin flags a kept record that still shows something private.

Flagging does two things:
1. the record is taken out of the fine-tuning log at once (so no later export can contain it)
   and a `RedactionFlag` row remembers that it happened (who, when, which kind — never what);
2. a regression case is appended to a local JSONL file that the redaction tests read.

The regression file must not become a second copy of the leak, so the private part is never
written to it. It is replaced by a random *stand-in of the same shape*: every digit becomes a
random digit, every letter a random letter of the same case, separators and punctuation stay,
and checksums the redactor validates are recomputed (Luhn for card-like digit runs, mod-97
check digits for IBAN-like strings). The stand-in therefore trips the same detector the real
value should have tripped, while the real value cannot be recovered from the file. Only a
short window of the (already redacted) context around it is kept, not the whole record.
Limitation: formats whose checksum needs a hash we do not recompute (Base58Check, bech32,
EIP-55) keep their shape but not their checksum, so they test the redactor's shape rules only.
"""

from __future__ import annotations

import json
import re
import secrets
import string
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Field, SQLModel

CONTEXT_CHARS = 40
_CARD_RUN = re.compile(r"\d(?:[ -]?\d){12,18}")
_IBAN = re.compile(r"\b([A-Z]{2})(\d{2})([A-Z0-9]{11,30})\b")
_PREFIX = re.compile(
    r"^(?:0x|bc1|tb1|ltc1|xprv|xpub|AKIA|ghp_|[a-z]{2,4}[-_](?:(?:live|test)[-_])?|[A-Z]{2}(?=\d\d[A-Z0-9]{11,30}$))"
)
_HEX = string.hexdigits
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class RedactionFlag(SQLModel, table=True):
    """One flagged record: which record, which kind of leak, who flagged it and when."""

    __tablename__ = "redaction_flags"

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(index=True)
    label: str = Field(max_length=40)
    actor: str = Field(max_length=64)
    flagged_at: datetime


@dataclass(frozen=True, slots=True)
class RegressionCase:
    """A redaction miss with the private part replaced by a same-shape stand-in."""

    label: str
    text: str
    spans: tuple[tuple[int, int], ...]
    flagged_at: str
    source: str = "admin-review"

    def to_json(self) -> str:
        """Return the case as one JSON line."""
        doc = asdict(self)
        doc["spans"] = [list(s) for s in self.spans]
        return json.dumps(doc, ensure_ascii=False)


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def _fix_luhn(text: str) -> str:
    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        digits = [c for c in run if c.isdigit()]
        last = _luhn_digit("".join(digits[:-1]))
        cut = max(i for i, c in enumerate(run) if c.isdigit())
        return run[:cut] + last + run[cut + 1 :]

    return _CARD_RUN.sub(fix, text)


def _fix_iban(text: str) -> str:
    def fix(match: re.Match[str]) -> str:
        country, _check, bban = match.groups()
        moved = bban + country + "00"
        number = int("".join(str(int(ch, 36)) for ch in moved))
        return f"{country}{98 - number % 97:02d}{bban}"

    return _IBAN.sub(fix, text)


def _alphabet(body: str) -> str:
    chars = {c for c in body if c.isascii() and c.isalnum()}
    for alphabet in (_HEX, _BECH32, _B58):
        if chars <= set(alphabet):
            return alphabet
    return string.digits + string.ascii_letters


def _same_class(ch: str, alphabet: str) -> str:
    if not (ch.isascii() and ch.isalnum()):
        return ch if ch.isascii() or not ch.isalpha() else secrets.choice(string.ascii_lowercase)
    for test in (str.isdigit, str.isupper, str.islower):
        if test(ch):
            pool = [c for c in alphabet if test(c)]
            return secrets.choice(pool) if pool else ch
    return ch


def stand_in(value: str) -> str:
    """Return a random value of the same shape (classes, separators, common checksums).

    Structural prefixes (`0x`, `sk-`, `bc1`, an IBAN's country code, ...) and an e-mail's
    top-level domain are kept: they say what kind of secret it is, not which one.
    """
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


def regression_case(record_text: str, leaked: str, label: str, at: datetime) -> RegressionCase:
    """Build the regression case for `leaked` inside `record_text` (raise ValueError if absent)."""
    leaked = leaked.strip()
    if len(leaked) < 3:
        raise ValueError("Paste at least 3 characters of the private part.")
    first = record_text.find(leaked)
    if first < 0:
        raise ValueError("That text does not appear in this record; copy it exactly.")
    start = max(0, first - CONTEXT_CHARS)
    last = record_text.rfind(leaked)
    end = min(len(record_text), last + len(leaked) + CONTEXT_CHARS)
    window = record_text[start:end]
    replacement = stand_in(leaked)
    pieces = window.split(leaked)
    spans: list[tuple[int, int]] = []
    cursor = len(pieces[0])
    for piece in pieces[1:]:
        spans.append((cursor, cursor + len(replacement)))
        cursor += len(replacement) + len(piece)
    text = replacement.join(pieces)
    return RegressionCase(label=label, text=text, spans=tuple(spans), flagged_at=at.isoformat())


def append_case(path: Path, case: RegressionCase) -> None:
    """Append one case to the regression file (created with mode 0600 if missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.touch(mode=0o600)
    with path.open("a", encoding="utf-8") as out:
        out.write(case.to_json() + "\n")


def read_cases(path: Path) -> list[RegressionCase]:
    """Read every regression case in the file (an absent file has none)."""
    if not path.exists():
        return []
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            doc = json.loads(line)
            spans = tuple((int(s), int(e)) for s, e in doc["spans"])
            cases.append(
                RegressionCase(doc["label"], doc["text"], spans, doc["flagged_at"], doc["source"])
            )
    return cases
