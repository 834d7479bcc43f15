"""A format family: one surface shape of one label, its value maker and message templates.

Templates use `{V}` for the labelled value and `{type}` for a decoy of that type (see
decoys.py). `seen` marks the few baseline families whose shape the kit's dev set also has;
every other family is a shape the dev set never shows (reported separately as unseen).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass

Maker = Callable[[random.Random], str]


@dataclass(frozen=True, slots=True)
class Family:
    """One surface format of a label with English and Japanese carrier templates."""

    label: str
    name: str
    make: Maker
    en: tuple[str, ...]
    ja: tuple[str, ...] = ()
    seen: bool = False

    @property
    def key(self) -> str:
        """Return `LABEL:name`, the family's id in reports."""
        return f"{self.label}:{self.name}"

    @property
    def held(self) -> bool:
        """Return True for the held-out half: a detector author never reads these families.

        The split is a fixed hash of the key, so nobody picks which families are held; the
        other half (`tune`) may be read, dumped and worked against. Reports give both halves.
        """
        return hashlib.sha256(self.key.encode()).digest()[0] % 2 == 1


def pick(rng: random.Random, items: tuple[str, ...] | list[str]) -> str:
    """Return one item chosen by rng."""
    return items[rng.randrange(len(items))]


def digits(rng: random.Random, n: int) -> str:
    """Return n random decimal digits (the first one non-zero)."""
    return str(rng.randint(1, 9)) + "".join(str(rng.randrange(10)) for _ in range(n - 1))


def alnum(rng: random.Random, n: int, alphabet: str) -> str:
    """Return n characters drawn from alphabet."""
    return "".join(alphabet[rng.randrange(len(alphabet))] for _ in range(n))


def group(text: str, size: int, sep: str) -> str:
    """Split text into groups of size joined by sep."""
    return sep.join(text[i : i + size] for i in range(0, len(text), size))
