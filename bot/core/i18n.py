"""The message catalogs: every user-facing sentence, by key, in English and Japanese.

Catalogs are gettext `.po` files under `bot/locale/<language>/LC_MESSAGES/<domain>.po`, one
domain per feature (`trading`, `ta`, `alerts`, `privacy`, `qa`, `help`, `admin`, `core`,
`errors`, `settings`); a key's first dotted part names its domain ("trading.card.title").
`make setup` compiles them to `.mo` (Babel's `pybabel compile`); this module reads the
compiled files and refuses stale ones, so a catalog edit never silently shows old text.

An entry is a `str.format` template. Its fields are values the renderer already formatted
(numbers and dates through `bot.core.formats`, Babel) or nested messages (`Msg`), rendered
in the same language. A Japanese entry that is missing falls back to English; an English
entry that is missing is a programming error (`LookupError`), caught by the catalog test.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Protocol

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
ENGLISH = "en"
JAPANESE = "ja"
LANGUAGES = (ENGLISH, JAPANESE)


class StaleCatalog(RuntimeError):
    """A `.mo` file is missing or older than its `.po`: run `make setup` to compile it."""


class Text(Protocol):
    """Anything that can say itself in a language (a `Msg`, an error's wording)."""

    def render(self, language: str) -> str: ...


def language_for(code: str | None) -> str:
    """Map a Telegram `language_code` (or a /lang value) to a supported language."""
    if code and code.strip().lower().replace("_", "-").split("-")[0] == JAPANESE:
        return JAPANESE
    return ENGLISH


def domains() -> tuple[str, ...]:
    """Return the catalog domains (the `.po` files of the English catalog)."""
    return tuple(sorted(p.stem for p in (LOCALE_DIR / ENGLISH / "LC_MESSAGES").glob("*.po")))


@cache
def catalog(domain: str, language: str) -> gettext.NullTranslations:
    """Return the compiled catalog of one domain and language (NullTranslations if none)."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    if not po.exists():
        return gettext.NullTranslations()
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        raise StaleCatalog(f"{mo} is missing or older than {po.name}: run `make setup`")
    with mo.open("rb") as fh:
        return gettext.GNUTranslations(fh)


def template(key: str, language: str) -> str:
    """Return the entry for `key` in `language`, English when that language lacks it."""
    domain = key.partition(".")[0]
    for lang in (language, ENGLISH) if language != ENGLISH else (ENGLISH,):
        found = catalog(domain, lang).gettext(key)
        if found != key and found:
            return found
    raise LookupError(f"no catalog entry {key!r}")


def t(language: str, key: str, /, **fields: object) -> str:
    """Render the entry `key` in `language` with `fields` (nested `Text`s rendered too)."""
    text = template(key, language)
    if not fields:
        return text
    shown = {k: _shown(v, language) for k, v in fields.items()}
    return text.format_map(shown)


def _shown(value: object, language: str) -> object:
    render = getattr(value, "render", None)
    return render(language) if callable(render) and not isinstance(value, str) else value


KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")


def shown(language: str, text: str) -> str:
    """Render `text` when it is a catalog key ("trading.cmd.buy"), else return it as written
    (a command usage such as "[N]", a test command's summary)."""
    return t(language, text) if KEY_RE.match(text) else text


@dataclass(frozen=True, slots=True)
class Msg:
    """A catalog entry with its fields, rendered later in the reader's language."""

    key: str
    fields: Mapping[str, object] = field(default_factory=dict)

    def render(self, language: str) -> str:
        return t(language, self.key, **self.fields)


def msg(key: str, /, **fields: object) -> Msg:
    """Return a `Msg` for `key` (the catalog test checks that the key exists)."""
    return Msg(key, fields)


@dataclass(frozen=True, slots=True)
class Joined:
    """Several texts shown as one sentence run: a space apart in English, none in Japanese
    (a Japanese sentence ends in 。), or `sep` when given."""

    parts: tuple[Text | str, ...]
    sep: str | None = None

    def render(self, language: str) -> str:
        sep = self.sep if self.sep is not None else ("" if language == JAPANESE else " ")
        return sep.join(p if isinstance(p, str) else p.render(language) for p in self.parts)
