"""Wording of /lang and /tz: catalog entries (domain `settings`) with Babel-formatted times."""

from __future__ import annotations

from datetime import datetime

from bot.core.conversation import Button
from bot.core.formats import DEFAULT_ZONE, when
from bot.core.i18n import JAPANESE, t
from bot.features.settings.parse import TOKYO

Buttons = tuple[tuple[Button, ...], ...]


def language_name(language: str, reader: str) -> str:
    """Return the name of `language` ("en"/"ja") in the reader's language."""
    return t(reader, f"settings.lang.name_{language}")


def language_now(lang: str, *, chosen: bool) -> str:
    """Return which language the user is answered in, why, and how to change it."""
    key = "settings.lang.current_chosen" if chosen else "settings.lang.current_auto"
    return "\n".join(
        (t(lang, key, language=language_name(lang, lang)), t(lang, "settings.lang.usage"))
    )


def language_saved(language: str) -> str:
    """Return the confirmation of a /lang choice, in the newly chosen language."""
    return t(language, "settings.lang.saved")


def zone_now(lang: str, zone: str | None, now: datetime) -> str:
    """Return the user's zone (or the default) with the time there, and how to change it."""
    shown = when(now, lang, zone or DEFAULT_ZONE)
    line = (
        t(lang, "settings.tz.current_chosen", zone=zone, now=shown)
        if zone
        else t(lang, "settings.tz.current_default", now=shown)
    )
    return "\n".join((line, t(lang, "settings.tz.usage")))


def zone_saved(lang: str, zone: str, now: datetime) -> str:
    """Return the confirmation of a /tz choice with the time in the new zone."""
    return t(lang, "settings.tz.saved", zone=zone, now=when(now, lang, zone))


def zone_saved_toast(lang: str) -> str:
    """Return the short acknowledgement of the Japan time button."""
    return t(lang, "settings.tz.saved_toast")


def japan_time_offer() -> str:
    """Return the one-time offer to show times in Japan time (Japanese readers only)."""
    return t(JAPANESE, "settings.tz.offer")


def japan_time_button() -> Buttons:
    """Return the button that switches the user's zone to Asia/Tokyo."""
    return ((Button(t(JAPANESE, "settings.tz.offer_button"), f"tz:{TOKYO}"),),)
