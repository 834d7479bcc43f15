"""/mydata's lines in the reader's language.

Each data owner describes its records as `privacy.stored.StoredItem`s (a code, a count and an
English line); the catalog words the code (`privacy.stored.<code>`). The owner's own line
is shown only for a code the catalog lacks; an item without a code is already in the
reader's words.
"""

from __future__ import annotations

from bot.core.formats import number
from bot.core.i18n import ENGLISH, t
from privacy.stored import StoredItem

_OWNERS = frozenset({"trading", "alerts", "watches", "privacy", "settings", "conversation memory"})


def owner_name(name: str, language: str) -> str:
    """Return a data owner's name in `language` (an unknown owner keeps its own name)."""
    if language == ENGLISH or name not in _OWNERS:
        return name
    return t(language, "privacy.owner." + name.replace(" ", "_"))


def stored_line(item: StoredItem, language: str) -> str:
    """Return one kind of stored record in `language`."""
    if not item.code:
        return item.text
    fields = {} if item.count is None else {"count": number(item.count, language)}
    try:
        return t(language, "privacy.stored." + item.code, **fields)
    except LookupError:  # a new kind of record the catalog does not word yet
        return item.text
