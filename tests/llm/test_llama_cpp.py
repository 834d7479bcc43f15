"""The llama.cpp backend on the real bundled SmolLM2 GGUF (marked `model`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from llm import Generation, Message, ModelGate, ModelTimeout, Role
from llm.llama_cpp import LlamaCppModel

MODEL = Path(__file__).resolve().parents[2] / "var" / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
MSGS = [Message(Role.USER, "Write a long story about a cat who trades bitcoin.")]

pytestmark = pytest.mark.model


@pytest.fixture
async def llama():
    if not MODEL.is_file():
        pytest.fail(f"bundled model missing at {MODEL}: run `make setup`")
    model = LlamaCppModel(MODEL, threads=2)
    try:
        yield model
    finally:
        await model.close()


async def test_loads_lazily_and_streams_tokens(llama) -> None:
    assert not llama.loaded
    pieces = [p async for p in llama.stream(MSGS, Generation(max_tokens=12))]
    assert llama.loaded
    assert 3 <= len(pieces) <= 12
    assert "".join(pieces).strip()


async def test_closing_the_stream_stops_generation_and_frees_the_model(llama) -> None:
    stream = llama.stream(MSGS, Generation(max_tokens=400))
    await anext(stream)
    await stream.aclose()
    stopped_at = llama.tokens_generated
    assert stopped_at < 20  # stopped within a token or two, not after 400
    text = await asyncio.wait_for(llama.complete(MSGS, Generation(max_tokens=5)), 60)
    assert text.strip()
    assert llama.tokens_generated - stopped_at <= 5


async def test_gate_timeout_on_the_real_model(llama) -> None:
    await llama.load()
    gate = ModelGate(llama, timeout_s=0.3)
    with pytest.raises(ModelTimeout):
        async for _ in gate.stream("u", MSGS, Generation(max_tokens=400)):
            pass
    assert llama.tokens_generated < 200  # cancelled, not run to the end
    text = await asyncio.wait_for(llama.complete(MSGS, Generation(max_tokens=5)), 60)
    assert text.strip()


async def test_close_while_a_stream_is_abandoned_unclosed_stops_it_first() -> None:
    """Freeing the model under a decoding thread crashed the process (segfault in decode)."""
    model = LlamaCppModel(MODEL, threads=2)
    stream = model.stream(MSGS, Generation(max_tokens=400))
    await anext(stream)  # generation is under way; the stream is neither drained nor closed
    await model.close()
    assert not model.loaded
    produced = model.tokens_generated
    assert produced < 60  # cancelled by close, not run to 400 tokens
    del stream


async def test_redacted_stream_closes_the_model_stream_when_abandoned(llama) -> None:
    from privacy.streaming import redacted_stream

    shown = redacted_stream(llama.stream(MSGS, Generation(max_tokens=400)))
    async for _ in shown:
        break
    await shown.aclose()
    stopped_at = llama.tokens_generated
    assert stopped_at < 60  # the inner model stream was closed with the outer one
    await asyncio.sleep(0.3)
    assert llama.tokens_generated == stopped_at
