"""Fixtures: the local Bot API server, a movable clock, replayed candles, the running bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import pytest

from bot.app import Overrides
from bot.transports.telegram import BotApp
from tests.e2e import features
from tests.e2e.harness import MovableClock, bot_settings, running_bot, telegram
from tests.fakes.bot_api_server import BotApiServer
from tests.fakes.replay_market import ReplayMarket


@pytest.fixture
async def tg() -> AsyncIterator[BotApiServer]:
    async with telegram() as server:
        yield server


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def start_bot(
    make_settings, tg: BotApiServer, clock: MovableClock
) -> Callable[..., AbstractAsyncContextManager[BotApp]]:
    """Return `start(**settings)`: an async context manager running the real bot."""

    def start(**extra: object) -> AbstractAsyncContextManager[BotApp]:
        settings = bot_settings(make_settings, tg.url, **extra)
        overrides = Overrides(market=ReplayMarket(clock), extra_features=(features.register,))
        return running_bot(settings, clock, overrides)

    return start


@pytest.fixture
async def bot(start_bot) -> AsyncIterator[BotApp]:
    async with start_bot() as app:
        yield app
