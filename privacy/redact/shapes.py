"""Detectors for values recognisable by their shape, confirmed by a checksum where one exists.

Each detector is a function `text -> list[Candidate]`. Shapes are written to generalise
(separators, lengths, alphabets), not to match any one example.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from privacy.redact import checksums as cs
from privacy.redact.candidates import Candidate
from privacy.redact.labels import Label

Detector = Callable[[str], list[Candidate]]
L = Label

_NB = r"(?<![0-9A-Za-z])"  # no alphanumeric immediately before
_NA = r"(?![0-9A-Za-z])"  # ... or after

URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'）」]+", re.IGNORECASE)
EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9])"
)
_LOCAL = r"(?<![\w.])[a-z0-9][\w.+-]*(?:\s+dot\s+[a-z0-9][\w+-]*)*"
# the spelled words may also sit between separators typed instead of spaces (`x.[at].y.dot.com`)
_S = r"[\s.•|·_-]{0,2}"
_DOT = r"(?:\[dot\]|\(dot\)|\{dot\}|\s+dot\s+|[.•|·_-]dot[.•|·_-])"
OBFUSCATED_EMAIL_RE = re.compile(
    rf"(?i){_LOCAL}(?:{_S}(?:\[at\]|\(at\)|\{{at\}}){_S}|\s+at\s+)[a-z0-9-]+"
    rf"(?:\s*(?:{_DOT}|\.)\s*[a-z0-9-]+)*\s*{_DOT}\s*[a-z]{{2,24}}(?![\w])"
    rf"|{_LOCAL}{_S}(?:\[at\]|\(at\)|\{{at\}}|＠){_S}[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{{2,24}}(?![\w])"
)
PEM_RE = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)"
)
HANDLE_RE = re.compile(r"(?<![A-Za-z0-9_@.])@[A-Za-z][A-Za-z0-9_]{3,31}(?![A-Za-z0-9_@])")
HEX_RE = re.compile(_NB + r"(0x)?([0-9a-fA-F]{32,128})" + _NA)
SEPARATORS_RE = re.compile(r"[-_/+=.]")
PUBLIC_HASH_WORDS = re.compile(
    r"(?i)commit|sha-?(?:1|256|512)|checksum|md5|digest|\bgit\b|build|topic|selector|keccak"
    r"|storage\s+slot|codehash|merkle|state\s+root|block\s*hash|event\s+(?:sig|hash)"
)
HEX_TOKEN_RE = re.compile(r"(?:0[xX])?[0-9a-fA-F]+")
UUID_RE = re.compile(_NB + r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}" + _NA)
BASE58_RE = re.compile(_NB + r"[1-9A-HJ-NP-Za-km-z]{25,120}" + _NA)
BECH32_RE = re.compile(_NB + r"(?:bc|tb|bcrt|ltc|tltc)1[02-9ac-hj-np-z]{8,90}" + _NA, re.I)
ANY_BECH32_RE = re.compile(_NB + r"[a-z]{2,15}1[02-9ac-hj-np-z]{38,}" + _NA)
XRP_RE = re.compile(_NB + r"r[1-9A-HJ-NP-Za-km-z]{24,34}" + _NA)
TON_RE = re.compile(r"(?<![A-Za-z0-9_-])[EU]Q[A-Za-z0-9_-]{46}(?![A-Za-z0-9_-])")
ENS_RE = re.compile(r"(?<![\w.])[a-z0-9][a-z0-9-]{2,40}\.eth(?![\w.])")
PREFIXED_KEY_RE = re.compile(
    _NB + r"(?:sk-(?:proj-|live-|ant-)?|sk_(?:live|test)_|pk_(?:live|test)_|rk_live_|CG-|xox[abpr]-"
    r"|gh[pousr]_|github_pat_|glpat-|AKIA|ASIA|AIza|hf_|npm_)[A-Za-z0-9_-]{12,}" + _NA
)
JWT_RE = re.compile(
    r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
)
BOT_TOKEN_RE = re.compile(r"(?<![0-9A-Za-z])\d{6,12}:[A-Za-z0-9_-]{30,}")
# a token may open with `+` or `/` (base64), judged apart from paths (see _base64_run)
TOKEN_RE = re.compile(
    r"(?<![A-Za-z0-9_+/=-])[A-Za-z0-9+/][A-Za-z0-9_+/=-]{15,}(?![A-Za-z0-9_+/=-])"
)
IBAN_RE = re.compile(_NB + r"[A-Za-z]{2} ?\d{2}(?:[ \-./|•_]?[A-Za-z0-9]{1,6}+){2,14}" + _NA)
DIGIT_RUN_RE = re.compile(r"(?<![\d.,/:$€£¥+-])\d(?:[ .-]?\d){7,22}(?![\d]|[.,]\d)")
SSN_RE = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])")
NINO_RE = re.compile(
    r"(?<![A-Za-z0-9])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r" ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])"
)
IPV4_RE = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
    r"(?![\d]|\.\d)"
)
IPV6_RE = re.compile(
    r"(?<![0-9A-Fa-f:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}"
    r"|(?:[0-9A-Fa-f]{1,4}:){1,6}(?::[0-9A-Fa-f]{1,4}){1,6}"
    r"|(?:[0-9A-Fa-f]{1,4}:){1,7}:|::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4})(?![0-9A-Fa-f:])"
)
PHONE_INTL_RE = re.compile(
    r"(?:(?<![0-9A-Za-z+])\+|(?<![0-9A-Za-z+.,/:-])(?<!\d\s)00(?=[1-9]))\d{1,3}"
    r"(?:(?:[ .\-\u2010/]|[ \t]*\n[ \t]*)?\(?\d{1,5}\)?){2,6}(?![\d])"
)
PHONE_NATIONAL_RE = re.compile(
    r"(?<![0-9A-Za-z.,/$€£¥+-])(?:\(0?\d{2,5}\)[ .-]?\d{2,4}[ .-]?\d{3,4}"
    r"|0\d{1,4}(?:[ .\-]\d{2,8}){1,4}|0[5789]0\d{8}|0\d{2,5}/\d{4,9}"
    r"|\(\d{3}\) ?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4})(?![0-9A-Za-z]|[.,-]\d)"
)
SECRET_CUE_RE = re.compile(
    r"(?i)(?:api|key|secret|token|priv|passphrase|credential|auth|bearer|seed|秘密鍵|鍵|シークレット)"
)
TX_WORDS = re.compile(r"(?i)tx|hash|transaction|txid|トランザクション|送金|取引")
KEY_WORDS = re.compile(r"(?i)priv|key|秘密鍵|secret|import|wallet")
CARD_WORDS = re.compile(r"(?i)card|visa|master|amex|カード")
ORDER_WORDS = re.compile(r"(?i)order|注文|block|ブロック|#")
NATID_WORDS = re.compile(r"(?i)my ?number|マイナンバー|aadhaar|national|ssn|social|個人番号|\bid\b")
CONTRACT_WORDS = re.compile(r"(?i)contract|token address|\bCA\b|コントラクト")
KEY_CUE_RE = re.compile(
    r"(?i)(?:api[ _-]?key|api[ _-]?secret|secret(?:[ _-]?key)?|access[ _-]?key|token|\bkey)"
    r"(?:\s+(?:is|=|:)|\s*[:=：])?\s*(?P<v>[A-Za-z0-9_\-+/=]{12,200})(?![A-Za-z0-9_\-+/=])"
)


def _before(text: str, start: int, width: int = 40) -> str:
    return text[max(0, start - width) : start]


def find_urls(text: str) -> list[tuple[int, int]]:
    """Return the spans of URLs up to their query (public links are kept; only strong secrets
    inside them go). The query's values are what someone typed into a form: read as text."""
    if "http" not in text and "www." not in text:
        return []
    return [(m.start(), m.start() + len(m.group().split("?", 1)[0])) for m in URL_RE.finditer(text)]


