"""Key material without cues, and the joined view that puts split values back together.

* Keys exported as arrays of small integers (`[12, 250, 3, …]`, 32 or 64 bytes).
* Secret fields of keystore/wallet/config JSON, YAML and env files (`"privateKey": "…"`,
  `"ciphertext": "…"`, `API_SECRET=…`, `"mnemonic": "…"`), named by the field, whatever
  the value's shape.
* `joined_view`: a value wrapped across lines (`5HueCGU8rMjx…\\nqeZyd4dZ…`) or typed in
  groups with separators (`a1b2 c3d4 …`, `4111/1111/1111/1111`, `DE89•3704•…`) is joined
  into one token so the shape and checksum detectors see it whole; spans map back over the
  separators.
"""

from __future__ import annotations

import re

from privacy.redact.candidates import Candidate
from privacy.redact.labels import Label
from privacy.redact.normalize import Canonical

L = Label

INT_ARRAY_RE = re.compile(r"[\[({]?\s*(?:\d{1,3}\s*[,;]\s*){15,}\d{1,3}\s*[\])}]?")
_FIELD = (
    r"(?P<f>private[_ -]?key|priv[_ -]?key|privkey|secret[_ -]?key|secret|seed[_ -]?phrase|seed"
    r"|mnemonic|recovery[_ -]?phrase|ciphertext|api[_ -]?secret|api[_ -]?key|apikey|access[_ -]?key"
    r"|access[_ -]?token|auth[_ -]?token|bearer|token|passphrase|password|passwd|pwd|pin"
    r"|client[_ -]?secret|wif|xprv|signing[_ -]?key|keystore|credentials?"
    r"|(?<![A-Za-z])(?:pass(?:code|key)?|pw))"  # `pass`, `pw`, not `bypass`, `compass`
)
FIELD_RE = re.compile(
    r"(?i)(?<![A-Za-z])[\"']?[A-Za-z_]*?" + _FIELD + r"[\"']?\s*(?:[:=]|=>)\s*"
    r"(?:\"(?P<q>[^\"\n]{6,400})\"|'(?P<s>[^'\n]{6,400})'|(?P<v>[^\s\"',;}{\]\[<>]{6,200}))"
)
_FIELD_LABEL = {
    "private": L.PRIVATE_KEY, "priv": L.PRIVATE_KEY, "ciphertext": L.PRIVATE_KEY,
    "wif": L.PRIVATE_KEY, "xprv": L.PRIVATE_KEY, "signing": L.PRIVATE_KEY,
    "seed": L.SEED_PHRASE, "mnemonic": L.SEED_PHRASE, "recovery": L.SEED_PHRASE,
    "passphrase": L.PASSWORD, "password": L.PASSWORD, "passwd": L.PASSWORD, "pwd": L.PASSWORD,
    "pin": L.PASSWORD, "pass": L.PASSWORD, "passcode": L.PASSWORD, "passkey": L.PASSWORD,
    "pw": L.PASSWORD,
}  # fmt: skip
_NOT_VALUES = frozenset({"null", "none", "true", "false", "undefined", "string", "redacted"})


def int_arrays(text: str) -> list[Candidate]:
    """Byte arrays of key length (16..66 values, each 0..255): a key exported as a list."""
    if text.count(",") < 15 and text.count(";") < 15:
        return []
    out = []
    for m in INT_ARRAY_RE.finditer(text):
        values = [int(v) for v in re.findall(r"\d+", m.group())]
        if 16 <= len(values) <= 66 and max(values) <= 255 and len(set(values)) >= 8:
            start, end = m.span()
            while text[end - 1].isspace():
                end -= 1
            out.append(Candidate(start, end, L.PRIVATE_KEY, 90, True))
    return out


def secret_fields(text: str) -> list[Candidate]:
    """The value of a field whose name says it is secret (JSON, YAML, env, query string)."""
    if ":" not in text and "=" not in text:
        return []
    out = []
    for m in FIELD_RE.finditer(text):
        group = "q" if m.group("q") else "s" if m.group("s") else "v"
        value = m.group(group).strip()
        if group == "v":
            value = value.rstrip(".)")  # `pw: Hunter22.` ends a sentence
        label = _FIELD_LABEL.get(_field_head(m.group("f")), L.API_KEY)
        spaced = " " in value and label is not L.SEED_PHRASE  # prose after "secret:", not a value
        if value.lower() in _NOT_VALUES or value.startswith("<") or spaced:
            continue
        start = m.start(group) + (len(m.group(group)) - len(m.group(group).lstrip()))
        out.append(Candidate(start, start + len(value), label, 57, True))
    return out


