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
