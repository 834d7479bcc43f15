"""Admission gate for the fine-tuning log: a second, independent scan of REDACTED text.

The redactor (privacy.redact) decides what to remove; this gate decides whether what is left
may be kept at all. It shares no code with the redactor, so a miss in one layer is caught by
the other: a turn whose redacted text still holds anything secret-shaped is not stored.

Text is canonicalised first (zero-width and bidi controls dropped, NFKC, every decimal digit
made ASCII, placeholders such as `<EMAIL>` blanked), then small scanners look for
- digit runs of 8 or more once separators are joined (cards, IBANs, ids, phone numbers),
  except numbers that trading talk is made of (prices, ranges, dates, round figures, ids
  after an order/block cue);
- key-length encodings: hex of 32+ characters, base58/base64 runs of 32+, also in groups;
- long high-entropy tokens (API keys, secrets, passwords that look generated);
- arrays of 16+ small integers (a key exported as bytes);
- runs of 6+ BIP-39 words of one language (privacy.gate_words);
- e-mail and international phone shapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from privacy.gate_canon import INVISIBLE, canonical
from privacy.gate_personal import credential, held_amount, id_token
from privacy.gate_tokens import GateReason, fragment_reasons, token_reasons
from privacy.gate_words import cut_seed_run, seed_neighbour, seed_run

__all__ = ["INVISIBLE", "Admission", "GateReason", "admit", "canonical", "scan"]

MIN_DIGITS = 8
MIN_ENTROPY_CHARS = 16


@dataclass(frozen=True, slots=True)
class Admission:
    """Whether redacted text may be kept, and which secret shapes stopped it."""

    admitted: bool
    reasons: tuple[GateReason, ...] = ()


ADMITTED = Admission(True)

_DATE = re.compile(
    r"(?<!\d)(?:(?:19|20)\d\d([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])([-/.])(?:0?[1-9]|[12]\d|3[01])\2(?:19|20)\d\d)(?!\d)"
)
_TIME = re.compile(r"(?<!\d)\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?(?!\d)")
_SEP = r"(?:[ \t\-./_|•·]{1,3}|\n)"
_DIGITS = re.compile(rf"\+?\(?\d+\)?(?:{_SEP}\(?\d+\)?)*")
_GROUP = re.compile(r"\d+")
_NUMBER = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
_DECOY_CUE = re.compile(
    r"(?:order|ord|oid|ticket|case|block|height|ref|invoice|trade|timestamp|epoch|unix|ts"
    r"|request|req|trace|correlation|client|job|run|batch|event|message|msg"
    r"|注文|ブロック|番号)(?:\s*(?:id|no|number|#|:|=))?\s*[#:=]?\s*$",
    re.IGNORECASE,
)
_UUID = re.compile(
    r"(?<![0-9A-Za-z])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9A-Za-z])",
    re.I,
)
# hashes everyone shares: event topics, selectors, digests, commits (never tx hashes or keys)
_PUBLIC_HEX = re.compile(
    r"((?:topic\s?[0-3]?|topics\[[0-3]\]|event (?:signature|sig|hash|id)|selector|keccak(?:256)?"
    r"|sha-?(?:1|256|3)(?:sum)?|md5|digest|checksum|commit|merkle root|block ?hash|code ?hash"
    r"|init code hash|hash of \S+)\s*(?:is|=|:)?\s*)0x[0-9a-fA-F]{8,64}(?![0-9A-Za-z])",
    re.I,
)
_SECRET_CUE = re.compile(r"(?:key|secret|token|pass|pin|seed|card|iban|uid|account)", re.I)
_UNIT_AFTER = re.compile(r"\s?(?:[A-Z]{2,6}\b|sats?\b|gwei\b|wei\b|lamports\b|円|ドル|万)")
_CURRENCY = "$€£¥₿"
_BYTE = r"(?:0x[0-9a-fA-F]{1,2}|25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_BSEP = r"(?:\s*[,;|/•·]{1,2}\s*|\s+)"
_BYTE_ARRAY = re.compile(rf"(?<![\w.]){_BYTE}{_BSEP}{_BYTE}(?:{_BSEP}{_BYTE}){{14,}}(?![\w.])")
_AT = r"(?:@|\((?:at)\)|\[at\]|\{at\})"
_DOT = r"(?:\.|\(dot\)|\[dot\]|\{dot\})"
_EMAIL = re.compile(
    rf"(?<![\w.+-])[\w.+-]{{1,64}}+\s{{0,2}}{_AT}\s{{0,2}}[\w-]+(?:\s{{0,2}}{_DOT}\s{{0,2}}[\w-]+)*"
    rf"\s{{0,2}}{_DOT}\s{{0,2}}[A-Za-z]{{2,}}"
    r"|(?<![\w.+-])[\w.+-]{2,}+ at [\w-]{2,}+ dot (?:com|net|org|io|de|jp|ru|uk|fr|me)\b",
    re.IGNORECASE,
)
_EMAIL_HINT = re.compile(r"@|\((?:at|dot)\)|\[(?:at|dot)\]|\{(?:at|dot)\}| dot ", re.I)
_NOT_DIGIT = re.compile(r"\D+")
_BYTE_HINT = re.compile(r"\d+")
_LACED = ".-_:'"


def admit(*texts: str) -> Admission:
    """Scan redacted text (each part apart); admit it when nothing secret-shaped is left."""
    reasons: set[GateReason] = set()
    for text in texts:
        reasons.update(scan(canonical(text)))
    if not reasons:
        return ADMITTED
    return Admission(False, tuple(sorted(reasons)))


def scan(text: str) -> set[GateReason]:
    """Return every reason found in canonical text."""
    found: set[GateReason] = set()
    if "-" in text or "0x" in text:
        text = _mask_decoys(text)
    if len(_NOT_DIGIT.sub("", text)) >= MIN_DIGITS:
        found |= _digit_reasons(text)
    if len(text) >= MIN_ENTROPY_CHARS:
        found |= token_reasons(text, _after_decoy_cue)
    found |= fragment_reasons(text)
    found |= _personal_reasons(text)
    if _EMAIL_HINT.search(text) and _EMAIL.search(text):
        found.add(GateReason.EMAIL)
    if seed_run(text) or seed_neighbour(text) or cut_seed_run(text):
        found.add(GateReason.SEED_WORDS)
    return found


def _personal_reasons(text: str) -> set[GateReason]:
    found: set[GateReason] = set()
    if id_token(text):
        found.add(GateReason.IDENTIFIER)
    if credential(text):
        found.add(GateReason.CREDENTIAL)
    if held_amount(text):
        found.add(GateReason.HOLDING)
    return found


def _mask_decoys(text: str) -> str:
    """Blank public identifiers: a UUID after an order/request cue, hex after a public-hash cue."""
    if "-" in text:
        text = _UUID.sub(lambda m: "\x00" if _after_decoy_cue(text, m.start()) else m.group(), text)
    if "0x" in text:
        text = _PUBLIC_HEX.sub(lambda m: m.group(1) + "\x00", text)
    return text


def _digit_reasons(text: str) -> set[GateReason]:
    found: set[GateReason] = set()
    if len(_BYTE_HINT.findall(text)) >= 16 and _byte_array(text):
        found.add(GateReason.BYTE_ARRAY)
    if not any(m.end() - m.start() >= MIN_DIGITS for m in _DIGITS.finditer(text)):
        return found
    masked = _TIME.sub("\x00", _DATE.sub("\x00", text))  # only now: most texts have no run
    for match in _DIGITS.finditer(masked):
        if match.end() - match.start() >= MIN_DIGITS:
            reason = _digit_run(match, masked)
            if reason is not None:
                found.add(reason)
    return found


def _byte_array(text: str) -> bool:
    """Return True for 16+ small integers in a list, also when a separator was put inside them.

    `[17.9,1.36,.230.,…]` is `[179,136,230,…]` with dots laced in: each separator that is no
    list separator is dropped in turn and the list judged again.
    """
    if _BYTE_ARRAY.search(text):
        return True
    return any(c in text and _BYTE_ARRAY.search(text.replace(c, "")) for c in _LACED)


def _digit_run(match: re.Match[str], text: str) -> GateReason | None:
    run = match.group()
    groups = _GROUP.findall(run)
    if sum(map(len, groups)) < MIN_DIGITS:
        return None
    if run.startswith("+"):
        return GateReason.PHONE
    if _number_talk(run, groups) or _after_decoy_cue(text, match.start()):
        return None
    if len(groups) == 1 and _is_amount(text, match.start(), match.end()):
        return None
    return GateReason.DIGIT_RUN


def _number_talk(run: str, groups: list[str]) -> bool:
    """Return True for numbers trading talk is made of: decimals, ranges, lists, round figures."""
    if len(groups) == 1:
        return _round(groups[0]) or _date_or_clock(groups[0])
    sides = re.split(r"\s*[-/–~]\s*|\s+", run.replace("(", "").replace(")", ""))
    ranged = re.search(r"\d\s*[-/–~]\s*\d", run) is not None
    if not all(_NUMBER.fullmatch(s) for s in sides):
        return False
    ints = [s.split(".")[0] for s in sides]
    if len(sides) == 1:  # one decimal number: 67250.50, 0.00000718
        return True
    if len(sides) == 2:  # a range: 65000-66000, 3500 - 3600
        similar = abs(len(ints[0]) - len(ints[1])) <= 1 and all(len(i) <= 7 for i in ints)
        return any("." in x for x in sides) or (ranged and similar)
    # a list of prices or levels, never short groups like a card's or an IBAN's
    return all("." in s or len(s) >= 5 for s in sides)


def _round(digits: str) -> bool:
    significant = digits.rstrip("0")
    return len(set(digits)) == 1 or (len(digits) - len(significant) >= 4 and len(significant) <= 4)


def _date_or_clock(digits: str) -> bool:
    """Return True for a compact date (20240613, 202406131530) or a Unix time in 2011-2036."""
    if len(digits) in (8, 12, 14) and re.fullmatch(
        r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01]).*", digits
    ):
        return True
    return len(digits) in (10, 13) and 1_300_000_000 <= int(digits[:10]) <= 2_100_000_000


def _after_decoy_cue(text: str, start: int) -> bool:
    before = text[max(0, start - 24) : start]
    return bool(_DECOY_CUE.search(before)) and not _SECRET_CUE.search(before[-12:])


def _is_amount(text: str, start: int, end: int) -> bool:
    if start and text[start - 1] in _CURRENCY:
        return True
    return bool(_UNIT_AFTER.match(text, end))