def _field_head(field: str) -> str:
    return re.split(r"[_ -]|(?<=[a-z])(?=key)", field.lower())[0]


_PIECE = r"[A-Za-z0-9+/=_-]"
WRAPPED_RE = re.compile(rf"(?<!{_PIECE}){_PIECE}{{16,}}(?:[ \t]*\n[ \t]*{_PIECE}{{2,}})+")
_SEP = r"(?:[ \t]*[-/|•·_.\n][ \t]*|[ \t]{1,3})"
# Chains joined by a punctuation separator (`4111/1111/…`, `a1b2-c3d4-…`, a wrapped line) ...
GROUPED_RE = re.compile(
    r"(?<![A-Za-z0-9#$€£¥.,])[A-Za-z0-9]{2,12}(?:[ \t]*[-/|•·_.\n][ \t]*[A-Za-z0-9]{2,12}){2,}"
    r"(?![A-Za-z0-9])"
)
# ... or by spaces, in groups of one length (`e987 3d79 c6d8 …`), which prose never is.
_SPACED_GROUPS = "|".join(
    rf"[A-Za-z0-9]{{{n}}}(?:\s{{1,3}}[A-Za-z0-9]{{{n}}}){{3,}}(?:\s{{1,3}}[A-Za-z0-9]{{1,{n}}})?"
    for n in (3, 4, 5, 6, 8)
)
SPACED_RE = re.compile(
    r"(?<![A-Za-z0-9#$€£¥.,])(?=[A-Za-z0-9]{3,8}\s{1,3}[A-Za-z0-9]{3,8}\s{1,3}[A-Za-z0-9]{3,8}\s)"
    rf"(?:{_SPACED_GROUPS})(?![A-Za-z0-9])"
)
# ... or by one separator repeated between groups of one length whose characters may hold
# a key's own `_`/`-` (`sk_|liv|e_m|fUU|…`, `xox.b-8.222.…`, `hf_E HgGO KP0a …`): how a key
# is split to be read out or to slip past a filter.
_KEY_CHAR = "[A-Za-z0-9_-]"
REGULAR_RE = re.compile(
    rf"(?<!{_KEY_CHAR})(?:"
    + "|".join(
        rf"{_KEY_CHAR}{{{n}}}(?P<s{n}>[ |/•·._-]){_KEY_CHAR}{{{n}}}"
        rf"(?:(?P=s{n}){_KEY_CHAR}{{{n}}}){{2,}}(?:(?P=s{n}){_KEY_CHAR}{{1,{n}}})?"
        for n in (4, 3, 5, 6)
    )
    + rf")(?!{_KEY_CHAR})"
)
# ... or a long digit chain whatever its separators (`5274-.234-4.21-74.3-009`): only the
# checksum detectors read the joined view, so a price list or a date cannot pass by chance.
DIGIT_CHAIN_RE = re.compile(r"(?<![\w.,/-])\d{1,6}(?:[-._/|•·]{1,3}\d{1,6}){2,}(?!\w)")
_CHAIN_SEP_RE = re.compile(r"[-._/|•·]+")
_BREAK_RE = re.compile(r"[ \t]*\n[ \t]*")
_GROUP_SEP_RE = re.compile(_SEP)
UUID_SHAPE_RE = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


def joined_view(text: str) -> Canonical | None:
    """Return `text` with separators inside split values removed, or None when none is."""
    cuts: list[tuple[int, int]] = []
    if "\n" in text:
        for m in WRAPPED_RE.finditer(text):
            first = m.group().split("\n", 1)[0].strip()
            if sum(c.isdigit() for c in first) >= 2 and any(c.isalpha() for c in first):
                cuts += [_shift(s.span(), m.start()) for s in _BREAK_RE.finditer(m.group())]
    for m in (*GROUPED_RE.finditer(text), *SPACED_RE.finditer(text)):
        if UUID_SHAPE_RE.search(m.group()):
            continue  # a UUID is an order or request id unless a key cue names it
        for start, end in _trimmed(m.group()):
            chain = m.group()[start:end]
            if _value_like(chain):
                offset = m.start() + start
                cuts += [_shift(s.span(), offset) for s in _GROUP_SEP_RE.finditer(chain)]
                break
    cuts += _regular_cuts(text)
    for m in DIGIT_CHAIN_RE.finditer(text) if sum(map(text.count, "0123456789")) >= 12 else ():
        if 12 <= sum(c.isdigit() for c in m.group()) <= 40:  # no value is longer (IBAN: 34)
            cuts += [_shift(s.span(), m.start()) for s in _CHAIN_SEP_RE.finditer(m.group())]
    if not cuts:
        return None
    return cut(text, sorted(set(cuts)))


