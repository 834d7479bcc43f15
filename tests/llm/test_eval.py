"""The evaluation set (tests/data/qa_eval.jsonl) answered through the whole Q&A pipeline.

An answer counts as grounded when every number and ticker in it comes from its sources (the
retrieved notes, the live facts of the replayed market, the question) AND it contains the
question's expected key facts ("{price:SYM}"/"{change:SYM}" stand for the live
values of the replayed market). The `model` test uses the real bundled SmolLM2 through
llama.cpp and fails below 90%; the extractive run is the ceiling of what retrieval supplies.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.app import Overrides, open_runtime
from bot.settings import LlmBackend
from llm import MAJOR_TICKERS, check
from tests.llm.conftest import ask
from tests.llm.replay_market import ReplayMarket

EVAL = Path(__file__).resolve().parents[1] / "data" / "qa_eval.jsonl"
MODEL = Path(__file__).resolve().parents[2] / "var" / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
TARGET = 0.90


def load_eval() -> list[dict[str, object]]:
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]


async def expected(fact: str, market: ReplayMarket) -> str:
    if not fact.startswith("{"):
        return fact
    kind, _, symbol = fact.strip("{}").partition(":")
    ticker = await market.fetch_ticker(symbol)
    return str(ticker.last) if kind == "price" else f"{ticker.change_24h_pct:+.2f}%"


async def live_facts(runtime, market: ReplayMarket) -> str:
    source = runtime.services.answers.fact_source
    lines = []
    for symbol in sorted(await market.symbols()):
        for timeframe in ("1h", "4h"):
            lines += [f.text for f in await source.facts(symbol, timeframe)]
    return "\n".join(lines)


async def grounded_rate(settings, overrides: Overrides, market: ReplayMarket) -> tuple[float, list]:
    """Return the grounded-answer rate and the failures; print how often the model's own
    phrasing was kept (the rest fell back to the retrieved explanation)."""
    runtime = await open_runtime(settings, overrides=overrides)
    failures = []
    phrased = fallback = 0
    try:
        kb = runtime.services.answers.knowledge
        for i, case in enumerate(load_eval()):
            question = str(case["question"])
            streamed, final = await ask(runtime, question, user_id=1000 + i)
            if streamed:
                fell_back = "From my notes:" in final or "資料より:" in final
                fallback += fell_back
                phrased += not fell_back
            body = "\n".join(
                line for line in final.splitlines() if not line.startswith(("Sources:", "出典:"))
            )
            sources = [h.entry.text for h in kb.search(question, 2)] + [question]
            sources += [await live_facts(runtime, market)]
            facts = [await expected(str(f), market) for f in case["expect"]]  # type: ignore[union-attr]
            # Invented numbers/tickers, looping or an empty answer fail; the word-support
            # filter is not applied here because replies also hold our own fixed wording.
            verdict = check(body, sources, MAJOR_TICKERS)
            invented = [u for u in verdict.unsupported if u != "(wording not in the sources)"]
            missing = [f for f in facts if f.lower() not in final.lower()]
            if invented or missing:
                failures.append((question, invented, missing, final[:200]))
    finally:
        await runtime.close()
    print(f"\nmodel phrasing kept: {phrased}, fell back to the notes: {fallback}")
    return 1 - len(failures) / len(load_eval()), failures


def test_eval_set_is_large_and_varied() -> None:
    cases = load_eval()
    kinds = {c["kind"] for c in cases}
    assert len(cases) >= 100
    assert kinds == {"concept", "live", "trick"}
    assert len({c["question"] for c in cases}) == len(cases)


async def test_extractive_backend_grounded_rate(make_settings) -> None:
    market = ReplayMarket()
    settings = make_settings(llm_backend=LlmBackend.EXTRACTIVE)
    rate, failures = await grounded_rate(settings, Overrides(market=market), market)
    print(f"\nextractive grounded-answer rate: {rate:.1%} ({len(failures)} failures)")
    for failure in failures:
        print("  ", failure)
    assert rate >= TARGET


@pytest.mark.model
async def test_bundled_model_grounded_rate(make_settings) -> None:
    if not MODEL.is_file():
        pytest.fail(f"bundled model missing at {MODEL}: run `make setup`")
    market = ReplayMarket()
    settings = make_settings(llm_backend=LlmBackend.LLAMA_CPP, model_path=MODEL, llm_timeout_s=60)
    rate, failures = await grounded_rate(settings, Overrides(market=market), market)
    print(f"\nbundled-model grounded-answer rate: {rate:.1%} ({len(failures)} failures)")
    for failure in failures:
        print("  ", failure)
    assert rate >= TARGET
