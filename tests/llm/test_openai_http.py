"""The OpenAI-compatible backend against a local server speaking that API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import Overrides, open_runtime
from bot.settings import LlmBackend
from llm import Generation, Message, ModelFailed, ModelGate, ModelTimeout, Role
from llm.openai_http import OpenAIHttpModel
from tests.fakes.serving import serve_on_loopback
from tests.llm.conftest import ask
from tests.llm.openai_server import OpenAIServer

MSGS = [Message(Role.SYSTEM, "be brief"), Message(Role.USER, "what is RSI?")]


@pytest.fixture
async def server() -> AsyncIterator[tuple[OpenAIServer, str]]:
    fake = OpenAIServer()
    runner, url = await serve_on_loopback(fake.app)
    try:
        yield fake, url
    finally:
        await runner.cleanup()


async def test_stream_and_complete(server) -> None:
    fake, url = server
    fake.answers.extend(["RSI measures momentum.", "Plain answer."])
    model = OpenAIHttpModel(url)
    try:
        pieces = [p async for p in model.stream(MSGS, Generation(max_tokens=20))]
        assert "".join(pieces).strip() == "RSI measures momentum."
        assert len(pieces) == 3
        assert await model.complete(MSGS, Generation()) == "Plain answer."
    finally:
        await model.close()
    assert fake.requests[0]["messages"][1] == {"role": "user", "content": "what is RSI?"}
    assert fake.requests[0]["stream"] is True and fake.requests[0]["max_tokens"] == 20


async def test_server_error_is_model_failed(server) -> None:
    fake, url = server
    fake.status = 500
    model = OpenAIHttpModel(url)
    try:
        with pytest.raises(ModelFailed):
            await model.complete(MSGS, Generation())
    finally:
        await model.close()


async def test_slow_server_times_out_through_the_gate(server) -> None:
    fake, url = server
    fake.answers.append("one two three four five six")
    fake.delay_s = 0.2
    model = OpenAIHttpModel(url)
    try:
        with pytest.raises(ModelTimeout):
            async for _ in ModelGate(model, timeout_s=0.3).stream("u", MSGS, Generation()):
                pass
    finally:
        await model.close()


async def test_bot_answers_through_the_http_backend(server, make_settings) -> None:
    fake, url = server
    fake.answers.append("A limit order sets the worst price you accept.")
    settings = make_settings(llm_backend=LlmBackend.OPENAI_HTTP, llm_url=url)
    runtime = await open_runtime(settings, overrides=Overrides())
    try:
        _, final = await ask(runtime, "what is a limit order?")
    finally:
        await runtime.close()
    assert "A limit order sets the worst price you accept." in final


async def test_unreachable_backend_gives_clear_reply(make_settings) -> None:
    settings = make_settings(llm_backend=LlmBackend.OPENAI_HTTP, llm_url="http://127.0.0.1:9")
    runtime = await open_runtime(settings)
    try:
        _, final = await ask(runtime, "what is a limit order?")
        _, version = await ask(runtime, "/version")
    finally:
        await runtime.close()
    assert "language model is not available" in final
    assert "From my notes: A limit order" in final
    assert "qnabot" in version
