"""/lang and /tz through the real conversation layer and app wiring, on SQLite and PostgreSQL:
choices persist across a restart, replies follow the new language, the Japan time offer comes
once, /mydata lists the choices and /forget erases them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import Runtime, open_runtime
from bot.core.conversation import ChatKind, Reply, Request, Streamed
from bot.settings import Settings
from privacy.pseudonym import Pseudonymizer, load_or_create_secret

USER = 5150
OFFER = "tz:Asia/Tokyo"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def bot_settings(make_settings, store: tuple[str, str | None]) -> Settings:
    url, schema = store
    return make_settings(database_url=url, database_schema=schema or "")


@pytest.fixture
async def opened(bot_settings: Settings) -> AsyncIterator[Callable[[], object]]:
    """Open runtimes on the same database (each one is a restart); all closed at the end."""
    opened: list[Runtime] = []

    async def open_one() -> Runtime:
        rt = await open_runtime(bot_settings, clock=Clock())
        opened.append(rt)
        return rt

    yield open_one
    for rt in opened:
        await rt.close()


async def replies(
    rt: Runtime,
    text_: str = "",
    *,
    data: str | None = None,
    language: str | None = "en",
    kind: ChatKind = ChatKind.PRIVATE,
    user: int = USER,
) -> list[Reply]:
    req = Request(
        user_id=user, chat_id=user, chat_kind=kind, text=text_, callback_data=data,
        language=language,
    )  # fmt: skip
    out: list[Reply] = []
    for response in await rt.conversation.handle(req):
        if isinstance(response, Streamed):
            async for _ in response.tokens:
                pass
            out.append(await response.final())
        else:
            out.append(response)
    return out


async def say(rt: Runtime, text_: str = "", **kw: object) -> Reply:
    [reply] = await replies(rt, text_, **kw)  # type: ignore[arg-type]
    return reply


def offered(reply: Reply) -> bool:
    return any(b.data == OFFER for row in reply.buttons for b in row)


def prefs_rows(rt: Runtime) -> list[tuple[object, ...]]:
    with rt.services.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT * FROM user_prefs")).all()]


async def test_lang_answers_in_the_new_language_and_persists_across_a_restart(opened) -> None:
    rt = await opened()
    reply = await say(rt, "/lang")
    assert "English" in reply.text and "/lang ja" in reply.text
    reply = await say(rt, "/lang ja")
    assert reply.text.startswith("設定しました") and offered(reply)  # the offer comes with it
    restarted = await opened()
    reply = await say(restarted, "/lang", language="en")  # Telegram says English: choice wins
    assert "日本語" in reply.text and "/lang で設定済み" in reply.text
    reply = await say(restarted, "/lang EN", language="ja")
    assert reply.text == "Done: I will answer you in English from now on."
    assert "I answer you in English (your /lang choice)." in (await say(restarted, "/lang")).text


async def test_lang_refuses_an_unknown_language(opened) -> None:
    rt = await opened()
    reply = await say(rt, "/lang fr")
    assert reply.text == "I can answer in English or Japanese: send /lang en or /lang ja."
    assert prefs_rows(rt) == []
    refused, offer = await replies(rt, "/lang klingon", language="ja")
    assert "対応している言語" in refused.text and offered(offer)
    assert rt.services.prefs.get(USER).language is None


async def test_language_resolution_follows_choice_then_telegram_then_english(opened) -> None:
    rt = await opened()
    assert "English" in (await say(rt, "/lang", language=None)).text
    assert "英語" not in (await say(rt, "/lang", language="en-GB")).text
    ja = await replies(rt, "/lang", language="ja")
    assert "アプリの言語設定" in ja[0].text
    await say(rt, "/lang en", language="ja")
    assert "(your /lang choice)" in (await say(rt, "/lang", language="ja")).text


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("Asia/Tokyo", "Asia/Tokyo"), ("asia/tokyo", "Asia/Tokyo"), ("JST", "Asia/Tokyo"),
     ("utc", "UTC"), ("europe/london", "Europe/London"), ("New York", "America/New_York")],
)  # fmt: skip
async def test_tz_accepts_common_forms(opened, typed: str, zone: str) -> None:
    rt = await opened()
    reply = await say(rt, f"/tz {typed}")
    assert reply.text.startswith(f"Done: times are shown in {zone} from now on")
    assert rt.services.prefs.get(USER).zone == zone


async def test_tz_shows_the_time_there_and_refuses_unknown_zones(opened) -> None:
    rt = await opened()
    reply = await say(rt, "/tz")
    assert "UTC (the default); it is now 2026-12-04 09:30 UTC." in reply.text
    reply = await say(rt, "/tz Mars/Olympus")
    assert reply.text.startswith("I do not know that time zone.")
    assert "Olympus" not in reply.text  # the user's text is not echoed
    await say(rt, "/tz Asia/Tokyo")
    restarted = await opened()
    reply = await say(restarted, "/tz")
    assert "Your time zone is Asia/Tokyo; it is now 2026-12-04 18:30 JST there." in reply.text
    req = restarted.services.prefs.resolve(Request(user_id=USER, chat_id=USER))
    assert req.zone == "Asia/Tokyo"


async def test_japanese_user_is_offered_japan_time_once(opened) -> None:
    rt = await opened()
    first = await replies(rt, "/version", language="ja")
    assert len(first) == 2 and offered(first[1]) and not offered(first[0])
    assert "日本時間" in first[1].text
    assert len(await replies(rt, "/version", language="ja")) == 1  # once only
    restarted = await opened()
    assert len(await replies(restarted, "/tz", language="ja")) == 1
    assert not offered(await say(restarted, "/tz", language="ja"))
    pressed = await say(restarted, data=OFFER, language="ja")
    assert pressed.edit_origin and "Asia/Tokyo" in pressed.text and pressed.toast
    assert restarted.services.prefs.get(USER).zone == "Asia/Tokyo"


async def test_no_offer_for_english_users_groups_or_over_other_buttons(opened) -> None:
    rt = await opened()
    assert len(await replies(rt, "/version", language="en")) == 1
    assert len(await replies(rt, "/version", language="ja", kind=ChatKind.GROUP)) == 1
    with_buttons = await replies(rt, "/privacy", language="ja")
    assert len(with_buttons) == 1  # its own buttons stay the ones to press
    later = await replies(rt, "/version", language="ja")
    assert len(later) == 2 and offered(later[1])
    assert prefs_rows(rt) and rt.services.prefs.get(USER).zone_offered


async def test_no_offer_once_a_zone_is_chosen_or_after_lang_en(opened) -> None:
    rt = await opened()
    await say(rt, "/tz Europe/Paris", language="ja")
    assert len(await replies(rt, "/version", language="ja")) == 1
    other = USER + 1
    assert len(await replies(rt, "/lang en", language="ja", user=other)) == 1
    assert len(await replies(rt, "/version", language="ja", user=other)) == 1


async def test_mydata_lists_the_choices_and_forget_erases_them(
    opened, bot_settings: Settings
) -> None:
    rt = await opened()
    await say(rt, "/lang ja")
    await say(rt, "/tz Asia/Tokyo")
    mydata = (await replies(rt, "/mydata", language="en"))[0].text
    assert "表示言語: 日本語（/lang で設定）" in mydata
    assert "タイムゾーン: Asia/Tokyo（/tz で設定）" in mydata
    stamp = int(rt.services.clock().timestamp())
    await replies(rt, data=f"forget:{stamp}")
    assert prefs_rows(rt) == []
    assert rt.services.prefs.get(USER).language is None
    if bot_settings.resolved_database_url.startswith("sqlite"):
        secret = load_or_create_secret(bot_settings.data_dir / "pseudonym.key")
        who = Pseudonymizer(secret).pseudonym(USER).encode()
        files = [Path(str(bot_settings.data_dir / "qnabot.db") + s) for s in ("", "-wal")]
        assert all(who not in f.read_bytes() for f in files if f.exists())
