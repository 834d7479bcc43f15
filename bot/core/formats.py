"""Numbers, percentages, amounts and times as the reader's language writes them (Babel).

Renderers never format a number by hand: they call these, and pass the result into a catalog
entry as a field. Times are always shown with their zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime
from babel.numbers import format_decimal, format_percent

Number = Decimal | float | int
DEFAULT_ZONE = "UTC"


def number(value: Number, language: str, *, digits: int | None = None) -> str:
    """Return `value` grouped by thousands; `digits` fixes the decimals, else they are kept."""
    if digits is None:
        return format_decimal(value, locale=language, decimal_quantization=False)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=language)


def figure(value: Number, language: str) -> str:
    """Return `value` as typed: no grouping, every significant decimal ("70000.5", "0.0001")."""
    shown = value.normalize() if isinstance(value, Decimal) else value
    return format_decimal(shown, format="0.#", locale=language, decimal_quantization=False)


def signed(value: Number, language: str, *, digits: int | None = None) -> str:
    """Return `value` with an explicit sign (+1,234.5 / −0.3)."""
    text = number(abs(value), language, digits=digits)  # type: ignore[arg-type]
    return ("+" if value > 0 else "-" if value < 0 else "") + text


def percent(value: Number, language: str, *, digits: int = 1, sign: bool = False) -> str:
    """Return a ratio (0.0312) as a percentage ("3.1%"); `sign` adds + to gains."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    shown = abs(value) if sign else value
    text = format_percent(shown, format=pattern, locale=language)  # type: ignore[arg-type]
    if sign:
        return ("+" if value > 0 else "-" if value < 0 else "") + text
    return text


def zone(name: str | None) -> ZoneInfo:
    """Return the IANA zone `name`, UTC when it is empty or unknown."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a directory ("Asia")
        return ZoneInfo(DEFAULT_ZONE)


def known_zone(name: str) -> bool:
    """Return True when `name` is an IANA time zone this machine knows."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a directory ("Asia")
        return False
    return True


def local(moment: datetime, zone_name: str | None = None) -> datetime:
    """Return `moment` (naive = UTC) in the reader's zone."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone(zone_name))


def zone_abbrev(moment: datetime, zone_name: str | None = None) -> str:
    """Return the zone's short name at `moment` ("JST", "UTC")."""
    return local(moment, zone_name).tzname() or zone(zone_name).key


def when(moment: datetime, language: str, zone_name: str | None = None) -> str:
    """Return date and time in the reader's zone, with the zone ("2026-12-04 18:05 JST")."""
    tz = zone(zone_name)
    shown = format_datetime(
        local(moment, zone_name), "yyyy-MM-dd HH:mm", tzinfo=tz, locale=language
    )
    return f"{shown} {zone_abbrev(moment, zone_name)}"
