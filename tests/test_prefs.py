"""PrefsService on SQLite and PostgreSQL: choices persist under the pseudonym, the cache sees
writes, the Japan time offer is claimed once, erasure removes the row."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from bot.core.conversation import Request
from bot.core.prefs import NOTHING, Prefs, PrefsService
from privacy.pseudonym import Pseudonymizer

USER = 4242
PSEUDONYMS = Pseudonymizer(b"p" * 32)


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def service(engine: Engine, ticks: Ticks | None = None) -> PrefsService:
    clock = lambda: datetime(2026, 12, 4, 9, tzinfo=UTC)  # noqa: E731
    return PrefsService(engine, PSEUDONYMS.pseudonym, clock, monotonic=ticks or Ticks())


def rows(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT * FROM user_prefs")).all()]


def test_nothing_chosen_reads_as_telegram_language_and_utc(engine: Engine) -> None:
    prefs = service(engine)
    assert prefs.get(USER) == NOTHING
    req = prefs.resolve(Request(user_id=USER, chat_id=USER, language="en-GB"))
    assert (req.lang, req.zone) == ("en", "UTC")
    req = prefs.resolve(Request(user_id=USER, chat_id=USER, language=None))
    assert (req.lang, req.zone) == ("en", "UTC")
    assert rows(engine) == []  # an English reader with no choice stores nothing


def test_the_apps_language_is_kept_for_messages_nobody_asked_for(engine: Engine) -> None:
    prefs = service(engine)
    req = prefs.resolve(Request(user_id=USER, chat_id=USER, language="ja-JP"))
    assert (req.lang, req.zone) == ("ja", "UTC")
    later = service(engine)  # a job after a restart: no language_code to go by
    assert later.get(USER).language_for(None) == "ja"
    assert later.get(USER).language_for("en") == "en"  # the app's current code wins
    [row] = rows(engine)
    assert "ja" in row
    later.resolve(Request(user_id=USER, chat_id=USER, language="en"))
    assert service(engine).get(USER).language_for(None) == "en"
    later.set_language(USER, "ja")
    assert service(engine).get(USER).language_for("en") == "ja"  # the choice beats all


def test_choices_persist_under_the_pseudonym_and_survive_a_restart(engine: Engine) -> None:
    service(engine).set_language(USER, "ja")
    service(engine).set_zone(USER, "Asia/Tokyo")
    again = service(engine)  # a new process on the same database
    assert again.get(USER) == Prefs(language="ja", zone="Asia/Tokyo")
    req = again.resolve(Request(user_id=USER, chat_id=USER, language="en"))
    assert (req.lang, req.zone) == ("ja", "Asia/Tokyo")  # the choice beats Telegram's code
    [row] = rows(engine)
    assert PSEUDONYMS.pseudonym(USER) in row and str(USER) not in map(str, row)


def test_invalid_choices_are_refused(engine: Engine) -> None:
    prefs = service(engine)
    with pytest.raises(ValueError):
        prefs.set_language(USER, "fr")
    for zone in ("Mars/Olympus", "Asia", "../zoneinfo/Asia/Tokyo"):  # "Asia" is a directory
        with pytest.raises(ValueError):
            prefs.set_zone(USER, zone)
    assert rows(engine) == []


def test_a_write_here_is_seen_at_once_and_another_workers_within_the_ttl(engine: Engine) -> None:
    ticks = Ticks()
    here, there = service(engine, ticks), service(engine)
    assert here.get(USER).language is None  # cached: nothing chosen
    here.set_language(USER, "en")
    assert here.get(USER).language == "en"
    there.set_language(USER, "ja")
    assert here.get(USER).language == "en"  # still the cached entry
    ticks.now += 10
    assert here.get(USER).language == "ja"


def test_the_zone_offer_is_claimed_once_across_workers(engine: Engine) -> None:
    one, two = service(engine), service(engine)
    assert one.claim_zone_offer(USER)
    assert not two.claim_zone_offer(USER)
    assert not one.claim_zone_offer(USER)
    assert one.get(USER).zone_offered
    other = USER + 1
    two.set_language(other, "ja")  # a row without the offer yet: the update path
    assert two.claim_zone_offer(other) and not one.claim_zone_offer(other)


async def test_mydata_lines_and_erasure(engine: Engine) -> None:
    prefs = service(engine)
    assert await prefs.describe_user(USER) == []
    prefs.set_zone(USER, "Europe/London")
    prefs.claim_zone_offer(USER)
    assert [i.text for i in await prefs.describe_user(USER)] == [
        "Language: English (your app's language; not chosen with /lang).",
        "Time zone: Europe/London (chosen with /tz).",
        "The offer to show Japan time was made.",
    ]
    prefs.resolve(Request(user_id=USER, chat_id=USER, language="ja"))  # a Japanese reader
    assert [i.text for i in await prefs.describe_user(USER)][:2] == [
        "表示言語: 日本語（アプリの言語設定に合わせています）",
        "タイムゾーン: Europe/London（/tz で設定）",
    ]
    prefs.set_language(USER, "en")
    assert (await prefs.describe_user(USER))[0].text == "Language: English (chosen with /lang)."
    service(engine).set_language(USER + 1, "en")
    assert await prefs.forget_user(USER) == 1
    assert prefs.get(USER) == NOTHING
    assert [r for r in rows(engine) if PSEUDONYMS.pseudonym(USER) in r] == []
    assert len(rows(engine)) == 1  # the other user's row stays
    assert await prefs.forget_user(USER) == 0
