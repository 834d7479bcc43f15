"""/lang and /tz arguments: table-driven golden cases and properties over every zone name."""

from __future__ import annotations

from zoneinfo import available_timezones

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.formats import known_zone
from bot.features.settings.parse import parse_language, parse_zone

ZONES = sorted(available_timezones())


@pytest.mark.parametrize(
    ("typed", "language"),
    [("en", "en"), (" EN ", "en"), ("English", "en"), ("英語", "en"), ("ja", "ja"),
     ("JP", "ja"), ("japanese", "ja"), ("日本語", "ja"), ("ｊａ", "ja"), ("fr", None),
     ("", None), ("en ja", None)],
)  # fmt: skip
def test_parse_language(typed: str, language: str | None) -> None:
    assert parse_language(typed) == language


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("Asia/Tokyo", "Asia/Tokyo"), ("asia/tokyo", "Asia/Tokyo"), ("ASIA/TOKYO", "Asia/Tokyo"),
     ("JST", "Asia/Tokyo"), ("ｊｓｔ", "Asia/Tokyo"), ("東京", "Asia/Tokyo"),
     ("日本時間", "Asia/Tokyo"),
     # a word for "time" after the place (found by a check on phrasings the parser was not
     # written against): "東京時間", "tokyo time", "London time"; "time" alone names none
     ("東京時間", "Asia/Tokyo"), ("tokyo time", "Asia/Tokyo"), ("London time", "Europe/London"),
     ("time", None),
     ("Tokyo", "Asia/Tokyo"), ("utc", "UTC"), ("GMT", "UTC"), ("Z", "UTC"),
     ("new york", "America/New_York"), ("america/new_york", "America/New_York"),
     ("London", "Europe/London"), ("KST", "Asia/Seoul"), ("Mars/Olympus", None), ("", None),
     ("../../etc/passwd", None), ("/etc/localtime", None), ("Asia", None), ("x" * 100, None)],
)  # fmt: skip
def test_parse_zone(typed: str, zone: str | None) -> None:
    assert parse_zone(typed) == zone


def test_every_zone_name_reads_as_itself_in_any_case() -> None:
    aliased = {"Japan": "Asia/Tokyo", "GMT": "UTC"}  # short forms people type
    for name in ZONES:
        assert parse_zone(name) == aliased.get(name, name)
        assert parse_zone(name.lower()) == parse_zone(name) == parse_zone(name.upper())


@given(st.text(max_size=80))
def test_parse_zone_returns_a_known_zone_or_none(text: str) -> None:
    zone = parse_zone(text)
    assert zone is None or known_zone(zone)


@given(st.text(max_size=40))
def test_parse_language_returns_en_ja_or_none(text: str) -> None:
    assert parse_language(text) in {"en", "ja", None}
