"""Numbers, times and lists inside alert wording, formatted when the reader's language is
known (each is a `bot.core.i18n.Text`: parsers and renderers build them, `t()` renders them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bot.core.formats import figure, when
from bot.core.i18n import JAPANESE


@dataclass(frozen=True, slots=True)
class Figure:
    """A level, price or value as the user typed it ("70000.5", "0.00012345"); `unit` is
    written right after it ("3%")."""

    value: Decimal
    unit: str = ""

    def render(self, language: str) -> str:
        return figure(self.value.normalize(), language) + self.unit


@dataclass(frozen=True, slots=True)
class Moment:
    """A date and time in the reader's zone, with the zone ("2024-08-10 21:05 JST")."""

    at: datetime
    zone: str | None = None

    def render(self, language: str) -> str:
        return when(self.at, language, self.zone)


@dataclass(frozen=True, slots=True)
class Listing:
    """Short items (timeframes, examples) joined as the language lists them."""

    items: Sequence[str]

    def render(self, language: str) -> str:
        return ("、" if language == JAPANESE else ", ").join(self.items)
