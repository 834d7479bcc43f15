"""Turn families and templates into labelled records in the kit's format (seeded, deterministic)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.redaction_families import chain, identity, money, people
from tests.redaction_families.decoys import CLEAN_EN, CLEAN_JA, DECOYS
from tests.redaction_families.family import Family, pick

FAMILIES: tuple[Family, ...] = (
    *people.PERSON,
    *people.EMAIL,
    *people.PHONE,
    *people.ADDRESS,
    *identity.NATIONAL_ID,
    *money.IBAN,
    *money.CREDIT_CARD,
    *identity.IP_ADDRESS,
    *chain.CRYPTO_ADDRESS,
    *chain.SEED_PHRASE,
    *chain.PRIVATE_KEY,
    *chain.API_KEY,
    *chain.TX_HASH,
    *people.TELEGRAM_HANDLE,
    *identity.PASSWORD,
    *money.BALANCE,
    *identity.ACCOUNT_ID,
)
LABELS: tuple[str, ...] = tuple(dict.fromkeys(f.label for f in FAMILIES))
_SLOT = re.compile(r"\{\{|\}\}|\{(\w+)\}")
TAILS_EN = (" btw {pair} looks weak on the {tf}", " ({ticker} at {price})", " thx")
TAILS_JA = ("。{pair}はどう思いますか", "（{ticker}は{price}）")


@dataclass(slots=True)
class Builder:
    """Accumulate text with labelled spans and decoys at exact offsets."""

    rng: random.Random
    text: str = ""
    spans: list[dict[str, object]] = field(default_factory=list)
    decoys: list[dict[str, object]] = field(default_factory=list)

    def add(self, template: str, value: str | None = None, label: str = "", fmt: str = "") -> None:
        """Append template, with {V} as the labelled value and {type} as a decoy."""
        pos = 0
        for m in _SLOT.finditer(template):
            self.text += template[pos : m.start()]
            pos = m.end()
            name = m.group(1)
            if name is None:
                self.text += m.group(0)[0]
            elif name == "V":
                assert value is not None and value == value.strip(), value
                self.mark(value, {"label": label, "fmt": fmt}, self.spans)
            else:
                self.mark(DECOYS[name](self.rng), {"type": name}, self.decoys)
        self.text += template[pos:]

    def mark(self, piece: str, meta: dict[str, object], into: list[dict[str, object]]) -> None:
        """Append piece and record its offsets with meta."""
        start = len(self.text)
        self.text += piece
        into.append({"start": start, "end": len(self.text), **meta})


def record(rid: str, b: Builder, lang: str, **extra: object) -> dict[str, object]:
    """Return one record in the kit's format (plus our own `family`/`transform` keys)."""
    return {
        "id": rid,
        "text": b.text,
        "spans": b.spans,
        "clean": not b.spans,
        "lang": lang,
        "decoys": b.decoys,
        **extra,
    }


def sensitive(
    rng: random.Random, fam: Family, rid: str, ja_rate: float, value_fn: Callable[[str], str] | None
) -> dict[str, object]:
    """Return a message carrying one value of fam (transformed by value_fn when given)."""
    lang = "ja" if fam.ja and (not fam.en or rng.random() < ja_rate) else "en"
    templates = fam.ja if lang == "ja" else fam.en
    b = Builder(rng)
    value = fam.make(rng)
    b.add(pick(rng, templates), value_fn(value) if value_fn else value, fam.label, fam.name)
    if rng.random() < 0.25:
        b.add(pick(rng, TAILS_JA if lang == "ja" else TAILS_EN))
    return record(rid, b, lang, family=fam.key)


def clean(rng: random.Random, rid: str, ja_rate: float) -> dict[str, object]:
    """Return a clean message with decoys."""
    lang = "ja" if rng.random() < ja_rate else "en"
    b = Builder(rng)
    b.add(pick(rng, CLEAN_JA if lang == "ja" else CLEAN_EN))
    return record(rid, b, lang, family="CLEAN")


def generate(
    seed: int = 7,
    n: int = 3000,
    clean_rate: float = 0.4,
    ja_rate: float = 0.15,
    families: tuple[Family, ...] = FAMILIES,
) -> list[dict[str, object]]:
    """Return n labelled records: families in rotation, ~clean_rate clean messages."""
    rng = random.Random(seed)
    order = list(families)
    rng.shuffle(order)
    out, k = [], 0
    fam_ja = min(1.0, ja_rate * 4)  # only some families have Japanese templates
    for i in range(n):
        rid = f"fam-{seed}-{i:05d}"
        if rng.random() < clean_rate:
            out.append(clean(rng, rid, ja_rate))
            continue
        out.append(sensitive(rng, order[k % len(order)], rid, fam_ja, None))
        k += 1
    return out
