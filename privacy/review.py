"""Redaction review: an admin flags a kept record that still shows something private.

Flagging does two things:
1. the record is taken out of the fine-tuning log at once (so no later export can contain it)
   and a `RedactionFlag` row remembers that it happened (who, when, which kind — never what);
2. a regression case is appended to a local JSONL file that the redaction tests read.

The regression file must not become a second copy of the leak, so no real value is written
to it. The flagged value (widened to whole tokens, and over the neighbouring words of a seed
phrase when the admin pasted only part of one) is replaced by a random *stand-in of the same
shape*: every digit becomes a random digit of the same script (ASCII, full-width, Arabic-Indic
…), every letter a random letter of the same case and script, BIP-39 words random words of the
same list; separators and punctuation stay, and the checksums the redactor validates are
recomputed (Luhn, IBAN mod-97). The context is at most 40 characters either side, taken from a
*fresh* redaction of the record, and a context stretch the admission gate would still refuse
is replaced by a stand-in as well.
Limitation: formats whose checksum needs a hash we do not recompute (Base58Check, bech32,
EIP-55, BIP-39's own checksum) keep their shape but not their checksum.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Field, SQLModel

from privacy.gate import INVISIBLE, admit
from privacy.gate_words import lexicon
from privacy.redact import Redacted, redact
from privacy.stand_in import seed_bits, stand_in

__all__ = [
    "RedactionFlag",
    "RegressionCase",
    "append_case",
    "read_cases",
    "regression_case",
    "stand_in",
]

CONTEXT_CHARS = 40
_NEXT_WORD = re.compile(r"[\s/,\-|•·.;:_()#\d\u3000、]{1,8}([^\W\d_]+)")
_PREV_WORD = re.compile(r"([^\W\d_]+)[\s/,\-|•·.;:_()#\d\u3000、]{1,8}$")
_NEXT_GROUP = re.compile(r"[ \-./\u3000](\d+)(?![^\W\d_])")
_PREV_GROUP = re.compile(r"(?<![^\W\d_])(\d+)[ \-./\u3000]$")
_PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]{1,30}>")


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


def regression_case(record_text: str, leaked: str, label: str, at: datetime) -> RegressionCase:
    """Build the regression case for `leaked` inside `record_text` (raise ValueError if absent)."""
    leaked = leaked.strip()
    if len(leaked) < 3:
        raise ValueError("Paste at least 3 characters of the private part.")
    hits = _occurrences(record_text, leaked)
    if not hits:
        raise ValueError("That text does not appear in this record; copy it exactly.")
    fresh = redact(record_text)  # today's redactor: context shows what it still misses, no more
    edges = [0, *(x for hit in hits for x in hit), len(record_text)]
    contexts = [
        _context(record_text, fresh, a, b) for a, b in zip(edges[::2], edges[1::2], strict=True)
    ]
    contexts[0] = contexts[0][-CONTEXT_CHARS:]
    contexts[-1] = contexts[-1][:CONTEXT_CHARS]
    parts = [contexts[0]]
    spans: list[tuple[int, int]] = []
    chosen: dict[str, str] = {}
    cursor = len(contexts[0])
    for (start, end), after in zip(hits, contexts[1:], strict=True):
        value = record_text[start:end]
        replacement = chosen.setdefault(value, stand_in(value))  # one stand-in per value
        spans.append((cursor, cursor + len(replacement)))
        parts += [replacement, after]
        cursor += len(replacement) + len(after)
    text = "".join(parts)
    return RegressionCase(label=label, text=text, spans=tuple(spans), flagged_at=at.isoformat())


def _occurrences(text: str, leaked: str) -> list[tuple[int, int]]:
    """Return where `leaked` occurs, each widened to the whole value (merged when touching)."""
    hits: list[tuple[int, int]] = []
    pos = text.find(leaked)
    while pos >= 0:
        start, end = _widen(text, pos, pos + len(leaked))
        if hits and start <= hits[-1][1]:
            hits[-1] = (hits[-1][0], max(end, hits[-1][1]))
        else:
            hits.append((start, end))
        pos = text.find(leaked, max(end, pos + 1))
    return hits


def _value_char(ch: str) -> bool:
    return ch.isalnum() or ord(ch) in INVISIBLE


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen to whole tokens, and over neighbouring words of the same BIP-39 list."""
    while start > 0 and _value_char(text[start - 1]) and _value_char(text[start]):
        start -= 1
    while end < len(text) and _value_char(text[end]) and _value_char(text[end - 1]):
        end += 1
    if any(c.isdecimal() for c in text[start:end]):  # the rest of a grouped number
        while found := _PREV_GROUP.search(text, 0, start):
            start = found.start(1)
        while found := _NEXT_GROUP.match(text, end):
            end = found.end(1)
    bits = seed_bits(text[start:end])
    if not bits:
        return start, end
    index = lexicon()[0]
    while (found := _PREV_WORD.search(text, 0, start)) and index.get(
        found.group(1).lower(), 0
    ) & bits:
        start = found.start(1)
    while (found := _NEXT_WORD.match(text, end)) and index.get(found.group(1).lower(), 0) & bits:
        end = found.end(1)
    return start, end


def _context(text: str, fresh: Redacted, start: int, end: int) -> str:
    """Return text[start:end] as the fresh redaction shows it; a stand-in if the gate refuses it."""
    parts: list[str] = []
    pos = start
    for span in fresh.spans:
        if span.end <= start or span.start >= end:
            continue
        parts += [text[pos : max(pos, span.start)], f"<{span.label}>"]
        pos = max(pos, span.end)
    parts.append(text[pos:end] if pos < end else "")
    shown = "".join(parts)
    if admit(shown).admitted:
        return shown
    pieces = _PLACEHOLDER.split(shown)
    tags = _PLACEHOLDER.findall(shown)
    return "".join(stand_in(p) + t for p, t in zip(pieces, [*tags, ""], strict=True))


def append_case(path: Path, case: RegressionCase) -> None:
    """Append one case to the regression file (mode 0600, also when it already existed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.touch(mode=0o600)
    path.chmod(0o600)
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
