"""The transformation suite: every label's values wrapped, split, re-cased, widened, laced
with invisible characters, disguised with look-alike letters, or put inside JSON, code, a URL
query or quotes. The span always covers the transformed value exactly."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from urllib.parse import quote

from tests.redaction_families.compose import FAMILIES, LABELS, Builder, record
from tests.redaction_families.family import Family, pick

ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f")
SEPARATORS = ("/", "|", "•", "_", "-", ".", " ")
# Latin -> Cyrillic or Greek look-alike (the scorer folds them back, see scoring.py)
HOMOGLYPHS = {
    "a": "а",
    "c": "с",
    "e": "е",
    "o": "о",
    "p": "р",
    "x": "х",
    "y": "у",
    "i": "і",
    "j": "ј",
    "s": "ѕ",
    "A": "Α",
    "B": "В",
    "C": "С",
    "E": "Е",
    "H": "Н",
    "I": "І",
    "K": "К",
    "M": "М",
    "N": "Ν",
    "O": "Ο",
    "P": "Р",
    "T": "Т",
    "X": "Х",
    "Y": "Υ",
    "Z": "Ζ",
    "v": "ν",
}
_MATH_ZERO = 0x1D7E2  # MATHEMATICAL SANS-SERIF DIGIT ZERO, a confusable of "0"
FIELDS = {
    "SEED_PHRASE": "mnemonic",
    "PRIVATE_KEY": "secret",
    "API_KEY": "apiKey",
    "PASSWORD": "pass",
    "PERSON": "holder",
    "EMAIL": "contact",
}

ValueFn = Callable[[random.Random, str], str]


def wrap(rng: random.Random, v: str) -> str:
    """Break the value across two lines near its middle."""
    spaces = [m.start() for m in re.finditer(r" ", v)]
    if spaces:
        cut = spaces[len(spaces) // 2]
        return v[:cut] + "\n" + v[cut + 1 :]
    cut = min(len(v) - 1, max(1, len(v) // 2 + rng.randint(-2, 2)))
    return v[:cut] + "\n" + v[cut:]


def separate(rng: random.Random, v: str) -> str:
    """Put a separator between words, or between groups of 3-4 characters."""
    sep = pick(rng, SEPARATORS)
    if " " in v:
        return re.sub(r" +", sep if sep != " " else "  ", v)
    size = rng.choice((3, 4))
    return sep.join(v[i : i + size] for i in range(0, len(v), size))


def recase(rng: random.Random, v: str) -> str:
    """Flip the case of about half of the letters."""
    return "".join(c.swapcase() if c.isalpha() and rng.random() < 0.5 else c for c in v)


def fullwidth(rng: random.Random, v: str) -> str:
    """Write ASCII characters in their full-width forms (space as ideographic space)."""
    del rng
    return "".join(
        "\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in v
    )


def zero_width(rng: random.Random, v: str) -> str:
    """Insert invisible format characters (zero-width, word joiner, BOM, bidi marks) inside."""
    out = [v[0]]
    gap = rng.randint(1, 3)
    for i, c in enumerate(v[1:], 1):
        if i % gap == 0:
            out.append(pick(rng, ZERO_WIDTH))
        out.append(c)
    return "".join(out)


def homoglyph(rng: random.Random, v: str) -> str:
    """Swap about half of the letters (and digits) for look-alikes from other scripts."""
    out = []
    for c in v:
        if rng.random() < 0.5 and c in HOMOGLYPHS:
            out.append(HOMOGLYPHS[c])
        elif rng.random() < 0.5 and c.isascii() and c.isdigit():
            out.append(chr(_MATH_ZERO + int(c)))
        else:
            out.append(c)
    return "".join(out)


VALUE_TRANSFORMS: dict[str, ValueFn] = {
    "line_wrap": wrap,
    "separators": separate,
    "case": recase,
    "fullwidth": fullwidth,
    "zero_width": zero_width,
    "homoglyph": homoglyph,
}


def in_json(rng: random.Random, fam: Family, v: str) -> str:
    """Return a template holding the value as a JSON string field."""
    body = json.dumps({FIELDS.get(fam.label, "value"): "\0", "ts": rng.randint(1, 9)})
    return "here is the export " + body.replace("{", "{{").replace("}", "}}").replace(
        "\\u0000", "{V}"
    )


def in_code(rng: random.Random, fam: Family, v: str) -> str:
    """Return a template with the value in a fenced code block or inline code."""
    if rng.random() < 0.5:
        return "config below\n```\n" + FIELDS.get(fam.label, "value") + ' = "{V}"\n```'
    return pick(rng, fam.en or fam.ja).replace("{V}", "`{V}`")


def in_url(rng: random.Random, fam: Family, v: str) -> str:
    """Return a template with the value as a URL query parameter."""
    name = FIELDS.get(fam.label, "q")
    return f"opened https://my.example.org/cb?{name}={{V}}&lang=en and got a 500"


def in_quotes(rng: random.Random, fam: Family, v: str) -> str:
    """Return one of the family's templates with the value quoted."""
    open_, close = pick(rng, (("“", "”"), ('"', '"'), ("«", "»"), ("'", "'"), ("「", "」")))
    return pick(rng, fam.en or fam.ja).replace("{V}", open_ + "{V}" + close)


CONTEXTS: dict[str, Callable[[random.Random, Family, str], str]] = {
    "json": in_json,
    "code": in_code,
    "url_query": in_url,
    "quotes": in_quotes,
}
ENCODE: dict[str, Callable[[str], str]] = {
    "json": lambda v: json.dumps(v, ensure_ascii=False)[1:-1],
    "url_query": lambda v: quote(v, safe=""),
}
TRANSFORMS: tuple[str, ...] = (*VALUE_TRANSFORMS, *CONTEXTS)


def transformed(rng: random.Random, fam: Family, name: str, rid: str) -> dict[str, object] | None:
    """Return one message of fam with transformation name applied, None if it is a no-op."""
    value = fam.make(rng)
    if name in VALUE_TRANSFORMS:
        new = VALUE_TRANSFORMS[name](rng, value)
        template = pick(rng, fam.en or fam.ja)
    else:
        template = CONTEXTS[name](rng, fam, value)
        new = ENCODE.get(name, str)(value)
    if name in VALUE_TRANSFORMS and new == value:
        return None
    lang = "ja" if not fam.en or re.search(r"[\u3040-\u30ff]", template) else "en"
    b = Builder(rng)
    b.add(template, new, fam.label, fam.name)
    return record(rid, b, lang, family=fam.key, transform=name)


def suite(seed: int = 11, per_cell: int = 12) -> list[dict[str, object]]:
    """Return per_cell messages for every (transformation, label), families in rotation."""
    rng = random.Random(seed)
    out: list[dict[str, object]] = []
    for name in TRANSFORMS:
        for label in LABELS:
            fams = [f for f in FAMILIES if f.label == label]
            made, tries = 0, 0
            while made < per_cell and tries < per_cell * 6:
                rec = transformed(rng, fams[tries % len(fams)], name, f"tx-{seed}-{len(out):05d}")
                tries += 1
                if rec is not None:
                    out.append(rec)
                    made += 1
    return out
