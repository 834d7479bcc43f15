"""Q&A benchmark on the bundled SmolLM2 GGUF (2 threads).

Prints, in one run: raw llama.cpp tokens/s (llama_cpp directly, alternating question by
question with the bot so both see the same machine load), the bot's tokens/s through
the whole pipeline (Conversation -> Answerer -> ModelGate -> LlamaCppModel; target overhead
<= 5%), time to first token through the pipeline (target <= 0.5 s), knowledge retrieval
latency (target <= 2 ms), and throughput with 8 concurrent askers.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report import print_table, summary_ms, write_json  # noqa: E402
from bot.app import open_runtime  # noqa: E402
from bot.core.conversation import Request, Streamed  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from llm import Evidence, Fact, KnowledgeBase, build_messages, check_claims  # noqa: E402
from llm.claims import Definition, sentences  # noqa: E402
from llm.prompts import language_of  # noqa: E402

MODEL = ROOT / "var" / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
QUESTIONS = [
    "what is RSI?",
    "what is a limit order?",
    "how does a trailing stop work?",
    "what is slippage?",
    "what is a rug pull?",
    "what is a seed phrase?",
    "what is the funding rate?",
    "what is position sizing?",
]
ROUNDS = 2


def raw_answer(
    llama: object, question: str, kb: KnowledgeBase, max_tokens: int
) -> tuple[float, float | None]:
    """Return (time to first token, tokens/s) of llama.cpp alone on the bot's prompt."""
    messages = build_messages(question, [h.entry for h in kb.search(question, 2)], [])
    chat = [{"role": m.role.value, "content": m.content} for m in messages]
    start = time.perf_counter()
    first = None
    n = 0
    for chunk in llama.create_chat_completion(  # type: ignore[attr-defined]
        messages=chat, max_tokens=max_tokens, temperature=0.1, stop=["\n###", "\n\n\n"], stream=True
    ):
        if chunk["choices"][0]["delta"].get("content"):
            n += 1
            first = first or time.perf_counter()
    end = time.perf_counter()
    rate = (n - 1) / (end - first) if first and n > 1 else None
    return (first or end) - start, rate


async def bot_answer(
    runtime: object, user_id: int, question: str
) -> tuple[float, float | None, int]:
    """Return (time to first token, tokens/s, tokens) of one answer through the bot."""
    start = time.perf_counter()
    [resp] = await runtime.conversation.handle(  # type: ignore[attr-defined]
        Request(user_id=user_id, chat_id=user_id, text=question)
    )
    assert isinstance(resp, Streamed)
    first = None
    n = 0
    async for _ in resp.tokens:
        n += 1
        first = first or time.perf_counter()
    end = time.perf_counter()
    await resp.final()
    rate = (n - 1) / (end - first) if first and n > 1 else None
    return (first or end) - start, rate, n


def claim_check_times(kb: KnowledgeBase, facts: list[str], rounds: int = 25) -> list[float]:
    """Return seconds per claim check on answers as long as the bot keeps (3 sentences)."""
    cases = []
    for q in [*QUESTIONS, "ビットコインとは？", "損切りとは？"]:
        hits = kb.search(q, 2)
        language = language_of(q)
        notes = tuple(h.entry.text_in(language) for h in hits)
        defs = tuple(Definition((h.entry.title.lower(),), h.entry.text) for h in hits)
        answer = " ".join(sentences(notes[0])[:3]) if notes else q
        cases.append((answer, Evidence(notes, tuple(facts), q, defs), language == "ja"))
    times = []
    for _ in range(rounds):
        for answer, evidence, japanese in cases:
            t = time.perf_counter()
            check_claims(answer, evidence, japanese=japanese)
            times.append(time.perf_counter() - t)
    return times