def emails(text: str) -> list[Candidate]:
    out = []
    if "@" in text:
        out += [Candidate(*m.span(), L.EMAIL, 90, True) for m in EMAIL_RE.finditer(text)]
    if "dot" in text.lower() or "(at)" in text.lower() or "[at]" in text.lower():
        out += [Candidate(*m.span(), L.EMAIL, 89) for m in OBFUSCATED_EMAIL_RE.finditer(text)]
    if "-----BEGIN" in text:
        out += [Candidate(*m.span(), L.PRIVATE_KEY, 99, True) for m in PEM_RE.finditer(text)]
    return out


def handles(text: str) -> list[Candidate]:
    if "@" not in text:
        return []
    return [Candidate(*m.span(), L.TELEGRAM_HANDLE, 40) for m in HANDLE_RE.finditer(text)]


def hex_strings(text: str) -> list[Candidate]:
    out: list[Candidate] = []
    for m in HEX_RE.finditer(text):
        body = m.group(2)
        if not any(c.isdigit() for c in body) or not any(c.isalpha() for c in body):
            continue
        if m.group(1) and len(body) == 40:
            continue  # an EVM address: handled below
        ctx = _before(text, m.start())
        if m.group(1) and len(body) != 64 and not SECRET_CUE_RE.search(ctx):
            continue  # 0x-bytes of no key length (calldata, signatures): public chain data
        if PUBLIC_HASH_WORDS.search(ctx[-25:]):
            continue  # a commit id or file checksum, not a secret
        if len(body) == 64:
            tx = bool(TX_WORDS.search(ctx)) and not re.search(r"(?i)priv|秘密鍵", ctx)
            key = bool(KEY_WORDS.search(ctx))
            label = L.TX_HASH if tx or (m.group(1) and not key) else L.PRIVATE_KEY
        else:
            label = L.API_KEY
        out.append(Candidate(*m.span(), label, 80, True))
    for m in re.finditer(_NB + r"0x[0-9a-fA-F]{40}" + _NA, text):
        if not CONTRACT_WORDS.search(_before(text, m.start(), 25)):  # public token contracts
            out.append(Candidate(*m.span(), L.CRYPTO_ADDRESS, 85, True))
    return out


