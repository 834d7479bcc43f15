"""The account side of the bot in Japanese, through the real handlers: /start, /help, /privacy,
/mydata, /forget, the admin commands, refusals, the incident reply, /ask and the terminal chat.

Each reply must be Japanese with no English word outside the allow-list (tickers, indicator
abbreviations, units, command names, ids); the same steps in English keep their wording.
"""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import Runtime, open_runtime
from bot.core.auth import UserRateLimiter, not_allowed_text
from bot.core.conversation import ChatKind, Reply, Request, Streamed
from bot.core.incidents import incident_reply
from bot.transports.console.chat import run_console
from tests.i18n.english_words import english_words, has_japanese

USER = 5150
ADMIN = 6160


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 5, 1, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def runtime(make_settings) -> AsyncIterator[Runtime]:
    clock = Clock()
    rt = await open_runtime(make_settings(admin_ids=[ADMIN]), clock=clock)
    rt.clock = clock  # type: ignore[attr-defined]
    try:
        yield rt
    finally:
        await rt.close()


async def say(
    rt: Runtime,
    text: str = "",
    data: str | None = None,
    *,
    user: int = USER,
    language: str = "ja",
    group: bool = False,
) -> Reply:
    req = Request(
        user_id=user,
        chat_id=-100 if group else user,
        chat_kind=ChatKind.GROUP if group else ChatKind.PRIVATE,
        text=text,
        callback_data=data,
        language=language,
    )
    replies = await rt.conversation.handle(req)
    assert replies, text or data
    first = replies[0]
    if isinstance(first, Streamed):
        async for _ in first.tokens:
            pass
        return await first.final()
    return first


MINE = (
    "start",
    "help",
    "version",
    "privacy",
    "mydata",
    "forget",
    "ask",
    "audit",
    "stats",
    "export",
)
INCIDENT_ID = re.compile(r"\binc-[0-9a-f]+\b")


def japanese(*texts: str | None) -> None:
    """Fail unless every text is Japanese and holds no English word outside the allow-list."""
    for text in texts:
        assert text and has_japanese(text), text
        assert english_words(INCIDENT_ID.sub(" ", text)) == [], text


def help_lines_of_mine(text: str) -> list[str]:
    """/help's heading, closing line and the lines of this part's commands (other features'
    usages hold the literal words their parsers read, checked by their own tests)."""
    lines = text.splitlines()
    mine = [line for line in lines if line.split(" ", 1)[0].lstrip("/") in MINE]
    return [lines[0], lines[-1], *mine]


def shown(reply: Reply) -> list[str | None]:
    """The reply's text, toast and button labels (what the user reads)."""
    labels = [b.label for row in reply.buttons for b in row]
    caption = reply.document.caption if reply.document else None
    return [t for t in (reply.text, reply.toast, caption, *labels) if t]


async def test_start_and_help_in_japanese(runtime: Runtime) -> None:
    start = await say(runtime, "/start")
    japanese(start.text)
    assert "/privacy" in start.text and "/mydata" in start.text and "/forget" in start.text
    help_reply = await say(runtime, "/help")
    japanese(*help_lines_of_mine(help_reply.text))
    assert all(has_japanese(line) for line in help_reply.text.splitlines() if line)
    for name in ("help", "privacy", "mydata", "forget", "ask"):
        assert f"\n/{name}" in help_reply.text, name
    assert "/audit" not in help_reply.text  # admin commands stay hidden from others
    admin_help = await say(runtime, "/help", user=ADMIN)
    mine = help_lines_of_mine(admin_help.text)
    japanese(*mine)
    assert len(mine) == 2 + len(MINE) and "/audit [件数] — " in admin_help.text


async def test_help_in_english_is_unchanged(runtime: Runtime) -> None:
    text = (await say(runtime, "/help", user=ADMIN, language="en")).text
    assert text.startswith("Commands:\n")
    assert "/audit [N] — latest redacted fine-tuning records (admins)" in text
    assert "/privacy — fine-tuning consent (default off)" in text
    assert "/ask <question> — ask a question about trading or a coin" in text
    assert text.endswith("You can also just ask, e.g. “btc 4h analysis” or “what is RSI?”.")
    start = (await say(runtime, "/start", language="en")).text
    assert start.startswith("Hi, I am qnabot") and "\nMode: paper.\n\nPrivacy:" in start


async def test_privacy_consent_screens_and_buttons(runtime: Runtime) -> None:
    off = await say(runtime, "/privacy")
    japanese(*shown(off))
    assert off.buttons[0][0].label == "同意する" and off.buttons[0][0].data == "privacy:on"
    on = await say(runtime, data="privacy:on")
    japanese(*shown(on))
    assert on.toast == "設定を保存しました。" and on.buttons[0][0].data == "privacy:off"
    assert runtime.services.privacy.has_consent(USER)
    invalid = await say(runtime, data="privacy:maybe")
    japanese(invalid.text)


