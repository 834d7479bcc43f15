"""Knowledge retrieval, grounding, the fair model gate and backend failures (no model needed)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from llm import (
    Generation,
    KnowledgeBase,
    Message,
    ModelBusy,
    ModelGate,
    ModelTimeout,
    ModelUnavailable,
    Role,
    check,
)
from llm.llama_cpp import LlamaCppModel
from llm.openai_http import HTTPX_ERRORS, OpenAIHttpModel, translate_httpx
from tests.fakes.scripted_model import ScriptedModel

KB = KnowledgeBase.bundled()
MSGS = [Message(Role.USER, "hi")]


def test_knowledge_base_has_enough_unique_entries() -> None:
    entries = KB.entries()
    assert len(entries) >= 150
    assert len({e.id for e in entries}) == len(entries)
    assert all(len(e.text) > 40 for e in entries)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("what is RSI?", "rsi"),
        ("How do I set a stop loss?", "stop-loss"),
        ("what are maker and taker fees", "maker-taker"),
        ("how much should I risk per trade", "one-percent-rule"),
        ("is a guaranteed 10% daily return legit?", "guaranteed-returns"),
        ("what does /forget do", "bot-forget"),
        ("RSIとは何ですか", "rsi"),
        ("損切りはどこに置くべき？", "stop-loss"),
    ],
)
def test_retrieval_finds_the_right_entry_first(question: str, entry: str) -> None:
    assert KB.search(question)[0].entry.id == entry


def test_off_topic_retrieves_nothing() -> None:
    assert KB.search("what's the weather in Tokyo?") == []


@pytest.mark.parametrize(
    ("answer", "ok", "unsupported"),
    [
        ("RSI above 70 is overbought.", True, ()),
        ("RSI above 85 is overbought.", False, ("85",)),
        ("BTC trades at 97,123 USDT.", True, ()),  # rounded from the fact 97123.45
        ("BTC trades at 97,500 USDT.", False, ("97,500",)),
        ("ETH is overbought.", False, ("ETH",)),
        ("Use 10x leverage on the 4h chart.", False, ("10x", "4h")),
        ("", False, ("(empty answer)",)),
        ("A doji candle is made of candle wax.", False, ("(wording not in the sources)",)),
        (
            "RSI above 70 is overbought and RSI above 70 is overbought.",
            False,
            ("(repetition)",),
        ),
    ],
)
def test_grounding_numbers_and_tickers(answer: str, ok: bool, unsupported: tuple) -> None:
    sources = [
        "RSI above 70 is overbought. A doji candle shows indecision.",
        "BTC/USDT price: 97123.45 USDT; BTC trades on spot",
        "Use leverage with care on any chart.",
    ]
    verdict = check(answer, sources)
    assert verdict.ok is ok
    assert verdict.unsupported == unsupported


async def test_gate_serves_one_at_a_time_first_come_first_served() -> None:
    model = ScriptedModel(default="a b c", delay_s=0.01)
    gate = ModelGate(model, max_waiting=8, timeout_s=5)
    order: list[str] = []

    async def run(owner: str) -> None:
        async for _ in gate.stream(owner, MSGS, Generation()):
            pass
        order.append(owner)

    await asyncio.gather(*(run(f"u{i}") for i in range(5)))
    assert order == [f"u{i}" for i in range(5)]
    assert model.max_active == 1


async def test_gate_refuses_second_question_of_same_user_and_full_queue() -> None:
    gate = ModelGate(ScriptedModel(default="x " * 20, delay_s=0.02), max_waiting=1, timeout_s=5)
    first = gate.stream("alice", MSGS, Generation())
    await anext(first)
    with pytest.raises(ModelBusy):
        await anext(gate.stream("alice", MSGS, Generation()))
    waiter = asyncio.ensure_future(anext(gate.stream("bob", MSGS, Generation())))
    await asyncio.sleep(0.01)
    with pytest.raises(ModelBusy):
        await anext(gate.stream("carol", MSGS, Generation()))
    await first.aclose()
    assert await waiter == "x "


async def test_gate_timeout_cancels_generation() -> None:
    model = ScriptedModel(default="slow " * 100, delay_s=0.05)
    gate = ModelGate(model, timeout_s=0.2)
    with pytest.raises(ModelTimeout):
        async for _ in gate.stream("u", MSGS, Generation(max_tokens=100)):
            pass
    assert model.cancelled == 1 and model.active == 0


async def test_llama_missing_and_corrupt_model_files(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable):
        await LlamaCppModel(tmp_path / "missing.gguf").complete(MSGS, Generation())
    corrupt = tmp_path / "corrupt.gguf"
    corrupt.write_bytes(b"GGUF" + b"\0garbage" * 100)
    with pytest.raises(ModelUnavailable):
        await LlamaCppModel(corrupt).complete(MSGS, Generation())


async def test_openai_http_unreachable_is_unavailable() -> None:
    model = OpenAIHttpModel("http://127.0.0.1:9", timeout_s=2)
    try:
        with pytest.raises(ModelUnavailable):
            await model.complete(MSGS, Generation())
        with pytest.raises(ModelUnavailable):
            async for _ in model.stream(MSGS, Generation()):
                pass
    finally:
        await model.close()


def test_every_httpx_exception_is_mapped_specifically() -> None:
    mapped = {foreign for foreign, _ in HTTPX_ERRORS}
    for name in dir(httpx):
        cls = getattr(httpx, name)
        if (
            isinstance(cls, type)
            and issubclass(cls, Exception)
            and cls.__module__.startswith("httpx")
        ):
            assert any(issubclass(cls, m) for m in mapped), name
    assert isinstance(translate_httpx(httpx.ConnectError("x")), ModelUnavailable)
    assert isinstance(translate_httpx(httpx.ReadTimeout("x")), ModelTimeout)