def uuids(text: str) -> list[Candidate]:
    """A UUID is a key only when a key cue precedes it; otherwise it is an order or request id."""
    out = []
    for m in UUID_RE.finditer(text):
        if SECRET_CUE_RE.search(_before(text, m.start(), 30)):
            out.append(Candidate(*m.span(), L.API_KEY, 75, True))
    return out


def base58_strings(text: str) -> list[Candidate]:
    out: list[Candidate] = []
    for m in BASE58_RE.finditer(text):
        token = m.group()
        label = _base58_label(token)
        if label is not None:
            out.append(Candidate(*m.span(), label, 85, True))
    return out


def _base58_label(token: str) -> Label | None:
    payload = cs.b58check_payload(token)
    if payload is not None:
        if len(payload) == 21 and payload[0] in (0x00, 0x05, 0x41, 0x6F, 0xC4, 0x30, 0x32):
            return L.CRYPTO_ADDRESS
        if payload[0] in (0x80, 0xEF) and len(payload) in (33, 34):
            return L.PRIVATE_KEY
        if token[:4] in ("xprv", "tprv", "yprv", "zprv"):
            return L.PRIVATE_KEY
        return L.CRYPTO_ADDRESS
    raw = cs.b58decode(token)
    if raw is None or not _mixed(token):
        return None
    if len(raw) == 32 and 32 <= len(token) <= 44:
        return L.CRYPTO_ADDRESS
    if len(raw) == 64 and 80 <= len(token) <= 90:
        return L.TX_HASH
    return None


def _mixed(token: str) -> bool:
    return (
        any(c.isdigit() for c in token)
        and any(c.isupper() for c in token)
        and any(c.islower() for c in token)
    )


def bech32_strings(text: str) -> list[Candidate]:
    """Bitcoin/Litecoin bech32 by shape; any other chain's (cosmos1, addr1…) by checksum."""
    out = []
    for m in BECH32_RE.finditer(text):
        if cs.bech32_valid(m.group()) or len(m.group()) >= 26:
            out.append(Candidate(*m.span(), L.CRYPTO_ADDRESS, 85, True))
    for m in ANY_BECH32_RE.finditer(text):
        if cs.bech32_valid(m.group()):
            out.append(Candidate(*m.span(), L.CRYPTO_ADDRESS, 84, True))
    for m in XRP_RE.finditer(text):
        if cs.b58check_payload(m.group(), cs.B58_XRP) is not None:
            out.append(Candidate(*m.span(), L.CRYPTO_ADDRESS, 84, True))
    out += [Candidate(*m.span(), L.CRYPTO_ADDRESS, 83, True) for m in TON_RE.finditer(text)]
    if ".eth" in text:
        out += [Candidate(*m.span(), L.CRYPTO_ADDRESS, 40) for m in ENS_RE.finditer(text)]
    return out


def api_keys(text: str) -> list[Candidate]:
    out = [Candidate(*m.span(), L.API_KEY, 88, True) for m in PREFIXED_KEY_RE.finditer(text)]
    if "eyJ" in text:
        out += [Candidate(*m.span(), L.API_KEY, 88, True) for m in JWT_RE.finditer(text)]
    if ":" in text:
        out += [Candidate(*m.span(), L.API_KEY, 88, True) for m in BOT_TOKEN_RE.finditer(text)]
    for m in KEY_CUE_RE.finditer(text):
        value = m.group("v")
        if any(c.isdigit() for c in value) and not value.isdigit():
            out.append(Candidate(*m.span("v"), L.API_KEY, 49, True))
    return out


def secret_tokens(text: str) -> list[Candidate]:
    """Long tokens that look random (letters and digits mixed): keys, secrets, passwords."""
    out = []
    for m in TOKEN_RE.finditer(text):
        token = m.group()
        if HEX_TOKEN_RE.fullmatch(token) or UUID_RE.fullmatch(token):
            continue  # hex strings have their own detector (keys, hashes, addresses)
        if token[0] in "+/" and not _base64_run(token):
            continue  # `/fapi/v1/positionRisk` is a path, not a key
        if _looks_random(token):
            out.append(Candidate(*m.span(), L.API_KEY, 50, len(token) >= 20))
    return out


_ALNUM_RUN_RE = re.compile(r"[A-Za-z0-9]+")