async def pipeline(data_dir: str) -> dict[str, object]:
    """Alternate raw and pipeline answers (same load for both), then retrieval and 8 askers."""
    from llama_cpp import Llama

    settings = load_settings(data_dir=Path(data_dir), model_path=MODEL, llm_timeout_s=120)
    runtime = await open_runtime(settings)
    llama = Llama(
        model_path=str(MODEL), n_ctx=2048, n_threads=2, n_threads_batch=2, seed=7, verbose=False
    )
    kb = runtime.services.answers.knowledge  # type: ignore[union-attr]
    try:
        await runtime.services.chat_model.load()  # type: ignore[union-attr]
        await bot_answer(runtime, 999, "what is a stop-loss?")  # warm-up, not measured
        raw_answer(llama, "what is a stop-loss?", kb, 8)
        ttft, raw_ttft, rates, raw = [], [], [], []
        for round_ in range(ROUNDS):
            for i, q in enumerate(QUESTIONS):
                first, rate, n = await bot_answer(runtime, 1 + i + 100 * round_, q)
                raw_first, raw_r = raw_answer(llama, q, kb, n)
                ttft.append(first)
                raw_ttft.append(raw_first)
                if raw_r and rate:
                    raw.append(raw_r)
                    rates.append(rate)
        claims = claim_check_times(kb, [f.text for f in await facts_of(runtime)])
        retrieval = []
        for _ in range(50):
            for q in QUESTIONS:
                t = time.perf_counter()
                kb.search(q, 2)
                retrieval.append(time.perf_counter() - t)
        start = time.perf_counter()
        results = await asyncio.gather(
            *(bot_answer(runtime, 1000 + i, QUESTIONS[i % len(QUESTIONS)]) for i in range(8))
        )
        wall = time.perf_counter() - start
        return {
            "ttft": ttft,
            "raw_ttft": raw_ttft,
            "raw": statistics.median(raw),
            "rate": statistics.median(rates),
            "retrieval": retrieval,
            "claims": claims,
            "concurrent_wall_s": wall,
            "concurrent_first_s": [r[0] for r in results],
        }
    finally:
        llama.close()
        await runtime.close()


async def facts_of(runtime: object) -> list[Fact]:
    """Return the live facts the bot gives for BTC (price, change, TA)."""
    source = runtime.services.answers.fact_source  # type: ignore[attr-defined]
    return list(await source.facts("BTC/USDT", "1h"))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        res = asyncio.run(pipeline(tmp))
    raw = float(res["raw"])  # type: ignore[arg-type]
    rate = float(res["rate"])  # type: ignore[arg-type]
    overhead = (raw - rate) / raw * 100
    ttft = summary_ms(res["ttft"])  # type: ignore[arg-type]
    raw_ttft = summary_ms(res["raw_ttft"])  # type: ignore[arg-type]
    retrieval = summary_ms(res["retrieval"])  # type: ignore[arg-type]
    claims = summary_ms(res["claims"])  # type: ignore[arg-type]
    wall = float(res["concurrent_wall_s"])  # type: ignore[arg-type]
    firsts: list[float] = res["concurrent_first_s"]  # type: ignore[assignment]
    rows = [
        {"metric": "raw llama.cpp tokens/s", "value": f"{raw:.1f}", "target": ""},
        {"metric": "pipeline tokens/s", "value": f"{rate:.1f}", "target": ""},
        {"metric": "pipeline overhead %", "value": f"{overhead:.1f}", "target": "<= 5"},
        {"metric": "raw llama.cpp first token p50 ms", "value": raw_ttft["p50_ms"], "target": ""},
        {"metric": "time to first token p50 ms", "value": ttft["p50_ms"], "target": "<= 500"},
        {"metric": "time to first token p95 ms", "value": ttft["p95_ms"], "target": "<= 500"},
        {"metric": "retrieval p50 ms", "value": retrieval["p50_ms"], "target": "<= 2"},
        {"metric": "retrieval p99 ms", "value": retrieval["p99_ms"], "target": "<= 2"},
        {"metric": "claim check per answer p50 ms", "value": claims["p50_ms"], "target": "<= 5"},
        {"metric": "claim check per answer p99 ms", "value": claims["p99_ms"], "target": "<= 5"},
        {"metric": "8 concurrent askers: wall s", "value": f"{wall:.2f}", "target": ""},
        {"metric": "8 concurrent askers: answers/s", "value": f"{8 / wall:.2f}", "target": ""},
        {
            "metric": "8 concurrent askers: first token p50 / max s",
            "value": f"{statistics.median(firsts):.2f} / {max(firsts):.2f}",
            "target": "",
        },
        {
            "metric": "load average (1 min) at end",
            "value": f"{os.getloadavg()[0]:.1f}",
            "target": "",
        },
    ]
    print_table("Q&A on the bundled SmolLM2-135M (2 threads)", rows)
    write_json(
        "llm",
        {
            "rows": rows,
            "ttft": ttft,
            "raw_ttft": raw_ttft,
            "retrieval": retrieval,
            "claims": claims,
        },
    )


if __name__ == "__main__":
    main()
