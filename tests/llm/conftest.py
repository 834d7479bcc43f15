"""Fixtures of the Q&A tests: a runtime with a scripted model and the replayed market."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import Overrides, Runtime, open_runtime
from bot.core.conversation import Reply, Request, Response, Streamed
from tests.fakes.scripted_model import ScriptedModel
from tests.llm.replay_market import ReplayMarket


@pytest.fixture
def model() -> ScriptedModel:
    return ScriptedModel()


@pytest.fixture
def market() -> ReplayMarket:
    return ReplayMarket()


@pytest.fixture
async def qa(settings, model, market) -> AsyncIterator[Runtime]:
    runtime = await open_runtime(settings, overrides=Overrides(chat_model=model, market=market))
    try:
        yield runtime
    finally:
        await runtime.close()


async def ask(runtime: Runtime, text: str, user_id: int = 11) -> tuple[str, str]:
    """Send one message; return (streamed tokens, final text) of what the bot replied."""
    responses: list[Response] = await runtime.conversation.handle(
        Request(user_id=user_id, chat_id=user_id, text=text)
    )
    streamed, finals = [], []
    for response in responses:
        if isinstance(response, Streamed):
            streamed.append("".join([t async for t in response.tokens]))
            finals.append((await response.final()).text)
        else:
            assert isinstance(response, Reply)
            finals.append(response.text)
    return "".join(streamed), "\n".join(finals)