def _base64_run(token: str) -> bool:
    """Return True for a token opening with `+` or `/` that reads as key-length base64 (a
    long run between the signs), not as a path of short names."""
    longest = max((len(r) for r in _ALNUM_RUN_RE.findall(token)), default=0)
    return len(token) >= 40 and longest >= 16


def _looks_random(token: str) -> bool:
    parts = SEPARATORS_RE.split(token)
    if len(parts) > 1 and all(p.isalpha() or p.isdigit() or not p for p in parts):
        return False  # a structured id (BTCUSDT-240628-C-70000, ORD-2024-0001), not a secret
    digits = sum(c.isdigit() for c in token)
    upper = sum(c.isupper() for c in token)
    lower = sum(c.islower() for c in token)
    if digits == len(token) or digits < 1 or upper + lower < 4:
        return False
    if upper >= 3 and lower >= 3 and (digits >= 2 or _case_flips(token) >= 6):
        return True
    return len(token) >= 20 or (digits >= 4 and len(token) >= 16 and not token.isupper())


def _case_flips(token: str) -> int:
    letters = [c.isupper() for c in token if c.isalpha()]
    return sum(a != b for a, b in itertools.pairwise(letters))


def ibans(text: str) -> list[Candidate]:
    out = []
    for m in IBAN_RE.finditer(text):
        raw = m.group()
        compact = _IBAN_SEP_RE.sub("", raw).upper()
        size = cs.iban_lengths().get(compact[:2], 0)
        if size > len(compact) or not cs.iban_valid(compact[:size]):
            continue
        end = _end_of_nth_alnum(raw, size)
        if (end == len(raw) or not raw[end].isalnum()) and cs.iban_registered(compact[:size]):
            out.append(Candidate(m.start(), m.start() + end, L.IBAN, 86, True))
    return out


_IBAN_SEP_RE = re.compile(r"[^A-Za-z0-9]")


def _end_of_nth_alnum(raw: str, n: int) -> int:
    seen = 0
    for i, ch in enumerate(raw):
        seen += ch.isalnum()
        if seen == n:
            return i + 1
    return len(raw)


def digit_runs(text: str) -> list[Candidate]:
    """Cards (Luhn), My Number / Aadhaar (check digits), and ids named by context."""
    out = []
    for m in DIGIT_RUN_RE.finditer(text):
        raw = m.group()
        digits = raw.replace(" ", "").replace("-", "").replace(".", "")
        label = _digit_label(digits, raw != digits, _before(text, m.start(), 30))
        if label is not None:
            out.append(Candidate(*m.span(), label, 70, label is L.CREDIT_CARD))
    return out


def _digit_label(digits: str, grouped: bool, ctx: str) -> Label | None:
    n = len(digits)
    if CARD_WORDS.search(ctx) and 12 <= n <= 19:
        return L.CREDIT_CARD
    order = bool(ORDER_WORDS.search(ctx))
    if 13 <= n <= 19 and cs.luhn_valid(digits) and (grouped or not order):
        return L.CREDIT_CARD
    if n == 12 and NATID_WORDS.search(ctx):
        return L.NATIONAL_ID
    checked = cs.mynumber_valid(digits) or cs.verhoeff_valid(digits)
    if n == 12 and (grouped or not order) and checked:
        return L.NATIONAL_ID
    return None


def national_ids(text: str) -> list[Candidate]:
    out = [Candidate(*m.span(), L.NATIONAL_ID, 72, True) for m in SSN_RE.finditer(text)]
    out += [Candidate(*m.span(), L.NATIONAL_ID, 72, True) for m in NINO_RE.finditer(text)]
    return out


def ip_addresses(text: str) -> list[Candidate]:
    out = []
    if text.count(".") >= 3:
        out += [Candidate(*m.span(), L.IP_ADDRESS, 65, True) for m in IPV4_RE.finditer(text)]
    if text.count(":") >= 2:
        for m in IPV6_RE.finditer(text):
            value = m.group()
            if (value.count(":") >= 3 or "::" in value) and sum(c.isalnum() for c in value) >= 6:
                out.append(Candidate(*m.span(), L.IP_ADDRESS, 65, True))
    return out


def phones(text: str) -> list[Candidate]:
    out = []
    for rx, rank in ((PHONE_INTL_RE, 71), (PHONE_NATIONAL_RE, 60)):
        for m in rx.finditer(text):
            n = sum(c.isdigit() for c in m.group())
            if 8 <= n <= 15:
                out.append(Candidate(*m.span(), L.PHONE, rank))
    return out


DETECTORS: tuple[Detector, ...] = (
    emails,
    handles,
    hex_strings,
    uuids,
    base58_strings,
    bech32_strings,
    api_keys,
    secret_tokens,
    ibans,
    digit_runs,
    national_ids,
    ip_addresses,
    phones,
)
