"""Fonts for chart text: the families that draw every character of a label, or None.

matplotlib draws a glyph a font lacks as an empty box ("tofu") and only warns. Charts ask
`families_for(text)` before drawing: it returns DejaVu Sans (matplotlib's own font, Latin)
followed by one installed font that has every other character (a CJK font for Japanese),
in the order matplotlib falls back through per glyph; None when no installed font has them,
so the caller can choose labels it can draw instead.

matplotlib caches its font list on first use; a font installed later (`make setup` installs
a Japanese one) is added from the system font folders once per process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from functools import cache

log = logging.getLogger(__name__)

BASE_FAMILY = "DejaVu Sans"
# Japanese-capable families, best first; any other installed font that covers the text is
# tried after these.
PREFERRED = (
    "IPAexGothic",
    "IPAGothic",
    "IPAPGothic",
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Source Han Sans JP",
    "TakaoGothic",
    "VL Gothic",
    "Droid Sans Fallback",
)
_LOCK = threading.Lock()


@cache
def _charmap(path: str) -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    try:
        return frozenset(FT2Font(path).get_charmap())
    except (OSError, RuntimeError, ValueError):
        return frozenset()


@cache
def installed() -> tuple[tuple[str, str], ...]:
    """Return (family, file) of every font matplotlib can use, system fonts included."""
    from matplotlib import font_manager

    with _LOCK:
        manager = font_manager.fontManager
        known = {f.fname for f in manager.ttflist}
        added = 0
        for path in font_manager.findSystemFonts():
            if path in known:
                continue
            try:
                manager.addfont(path)
                added += 1
            except (OSError, RuntimeError, ValueError):
                continue
        if added:
            log.info("fonts added to matplotlib's list count=%d", added)
        return tuple((f.name, f.fname) for f in manager.ttflist)


def families_for(text: str, candidates: Sequence[str] | None = None) -> tuple[str, ...] | None:
    """Return the font families that draw every character of `text`, or None.

    `candidates` limits the fonts tried for what DejaVu Sans lacks (default: PREFERRED,
    then every installed font)."""
    fonts = installed()
    base = frozenset().union(*(_charmap(path) for name, path in fonts if name == BASE_FAMILY))
    rest = {ord(ch) for ch in text if not ch.isspace()} - base
    if not rest:
        return (BASE_FAMILY,)
    order = list(candidates) if candidates is not None else [*PREFERRED, *(n for n, _ in fonts)]
    for family in dict.fromkeys(order):
        if any(name == family and rest <= _charmap(path) for name, path in fonts):
            return (BASE_FAMILY, family)
    return None
