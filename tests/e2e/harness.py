"""Drive the real PTB application against the local Bot API server, as scripted users."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.app import Overrides
from bot.settings import Settings
from bot.transports.telegram import BotApp, Launch, build_application, serving
from tests.fakes.bot_api_server import BotApiServer, FakeBotApi, SentMessage

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq"
ADMIN = 900
ALICE = 101
BOB = 102
GROUP = -1001


@dataclass
class MovableClock:
    """An injected clock tests move forward."""

    now: datetime = datetime(2024, 8, 10, 12, 0, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class Chat:
    """One user's view: send text, wait for the bot's replies, press buttons."""

    api: FakeBotApi
    user_id: int
    chat_id: int

    async def say(self, text: str, *, expect: int = 1, timeout: float = 20.0) -> SentMessage:
        """Send `text`; wait for `expect` new bot messages; return the last of them."""
        before = self.api.count(self.chat_id)
        await self.api.send_text(self.user_id, text, chat_id=self.chat_id)
        return await self.api.wait_reply(self.chat_id, before + expect - 1, timeout)

    async def say_all(self, text: str, expect: int, timeout: float = 20.0) -> list[SentMessage]:
        before = self.api.count(self.chat_id)
        await self.say(text, expect=expect, timeout=timeout)
        return self.api.chats[self.chat_id][before:]

    async def press(self, message: SentMessage, data: str) -> dict[str, object]:
        """Press a button (callback data `data`) on `message`; return the callback answer."""
        query_id = await self.api.click(self.user_id, message, data)
        return await self.api.wait_answer(query_id)


def bot_settings(make_settings, url: str, **extra: object) -> Settings:
    base: dict[str, object] = {
        "telegram_bot_token": TOKEN,
        "telegram_api_url": url,
        "admin_ids": [ADMIN],
    }
    base.update(extra)
    return make_settings(**base)


@asynccontextmanager
async def running_bot(
    settings: Settings, clock: MovableClock | None = None, overrides: Overrides | None = None
) -> AsyncIterator[BotApp]:
    """Build and serve the real application (long polling) until the block ends."""
    launch = Launch(settings, overrides=overrides, clock=clock or MovableClock())
    async with serving(build_application(launch), poll_timeout=1.0) as app:
        yield app


@asynccontextmanager
async def telegram() -> AsyncIterator[BotApiServer]:
    async with BotApiServer(TOKEN) as server:
        yield server