def _regular_cuts(text: str) -> list[tuple[int, int]]:
    """Return the separators of chains of equal groups that read as one random token."""
    cuts: list[tuple[int, int]] = []
    for m in REGULAR_RE.finditer(text):
        n = next(int(k[1:]) for k, v in m.groupdict().items() if v is not None)
        sep = m.group(f"s{n}")
        chars = m.group()
        body = "".join(chars[i : i + n] for i in range(0, len(chars), n + 1))
        digits = sum(c.isdigit() for c in body)
        upper = sum(c.isupper() for c in body)
        lower = sum(c.islower() for c in body)
        random_like = digits >= 1 and upper + lower >= 1
        if sep == " ":
            random_like = digits >= 2 and upper >= 2 and lower >= 2
        if random_like and not UUID_SHAPE_RE.search(chars):
            cuts += [(m.start() + i, m.start() + i + 1) for i in range(n, len(chars), n + 1)]
    return cuts


_HEX_GROUP_RE = re.compile(r"[0-9a-fA-F]+")


def _trimmed(chain: str) -> list[tuple[int, int]]:
    """Return sub-chains without the words at either end (`card`, `please`): first keeping
    edge groups that could be hex, then dropping every edge group without a digit."""
    groups = [g.span() for g in re.finditer(r"[A-Za-z0-9]+", chain)]
    out = []
    for keep_hex in (True, False):
        first, last = 0, len(groups) - 1
        while first < last and _word(chain[slice(*groups[first])], keep_hex):
            first += 1
        while last > first and _word(chain[slice(*groups[last])], keep_hex):
            last -= 1
        out.append((groups[first][0], groups[last][1]))
    return out


def _word(group: str, keep_hex: bool) -> bool:
    if any(c.isdigit() for c in group):
        return False
    return not (keep_hex and _HEX_GROUP_RE.fullmatch(group))


def _shift(span: tuple[int, int], by: int) -> tuple[int, int]:
    return span[0] + by, span[1] + by


def _value_like(chain: str) -> bool:
    """Return True for a chain of groups typed as one value (one separator, key-like groups)."""
    groups = _GROUP_SEP_RE.split(chain)
    if len(groups) < 3:
        return False
    raw_seps = {s.strip(" \t") or " " for s in _GROUP_SEP_RE.findall(chain)}
    wrapped = "\n" in raw_seps  # a line break wraps a value; it is not its separator
    seps = raw_seps - {"\n"} or {"\n"}
    compact = "".join(groups)
    if len(seps) != 1 or len(compact) < 12 or sum(c.isdigit() for c in compact) < 4:
        return False
    regular = len({len(g) for g in groups[:-1]}) == 1 and len(groups[-1]) <= len(groups[0])
    if compact.isdigit():
        return (seps != {" "} or wrapped) and min(map(len, groups)) >= 2
    with_digit = sum(any(c.isdigit() for c in g) for g in groups)
    if seps == {" "}:
        return regular and len(groups) >= 4 and with_digit * 2 >= len(groups)
    return with_digit * 10 >= len(groups) * 6 or (regular and len(groups) >= 4)


def cut(text: str, cuts: list[tuple[int, int]]) -> Canonical:
    """Return `text` without the sorted [start, end) stretches, with its offset map."""
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for a, b in cuts:
        if a < pos:
            a = pos
        parts.append(text[pos:a])
        starts.extend(range(pos, a))
        pos = max(pos, b)
    parts.append(text[pos:])
    starts.extend(range(pos, len(text)))
    return Canonical("".join(parts), tuple(starts), tuple(s + 1 for s in starts))
