"""/mydata's lines in the reader's language.

The services that own user data (trading, alerts, privacy, …) live in packages that know no
catalog: they describe what they store in fixed English lines. Those lines are read back here,
by shape, into catalog entries; a line of an unknown shape is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.formats import number
from bot.core.i18n import ENGLISH, t

_Shape = tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[str, int | None]]]
_SHAPES: tuple[_Shape, ...] = (
    (re.compile(r"Fine-tuning consent: (on|off)\."), lambda m: (f"consent_{m[1]}", None)),
    (
        re.compile(r"Redacted conversation turns kept for fine-tuning: (\d+)\."),
        lambda m: ("kept_turns", int(m[1])),
    ),
    (re.compile(r"(\d+) price/indicator alert\(s\).*"), lambda m: ("alerts", int(m[1]))),
    (re.compile(r"(\d+) watch rule\(s\).*"), lambda m: ("watches", int(m[1]))),
    (re.compile(r"(\d+) recent question\(s\).*"), lambda m: ("memory", int(m[1]))),
    (
        re.compile(
            r"(trade_proposals|trade_orders|paper_balances|paper_orders|exchange_keys"
            r"|risk_limits|trading_plans): (\d+)"
        ),
        lambda m: (m[1], int(m[2])),
    ),
)
_OWNERS = frozenset({"trading", "alerts", "watches", "privacy", "settings", "conversation memory"})


def owner_name(name: str, language: str) -> str:
    """Return a data owner's name in `language` (an unknown owner keeps its own name)."""
    if language == ENGLISH or name not in _OWNERS:
        return name
    return t(language, "privacy.owner." + name.replace(" ", "_"))


def stored_line(line: str, language: str) -> str:
    """Return an owner's description line in `language` (English lines are kept as they are)."""
    if language == ENGLISH:
        return line
    for pattern, read in _SHAPES:
        match = pattern.fullmatch(line)
        if match:
            key, count = read(match)
            fields = {} if count is None else {"count": number(count, language)}
            return t(language, "privacy.stored." + key, **fields)
    return line
