"""What /mydata says a service keeps about a user: a code, a count and an English line.

The services that own user data live in packages that know no message catalog; they describe
each kind of record as a `StoredItem`. The bot words `code` in the reader's language and
shows `text` (English) where its catalog has no entry for the code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StoredItem:
    """One kind of record kept about a user."""

    code: str  # "kept_turns", "trade_orders", … ("" when `text` is already the reader's)
    count: int | None
    text: str  # the English line
