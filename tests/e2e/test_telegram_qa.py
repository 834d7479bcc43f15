"""Questions over Telegram: the streamed answer is one message edited about once a second,
and other users are served while it streams (scripted model, then the real local model)."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path

import pytest

from bot.app import Overrides
from bot.core.outgoing import STREAM_SUFFIX
from tests.e2e import features
from tests.e2e.harness import ALICE, BOB, Chat, MovableClock, bot_settings, running_bot
from tests.fakes.bot_api_server import BotApiServer
from tests.fakes.replay_market import ReplayMarket
from tests.fakes.scripted_model import ScriptedModel

MODEL = Path(__file__).resolve().parents[2] / "var" / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"


async def _ask_while_other_user_is_served(api) -> tuple[object, float]:
    before = api.count(ALICE)
    await api.send_text(ALICE, "what is a stop loss order?")
    first = await api.wait_reply(ALICE, before, timeout=60)
    started = time.monotonic()
    version = await Chat(api, BOB, BOB).say("/version")
    bob_s = time.monotonic() - started
    assert version.text.startswith("qnabot")
    await api.wait_for(lambda: first.text and not first.text.endswith(STREAM_SUFFIX), 90, "final")
    return first, bob_s


async def test_streamed_answer_from_the_answering_service(
    tg: BotApiServer, make_settings, clock: MovableClock
) -> None:
    model = ScriptedModel(delay_s=0.12)
    model.enqueue(" ".join(f"A stop loss closes the position, part {i}." for i in range(25)))
    overrides = Overrides(
        market=ReplayMarket(clock), chat_model=model, extra_features=(features.register,)
    )
    settings = bot_settings(make_settings, tg.url)
    async with running_bot(settings, clock, overrides):
        first, bob_s = await _ask_while_other_user_is_served(tg.api)
    assert bob_s < 1.0
    assert tg.api.count(ALICE) == 1 and first.edits >= 1
    edits = [c.at for c in tg.api.calls_of("editMessageText")]
    assert all(b - a >= 0.95 for a, b in itertools.pairwise(edits[:-1]))


@pytest.mark.model
async def test_real_model_answer_streams_without_blocking_others(
    tg: BotApiServer, make_settings, clock: MovableClock
) -> None:
    if not MODEL.is_file():
        pytest.fail(f"bundled model missing at {MODEL}: run `make run` once to install it")
    settings = bot_settings(
        make_settings, tg.url, llm_backend="llama_cpp", model_path=MODEL, llm_threads=1
    )
    overrides = Overrides(market=ReplayMarket(clock))
    async with running_bot(settings, clock, overrides):
        first, bob_s = await _ask_while_other_user_is_served(tg.api)
        await asyncio.sleep(0.2)
    assert bob_s < 2.0
    assert first.text.strip() and tg.api.count(ALICE) == 1