async def test_mydata_lists_every_owner_in_japanese(runtime: Runtime) -> None:
    await say(runtime, data="privacy:on")
    await say(runtime, "RSI とは？")  # a question: the conversation memory keeps it
    await say(runtime, "/alert BTC above 70000")
    await say(runtime, "/watch BTC rsi<30 1h buy 0.001")
    await say(runtime, "/buy BTC 0.001")
    reply = await say(runtime, "/mydata")
    japanese(reply.text)
    lines = reply.text.splitlines()
    assert lines[0] == "保存されているあなたのデータ:"
    assert "・プライバシー: モデル改善への会話提供: 同意済み" in lines
    assert any(line.startswith("・アラート: 価格・指標のアラート 1 件") for line in lines)
    assert any(line.startswith("・監視ルール: 1 件（") for line in lines)
    assert "・取引: 取引の提案: 1 件" in lines
    assert any(line.startswith("・会話の記憶: 直近の質問") for line in lines)
    assert len([line for line in lines if line.startswith("・")]) >= len(
        runtime.services.user_data_owners
    )


async def test_forget_cancel_expired_and_confirm_in_japanese(runtime: Runtime) -> None:
    privacy = runtime.services.privacy
    privacy.set_consent(USER, True)
    ask = await say(runtime, "/forget")
    japanese(*shown(ask))
    erase, cancel = ask.buttons[0]
    assert (erase.label, cancel.label) == ("すべて削除する", "キャンセル")
    cancelled = await say(runtime, data=cancel.data)
    japanese(*shown(cancelled))
    assert privacy.has_consent(USER)
    runtime.clock.now += timedelta(minutes=10)  # type: ignore[attr-defined]
    expired = await say(runtime, data=erase.data)
    japanese(expired.text)
    assert "期限" in expired.text and privacy.has_consent(USER)
    fresh = (await say(runtime, "/forget")).buttons[0][0]
    done = await say(runtime, data=fresh.data)
    japanese(*shown(done))
    assert "削除しました" in done.text and not privacy.has_consent(USER)
    question = await say(runtime, "/forget は何をする？", language="en")  # asked in Japanese
    japanese(question.text)
    assert question.buttons == ()


async def test_admin_commands_in_japanese(runtime: Runtime) -> None:
    empty = await say(runtime, "/audit", user=ADMIN)
    japanese(empty.text)
    usage = await say(runtime, "/audit 99", user=ADMIN)
    japanese(usage.text)
    assert "1〜20" in usage.text
    await say(runtime, data="privacy:on")
    await say(runtime, "ビットコインの RSI とは？")
    audit = await say(runtime, "/audit 1", user=ADMIN)
    assert audit.text.startswith("個人情報を除去した記録（最新 1 件）:")
    assert "\n質問: " in audit.text and "\n回答: " in audit.text
    stats = await say(runtime, "/stats", user=ADMIN)
    japanese(stats.text)
    assert stats.text.splitlines()[0] == "統計" and "同意済みユーザー数: 1" in stats.text
    export = await say(runtime, "/export", user=ADMIN)
    assert export.document is not None and export.document.filename.endswith(".jsonl")
    japanese(export.document.caption)


async def test_refusals_in_japanese(runtime: Runtime) -> None:
    group = await say(runtime, "/privacy", group=True)
    japanese(group.text)
    not_admin = await say(runtime, "/stats")
    japanese(not_admin.text)
    japanese(not_allowed_text("ja"))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    limiter = UserRateLimiter(rate_per_min=6, burst=1, clock=lambda: now)
    assert limiter.check(1).allowed
    verdict = limiter.check(1)
    japanese(verdict.reply("ja"))
    assert "10 秒" in verdict.reply("ja")
    assert verdict.reply_text == (
        "You are sending requests faster than I can answer. Please wait 10 s and try again."
    )


def test_incident_reply_in_japanese() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        ja, en = incident_reply(exc, "ja"), incident_reply(exc)
    japanese(ja.text)
    assert "インシデント番号 inc-" in ja.text
    assert en.text.startswith("Sorry, something went wrong on my side (incident inc-")


async def test_ask_usage_and_unknown_topic_in_japanese(runtime: Runtime) -> None:
    usage = await say(runtime, "/ask")
    japanese(usage.text)
    assert "/ask RSI" in usage.text
    nothing = await say(runtime, "量子もつれとは何ですか？")
    japanese(nothing.text)


async def test_console_chat_in_japanese(runtime: Runtime, tmp_path: Path) -> None:
    out = io.StringIO()
    lines = io.StringIO("/privacy\n1\n/version\n/quit\n")
    await run_console(
        runtime.conversation, lines, out, user_id=USER, outbox=tmp_path, language="ja"
    )
    text = out.getvalue()
    japanese(text)
    assert "[1] 同意する" in text and "オン" in text and "qnabot" in text
