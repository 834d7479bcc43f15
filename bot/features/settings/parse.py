"""Reading /lang and /tz arguments: language codes, IANA zones and their common short forms."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from zoneinfo import available_timezones

from bot.core.formats import known_zone
from bot.core.i18n import ENGLISH, JAPANESE

TOKYO = "Asia/Tokyo"
_LANGUAGES = {
    "en": ENGLISH,
    "english": ENGLISH,
    "英語": ENGLISH,
    "ja": JAPANESE,
    "jp": JAPANESE,
    "japanese": JAPANESE,
    "日本語": JAPANESE,
}
# Short forms people type for a zone; abbreviations that name several zones (CST, IST) are
# left out rather than guessed.
_ALIASES = {
    "utc": "UTC",
    "gmt": "UTC",
    "z": "UTC",
    "jst": TOKYO,
    "japan": TOKYO,
    "tokyo": TOKYO,
    "日本": TOKYO,
    "日本時間": TOKYO,
    "東京": TOKYO,
    "kst": "Asia/Seoul",
    "hkt": "Asia/Hong_Kong",
    "sgt": "Asia/Singapore",
}


def parse_language(text: str) -> str | None:
    """Return "en" or "ja" for what the user typed after /lang, or None."""
    return _LANGUAGES.get(_folded(text))


# "Tokyo time", "東京時間": the word for "time" names no zone
_ZONE_WORD = re.compile(r"\s*(?:\b(?:time|standard time|time zone|timezone)|時間|時刻|標準時)$")


def parse_zone(text: str) -> str | None:
    """Return the IANA zone the user means ("asia/tokyo", "JST", "Tokyo"), or None."""
    folded = _ZONE_WORD.sub("", _folded(text)).strip().replace(" ", "_")
    if not folded or len(folded) > 64:
        return None
    name = _ALIASES.get(folded) or _zones_by_folded_name().get(folded)
    if name is None:
        name = _zones_by_city().get(folded)
    return name if name is not None and known_zone(name) else None


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


@cache
def _zones_by_city() -> dict[str, str]:
    """Map a city ("new_york") to its zone when exactly one canonical zone ends with it."""
    found: dict[str, list[str]] = {}
    for name in available_timezones():
        area, _, city = name.rpartition("/")
        if area and not name.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            found.setdefault(city.lower(), []).append(name)
    return {city: names[0] for city, names in found.items() if len(names) == 1}
